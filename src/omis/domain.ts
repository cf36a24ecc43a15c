/** OMIS orders' manifest: their routes. */
import type { Domain } from "../manifest.ts";
import { registerOmisRoutes } from "./handlers.ts";

export const omisDomain: Domain = { name: "omis", register: registerOmisRoutes };

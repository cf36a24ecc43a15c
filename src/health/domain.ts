/** The health check's manifest: `/pingdom/ping.xml`. */
import type { Domain } from "../manifest.ts";
import { registerHealthRoutes } from "./handlers.ts";

export const healthDomain: Domain = { name: "health", register: registerHealthRoutes };

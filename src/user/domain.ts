/** The signed-in user's manifest: `/whoami/`. */
import type { Domain } from "../manifest.ts";
import { registerUserRoutes } from "./handlers.ts";

export const userDomain: Domain = { name: "user", register: registerUserRoutes };

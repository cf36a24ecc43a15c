/** Company objectives' manifest: their routes. */
import type { Domain } from "../manifest.ts";
import { registerObjectiveRoutes } from "./handlers.ts";

export const objectiveDomain: Domain = { name: "objective", register: registerObjectiveRoutes };

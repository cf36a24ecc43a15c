/** Investment projects' evidence documents (the original's `evidence` app): their routes. */
import type { Domain } from "../manifest.ts";
import { registerEvidenceRoutes } from "./handlers.ts";

export const evidenceDomain: Domain = {
  name: "evidence",
  register: registerEvidenceRoutes,
};

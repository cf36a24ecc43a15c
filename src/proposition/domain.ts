/** Propositions' manifest: their routes under a project and `GET /v4/proposition`. */
import type { Domain } from "../manifest.ts";
import { registerPropositionRoutes } from "./handlers.ts";

export const propositionDomain: Domain = {
  name: "proposition",
  register: registerPropositionRoutes,
};

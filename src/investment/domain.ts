/**
 * Investment projects' manifest: the `/v3/investment…` routes; interaction documents
 * embed their project (name, sector); projects are evidence of adviser activity and keep
 * their investor companies from automatic archiving.
 */
import type { Domain } from "../manifest.ts";
import { registerInvestmentRoutes } from "./handlers.ts";
import {
  companiesWithProjects,
  interactionIdsOfProject,
  projectAdviserActivity,
} from "./queries.ts";

export const investmentDomain: Domain = {
  name: "investment",
  register: registerInvestmentRoutes,
  embeddings: [
    { embedded: "investment_project", entity: "interaction", find: interactionIdsOfProject },
  ],
  adviserActivity: projectAdviserActivity,
  companiesInUse: companiesWithProjects,
};

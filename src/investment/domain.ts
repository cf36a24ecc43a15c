/**
 * Investment projects' manifest: the `/v3/investment…` routes; projects are evidence of
 * adviser activity and keep their investor companies from automatic archiving.
 */
import type { Domain } from "../manifest.ts";
import { registerInvestmentRoutes } from "./handlers.ts";
import { companiesWithProjects, projectAdviserActivity } from "./queries.ts";

export const investmentDomain: Domain = {
  name: "investment",
  register: registerInvestmentRoutes,
  adviserActivity: projectAdviserActivity,
  companiesInUse: companiesWithProjects,
};

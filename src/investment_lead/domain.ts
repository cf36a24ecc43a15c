/** Expand Your Business leads' manifest: their read routes and their dataset. */
import type { Domain } from "../manifest.ts";
import { registerLeadRoutes } from "./handlers.ts";
import { eybLeadsDataset } from "./dataset.ts";

export const investmentLeadDomain: Domain = {
  name: "investment_lead",
  register: registerLeadRoutes,
  datasets: [eybLeadsDataset],
};

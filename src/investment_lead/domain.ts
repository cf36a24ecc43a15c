/** Expand Your Business leads' manifest: their read routes. */
import type { Domain } from "../manifest.ts";
import { registerLeadRoutes } from "./handlers.ts";

export const investmentLeadDomain: Domain = {
  name: "investment_lead",
  register: registerLeadRoutes,
};

/**
 * Expand Your Business leads' manifest: their read routes, their dataset, and the hourly
 * ingestion from Data Flow's bucket (triage, then user, then marketing objects).
 */
import type { Domain } from "../manifest.ts";
import { registerLeadRoutes } from "./handlers.ts";
import { eybLeadsDataset } from "./dataset.ts";
import { schedule } from "../jobs/scheduler.ts";
import { eybIdentification, eybIngestion } from "./jobs.ts";

export const investmentLeadDomain: Domain = {
  name: "investment_lead",
  register: registerLeadRoutes,
  datasets: [eybLeadsDataset],
  jobs: [eybIngestion],
  schedules: [
    schedule("eyb_triage_identification_task", "0 * * * *", eybIdentification, {
      payload: { component: "triage" },
    }),
  ],
};

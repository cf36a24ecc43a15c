/**
 * The company activity timeline's manifest: its search app, whose documents embed their
 * company, interaction, referral, investment project or EYB lead (writes to those
 * re-index the activity); and the
 * Stova events (detail route, ingestion jobs and the command that starts them).
 */
import type { Domain } from "../manifest.ts";
import { companyActivitySearchApp } from "./search.ts";
import { registerCompanyActivityRoutes } from "./handlers.ts";
import { stovaEventIdentificationJob, stovaEventIngestionJob } from "./jobs.ts";
import { ingestStovaEventsCommand } from "./commands.ts";
import {
  activityIdsOfCompany,
  activityIdsOfEybLead,
  activityIdsOfInteraction,
  activityIdsOfInvestment,
  activityIdsOfReferral,
} from "./queries.ts";

const entity = companyActivitySearchApp.name;

export const companyActivityDomain: Domain = {
  name: "company_activity",
  register: registerCompanyActivityRoutes,
  jobs: [stovaEventIdentificationJob, stovaEventIngestionJob],
  commands: { "ingest-stova-events": ingestStovaEventsCommand },
  searchApps: [companyActivitySearchApp],
  embeddings: [
    { embedded: "interaction", entity, find: activityIdsOfInteraction },
    { embedded: "company_referral", entity, find: activityIdsOfReferral },
    { embedded: "company", entity, find: activityIdsOfCompany },
    { embedded: "investment_project", entity, find: activityIdsOfInvestment },
    { embedded: "eyb_lead", entity, find: activityIdsOfEybLead },
  ],
};

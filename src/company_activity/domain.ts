/**
 * The company activity timeline's manifest: its search app, whose documents embed their
 * company, interaction, referral, investment project, OMIS order, great.gov.uk export
 * enquiry or EYB lead (writes to those re-index the activity); the Stova events (detail
 * route) and the Data Flow ingestions: Stova events and attendees (unscheduled, as the
 * original; commands start them) and great.gov.uk export enquiries (hourly).
 */
import type { Domain } from "../manifest.ts";
import { schedule } from "../jobs/scheduler.ts";
import { companyActivitySearchApp } from "./search.ts";
import { registerCompanyActivityRoutes } from "./handlers.ts";
import { stovaEventIdentificationJob, stovaEventIngestionJob } from "./jobs.ts";
import { stovaAttendeeIdentificationJob, stovaAttendeeIngestionJob } from "./stova_attendees.ts";
import { greatIdentificationJob, greatIngestionJob } from "./great.ts";
import { ingestStovaAttendeesCommand, ingestStovaEventsCommand } from "./commands.ts";
import {
  activityIdsOfCompany,
  activityIdsOfEybLead,
  activityIdsOfGreatExportEnquiry,
  activityIdsOfInteraction,
  activityIdsOfInvestment,
  activityIdsOfOrder,
  activityIdsOfReferral,
} from "./queries.ts";

const entity = companyActivitySearchApp.name;

export const companyActivityDomain: Domain = {
  name: "company_activity",
  register: registerCompanyActivityRoutes,
  jobs: [
    stovaEventIdentificationJob,
    stovaEventIngestionJob,
    stovaAttendeeIdentificationJob,
    stovaAttendeeIngestionJob,
    greatIdentificationJob,
    greatIngestionJob,
  ],
  schedules: [
    schedule("company_activity_identification_task", "0 * * * *", greatIdentificationJob),
  ],
  commands: {
    "ingest-stova-events": ingestStovaEventsCommand,
    "ingest-stova-attendees": ingestStovaAttendeesCommand,
  },
  searchApps: [companyActivitySearchApp],
  embeddings: [
    { embedded: "interaction", entity, find: activityIdsOfInteraction },
    { embedded: "company_referral", entity, find: activityIdsOfReferral },
    { embedded: "company", entity, find: activityIdsOfCompany },
    { embedded: "investment_project", entity, find: activityIdsOfInvestment },
    { embedded: "order", entity, find: activityIdsOfOrder },
    { embedded: "great_export_enquiry", entity, find: activityIdsOfGreatExportEnquiry },
    { embedded: "eyb_lead", entity, find: activityIdsOfEybLead },
  ],
};

/**
 * Contacts' manifest: routes and search, the nightly archive of contacts of archived
 * companies, contact documents embedding their company, and advisers' activity.
 */
import type { Domain } from "../manifest.ts";
import { schedule } from "../jobs/scheduler.ts";
import { NIGHTLY } from "../adviser/jobs.ts";
import { registerContactRoutes } from "./handlers.ts";
import { contactSearchApp } from "./search.ts";
import { automaticContactArchive } from "./jobs.ts";
import { contactAdviserActivity, contactIdsOfCompany } from "./queries.ts";
import { contactsDataset } from "./dataset.ts";

export const contactDomain: Domain = {
  name: "contact",
  register: registerContactRoutes,
  searchApps: [contactSearchApp],
  schedules: [
    schedule("automatic_contact_archive", "0 19 * * *", automaticContactArchive, {
      payload: NIGHTLY,
      enabledBy: "ENABLE_AUTOMATIC_CONTACT_ARCHIVE",
    }),
  ],
  embeddings: [{ embedded: "company", entity: "contact", find: contactIdsOfCompany }],
  adviserActivity: contactAdviserActivity,
  datasets: [contactsDataset],
  cacheSources: [{ table: "company_contact", cache: "contact", column: "id" }],
};

/**
 * The registry of search apps: the one place an entity's search is plugged in (one
 * line each). Routes, global search, the change-feed sync and the CLI read this list.
 */
import type { SearchApp } from "./app.ts";
import { adviserSearchApp } from "../adviser/search.ts";
import { companySearchApp } from "../company/search.ts";
import { contactSearchApp } from "../contact/search.ts";
import { interactionSearchApp } from "../interaction/search.ts";
import { createSearchDomain } from "./routes.ts";
import { createSearchJobs } from "./jobs.ts";

export const searchApps: SearchApp[] = [
  adviserSearchApp,
  companySearchApp,
  contactSearchApp,
  interactionSearchApp,
];

/** Sync jobs over the registered apps (listed in src/jobs/registry.ts). */
export const searchJobs = createSearchJobs(searchApps);

/** The search routes of the registered apps (listed in src/domains.ts). */
export const searchDomain = {
  ...createSearchDomain(searchApps),
  middleware: [searchJobs.syncAfterWrites],
};

/**
 * The registry of jobs and schedules: the one place a domain plugs its background work
 * in, one line each, as src/domains.ts does for routes. It is the only module under
 * src/jobs that imports domains; the queue, worker and scheduler receive these lists.
 *
 * A schedule is one line of the table below, gated like the original's ENABLE_*
 * variables. Jobs that span domains (deactivation, archiving) take each domain's
 * contribution from the lists here.
 *
 * Jobs a schedule names are registered with it; list other jobs in `jobs`.
 */
import type { AnyJob } from "./definition.ts";
import { type Schedule, schedule } from "./scheduler.ts";
import { queueHealthCheck } from "./heartbeat.ts";
import { searchJobs } from "../search/registry.ts";
import { createAdviserDeactivation } from "../adviser/jobs.ts";
import { createCompanyArchive } from "../company/jobs.ts";
import { automaticContactArchive } from "../contact/jobs.ts";
import { companyAdviserActivity } from "../company/queries.ts";
import { contactAdviserActivity } from "../contact/queries.ts";
import {
  companiesWithRecentInteractions,
  interactionAdviserActivity,
} from "../interaction/queries.ts";

/** Evidence that an adviser still uses Data Hub, one entry per domain. */
const adviserActivity = [
  companyAdviserActivity,
  contactAdviserActivity,
  interactionAdviserActivity,
];
/** What keeps a company from automatic archiving, one entry per domain. */
const companiesInUse = [companiesWithRecentInteractions];
const nightly = { limit: 20000, simulate: false };

/** Every schedule, cron in UTC (the original's cron-scheduler.py table). */
export const schedules: Schedule[] = [
  schedule("queue_health_check", "*/10 * * * *", queueHealthCheck),
  schedule("search_sync_changes", "* * * * *", searchJobs.syncSearchChanges),
  schedule("sync_all_models", "0 1 * * *", searchJobs.syncAllModels, {
    enabledBy: "ENABLE_DAILY_OPENSEARCH_SYNC",
  }),
  schedule("automatic_company_archive", "0 19 * * *", createCompanyArchive(companiesInUse), {
    payload: nightly,
    enabledBy: "ENABLE_AUTOMATIC_COMPANY_ARCHIVE",
  }),
  schedule("automatic_contact_archive", "0 19 * * *", automaticContactArchive, {
    payload: nightly,
    enabledBy: "ENABLE_AUTOMATIC_CONTACT_ARCHIVE",
  }),
  schedule(
    "automatic_adviser_deactivate",
    "0 19 * * *",
    createAdviserDeactivation(adviserActivity),
    {
      payload: nightly,
      enabledBy: "ENABLE_ADVISER_DEACTIVATION",
    },
  ),
];

/** Jobs that are queued by code rather than (only) by a schedule. */
const queuedJobs: AnyJob[] = [];

/** Every job a worker can run; two different jobs may not share a name. */
export const jobs: AnyJob[] = uniqueByName([...queuedJobs, ...schedules.map((s) => s.job)]);

function uniqueByName(list: AnyJob[]): AnyJob[] {
  const byName = new Map<string, AnyJob>();
  for (const job of list) {
    const known = byName.get(job.name);
    if (known && known !== job) throw new Error(`two jobs are named "${job.name}"`);
    byName.set(job.name, job);
  }
  return [...byName.values()];
}

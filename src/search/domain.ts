/**
 * The search engine's own manifest, made for the apps the domains declare: the search
 * routes, the sync after writes, the sync schedules and the search commands.
 */
import type { Domain } from "../manifest.ts";
import { schedule } from "../jobs/scheduler.ts";
import type { SearchApp } from "./app.ts";
import { registerSearchRoutes } from "./routes.ts";
import { createSearchJobs } from "./jobs.ts";
import { createSearchCommands } from "./commands.ts";

export function createSearchDomain(apps: SearchApp[]): Domain {
  const jobs = createSearchJobs(apps);
  return {
    name: "search",
    register: (app) => registerSearchRoutes(app, apps),
    middleware: [jobs.syncAfterWrites],
    schedules: [
      schedule("search_sync_changes", "* * * * *", jobs.syncSearchChanges),
      schedule("sync_all_models", "0 1 * * *", jobs.syncAllModels, {
        enabledBy: "ENABLE_DAILY_OPENSEARCH_SYNC",
      }),
    ],
    commands: createSearchCommands(apps),
  };
}

/**
 * Search sync as background jobs: consume the change feed after writes (and every
 * minute as a safety net, so rows left by a process that died after commit are still
 * indexed), and rebuild every app nightly when ENABLE_DAILY_OPENSEARCH_SYNC is set.
 * Built for the registry's apps by src/search/domain.ts.
 */
import { z } from "zod";
import type { MiddlewareHandler } from "hono";
import { defineJob, HALF_DAY_MS } from "../jobs/definition.ts";
import type { AppEnv } from "../http/context.ts";
import type { SearchApp } from "./app.ts";
import { searchBackend } from "./engine.ts";
import { rebuildApp, syncChanges } from "./sync.ts";
import { recordedChanges } from "../core/change_feed.ts";

export function createSearchJobs(apps: SearchApp[]) {
  const syncSearchChanges = defineJob({
    name: "search.sync_changes",
    payload: z.object({}),
    maxAttempts: 8,
    timeoutMs: 600_000,
    run: async (_, { deps }) => {
      await syncChanges(deps.sql, searchBackend(deps), { apps, log: deps.log, allApps: true });
    },
  });

  /** The original's nightly `sync_all_models`: rebuild every search app from the database. */
  const syncAllModels = defineJob({
    name: "sync_all_models",
    payload: z.object({}),
    queue: "long-running",
    maxAttempts: 2,
    timeoutMs: HALF_DAY_MS,
    run: async (_, { deps }) => {
      const backend = searchBackend(deps);
      for (const app of apps) await rebuildApp(deps.sql, backend, app, { log: deps.log });
    },
  });

  /**
   * After a request that recorded changes commits, queue a sync of them (one job per
   * writing request, none for reads such as searches).
   */
  const syncAfterWrites: MiddlewareHandler<AppEnv> = async (c, next) => {
    await next();
    if (c.res.status < 400 && recordedChanges(c.var.db)) {
      c.var.afterCommit(() => c.var.deps.jobs.enqueue(syncSearchChanges, {}));
    }
  };

  return { syncSearchChanges, syncAllModels, syncAfterWrites };
}

/**
 * Runs the same search behaviour tests on every available backend: PostgreSQL always,
 * OpenSearch when OPENSEARCH_URL is set (skipped otherwise), each test on fresh indices.
 */
import { testApp, type TestContext } from "../helpers/app.ts";
import { searchBackend } from "../../src/search/engine.ts";
import type { SearchBackend } from "../../src/search/backend.ts";
import type { SearchApp } from "../../src/search/app.ts";
import { syncChanges } from "../../src/search/sync.ts";

const OPENSEARCH_URL = Deno.env.get("OPENSEARCH_URL");

export const backendsUnderTest: { name: string; env: Record<string, string>; ignore: boolean }[] = [
  { name: "postgres", env: {}, ignore: false },
  {
    name: "opensearch",
    env: { SEARCH_BACKEND: "opensearch", OPENSEARCH_URL: OPENSEARCH_URL ?? "http://unset" },
    ignore: !OPENSEARCH_URL,
  },
];

export interface SearchTestContext extends TestContext {
  backend: SearchBackend;
  /**
   * Consumes the change feed and makes the writes visible. Waits first for the sync jobs
   * the writes queued: a running one holds rows this sync would skip (`skip locked`).
   */
  sync(): Promise<void>;
}

/** A test app on `env`'s backend with these apps' storage created (fresh index prefix). */
export async function searchTestApp(
  env: Record<string, string>,
  apps: SearchApp[],
): Promise<SearchTestContext> {
  const ctx = await testApp({
    env: { ...env, OPENSEARCH_INDEX_PREFIX: `test-${crypto.randomUUID().slice(0, 8)}` },
  });
  const backend = searchBackend(ctx.deps);
  await backend.migrate(ctx.sql, apps);
  return {
    ...ctx,
    backend,
    sync: async () => {
      await ctx.deps.jobs.idle();
      await syncChanges(ctx.sql, backend, { apps });
      await backend.refresh(apps);
    },
  };
}

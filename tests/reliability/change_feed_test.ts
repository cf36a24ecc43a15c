/**
 * The change feed cannot grow without bound (issue #13, finding 9): rows of entities with
 * no search app (objectives, pipeline items, exports, list items) are consumed by the
 * sync job along with the rest; a sync of only some apps leaves other apps' rows alone.
 */
import assert from "node:assert/strict";
import { testApp } from "../helpers/app.ts";
import { registry } from "../../src/domains.ts";
import { syncChanges } from "../../src/search/sync.ts";
import { searchBackend } from "../../src/search/engine.ts";

const syncSearchChanges = registry.jobs.find((j) => j.name === "search.sync_changes")!;

Deno.test("change feed: rows with no search app are consumed by the sync job", async () => {
  const ctx = await testApp();
  const { sql } = ctx;
  try {
    const orphans = ["objective", "pipeline_item", "company_export", "company_list_item"];
    for (const entity of [...orphans, "company"]) {
      await sql`insert into change_feed (entity, entity_id, operation)
        values (${entity}, ${crypto.randomUUID()}, 'upsert')`;
    }
    const entities = async () =>
      (await sql<{ entity: string }[]>`select entity from change_feed order by entity`)
        .map((r) => r.entity);

    // A sync of some apps (sync-search --changes --model adviser) consumes only theirs.
    const adviser = registry.searchApps.filter((a) => a.name === "adviser");
    await syncChanges(sql, searchBackend(ctx.deps), { apps: adviser });
    assert.equal((await entities()).length, 5);

    await syncSearchChanges.run({}, {
      deps: ctx.deps,
      jobId: "test",
      attempt: 1,
      signal: new AbortController().signal,
    });
    assert.deepEqual(await entities(), []);
  } finally {
    await ctx.close();
  }
});

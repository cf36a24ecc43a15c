import assert from "node:assert/strict";
import { createAdviser, testApp } from "../helpers/app.ts";
import { recordChanges } from "../../src/core/change_feed.ts";
import { adviserSearchApp } from "../../src/adviser/search.ts";
import { PostgresBackend } from "../../src/search/postgres.ts";
import { rebuildApp, syncChanges } from "../../src/search/sync.ts";

Deno.test("search sync from the change feed and full rebuilds", async (t) => {
  const ctx = await testApp();
  const { sql } = ctx;
  const backend = new PostgresBackend();
  const apps = [adviserSearchApp];
  const docs = () => sql<{ id: string }[]>`select id::text from search_adviser order by id`;

  await t.step("batches in id order; duplicates and vanished rows handled", async () => {
    const advisers = await Promise.all([1, 2, 3].map(() => createAdviser(sql)));
    const gone = crypto.randomUUID();
    await recordChanges(sql, [
      ...advisers.map((a) => ({ entity: "adviser", id: a.id })),
      { entity: "adviser", id: advisers[0].id },
      { entity: "adviser", id: gone },
    ]);
    const totals = await syncChanges(sql, backend, { apps, batchSize: 2 });
    assert.equal(totals.consumed, 5);
    assert.equal((await docs()).length, 3);
    const [{ left }] = await sql`select count(*)::int as left from change_feed`;
    assert.equal(left, 0);
  });

  await t.step("rows of entities without a registered app wait for it", async () => {
    await recordChanges(sql, [{ entity: "company", id: crypto.randomUUID() }]);
    const totals = await syncChanges(sql, backend, { apps });
    assert.equal(totals.consumed, 0);
    const [{ left }] = await sql`select count(*)::int as left from change_feed`;
    assert.equal(left, 1);
  });

  await t.step("a failed write leaves the change rows for the next run", async () => {
    const adviser = await createAdviser(sql);
    await recordChanges(sql, [{ entity: "adviser", id: adviser.id }]);
    const failing = {
      ...adviserSearchApp,
      build: () => Promise.reject(new Error("boom")),
      documentsQuery: undefined,
    };
    await assert.rejects(syncChanges(sql, backend, { apps: [failing] }), /boom/);
    const [{ left }] = await sql`
      select count(*)::int as left from change_feed where entity = 'adviser'`;
    assert.equal(left, 1);
    await syncChanges(sql, backend, { apps });
  });

  await t.step("a rebuild indexes every row and drops documents of deleted rows", async () => {
    await sql`delete from search_adviser`;
    await sql`delete from search_count where app = ${"adviser"}`;
    const progress: number[] = [];
    const indexed = await rebuildApp(sql, backend, { ...adviserSearchApp, bulkBatchSize: 2 }, {
      onProgress: (done) => progress.push(done),
    });
    const [{ total }] = await sql`select count(*)::int as total from company_advisor`;
    assert.equal(indexed, total);
    assert.equal(progress.at(-1), total);
    const [victim] = await docs();
    await sql`delete from company_advisor where id = ${victim.id}`;
    await rebuildApp(sql, backend, adviserSearchApp);
    assert.ok(!(await docs()).some((d) => d.id === victim.id));
  });

  await ctx.close();
});

/**
 * One poisoned document never stops search indexing (issue #13): a company whose
 * trading names hold ~1 MB of distinct words (a tsvector over PostgreSQL's 1 MB limit
 * used to fail its whole sync batch, and every later one) is indexed with capped words
 * next to the others; a document that fails on its data is quarantined, listed and
 * released once it indexes, while the rest of its batch is indexed.
 */
import assert from "node:assert/strict";
import { testApp } from "../helpers/app.ts";
import { recordChanges } from "../../src/core/change_feed.ts";
import { companySearchApp } from "../../src/company/search.ts";
import { PostgresBackend } from "../../src/search/postgres.ts";
import { syncChanges } from "../../src/search/sync.ts";
import { listQuarantined } from "../../src/search/quarantine.ts";
import type { SearchApp } from "../../src/search/app.ts";

Deno.test("a poisoned document never stops search indexing (postgres)", async (t) => {
  const ctx = await testApp();
  const { sql } = ctx;
  const backend = new PostgresBackend();
  const company = async (name: string, tradingNames: string[] = []) => {
    const [row] = await sql<{ id: string }[]>`
      insert into company_company (name, trading_names) values (${name}, ${tradingNames})
      returning id::text`;
    return row.id;
  };
  const search = (app: SearchApp, term: string) =>
    backend.search(sql, {
      app,
      term,
      filters: [],
      scope: null,
      sort: null,
      offset: 0,
      limit: 10,
    });

  await t.step("~1 MB of distinct words: every document of the batch indexed", async () => {
    let n = 0;
    const word = () => `w${(n++).toString(36)}x${"q".repeat(4)}`;
    const poison = Array.from(
      { length: 5000 },
      () => Array.from({ length: 24 }, word).join(" ").slice(0, 255),
    );
    assert.ok(poison.join(" ").length > 650_000);
    const ids = [
      await company("Quokka Foods Ltd"),
      await company("Poisoned Holdings", poison),
      await company("Quokka Freight Ltd"),
    ];
    await recordChanges(sql, ids.map((id) => ({ entity: "company", id })));
    const totals = await syncChanges(sql, backend, { apps: [companySearchApp] });
    assert.equal(totals.upserted, 3);
    assert.equal((await search(companySearchApp, "quokka")).count, 2);
    assert.equal((await search(companySearchApp, "poisoned")).count, 1);
    const [{ left }] = await sql`select count(*)::int as left from change_feed`;
    assert.equal(left, 0);
  });

  await t.step("a document failing on its data is quarantined, not its batch", async () => {
    const bad = await company("Wombat Broken Ltd");
    const good = [await company("Wombat Trading Ltd"), await company("Wombat Tools Ltd")];
    let broken = true;
    // The document build hits a data error (SQLSTATE 22012) for one row only.
    // A batch is built inside its INSERT (documentsQuery); a retry of one document, by build.
    const app: SearchApp = {
      ...companySearchApp,
      build: async (db, ids) => {
        if (broken && ids.includes(bad)) await db`select 1 / 0`;
        return companySearchApp.build(db, ids);
      },
      documentsQuery: (db, ids) =>
        broken && ids.includes(bad)
          ? db`select (1 / 0)::text::jsonb as doc`
          : companySearchApp.documentsQuery!(db, ids),
    };
    await recordChanges(sql, [bad, ...good].map((id) => ({ entity: "company", id })));
    const totals = await syncChanges(sql, backend, { apps: [app] });
    assert.deepEqual([totals.upserted, totals.quarantined], [2, 1]);
    assert.equal((await search(app, "wombat")).count, 2);
    const quarantined = await listQuarantined(sql);
    assert.deepEqual(quarantined.map((q) => [q.entity, q.entity_id]), [["company", bad]]);
    assert.match(quarantined[0].error, /division by zero/);
    const [{ left }] = await sql`select count(*)::int as left from change_feed`;
    assert.equal(left, 0);

    broken = false;
    await recordChanges(sql, [{ entity: "company", id: bad }]);
    await syncChanges(sql, backend, { apps: [app] });
    assert.equal((await search(app, "wombat")).count, 3);
    assert.equal((await listQuarantined(sql)).length, 0);
  });

  await ctx.close();
});

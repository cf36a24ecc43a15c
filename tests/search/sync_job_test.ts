import assert from "node:assert/strict";
import type { App } from "../../src/http/context.ts";
import { recordChanges } from "../../src/core/change_feed.ts";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import { registry } from "../../src/domains.ts";

const { schedules } = registry;

/** A write route standing in for any domain's: renames an adviser and records the change. */
const renameRoute = {
  name: "test-rename",
  register(app: App) {
    app.post("/test/adviser/:id/rename/:name", async (c) => {
      const { id, name } = c.req.param();
      await c.var.db`update company_advisor set first_name = ${name} where id = ${id}`;
      await recordChanges(c.var.db, [{ entity: "adviser", id }]);
      if (name === "Rollback") return c.json({ detail: "refused" }, 400);
      return c.json({ ok: true });
    });
  },
};

Deno.test("search sync runs as a job after each committed write", async (t) => {
  const ctx = await testApp({ domains: [renameRoute] });
  const searcher = await createAdviser(ctx.sql, { permissions: ["company.view_advisor"] });
  const target = await createAdviser(ctx.sql, { firstName: "Plain", lastName: "Person" });
  const search = (query: string) =>
    call(ctx.app, "POST", "/v4/search/adviser", {
      token: searcher.token,
      body: { original_query: query },
    });

  await t.step("a committed write is searchable once the queued sync job has run", async () => {
    const res = await call(ctx.app, "POST", `/test/adviser/${target.id}/rename/Zebedee`, {
      token: searcher.token,
    });
    assert.equal(res.status, 200);
    await ctx.deps.jobs.idle();
    const found = await search("Zebedee");
    assert.equal(found.status, 200);
    assert.deepEqual(found.body.results.map((r: { id: string }) => r.id), [target.id]);
    const [{ pending }] = await ctx.sql`select count(*)::int as pending from change_feed`;
    assert.equal(pending, 0);
  });

  await t.step("a rolled-back write leaves neither a feed row nor a document change", async () => {
    await call(ctx.app, "POST", `/test/adviser/${target.id}/rename/Rollback`, {
      token: searcher.token,
    });
    await ctx.deps.jobs.idle();
    assert.equal((await search("Rollback")).body.count, 0);
    assert.equal((await search("Zebedee")).body.count, 1);
  });

  await t.step("the schedule table syncs every minute and resyncs nightly behind its flag", () => {
    const byName = new Map(schedules.map((s) => [s.name, s]));
    assert.equal(byName.get("search_sync_changes")?.cron, "* * * * *");
    assert.equal(byName.get("sync_all_models")?.enabledBy, "ENABLE_DAILY_OPENSEARCH_SYNC");
  });

  await ctx.close();
});

/**
 * Large capital searches on each backend: profiles and opportunities written through the
 * API, a few filters and sort choices, and the CSV exports.
 */
import assert from "node:assert/strict";
import { call, createAdviser } from "../helpers/app.ts";
import { opportunitySearchApp, profileSearchApp } from "../../src/large_capital/search.ts";
import { backendsUnderTest, searchTestApp } from "../search/support.ts";

for (const { name: backendName, env, ignore } of backendsUnderTest) {
  Deno.test({ name: `large capital search (${backendName})`, ignore }, async (t) => {
    const ctx = await searchTestApp(
      { ...env, DATAHUB_FRONTEND_BASE_URL: "https://datahub.example" },
      [profileSearchApp, opportunitySearchApp],
    );
    const { app, sql } = ctx;
    const user = await createAdviser(sql, { superuser: true });
    const viewer = await createAdviser(sql, {
      permissions: ["opportunity.view_largecapitalopportunity"],
    });
    const companies = await sql<{ id: string }[]>`
      insert into company_company (name, created_on)
      values ('Northern Pension Fund', now()), ('Southern Capital', now()) returning id`;
    const settle = async () => {
      await ctx.deps.jobs.idle();
      await ctx.sync();
    };
    for (const [i, capital] of [[0, 500], [1, 5000]]) {
      const res = await call(app, "POST", "/v4/large-investor-profile", {
        token: user.token,
        body: { investor_company: companies[i].id, investable_capital: capital },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    for (const name of ["Harbour wind", "City offices"]) {
      const res = await call(app, "POST", "/v4/large-capital-opportunity", {
        token: user.token,
        body: { name, promoters: [companies[0].id], opportunity_value: 100 },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    await settle();

    await t.step("investor profiles: filters and sortby", async () => {
      const search = (body: Record<string, unknown>) =>
        call(app, "POST", "/v4/search/large-investor-profile", { token: user.token, body });
      const all = await search({ sortby: "investable_capital:desc" });
      assert.equal(all.status, 200, JSON.stringify(all.body));
      assert.deepEqual(
        all.body.results.map((r: { investable_capital: number }) => r.investable_capital),
        [5000, 500],
      );
      const named = await search({ investor_company_name: "pension" });
      assert.deepEqual(
        named.body.results.map((r: { investor_company: { id: string } }) => r.investor_company.id),
        [companies[0].id],
      );
      assert.equal((await search({ investable_capital_start: 1000 })).body.count, 1);
      const csv = await call(app, "POST", "/v4/search/large-investor-profile/export", {
        token: user.token,
        body: {},
      });
      assert.equal(csv.status, 200);
      assert.ok(csv.text.includes("Data Hub profile reference"));
      assert.ok(csv.text.includes("/investments/large-capital-profile"));
    });

    await t.step("opportunities: filters, sortby, permissions", async () => {
      const search = (body: Record<string, unknown>, token = user.token) =>
        call(app, "POST", "/v4/search/large-capital-opportunity", { token, body });
      const sorted = await search({ sortby: "name" });
      assert.deepEqual(sorted.body.results.map((r: { name: string }) => r.name), [
        "City offices",
        "Harbour wind",
      ]);
      assert.equal((await search({ name: "harbour" })).body.count, 1);
      // No free-text fields, as the original (SEARCH_FIELDS is empty): a term finds nothing.
      const term = await search({ original_query: "harbour" });
      assert.equal(term.status, 200);
      assert.equal((await search({ promoter: companies[1].id })).body.count, 0);
      assert.equal((await search({}, viewer.token)).body.count, 2);
      const denied = await call(app, "POST", "/v4/search/large-capital-opportunity/export", {
        token: viewer.token,
        body: {},
      });
      assert.equal(denied.status, 403);
      const csv = await call(app, "POST", "/v4/search/large-capital-opportunity/export", {
        token: user.token,
        body: { sortby: "name" },
      });
      assert.equal(csv.status, 200);
      const lines = csv.text.replace(/^\uFEFF/, "").trim().split("\r\n");
      assert.equal(lines.length, 3);
      assert.ok(lines[1].includes("City offices"));
    });

    await ctx.close();
  });
}

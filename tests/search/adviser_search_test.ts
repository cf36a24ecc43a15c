import assert from "node:assert/strict";
import { call, createAdviser } from "../helpers/app.ts";
import { recordChanges } from "../../src/core/change_feed.ts";
import { adviserSearchApp } from "../../src/adviser/search.ts";
import { backendsUnderTest, searchTestApp } from "./support.ts";

for (const { name, env, ignore } of backendsUnderTest) {
  Deno.test({ name: `adviser search and global search (${name})`, ignore }, async (t) => {
    const ctx = await searchTestApp(env, [adviserSearchApp]);
    const { app, sql } = ctx;
    const [team] = await sql<{ id: string; name: string }[]>`
      select id::text, name from metadata_team order by name limit 1`;
    const viewer = await createAdviser(sql, {
      permissions: ["company.view_advisor"],
      firstName: "Viewer",
      lastName: "Person",
    });
    const nobody = await createAdviser(sql, { firstName: "No", lastName: "Permissions" });
    const zebedee = await createAdviser(sql, {
      firstName: "Zebedee",
      lastName: "Quartermaine",
      teamId: team.id,
    });
    const zelda = await createAdviser(sql, {
      firstName: "Zelda",
      lastName: "Quartz",
      isActive: false,
    });
    const quartz = await createAdviser(sql, { firstName: "Quartz", lastName: "Zebedee-Smith" });
    await recordChanges(
      sql,
      [viewer, nobody, zebedee, zelda, quartz].map((a) => ({ entity: "adviser", id: a.id })),
    );
    await ctx.sync();
    const search = (body: unknown, token = viewer.token) =>
      call(app, "POST", "/v4/search/adviser", { token, body });

    await t.step("documents have the original's shape", async () => {
      const res = await search({ id: zebedee.id });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, {
        count: 1,
        results: [{
          id: zebedee.id,
          first_name: "Zebedee",
          last_name: "Quartermaine",
          name: "Zebedee Quartermaine",
          is_active: true,
          dit_team: { id: team.id, name: team.name },
        }],
      });
      const none = await search({ id: zelda.id });
      assert.equal(none.body.results[0].dit_team, null);
    });

    await t.step("needs a login and company.view_advisor", async () => {
      assert.equal((await call(app, "POST", "/v4/search/adviser", { body: {} })).status, 401);
      assert.equal((await search({}, nobody.token)).status, 403);
    });

    await t.step(
      "filters: id list, is_active, dit_team, partial first and last names",
      async () => {
        const ids = (await search({ id: [zebedee.id, quartz.id] })).body.results.map(
          (r: { id: string }) => r.id,
        );
        assert.deepEqual(new Set(ids), new Set([zebedee.id, quartz.id]));
        const inactive = await search({ is_active: false });
        assert.deepEqual(inactive.body.results.map((r: { id: string }) => r.id), [zelda.id]);
        const inTeam = await search({ dit_team: team.id });
        assert.deepEqual(inTeam.body.results.map((r: { id: string }) => r.id), [zebedee.id]);
        const partial = await search({ first_name: "ebed" });
        assert.deepEqual(partial.body.results.map((r: { id: string }) => r.id), [zebedee.id]);
        const last = await search({ last_name: "quart" });
        assert.deepEqual(
          new Set(last.body.results.map((r: { id: string }) => r.id)),
          new Set([zebedee.id, zelda.id]),
        );
        const both = await search({ last_name: "quart", is_active: true });
        assert.equal(both.body.count, 1);
      },
    );

    await t.step("free text: exact name first, then every-word matches", async () => {
      const res = await search({ original_query: "Zebedee Quartermaine" });
      assert.equal(res.body.results[0].id, zebedee.id);
      const prefix = await search({ original_query: "zebed" });
      const ids = prefix.body.results.map((r: { id: string }) => r.id);
      assert.deepEqual(new Set(ids), new Set([zebedee.id, quartz.id]));
      assert.equal((await search({ original_query: "zebedee zelda" })).body.count, 0);
    });

    await t.step("paging: offset and limit, legacy query-string form, clipping", async () => {
      const all = await search({});
      assert.equal(all.body.count, 5);
      const page = await search({ offset: 1, limit: 2 });
      assert.equal(page.body.count, 5);
      assert.deepEqual(page.body.results, all.body.results.slice(1, 3));
      const legacy = await call(app, "POST", "/v4/search/adviser?limit=1&offset=2", {
        token: viewer.token,
        body: {},
      });
      assert.deepEqual(legacy.body.results, all.body.results.slice(2, 3));
      const end = await search({ offset: 9999, limit: 100 });
      assert.equal(end.status, 200);
      assert.deepEqual(end.body.results, []);
    });

    await t.step("invalid values are 400s on their field", async () => {
      assert.deepEqual((await search({ offset: 10000 })).body, {
        offset: ["Ensure this value is less than or equal to 9999."],
      });
      assert.deepEqual((await search({ limit: 0 })).body, {
        limit: ["Ensure this value is greater than or equal to 1."],
      });
      assert.deepEqual((await search({ sortby: "name" })).body, {
        sortby: ['"name" is not a valid choice for the sort field.'],
      });
      assert.deepEqual((await search({ id: "nope" })).body, { id: ["Must be a valid UUID."] });
      assert.deepEqual((await search({ id: [zebedee.id, "nope"] })).body, {
        id: { 1: ["Must be a valid UUID."] },
      });
      assert.deepEqual((await search({ is_active: "maybe" })).body, {
        is_active: ["Must be a valid boolean."],
      });
    });

    await t.step(
      "GET /v3/search counts per entity and hides what the caller cannot view",
      async () => {
        const res = await call(app, "GET", "/v3/search?term=zebedee&entity=adviser", {
          token: viewer.token,
        });
        assert.equal(res.status, 200);
        assert.equal(res.body.count, 2);
        assert.deepEqual(
          new Set(res.body.results.map((r: { id: string }) => r.id)),
          new Set([zebedee.id, quartz.id]),
        );
        assert.deepEqual(res.body.aggregations, [{ count: 2, entity: "adviser" }]);
        const exact = await call(
          app,
          "GET",
          "/v3/search?term=Zebedee%20Quartermaine&entity=adviser",
          {
            token: viewer.token,
          },
        );
        assert.equal(exact.body.results[0].id, zebedee.id);
        const hidden = await call(app, "GET", "/v3/search?term=zebedee", { token: nobody.token });
        assert.deepEqual(hidden.body, { count: 0, results: [], aggregations: [] });
        const bad = await call(app, "GET", "/v3/search?entity=nope", { token: viewer.token });
        assert.equal(bad.status, 400);
        assert.deepEqual(Object.keys(bad.body).sort(), ["entity", "term"]);
        // The original's global search has no sort choices.
        const sorted = await call(app, "GET", "/v3/search?term=zebedee&sortby=name:desc", {
          token: viewer.token,
        });
        assert.equal(sorted.status, 400);
        assert.deepEqual(sorted.body, {
          sortby: ['"name" is not a valid choice for the sort field.'],
        });
      },
    );

    await t.step("global search tolerates a misspelt word (fuzzy trigrams)", async () => {
      const res = await call(app, "GET", "/v3/search?term=quartermain&entity=adviser", {
        token: viewer.token,
      });
      assert.equal(res.body.results[0]?.id, zebedee.id);
    });

    await t.step("the change feed carries updates and deletes; consumed rows go", async () => {
      await sql`update company_advisor set first_name = 'Zachariah' where id = ${zebedee.id}`;
      await sql`delete from company_advisor where id = ${quartz.id}`;
      await recordChanges(sql, [
        { entity: "adviser", id: zebedee.id },
        { entity: "adviser", id: zebedee.id },
        { entity: "adviser", id: quartz.id, operation: "delete" },
      ]);
      await ctx.sync();
      const renamed = await search({ id: zebedee.id });
      assert.equal(renamed.body.results[0].name, "Zachariah Quartermaine");
      assert.equal((await search({ id: quartz.id })).body.count, 0);
      const [{ left }] = await sql`select count(*)::int as left from change_feed`;
      assert.equal(left, 0);
    });

    await ctx.close();
  });
}

/**
 * One search request cannot hold a connection and a core for minutes (issue #13,
 * finding 3): terms and text filters are bounded in length and words (DRF-shaped 400),
 * conditions over many words are built flat, statements time out, and the queries of a
 * request whose client went away are cancelled in PostgreSQL.
 */
import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import { connect } from "../../src/db/pool.ts";
import { joinFragments } from "../../src/db/fragments.ts";
import { databaseErrorToApiError } from "../../src/http/errors.ts";
import type { RouteSet } from "../../src/http/context.ts";
import { waitFor } from "../jobs/support.ts";

const sleeper: RouteSet = {
  name: "sleeper",
  register(app) {
    app.get("/test/sleep", async (c) => {
      await c.var.db`select pg_sleep(30) as slept`;
      return c.json({ slept: true });
    });
  },
};

Deno.test("search bounds, statement timeout and cancellation", async (t) => {
  const ctx = await testApp({ domains: [sleeper] });
  const { app, sql } = ctx;
  const { token } = await createAdviser(sql, { superuser: true });
  try {
    await t.step("a 120k-word term is a 400 on the field, not a 500", async () => {
      const res = await call(app, "POST", "/v4/search/company", {
        token,
        body: { original_query: "word ".repeat(120_000) },
      });
      assert.equal(res.status, 400);
      assert.deepEqual(Object.keys(res.body), ["original_query"]);
      const words = await call(app, "POST", "/v3/search/contact", {
        token,
        body: { original_query: "a ".repeat(101) },
      });
      assert.deepEqual(words.body, {
        original_query: ["Ensure this field has no more than 100 words."],
      });
    });

    await t.step("a 64k-character text filter or global term is a 400", async () => {
      const long = "x".repeat(64_000);
      const filter = await call(app, "POST", "/v4/search/company", {
        token,
        body: { name: long },
      });
      assert.deepEqual(filter.body, {
        name: ["Ensure this field has no more than 1000 characters."],
      });
      const global = await call(app, "GET", `/v3/search?term=${"y".repeat(1001)}`, { token });
      assert.equal(global.status, 400);
      assert.deepEqual(Object.keys(global.body), ["term"]);
    });

    await t.step("terms at the bound still search", async () => {
      const res = await call(app, "POST", "/v4/search/company", {
        token,
        body: { original_query: Array.from({ length: 100 }, (_, i) => `w${i}`).join(" ") },
      });
      assert.equal(res.status, 200);
    });

    await t.step("joining 50,000 conditions builds a shallow fragment", async () => {
      const parts = Array.from({ length: 50_000 }, () => sql`false`);
      const [{ any }] = await sql`select (${joinFragments(sql, parts, "or")}) as any`;
      assert.equal(any, false);
    });

    await t.step("a statement past the timeout is cancelled, and answered 503", async () => {
      const bounded = connect(ctx.db.url, { max: 1, statementTimeoutMs: 100 });
      try {
        const [{ statement_timeout }] = await bounded`show statement_timeout`;
        assert.equal(statement_timeout, "100ms");
        const error = await bounded`select pg_sleep(2)`.catch((e) => e);
        assert.equal(error.code, "57014");
        assert.equal(databaseErrorToApiError(error)?.status, 503);
      } finally {
        await bounded.end();
      }
    });

    await t.step("a request whose client leaves has its query cancelled", async () => {
      const running = () =>
        sql`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and query like 'select pg_sleep(30)%'`
          .then(([r]) => r.n as number);
      const abort = new AbortController();
      const response = app.request("http://testserver/test/sleep", {
        headers: { authorization: `Bearer ${token}` },
        signal: abort.signal,
      });
      await waitFor(async () => (await running()) === 1, "the query to start");
      abort.abort();
      await waitFor(async () => (await running()) === 0, "the query to be cancelled", 3000);
      assert.equal((await response).status, 503);
    });
  } finally {
    await ctx.close();
  }
});

/**
 * Every query gets its own result, however many requests are cancelled around it on a
 * saturated pool (issue #13: under wrk, `authenticatedAdviser` was handed a row without
 * its `permissions` column, another query's row).
 *
 * postgres.js 3.4 hands a query to a connection busy with another when none is free
 * (pipelining), and cancelling a query waiting there (`query.cancel()`, which the request
 * cancellation called for every query not yet running) makes the query behind it take
 * the cancelled one's rows. It also keeps its row counter after a query fails part-way
 * through its rows, so the next query on the connection got empty slots before its own.
 */
import assert from "node:assert/strict";
import { createApp } from "../../src/http/app.ts";
import { registry } from "../../src/domains.ts";
import type { RouteSet } from "../../src/http/context.ts";
import { connect } from "../../src/db/pool.ts";
import { freshDatabase } from "../helpers/db.ts";
import { createAdviser, testDeps } from "../helpers/app.ts";
import { waitFor } from "../jobs/support.ts";

/** Answers the number it was given, read back from PostgreSQL after a pause. */
const echo: RouteSet = {
  name: "echo",
  register(app) {
    app.get("/test/echo/:n", async (c) => {
      const n = Number(c.req.param("n"));
      const pause = (n % 7) / 1000;
      const [row] = await c.var.db<{ n: number; tag: string }[]>`
        select ${n}::int as n, 'echo' as tag from (select pg_sleep(${pause})) s`;
      if (row?.n !== n || row.tag !== "echo") {
        return c.json({ wrong: row ?? null }, 500);
      }
      return c.json({ n });
    });
    app.post("/test/echo/:n", async (c) => {
      const n = Number(c.req.param("n"));
      const [[a], [b]] = await Promise.all([
        c.var.db<{ n: number }[]>`select ${n}::int as n from (select pg_sleep(0.002)) s`,
        c.var.db<{ m: number }[]>`select ${n + 1}::int as m`,
      ]);
      if (a?.n !== n || b?.m !== n + 1) return c.json({ wrong: [a, b] }, 500);
      return c.json({ n });
    });
  },
};

Deno.test("cancelled requests on a saturated pool leave every result to its own query", async (t) => {
  const db = await freshDatabase();
  const sql = connect(db.url, { max: 3, statementTimeoutMs: 5000 });
  const deps = testDeps({ sql, url: db.url });
  const app = createApp(deps, [...registry.domains, echo]);
  const { token } = await createAdviser(sql, { superuser: true });
  try {
    await t.step("600 requests, a third of them abandoned at random moments", async () => {
      let seed = 13;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const statuses = new Map<number, number>();
      const wrong: string[] = [];
      const requests = Array.from({ length: 600 }, async (_, n) => {
        const abort = new AbortController();
        const method = n % 5 === 0 ? "POST" : "GET";
        if (random() < 0.33) setTimeout(() => abort.abort(), Math.floor(random() * 1500));
        const late = Promise.withResolvers<null>();
        const timer = setTimeout(() => late.resolve(null), 20_000);
        try {
          const res = await Promise.race([
            app.request(`http://testserver/test/echo/${n}`, {
              method,
              headers: { authorization: `Bearer ${token}` },
              signal: abort.signal,
            }),
            late.promise,
          ]);
          if (!res) {
            wrong.push(`${n}: no answer in 20 s`);
            return;
          }
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const body = await res.json();
          if (res.status === 200 && body.n !== n) wrong.push(`${n}: ${JSON.stringify(body)}`);
          if (res.status === 500) wrong.push(`${n}: 500 ${JSON.stringify(body)}`);
        } catch (error) {
          if (!abort.signal.aborted) throw error;
        } finally {
          clearTimeout(timer);
        }
      });
      await Promise.all(requests);
      assert.deepEqual(wrong, [], `statuses ${JSON.stringify([...statuses])}`);
      assert.ok((statuses.get(200) ?? 0) > 300, JSON.stringify([...statuses]));
      // Every answer other than 200 is the cancelled request's own 503.
      for (const status of statuses.keys()) assert.ok(status === 200 || status === 503);
    });

    await t.step("the pool is whole afterwards: every connection answers", async () => {
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => sql<{ i: number }[]>`select ${i}::int as i`),
      );
      assert.deepEqual(answers.map(([r]) => r.i), Array.from({ length: 12 }, (_, i) => i));
      await waitFor(
        async () =>
          (await sql`select 1 from pg_stat_activity where datname = current_database()
            and state = 'idle in transaction'`).length === 0,
        "no connection left in a transaction",
      );
    });

    await t.step(
      "a query failing part-way through its rows leaves the next one whole",
      async () => {
        const one = connect(db.url, { max: 1 });
        try {
          const failed = await one`select i, 1 / (4 - i) as boom from generate_series(1, 10) i`
            .then(() => "no error", (error) => error.code);
          assert.equal(failed, "22012");
          const next = await one<{ x: number }[]>`select x from generate_series(1, 3) x`;
          assert.equal(next.count, 3);
          assert.deepEqual([...next], [{ x: 1 }, { x: 2 }, { x: 3 }]);
        } finally {
          await one.end({ timeout: 1 });
        }
      },
    );
  } finally {
    await sql.end({ timeout: 1 });
    await db.close();
  }
});

/**
 * The API through a PostgreSQL restart under concurrent traffic (issue #13): every
 * request made while the database is away is answered quickly with a 503 and
 * Retry-After, none waits for a connection that will never answer, and once it is back
 * requests succeed within a couple of seconds, none waiting on the pool's reconnects.
 */
import { companyBody } from "../helpers/company.ts";
import assert from "node:assert/strict";
import { call, createAdviser, testDeps } from "../helpers/app.ts";
import { freshDatabase } from "../helpers/db.ts";
import { tcpRelay } from "../helpers/tcp_relay.ts";
import { connect, guardDriverCrash } from "../../src/db/pool.ts";
import { createApp } from "../../src/http/app.ts";
import { domains } from "../../src/domains.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test({
  name: "PostgreSQL restarted under traffic: every request in the outage is a quick 503",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const db = await freshDatabase();
    if (db.embedded) return await db.close();
    guardDriverCrash(); // as `serve` does
    const url = new URL(db.url);
    const relay = await tcpRelay(Number(url.port || 5432));
    url.hostname = "127.0.0.1";
    url.port = String(relay.port);
    // The API's default pool size: with fewer connections the lost transactions below were
    // rarer.
    const sql = connect(url.toString(), { max: 10 });
    const app = createApp(testDeps({ sql, url: url.toString() }), domains);
    const { token } = await createAdviser(db.sql, { superuser: true });
    const created = await call(app, "POST", "/v4/company", {
      token,
      body: companyBody("Outage Ltd"),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const companyId = created.body.id as string;
    const requests = [
      ["GET", "/v4/company?limit=5", undefined],
      ["GET", `/v4/company/${companyId}`, undefined],
      ["PATCH", `/v4/company/${companyId}`, { description: "x" }],
      ["POST", "/v4/search/company", { original_query: "outage" }],
    ] as const;
    const answers: { started: number; ms: number; status: number; what: string }[] = [];
    let running = true;
    const loops = Array.from({ length: 8 }, async (_, i) => {
      for (let n = i; running; n++) {
        const [method, path, body] = requests[n % requests.length];
        const started = Date.now();
        const res = await Promise.race([
          call(app, method, path, { token, body }),
          sleep(8000).then(() => ({ status: 0 })),
        ]);
        answers.push({
          started,
          ms: Date.now() - started,
          status: res.status,
          what: `${method} ${path}`,
        });
        await sleep(1); // an answer without I/O (a 503) must not starve the timers
      }
    });
    try {
      await sleep(500);
      // As a restart does: every backend told to go, then connections refused.
      await db.sql`select pg_terminate_backend(pid) from pg_stat_activity
        where datname = ${url.pathname.slice(1)} and pid <> pg_backend_pid()
          and application_name = 'datahub-api'`;
      relay.down();
      const down = Date.now();
      await sleep(3000);
      // PostgreSQL back under the same traffic: nothing may wait on connections that
      // postgres.js reopens only after its backoff (up to 20 s by default).
      relay.up();
      const up = Date.now();
      await sleep(4000);
      running = false;
      await Promise.all(loops);
      const outage = answers.filter((a) => a.started >= down + 100 && a.started < up - 500);
      // Requests already waiting on the database when it went: answered soon after.
      const caught = answers.filter((a) => a.started < down && a.started + a.ms > down);
      const lastCaught = Math.max(0, ...caught.map((a) => a.started + a.ms - down));
      const statuses = new Map<number, number>();
      for (const a of outage) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      const slowest = Math.max(...outage.map((a) => a.ms));
      const after = answers.filter((a) => a.started >= down + 100);
      const slowestAfter = Math.max(...after.map((a) => a.ms));
      const successes = answers.filter((a) => a.started >= up && a.status < 400);
      const firstSuccess = Math.min(...successes.map((a) => a.started + a.ms)) - up;
      const lastFailure = Math.max(
        0,
        ...answers.filter((a) => a.started >= up && a.status >= 500).map((a) => a.started - up),
      );
      console.log(
        `in the outage: ${JSON.stringify(Object.fromEntries(statuses))}, slowest ${slowest} ms; ` +
          `${caught.length} in flight when it began, the last answered ${lastCaught} ms in; ` +
          `from the outage on the slowest ${slowestAfter} ms; first success ${firstSuccess} ms ` +
          `after PostgreSQL was back, last failure started ${lastFailure} ms after`,
      );
      for (const a of after.filter((a) => a.ms >= 3000)) {
        console.log(`slow: ${a.what} ${a.started - down} ms into the outage, took ${a.ms} ms`);
      }
      assert.ok(outage.length > 8, `only ${outage.length} answers in the outage`);
      assert.deepEqual([...statuses.keys()], [503]);
      assert.ok(slowest < 2000, `slowest answer ${slowest} ms`);
      assert.ok(lastCaught < 3000, `a request in flight answered ${lastCaught} ms into the outage`);
      // (PATCHes to one company queue on its row lock: a loaded machine takes seconds.)
      assert.ok(slowestAfter < 5000, `an answer around the outage took ${slowestAfter} ms`);
      for (const a of after) assert.ok(a.status < 500 || a.status === 503, `a ${a.status}`);
      assert.ok(firstSuccess < 2500, `first success ${firstSuccess} ms after PostgreSQL was back`);
      assert.ok(lastFailure < 2500, `a 503 for a request ${lastFailure} ms after it was back`);
    } finally {
      running = false;
      relay.down();
      await sql.end({ timeout: 1 });
      await db.close();
    }
  },
});

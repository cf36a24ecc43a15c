/**
 * The API through a PostgreSQL restart under concurrent traffic (issue #13): every
 * request made while the database is away is answered quickly with a 503 and
 * Retry-After, none waits for a connection that will never answer.
 */
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
    const sql = connect(url.toString(), { max: 4 });
    const app = createApp(testDeps({ sql, url: url.toString() }), domains);
    const { token } = await createAdviser(db.sql, { superuser: true });
    const created = await call(app, "POST", "/v4/company", {
      token,
      body: { name: "Outage Ltd" },
    });
    const companyId = created.body.id as string | undefined;
    const requests = [
      ["GET", "/v4/company?limit=5", undefined],
      ["GET", `/v4/company/${companyId}`, undefined],
      ["PATCH", `/v4/company/${companyId}`, { description: "x" }],
      ["POST", "/v4/search/company", { original_query: "outage" }],
    ] as const;
    const answers: { started: number; ms: number; status: number }[] = [];
    let running = true;
    const loops = Array.from({ length: 8 }, async (_, i) => {
      for (let n = i; running; n++) {
        const [method, path, body] = requests[n % requests.length];
        const started = Date.now();
        const res = await Promise.race([
          call(app, method, path, { token, body }),
          sleep(8000).then(() => ({ status: 0 })),
        ]);
        answers.push({ started, ms: Date.now() - started, status: res.status });
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
      const up = Date.now();
      running = false;
      await Promise.all(loops);
      relay.up();
      const outage = answers.filter((a) => a.started >= down + 100 && a.started < up);
      // Requests already waiting on the database when it went: answered soon after.
      const caught = answers.filter((a) => a.started < down && a.started + a.ms > down);
      const lastCaught = Math.max(0, ...caught.map((a) => a.started + a.ms - down));
      const statuses = new Map<number, number>();
      for (const a of outage) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      const slowest = Math.max(...outage.map((a) => a.ms));
      console.log(
        `in the outage: ${JSON.stringify(Object.fromEntries(statuses))}, slowest ${slowest} ms; ` +
          `${caught.length} in flight when it began, the last answered ${lastCaught} ms in`,
      );
      assert.ok(outage.length > 8, `only ${outage.length} answers in the outage`);
      assert.deepEqual([...statuses.keys()], [503]);
      assert.ok(slowest < 2000, `slowest answer ${slowest} ms`);
      assert.ok(lastCaught < 3000, `a request in flight answered ${lastCaught} ms into the outage`);
      const back = Date.now();
      let status = 0;
      while (status !== 200 && Date.now() - back < 5000) {
        status = (await call(app, "GET", "/v4/company?limit=5", { token })).status;
        await sleep(10);
      }
      assert.equal(status, 200, "service resumes within 5 s of PostgreSQL coming back");
    } finally {
      running = false;
      relay.down();
      await sql.end({ timeout: 1 });
      await db.close();
    }
  },
});

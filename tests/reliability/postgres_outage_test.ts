/**
 * The API through a PostgreSQL restart (issue #13, finding 11): while the database is
 * away a request is a 503 with Retry-After, never a 500, and service resumes when it is
 * back. The outage is a TCP relay in front of this test's own database going down (its
 * connections dropped, new ones refused), so the shared server is never touched.
 */
import assert from "node:assert/strict";
import { call, createAdviser, testDeps } from "../helpers/app.ts";
import { freshDatabase } from "../helpers/db.ts";
import { tcpRelay } from "../helpers/tcp_relay.ts";
import { connect, guardDriverCrash } from "../../src/db/pool.ts";
import { createApp } from "../../src/http/app.ts";
import { domains } from "../../src/domains.ts";

Deno.test({
  name: "PostgreSQL away: 503 with Retry-After, then back to 200",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const db = await freshDatabase();
    if (db.embedded) return await db.close(); // no server to restart on the embedded database
    guardDriverCrash(); // as `serve` does
    const url = new URL(db.url);
    const relay = await tcpRelay(Number(url.port || 5432));
    url.hostname = "127.0.0.1";
    url.port = String(relay.port);
    const sql = connect(url.toString(), { max: 4 });
    const app = createApp(testDeps({ sql, url: url.toString() }), domains);
    const { token } = await createAdviser(db.sql, { superuser: true });
    try {
      await t.step("up: 200", async () => {
        assert.equal((await call(app, "GET", "/v4/company", { token })).status, 200);
      });
      await t.step("down: reads and writes are 503 with Retry-After", async () => {
        relay.down();
        for (const [method, path] of [["GET", "/v4/company"], ["POST", "/v4/company"]]) {
          const res = await call(app, method, path, {
            token,
            body: method === "POST" ? {} : undefined,
          });
          assert.equal(res.status, 503, `${method} ${path}: ${res.text}`);
          assert.deepEqual(res.body, {
            detail: "Service temporarily unavailable, try again later.",
          });
          assert.equal(res.headers.get("retry-after"), "1");
        }
      });
      await t.step("back: 200 again", async () => {
        relay.up();
        const started = Date.now();
        let status = 0;
        while (status !== 200 && Date.now() - started < 5000) {
          status = (await call(app, "GET", "/v4/company", { token })).status;
          assert.ok(status === 200 || status === 503, `got ${status}`);
          // A 503 from the gate needs no I/O: let the probe's connection get a turn.
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        assert.equal(status, 200);
        console.log(`recovered ${Date.now() - started} ms after PostgreSQL came back`);
      });
    } finally {
      relay.down();
      await sql.end({ timeout: 1 });
      await db.close();
    }
  },
});

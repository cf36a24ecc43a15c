/**
 * A request's queries are cancelled when its client leaves (src/http/transaction.ts),
 * but a query already written to a connection behind another (postgres.js pipelines) is
 * left to run: cancelling it there made postgres.js drop it while the server still
 * answered it, and the next query on the connection received its rows.
 */
import assert from "node:assert/strict";
import { emptyDatabase } from "../helpers/db.ts";
import { connect } from "../../src/db/pool.ts";
import { cancelQuery, type Started } from "../../src/http/transaction.ts";

Deno.test("cancelling a pipelined query never hands its rows to the next query", async () => {
  const db = await emptyDatabase();
  const sql = connect(db.url, { max: 1, gate: false });
  try {
    await sql`select 1`; // connected: queries now go straight to the connection
    const running = sql`select pg_sleep(0.2), 1 as a`.execute();
    const queued = sql`select 2 as b`.execute();
    // Both are written to the one connection; `queued` waits behind `running`.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const pipelined = queued as unknown as Started;
    assert.ok(pipelined.state && !pipelined.active, "the second query is pipelined");
    cancelQuery(sql, pipelined);
    const next = sql`select 3 as c`.execute();
    // Before the fix the answers went out of step and `next` never settled: bounded.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stuck = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("the connection went out of step")), 10_000);
    });
    const [first, second, third] = await Promise.race([
      Promise.allSettled([running, queued, next]),
      stuck,
    ]).finally(() => clearTimeout(timer));
    assert.equal(first.status, "fulfilled");
    assert.deepEqual(third.status === "fulfilled" ? [...third.value] : third.reason, [{ c: 3 }]);
    if (second.status === "fulfilled") assert.deepEqual([...second.value], [{ b: 2 }]);
  } finally {
    await sql.end({ timeout: 1 });
    await db.close();
  }
});

/**
 * Every write request is one transaction: handlers use `c.var.db`, and anything that
 * ends in a 4xx/5xx rolls back, so nothing is half-written. Work registered with
 * `c.var.afterCommit` (job enqueues, e-mails) starts only once the data is committed,
 * and the response does not wait for it: the commit is what the client asked for, and
 * what the work is about is already safe in the change feed (an enqueue lost to a Redis
 * outage is made good by the scheduled sync). Failures are logged.
 *
 * When the client goes away (the request's signal aborts), the queries the request
 * started are cancelled in PostgreSQL, so a slow search does not keep a connection and
 * a core busy for nobody.
 *
 * During a PostgreSQL outage every request is a quick 503 with Retry-After: the pool's
 * gate (src/db/health.ts) is told of connection errors and of requests still running
 * after a second; once it finds the database down, requests waiting on it answer at once
 * (a write that has not committed is rolled back when its handler returns) and new ones
 * answer without touching the pool until the database answers again.
 */
import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "./context.ts";
import type { Db, Sql } from "../db/pool.ts";
import { databaseUnavailable, serviceUnavailable } from "./errors.ts";
import { errorFields } from "../log.ts";
import { databaseGate } from "../db/health.ts";

const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const ROLLBACK = Symbol("rollback");
/** A request running this long makes the gate check that the database answers. */
const SLOW_MS = 1000;

/**
 * Marks a POST route that only reads (a search, an export): list it in the route's
 * `middleware` and the request runs on the pool like a GET, with no transaction.
 */
export const readOnly: MiddlewareHandler<AppEnv> = (_c, next) => next();

/**
 * Marks a route that never touches the database (the OpenAPI document, the docs): it is
 * served during a database outage too.
 */
export const withoutDatabase: MiddlewareHandler<AppEnv> = (_c, next) => next();

type Ctx = Parameters<MiddlewareHandler<AppEnv>>[0];
const marked = (c: Ctx, marker: MiddlewareHandler<AppEnv>) =>
  matchedRoutes(c).some((r) => r.handler === marker);
const isRead = (c: Ctx) => READ_METHODS.has(c.req.method) || marked(c, readOnly);

/** A query postgres.js has been asked to run (`executed`), which can be cancelled. */
export interface Started {
  executed?: boolean;
  /** Running on a connection now; `state` is that backend. */
  active?: boolean;
  state?: { pid: number | null; secret: number | null } | null;
  cancel(): Promise<void> | void;
}

/**
 * Asks PostgreSQL to cancel what backend `pid` runs (the protocol's CancelRequest, on a
 * connection of its own). postgres.js's own `cancel()` does the same but drops the
 * promise of that connection, so a cancel that cannot connect (PostgreSQL away) would be
 * an unhandled rejection, which ends the process.
 */
async function cancelBackend(sql: Sql, pid: number, secret: number): Promise<void> {
  const { host, port } = sql.options;
  const conn = await Deno.connect({ hostname: host[0], port: port[0] });
  try {
    const message = new DataView(new ArrayBuffer(16));
    message.setInt32(0, 16);
    message.setInt32(4, 80877102);
    message.setInt32(8, pid);
    message.setInt32(12, secret);
    await conn.write(new Uint8Array(message.buffer));
  } finally {
    conn.close();
  }
}

/**
 * Cancels `query` if it was run: in PostgreSQL when it is running, in the pool while it
 * waits there for a connection. A query already written to a connection behind another
 * (postgres.js pipelines; it has a `state` but is not `active`) is left to run: on
 * cancelling one of those, postgres.js drops it from the connection's queue while the
 * server still answers it, so its rows went to the next query on that connection —
 * another request's (seen under wrk as DataRow RangeErrors when clients left).
 */
export function cancelQuery(sql: Sql, query: Started): void {
  if (!query.executed) return;
  const backend = query.state;
  if (query.active && backend?.pid && backend.secret !== null) {
    cancelBackend(sql, backend.pid, backend.secret).catch(() => {});
  } else if (!query.active && !backend) {
    Promise.resolve(query.cancel()).catch(() => {});
  }
}

/**
 * `db` as the request sees it: every query made through it is remembered, so that those
 * that were run can be cancelled when the client goes away. (A fragment is never run, and
 * cancelling one would reject a promise nobody awaits, so only run queries are.)
 */
function tracked<T extends Db>(db: T, queries: Set<Started>): T {
  return new Proxy(db, {
    apply(target, thisArg, args) {
      const result = Reflect.apply(target as never, thisArg, args);
      if (result instanceof Promise && typeof (result as Partial<Started>).cancel === "function") {
        queries.add(result as unknown as Started);
      }
      return result;
    },
  });
}

export const requestTransaction: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { sql, log } = c.var.deps;
  const gate = marked(c, withoutDatabase) ? undefined : databaseGate(sql);
  if (gate?.down) {
    gate.suspect();
    throw serviceUnavailable();
  }
  const pending: (() => unknown)[] = [];
  c.set("afterCommit", (task) => pending.push(task));

  const signal = c.req.raw.signal;
  const queries = new Set<Started>();
  const onAbort = () => {
    for (const query of queries) cancelQuery(sql, query);
  };
  let abandoned = false;
  const handle = async () => {
    await next();
    if (databaseUnavailable(c.error)) gate?.suspect();
  };
  /** "committed" when the request's work is done and kept (reads count as committed). */
  const run = async (): Promise<"committed" | "rolled back"> => {
    if (isRead(c)) {
      c.set("db", tracked(sql, queries));
      await handle();
      return "committed";
    }
    // When the connection itself was lost, PostgreSQL has rolled back already and the
    // driver's ROLLBACK on the dead connection may never settle: answer without it.
    let connectionLost!: () => void;
    const lost = new Promise<"rolled back">((resolve) =>
      connectionLost = () => resolve("rolled back")
    );
    const work = sql.begin(async (tx) => {
      c.set("db", tracked(tx, queries));
      await handle();
      if (databaseUnavailable(c.error)) connectionLost();
      if (abandoned || c.error || c.res.status >= 400) throw ROLLBACK;
    });
    work.catch(() => {});
    try {
      return await Promise.race([work.then(() => "committed" as const), lost]);
    } catch (error) {
      if (error !== ROLLBACK) throw error;
      return "rolled back";
    }
  };
  signal.addEventListener("abort", onAbort, { once: true });
  const slow = gate && setTimeout(() => gate.suspect(), SLOW_MS);
  const outage = gate?.outage;
  const found = Promise.withResolvers<"outage">();
  const onOutage = () => found.resolve("outage");
  outage?.addEventListener("abort", onOutage, { once: true });
  let outcome: "committed" | "rolled back" | "outage";
  try {
    const running = run();
    if (gate) running.catch(() => {});
    outcome = await (gate ? Promise.race([running, found.promise]) : running);
  } finally {
    signal.removeEventListener("abort", onAbort);
    outage?.removeEventListener("abort", onOutage);
    clearTimeout(slow);
  }
  if (outcome === "outage") {
    abandoned = true;
    throw serviceUnavailable();
  }
  if (outcome !== "committed") return;
  const requestId = c.var.requestId;
  const failed = (error: unknown) =>
    log.error("after-commit task failed", { request_id: requestId, ...errorFields(error) });
  for (const task of pending) {
    try {
      Promise.resolve(task()).catch(failed);
    } catch (error) {
      failed(error);
    }
  }
};

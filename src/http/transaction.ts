/**
 * Every write request is one transaction: handlers use `c.var.db`, and anything that
 * ends in a 4xx/5xx rolls back, so nothing is half-written. Work registered with
 * `c.var.afterCommit` (job enqueues, e-mails) starts only once the data is committed,
 * and the response does not wait for it: the commit is what the client asked for, and
 * what the work is about is already safe in the change feed (an enqueue lost to a Redis
 * outage is made good by the scheduled sync). Failures are logged.
 *
 * When the client goes away (the request's signal aborts), the queries the request
 * started are cancelled in PostgreSQL (src/db/cancel.ts), so a slow search does not
 * keep a connection and a core busy for nobody; a transaction ends only once its cancels
 * have been acted on, so none reaches the next user of its connection.
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
import { connectionGone, QueryTracker } from "../db/cancel.ts";
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
  const queries = new QueryTracker(sql);
  const onAbort = () => queries.cancel();
  let abandoned = false;
  const handle = async () => {
    await next();
    if (databaseUnavailable(c.error)) gate?.suspect();
  };
  /** "committed" when the request's work is done and kept (reads count as committed). */
  const run = async (): Promise<"committed" | "rolled back"> => {
    if (isRead(c)) {
      c.set("db", queries.track(sql, false));
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
      c.set("db", queries.track(tx, true));
      let failure: { error: unknown } | undefined;
      try {
        await handle();
      } catch (error) {
        failure = { error };
      }
      await queries.settled();
      if (queries.lost) {
        // PostgreSQL rolled the transaction back with its connection. postgres.js would
        // write its ROLLBACK on the connection object, which the pool may have reopened
        // for another query: the transaction is left unended (src/db/cancel.ts).
        connectionLost();
        return new Promise<never>(() => {});
      }
      if (failure) throw failure.error;
      if (databaseUnavailable(c.error)) connectionLost();
      if (abandoned || c.error || c.res.status >= 400) throw ROLLBACK;
    });
    work.catch((error) => {
      if (connectionGone(error)) queries.lose();
    });
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

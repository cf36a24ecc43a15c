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
 */
import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "./context.ts";
import type { Db } from "../db/pool.ts";
import { databaseUnavailable } from "./errors.ts";
import { errorFields } from "../log.ts";

const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const ROLLBACK = Symbol("rollback");

/**
 * Marks a POST route that only reads (a search, an export): list it in the route's
 * `middleware` and the request runs on the pool like a GET, with no transaction.
 */
export const readOnly: MiddlewareHandler<AppEnv> = (_c, next) => next();

const isRead = (c: Parameters<MiddlewareHandler<AppEnv>>[0]) =>
  READ_METHODS.has(c.req.method) || matchedRoutes(c).some((r) => r.handler === readOnly);

/** A query postgres.js has been asked to run (`executed`), which can be cancelled. */
interface Started {
  executed?: boolean;
  cancel(): Promise<void> | void;
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
  const pending: (() => unknown)[] = [];
  c.set("afterCommit", (task) => pending.push(task));

  const signal = c.req.raw.signal;
  const queries = new Set<Started>();
  const onAbort = () => {
    for (const query of queries) {
      if (query.executed) Promise.resolve(query.cancel()).catch(() => {});
    }
  };
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    if (isRead(c)) {
      c.set("db", tracked(sql, queries));
      await next();
    } else {
      // When the connection itself was lost, PostgreSQL has rolled back already and the
      // driver's ROLLBACK on the dead connection may never settle: answer without it.
      let connectionLost!: () => void;
      const lost = new Promise<"lost">((resolve) => (connectionLost = () => resolve("lost")));
      const work = sql.begin(async (tx) => {
        c.set("db", tracked(tx, queries));
        await next();
        if (databaseUnavailable(c.error)) connectionLost();
        if (c.error || c.res.status >= 400) throw ROLLBACK;
      });
      work.catch(() => {});
      try {
        if (await Promise.race([work, lost]) === "lost") return;
      } catch (error) {
        if (error !== ROLLBACK) throw error;
        return;
      }
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
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

/**
 * Every write request is one transaction: handlers use `c.var.db`, and anything that
 * ends in a 4xx/5xx rolls back, so nothing is half-written. Work registered with
 * `c.var.afterCommit` (job enqueues, e-mails) starts only once the data is committed,
 * and the response does not wait for it: the commit is what the client asked for, and
 * what the work is about is already safe in the change feed (an enqueue lost to a Redis
 * outage is made good by the scheduled sync). Failures are logged.
 */
import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "./context.ts";
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

export const requestTransaction: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { sql, log } = c.var.deps;
  const pending: (() => unknown)[] = [];
  c.set("afterCommit", (task) => pending.push(task));

  if (isRead(c)) {
    c.set("db", sql);
    await next();
  } else {
    try {
      await sql.begin(async (tx) => {
        c.set("db", tx);
        await next();
        if (c.error || c.res.status >= 400) throw ROLLBACK;
      });
    } catch (error) {
      if (error !== ROLLBACK) throw error;
      return;
    }
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

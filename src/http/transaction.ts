/**
 * Every write request is one transaction: handlers use `c.var.db`, and anything that
 * ends in a 4xx/5xx rolls back, so nothing is half-written. Work registered with
 * `c.var.afterCommit` (job enqueues, e-mails) runs only once the data is committed.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./context.ts";

const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const ROLLBACK = Symbol("rollback");

export const requestTransaction: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { sql, log } = c.var.deps;
  const pending: (() => unknown)[] = [];
  c.set("afterCommit", (task) => pending.push(task));

  if (READ_METHODS.has(c.req.method)) {
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
  for (const task of pending) {
    try {
      await task();
    } catch (error) {
      log.error("after-commit task failed", {
        request_id: c.var.requestId,
        error: (error as Error).message,
      });
    }
  }
};

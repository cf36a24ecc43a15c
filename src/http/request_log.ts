/** One JSON log line per request, with an id that error logs and responses share. */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./context.ts";

export const requestLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = performance.now();
  const requestId = c.req.header("x-request-id") ?? crypto.randomUUID();
  c.set("requestId", requestId);
  await next();
  c.header("X-Request-Id", requestId);
  c.var.deps.log.info("request", {
    request_id: requestId,
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    duration_ms: Math.round((performance.now() - started) * 100) / 100,
  });
};

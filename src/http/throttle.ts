/**
 * DRF's `PathRateThrottle` (datahub/core/throttling.py): at most `count` requests per
 * `seconds` to one path (the path names the resource, e.g. an order's public token, on
 * routes without a user), counted in PostgreSQL so every process shares the history. A
 * request over the rate is a 429 with DRF's message and `Retry-After`. Hits are recorded
 * outside the request's transaction: a request that fails still counts, as in DRF, whose
 * throttles run before the view.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./context.ts";
import { ApiError } from "./errors.ts";
import { sha256Hex } from "../crypto.ts";

export function pathRateThrottle(
  scope: string,
  rate: { count: number; seconds: number },
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { deps } = c.var;
    const key = `throttle_${scope}_${await sha256Hex(c.req.path.toLowerCase())}`;
    const now = deps.now();
    const since = new Date(now.getTime() - rate.seconds * 1000);
    // One statement: forget hits outside the window, then read the rest and add this one
    // only when under the rate.
    const [{ hits, oldest }] = await deps.sql<{ hits: number; oldest: Date | null }[]>`
      with cleared as (
        delete from http_throttle_hit where key = ${key} and at <= ${since}
      ), recent as (
        select at from http_throttle_hit where key = ${key} and at > ${since}
      ), added as (
        insert into http_throttle_hit (key, at)
        select ${key}, ${now} where (select count(*) from recent) < ${rate.count}
      )
      select count(*)::int as hits, min(at) as oldest from recent`;
    if (hits >= rate.count) {
      const wait = Math.ceil(
        rate.seconds - (now.getTime() - (oldest ?? now).getTime()) / 1000,
      );
      throw new ApiError(
        429,
        {
          detail: `Request was throttled. Expected available in ${wait} second${
            wait === 1 ? "" : "s"
          }.`,
        },
        { "Retry-After": String(wait) },
      );
    }
    await next();
  };
}

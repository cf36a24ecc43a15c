/**
 * Shared pieces of the job tests: a controllable clock, a logger that keeps its lines,
 * polling for a condition, and dependencies wired to a Redis queue under a fresh prefix.
 */
import type { AppDeps } from "../../src/deps.ts";
import { registry } from "../../src/domains.ts";
import type { Logger } from "../../src/log.ts";
import { loadConfig } from "../../src/config.ts";
import { RedisQueue } from "../../src/jobs/redis_queue.ts";
import type { Sql } from "../../src/db/pool.ts";
import type { Redis } from "../../src/redis.ts";

export class FakeClock {
  constructor(public ms = Date.parse("2025-06-02T09:00:00Z")) {}
  now = () => new Date(this.ms);
  advance(ms: number) {
    this.ms += ms;
  }
}

export interface LogLine {
  level: string;
  event: string;
  [field: string]: unknown;
}

export function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (event: string, fields: Record<string, unknown> = {}) => {
    lines.push({ level, event, ...fields });
  };
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** Polls `check` every 10 ms until it is truthy, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 5000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (true) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Dependencies whose `jobs` is a Redis queue under `prefix`; `sql` only if given. */
export function redisDeps(
  redis: Redis,
  prefix: string,
  options: { clock?: FakeClock; sql?: Sql; env?: Record<string, string> } = {},
): AppDeps & { log: ReturnType<typeof recordingLogger> } {
  const clock = options.clock ?? new FakeClock();
  return {
    config: loadConfig({ DATABASE_URL: "postgres://unused@127.0.0.1/unused", ...options.env }),
    sql: options.sql ?? (null as unknown as Sql),
    redis,
    jobs: new RedisQueue(redis, { prefix, now: clock.now }),
    log: recordingLogger(),
    now: clock.now,
    fetch,
    contributions: registry.contributions,
  };
}

/**
 * A process's dependencies, built once by an entry point (or a test) and handed to every
 * request handler, job and command. It lives apart from `src/http` so the database, jobs
 * and CLI layers can name it without reaching the HTTP layer.
 */
import type { Config } from "./config.ts";
import type { Sql } from "./db/pool.ts";
import type { Logger } from "./log.ts";
import type { Redis } from "./redis.ts";
import type { JobQueue } from "./jobs/queue.ts";
import type { Contributions } from "./core/contributions.ts";

export interface AppDeps {
  config: Config;
  sql: Sql;
  /** Present when REDIS_BASE_URL is set. */
  redis: Redis | null;
  /** Background jobs: Redis lists with REDIS_BASE_URL, else run in-process (inline). */
  jobs: JobQueue;
  log: Logger;
  /** The clock; tests pass a fixed one instead of sleeping. */
  now: () => Date;
  /** Third-party HTTP calls go through this, so tests can point them at local stand-ins. */
  fetch: typeof fetch;
  /** What the domains contribute to shared work (embeddings, housekeeping), from their manifests. */
  contributions: Contributions;
}

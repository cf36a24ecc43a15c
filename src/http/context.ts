/**
 * What every handler can reach through Hono's context: the process dependencies, the
 * request's database handle (a transaction on writes), the caller, and a hook to run
 * work after the request's transaction commits.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { Config } from "../config.ts";
import type { Db, Sql } from "../db/pool.ts";
import type { Logger } from "../log.ts";
import type { Caller } from "../auth/caller.ts";
import type { Redis } from "../redis.ts";
import type { JobQueue } from "../jobs/queue.ts";

/** Process-wide dependencies, built once by the entry point (or a test). */
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
}

export type AfterCommit = (task: () => unknown) => void;

export interface AppVariables {
  deps: AppDeps;
  /** Use this for every query of the request: a transaction on writes, the pool on reads. */
  db: Db;
  requestId: string;
  afterCommit: AfterCommit;
  /** Who is calling; set by the route's authentication middleware. */
  caller: Caller;
}

export type AppEnv = { Variables: AppVariables };
export type App = OpenAPIHono<AppEnv>;

/** A domain plugs its routes into the app through one of these (see src/domains.ts). */
export interface Domain {
  name: string;
  /** Middleware that applies to every route; registered before any domain's routes. */
  middleware?: MiddlewareHandler<AppEnv>[];
  register(app: App): void;
}

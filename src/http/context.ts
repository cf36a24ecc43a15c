/**
 * What every handler can reach through Hono's context: the process dependencies, the
 * request's database handle (a transaction on writes), the caller, and a hook to run
 * work after the request's transaction commits.
 */
import type { OpenAPIHono, RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { Db } from "../db/pool.ts";
import type { Caller } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import type { CachedText } from "../core/process_cache.ts";

export type AfterCommit = (task: () => unknown) => void;

export interface AppVariables {
  deps: AppDeps;
  /** Use this for every query of the request: a transaction on writes, the pool on reads. */
  db: Db;
  requestId: string;
  afterCommit: AfterCommit;
  /** Who is calling; set by the route's authentication middleware. */
  caller: Caller;
  /** The cache entry the response's body was sent from (src/http/cached.ts), if any. */
  cachedBody?: CachedText;
}

export type AppEnv = { Variables: AppVariables };
export type App = OpenAPIHono<AppEnv>;

/** A route's handler, typed by its `createRoute` declaration: `Handler<typeof routes.detail>`. */
export type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

/**
 * What the app factory takes from each domain manifest (src/manifest.ts): middleware and
 * routes. Test-only routes are given in the same shape.
 */
export interface RouteSet {
  name: string;
  /** Middleware that applies to every route; registered before any domain's routes. */
  middleware?: MiddlewareHandler<AppEnv>[];
  /** Adds the routes. */
  register?(app: App): void;
}

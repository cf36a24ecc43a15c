/**
 * The domain manifest: everything one domain contributes, declared as one value in
 * `src/<domain>/domain.ts` and listed once in src/domains.ts. The composition root
 * (src/registry.ts) derives the app's routes, the search apps, the worker's jobs and
 * schedules, the CLI's commands and the cross-domain contributions from that list, so
 * nothing registers itself on import and shared machinery never imports a domain.
 *
 * @example
 * export const objectiveDomain: Domain = {
 *   name: "objective",
 *   register: registerObjectiveRoutes,
 *   adviserActivity: objectiveAdviserActivity,
 * };
 */
import type { RouteSet } from "./http/context.ts";
import type { SearchApp } from "./search/app.ts";
import type { AnyJob } from "./jobs/definition.ts";
import type { Schedule } from "./jobs/scheduler.ts";
import type { Command } from "./cli/command.ts";
import type { Embedding } from "./core/contributions.ts";
import type { AdviserActivity, CompanyInUse } from "./core/housekeeping.ts";
import type { DatabaseStep } from "./db/prepare.ts";
import type { Dataset } from "./dataset/dataset.ts";
import type { ActivityFeed } from "./activity_stream/feed.ts";
import type { CacheSource } from "./core/cache_version.ts";

export interface Domain extends RouteSet {
  /** Its search apps: routes, global search, sync and the CLI's search commands. */
  searchApps?: SearchApp[];
  /** Jobs queued by code (a schedule's job is registered with the schedule). */
  jobs?: AnyJob[];
  /** Its lines of the schedule table (cron, UTC). */
  schedules?: Schedule[];
  /** CLI subcommands, by name. */
  commands?: Record<string, Command>;
  /** Search documents of this domain that embed another entity (re-indexed on its writes). */
  embeddings?: Embedding[];
  /** Evidence of adviser activity for the nightly deactivation. */
  adviserActivity?: AdviserActivity;
  /** Companies this domain still needs, kept from the nightly automatic archive. */
  companiesInUse?: CompanyInUse;
  /** Runs after migrations whenever a database is brought up to date (reference data). */
  afterMigrate?: DatabaseStep;
  /** Its Data Workspace datasets (`/v4/dataset/<name>`, Hawk scope `datasets`). */
  datasets?: Dataset[];
  /** Its Activity Stream feeds (`/v3/activity-stream/<path>`, Hawk scope `activity_stream`). */
  activityFeeds?: ActivityFeed[];
  /**
   * Tables its cached documents are built from (src/http/cached.ts): a write to one
   * bumps the version of the documents it touches, through a trigger installed after
   * migrations.
   */
  cacheSources?: CacheSource[];
}

/**
 * An activity-stream feed: the Activity Streams 2.0 pages DBT's Activity Stream scrapes
 * (`/v3/activity-stream/<path>`). A domain declares its feeds in its manifest
 * (`activityFeeds`): the table whose rows are the activities and how one row renders
 * as an item; the kit here makes the Hawk route (scope `activity_stream`) and pages it
 * by `(modified_on, id)`.
 */
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";

export interface FeedContext {
  /** DATAHUB_FRONTEND_BASE_URL, for the items' `url`s. */
  frontendBaseUrl: string;
}

export interface ActivityFeed {
  /** The path after `/v3/activity-stream/`, e.g. `interaction`. */
  path: string;
  /** The page's `summary`, as the original's. */
  summary: string;
  /** The activities' table, read as `t`; it has `modified_on` and `id` (uuid). */
  table: string;
  /** One activity as jsonb, from the row `t`. */
  item: (sql: Db, context: FeedContext) => Fragment;
}

/** The `generator` of every item. */
export const GENERATOR = { name: "dit:dataHub", type: "Application" };

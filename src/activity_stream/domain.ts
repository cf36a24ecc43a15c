/**
 * The activity stream's own manifest, made for the feeds the domains declare: one Hawk
 * route each under `/v3/activity-stream/`.
 */
import type { Domain } from "../manifest.ts";
import type { ActivityFeed } from "./feed.ts";
import { registerActivityStreamRoutes } from "./handlers.ts";

export function createActivityStreamDomain(feeds: ActivityFeed[]): Domain {
  return { name: "activity_stream", register: (app) => registerActivityStreamRoutes(app, feeds) };
}

/**
 * Events' manifest: v3/v4 routes, the event search app (also in global search), the
 * activity-stream feed and the Data Workspace dataset.
 */
import type { Domain } from "../manifest.ts";
import { registerEventRoutes } from "./handlers.ts";
import { eventSearchApp } from "./search.ts";
import { eventActivityFeed } from "./activity.ts";
import { eventsDataset } from "./dataset.ts";

export const eventDomain: Domain = {
  name: "event",
  register: registerEventRoutes,
  searchApps: [eventSearchApp],
  activityFeeds: [eventActivityFeed],
  datasets: [eventsDataset],
};

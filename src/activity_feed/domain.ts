/** The activity feed's manifest: its proxy route to the Activity Stream. */
import type { Domain } from "../manifest.ts";
import { registerActivityFeedRoutes } from "./handlers.ts";

export const activityFeedDomain: Domain = {
  name: "activity_feed",
  register: registerActivityFeedRoutes,
};

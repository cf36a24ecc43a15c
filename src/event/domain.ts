/** Events' manifest: v3/v4 routes and the event search app (also in global search). */
import type { Domain } from "../manifest.ts";
import { registerEventRoutes } from "./handlers.ts";
import { eventSearchApp } from "./search.ts";

export const eventDomain: Domain = {
  name: "event",
  register: registerEventRoutes,
  searchApps: [eventSearchApp],
};

/** Advisers' manifest: their routes and search, the operator commands, the nightly deactivation. */
import type { Domain } from "../manifest.ts";
import { schedule } from "../jobs/scheduler.ts";
import { registerAdviserRoutes } from "./handlers.ts";
import { adviserSearchApp } from "./search.ts";
import { addAccessTokenCommand, createAdviserCommand } from "./commands.ts";
import { automaticAdviserDeactivation, NIGHTLY } from "./jobs.ts";
import { advisersDataset, userEventsDataset } from "./dataset.ts";

export const adviserDomain: Domain = {
  name: "adviser",
  register: registerAdviserRoutes,
  searchApps: [adviserSearchApp],
  commands: {
    "create-adviser": createAdviserCommand,
    "add-access-token": addAccessTokenCommand,
  },
  schedules: [
    schedule("automatic_adviser_deactivate", "0 19 * * *", automaticAdviserDeactivation, {
      payload: NIGHTLY,
      enabledBy: "ENABLE_ADVISER_DEACTIVATION",
    }),
  ],
  datasets: [advisersDataset, userEventsDataset],
};

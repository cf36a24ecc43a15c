/** OMIS orders' manifest: their routes, and the hourly refresh of GOV.UK Pay sessions. */
import type { Domain } from "../manifest.ts";
import { registerOmisRoutes } from "./handlers.ts";
import { omisSchedules, refreshPaymentGatewaySession } from "./jobs.ts";

export const omisDomain: Domain = {
  name: "omis",
  register: registerOmisRoutes,
  jobs: [refreshPaymentGatewaySession],
  schedules: omisSchedules,
};

/**
 * D&B's manifest: the `/v4/dnb` routes, the nightly update from dnb-service's feed (as the
 * original, unconditionally at midnight; it does nothing without DNB_SERVICE_BASE_URL),
 * the hierarchy back-fill behind ENABLE_DAILY_HIERARCHY_ROLLOUT, and the command that
 * queues an update run by hand.
 */
import type { Domain } from "../manifest.ts";
import { schedule } from "../jobs/scheduler.ts";
import { registerDnbRoutes } from "./handlers.ts";
import {
  getCompanyUpdatesJob,
  HIERARCHY_ROLLOUT_BEFORE,
  syncOutdatedCompaniesJob,
} from "./jobs.ts";
import { updateCompaniesFromDnbCommand } from "./commands.ts";

export const dnbDomain: Domain = {
  name: "dnb",
  register: registerDnbRoutes,
  schedules: [
    schedule("dnb_get_company_updates", "0 0 * * *", getCompanyUpdatesJob),
    schedule("dnb_hierarchy_rollout", "0 1 * * *", syncOutdatedCompaniesJob, {
      payload: {
        dnb_modified_on_before: HIERARCHY_ROLLOUT_BEFORE,
        fields_to_update: ["global_ultimate_duns_number"],
        simulate: false,
      },
      enabledBy: "ENABLE_DAILY_HIERARCHY_ROLLOUT",
    }),
  ],
  commands: { "update-companies-from-dnb-service": updateCompaniesFromDnbCommand },
};

/**
 * The nightly automatic company archive (the original's `automatic_company_archive`):
 * companies untouched for three months that no domain still needs, and whose D&B group
 * goes with them, are archived. Off unless the `automatic-company-archive` feature flag
 * is active, as in the original; other domains contribute what keeps a company.
 */
import { defineJob, HALF_DAY_MS } from "../jobs/definition.ts";
import { unionOf } from "../core/housekeeping.ts";
import { recordWrite, systemWriteMeta } from "../core/tracking.ts";
import { isFeatureFlagActive } from "../feature_flag/queries.ts";
import { housekeepingPayload } from "../adviser/jobs.ts";
import { archiveCompaniesAutomatically, companiesToArchive, companyEntity } from "./queries.ts";

export const AUTOMATIC_COMPANY_ARCHIVE_FLAG = "automatic-company-archive";

export const automaticCompanyArchive = defineJob({
  name: "automatic_company_archive",
  payload: housekeepingPayload,
  queue: "long-running",
  timeoutMs: HALF_DAY_MS,
  run: async ({ limit, simulate }, { deps }) => {
    const now = deps.now();
    const archived = await deps.sql.begin(async (tx) => {
      if (!(await isFeatureFlagActive(tx, AUTOMATIC_COMPANY_ARCHIVE_FLAG))) return "flag off";
      const [{ locked }] =
        await tx`select pg_try_advisory_xact_lock(hashtext('automatic_company_archive')) as locked`;
      if (!locked) return "locked";
      const sources = deps.contributions.companiesInUse;
      const inUse = unionOf(tx, sources.map((source) => source(tx, now)));
      const ids = (await companiesToArchive(tx, { now, inUse, limit })).map((r) => r.id);
      if (!simulate && ids.length) {
        await archiveCompaniesAutomatically(tx, ids, now);
        await recordWrite(tx, companyEntity, ids, systemWriteMeta(deps, now));
      }
      return ids;
    });
    deps.log.info("automatic_company_archive", {
      simulate,
      archived: Array.isArray(archived) ? archived.length : 0,
      skipped: Array.isArray(archived) ? undefined : archived,
    });
  },
});

/**
 * The nightly automatic contact archive (the original's `automatic_contact_archive`):
 * contacts of archived companies are archived, naming the company in the reason.
 */
import { defineJob, HALF_DAY_MS } from "../jobs/definition.ts";
import { recordWrite, systemWriteMeta } from "../core/tracking.ts";
import { housekeepingPayload } from "../adviser/jobs.ts";
import { archiveContactsOfArchivedCompanies, contactEntity } from "./queries.ts";

export const automaticContactArchive = defineJob({
  name: "automatic_contact_archive",
  payload: housekeepingPayload,
  queue: "long-running",
  timeoutMs: HALF_DAY_MS,
  run: async ({ limit, simulate }, { deps }) => {
    const at = deps.now();
    const ids = await deps.sql.begin(async (tx) => {
      const [{ locked }] =
        await tx`select pg_try_advisory_xact_lock(hashtext('automatic_contact_archive')) as locked`;
      if (!locked) return null;
      const found = await archiveContactsOfArchivedCompanies(tx, { at, limit, simulate });
      if (!simulate && found.length) {
        await recordWrite(tx, contactEntity, found, systemWriteMeta(deps, at));
      }
      return found;
    });
    deps.log.info("automatic_contact_archive", { simulate, archived: ids?.length ?? 0 });
  },
});

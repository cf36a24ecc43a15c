/**
 * The nightly adviser deactivation (the original's `automatic_adviser_deactivate`):
 * advisers with no trace in any domain for two years stop being active. Each domain
 * contributes its evidence of activity (see src/core/housekeeping.ts).
 */
import { z } from "zod";
import { defineJob, HALF_DAY_MS } from "../jobs/definition.ts";
import { unionOf, yearsBefore } from "../core/housekeeping.ts";
import { recordChanges } from "../core/change_feed.ts";
import { deactivateInactiveAdvisers } from "./queries.ts";

export const housekeepingPayload = z.object({
  limit: z.number().int().min(1).default(1000),
  simulate: z.boolean().default(false),
});

/** The payload of the nightly housekeeping schedules. */
export const NIGHTLY = { limit: 20000, simulate: false };

export const automaticAdviserDeactivation = defineJob({
  name: "automatic_adviser_deactivate",
  payload: housekeepingPayload,
  queue: "long-running",
  timeoutMs: HALF_DAY_MS,
  run: async ({ limit, simulate }, { deps }) => {
    const since = yearsBefore(deps.now(), 2);
    const ids = await deps.sql.begin(async (tx) => {
      const [{ locked }] =
        await tx`select pg_try_advisory_xact_lock(hashtext('automatic_adviser_deactivate')) as locked`;
      if (!locked) return null;
      const sources = deps.contributions.adviserActivity;
      const activity = unionOf(tx, sources.map((source) => source(tx, since)));
      const found = await deactivateInactiveAdvisers(tx, { since, activity, limit, simulate });
      if (!simulate) await recordChanges(tx, found.map((id) => ({ entity: "adviser", id })));
      return found;
    });
    deps.log.info("automatic_adviser_deactivate", {
      simulate,
      deactivated: ids?.length ?? 0,
      skipped: ids === null ? "another run holds the lock" : undefined,
    });
  },
});

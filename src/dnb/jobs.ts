/**
 * D&B background work, as the original's datahub/dnb_api/tasks:
 * - `dnb.get_company_updates` (nightly): reads dnb-service's feed of companies D&B changed
 *   since a time (default: midnight yesterday, UTC), page by page up to
 *   DNB_AUTOMATIC_UPDATE_LIMIT, and refreshes the matching Data Hub companies, each in its
 *   own transaction with a version "Updated from D&B [rq:get_company_updates:<start>]";
 *   then logs the run's audit (successes, failures, start and end).
 * - `dnb.sync_outdated_companies_with_dnb` (nightly behind ENABLE_DAILY_HIERARCHY_ROLLOUT):
 *   refreshes the D&B-linked companies not refreshed since a date, most recently
 *   interacted with first, asking dnb-service for each.
 */
import { z } from "zod";
import { defineJob, HALF_DAY_MS } from "../jobs/definition.ts";
import type { AppDeps } from "../deps.ts";
import { systemWriteMeta } from "../core/tracking.ts";
import { DnbClient, type DnbCompany } from "./client.ts";
import { DNB_UPDATED_FIELDS, type DnbField } from "./rules.ts";
import { companyDuns, companyIdByDuns, outdatedCompanies } from "./queries.ts";
import { updateCompanyFromDnb } from "./updates.ts";

const fieldsToUpdate = z.array(z.enum(DNB_UPDATED_FIELDS)).optional();

/** Python's `isoformat()` (`sep` "T") or `str()` (`sep` " ") of an aware UTC datetime. */
export function pythonIso(date: Date, sep: "T" | " " = "T"): string {
  const iso = date.toISOString();
  const ms = date.getUTCMilliseconds();
  const fraction = ms ? `.${String(ms).padStart(3, "0")}000` : "";
  return `${iso.slice(0, 10)}${sep}${iso.slice(11, 19)}${fraction}+00:00`;
}

/** Midnight of the day before `now` (UTC), naive, as the original's default. */
export function midnightYesterday(now: Date): string {
  const yesterday = new Date(now.getTime() - 86_400_000);
  return `${yesterday.toISOString().slice(0, 10)}T00:00:00`;
}

/** Refreshes one company from a D&B record in its own transaction; false when it fails. */
async function applyUpdate(
  deps: AppDeps,
  record: DnbCompany,
  fields: readonly DnbField[] | undefined,
  descriptor: string,
): Promise<boolean> {
  const duns = String(record?.duns_number ?? "");
  try {
    await deps.sql.begin(async (tx) => {
      const id = await companyIdByDuns(tx, duns);
      if (!id) {
        deps.log.error("Company matching duns_number was not found", { duns_number: duns });
        throw new Error(`no company with duns_number ${duns}`);
      }
      await updateCompanyFromDnb(tx, deps, id, record, {
        fields,
        descriptor,
        meta: systemWriteMeta(deps),
      });
    });
    return true;
  } catch (error) {
    deps.log.warn("update_company_from_dnb_data failed", {
      duns_number: duns,
      error: (error as Error).message,
    });
    return false;
  }
}

export interface UpdatesAudit {
  success_count: number;
  failure_count: number;
  job_count: number;
  start_time: string;
  end_time: string;
}

/** The nightly run: every update page, then the audit line. */
export async function getCompanyUpdates(
  deps: AppDeps,
  options: { lastUpdatedAfter?: string; fields?: readonly DnbField[] } = {},
): Promise<UpdatesAudit> {
  const client = new DnbClient(deps);
  const start = deps.now();
  const lastUpdatedAfter = options.lastUpdatedAfter ?? midnightYesterday(start);
  const descriptor = `rq:get_company_updates:${pythonIso(start, " ")}`;
  let remaining = deps.config.DNB_AUTOMATIC_UPDATE_LIMIT;
  const audit = { success_count: 0, failure_count: 0, job_count: 0 };
  deps.log.info("Started get_company_updates task", { last_updated_after: lastUpdatedAfter });
  let next: string | null = null;
  while (true) {
    const page = await client.updatesPage(lastUpdatedAfter, next);
    let records = Array.isArray(page?.results) ? page.results : [];
    if (remaining !== undefined) records = records.slice(0, remaining);
    for (const record of records) {
      audit.job_count++;
      if (await applyUpdate(deps, record, options.fields, descriptor)) audit.success_count++;
      else audit.failure_count++;
    }
    if (remaining !== undefined) {
      remaining -= records.length;
      if (remaining <= 0) break;
    }
    next = typeof page?.next === "string" && page.next ? page.next : null;
    if (!next) break;
  }
  const result: UpdatesAudit = {
    ...audit,
    start_time: pythonIso(start),
    end_time: pythonIso(deps.now()),
  };
  deps.log.info("get_company_updates task completed.", { ...result });
  deps.log.info(
    `datahub.dnb_api.tasks.update.get_company_updates updated: ${result.success_count}; ` +
      `failed to update: ${result.failure_count}`,
  );
  return result;
}

export const getCompanyUpdatesJob = defineJob({
  name: "dnb.get_company_updates",
  payload: z.object({
    last_updated_after: z.string().optional(),
    fields_to_update: fieldsToUpdate,
  }),
  queue: "long-running",
  timeoutMs: HALF_DAY_MS,
  run: async (payload, { deps }) => {
    if (!deps.config.DNB_SERVICE_BASE_URL) {
      deps.log.warn("get_company_updates skipped: DNB_SERVICE_BASE_URL is not set");
      return;
    }
    await getCompanyUpdates(deps, {
      lastUpdatedAfter: payload.last_updated_after,
      fields: payload.fields_to_update,
    });
  },
});

/** The original's hierarchy back-fill: companies last refreshed before this instant. */
export const HIERARCHY_ROLLOUT_BEFORE = "2019-10-24T23:59:59Z";

/** Refreshes outdated D&B-linked companies from dnb-service; returns how many succeeded. */
export async function syncOutdatedCompanies(
  deps: AppDeps,
  options: {
    before: Date;
    fields?: readonly DnbField[];
    limit: number;
    simulate: boolean;
  },
): Promise<{ synced: number; failed: number }> {
  const client = new DnbClient(deps);
  const ids = await outdatedCompanies(deps.sql, options.before, options.limit);
  let synced = 0, failed = 0;
  for (const id of ids) {
    const message = `Syncing dnb-linked company "${id}"`;
    if (options.simulate) {
      deps.log.info(`[SIMULATION] ${message} Succeeded`);
      continue;
    }
    try {
      const duns = (await companyDuns(deps.sql, id))?.duns_number;
      if (!duns) throw new Error("the company has no DUNS number");
      const record = await client.company(duns);
      await deps.sql.begin((tx) =>
        updateCompanyFromDnb(tx, deps, id, record, {
          fields: options.fields,
          descriptor: `rq:sync_outdated_companies_with_dnb:${id}`,
          meta: systemWriteMeta(deps),
        })
      );
      deps.log.info(`${message} Succeeded`);
      synced++;
    } catch (error) {
      deps.log.warn(`${message} Failed`, { error: (error as Error).message });
      failed++;
    }
  }
  return { synced, failed };
}

export const syncOutdatedCompaniesJob = defineJob({
  name: "dnb.sync_outdated_companies_with_dnb",
  payload: z.object({
    dnb_modified_on_before: z.iso.datetime({ offset: true }),
    fields_to_update: fieldsToUpdate,
    /** Default: DAILY_HIERARCHY_ROLLOUT_LIMIT. */
    limit: z.number().int().min(0).optional(),
    simulate: z.boolean().default(true),
  }),
  queue: "long-running",
  timeoutMs: HALF_DAY_MS,
  run: async (payload, { deps }) => {
    if (!deps.config.DNB_SERVICE_BASE_URL) {
      deps.log.warn("sync_outdated_companies_with_dnb skipped: DNB_SERVICE_BASE_URL is not set");
      return;
    }
    const result = await syncOutdatedCompanies(deps, {
      before: new Date(payload.dnb_modified_on_before),
      fields: payload.fields_to_update,
      limit: payload.limit ?? deps.config.DAILY_HIERARCHY_ROLLOUT_LIMIT,
      simulate: payload.simulate,
    });
    deps.log.info("sync_outdated_companies_with_dnb", result);
  },
});

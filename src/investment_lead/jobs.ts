/**
 * Expand Your Business ingestion, as the original's datahub/investment_lead/tasks: Data
 * Flow exports the triage, user and marketing components as JSON-lines objects (gzipped
 * or not) under three prefixes of `data-flow-bucket-<ENVIRONMENT>`. Every hour the newest
 * triage object is ingested unless it already was; each component's ingestion then looks
 * for the next component's newest object (triage → user → marketing), so one lead is
 * built from the three without two ingestions racing. Records update the lead sharing
 * their hashed uuid, or create one; after the users, leads with both components are
 * linked to a company (by DUNS number, else a new one) and its contact. Without a bucket
 * configured (`ENVIRONMENT` or `S3_LOCAL_ENDPOINT_URL`) the job only logs.
 */
import { z } from "zod";
import type { AppDeps } from "../deps.ts";
import type { Db } from "../db/pool.ts";
import { defineJob } from "../jobs/definition.ts";
import {
  lastIngestion,
  objectIngested,
  openDataFlowBucket,
  recordIngestion,
} from "../ingest/data_flow.ts";
import { recordWrite, systemWriteMeta } from "../core/tracking.ts";
import { companyEntity, insertIngestedCompany } from "../company/queries.ts";
import { contactEntity, insertIngestedContact } from "../contact/queries.ts";
import { type Component, mapRecord, recordOfLine } from "./ingest_rules.ts";
import * as q from "./queries.ts";

const EXPORTS = "data-flow/exports/";
export const EYB_PREFIXES: Record<Component, string> = {
  triage: `${EXPORTS}DirectoryExpandYourBusinessTriageDataPipeline/`,
  user: `${EXPORTS}DirectoryExpandYourBusinessUserDataPipeline/`,
  marketing: `${EXPORTS}ExportEYBAnalyticsToDataHubS3/`,
};
const NEXT: Partial<Record<Component, Component>> = { triage: "user", user: "marketing" };
const THIRTY_MINUTES_MS = 1_800_000;

const componentSchema = z.enum(["triage", "user", "marketing"]);

export const eybIdentification = defineJob({
  name: "investment_lead.eyb_identification",
  payload: z.object({ component: componentSchema }),
  run: async ({ component }, { deps }) => {
    const bucket = await openDataFlowBucket(deps.config);
    if (!bucket) {
      deps.log.info("eyb identification skipped: no Data Flow bucket configured");
      return;
    }
    try {
      const key = (await bucket.newest(EYB_PREFIXES[component]))?.key;
      if (!key) deps.log.info("eyb identification: no objects found", { component });
      else if (await objectIngested(deps.sql, key)) {
        deps.log.info("eyb identification: already ingested", { component, key });
      } else {
        await deps.jobs.enqueue(eybIngestion, { component, object_key: key });
        deps.log.info("eyb identification: ingestion scheduled", { component, key });
      }
    } finally {
      bucket.close();
    }
  },
});

async function ingest(deps: AppDeps, tx: Db, component: Component, key: string, lines: string[]) {
  const since = await lastIngestion(tx, EYB_PREFIXES[component]);
  const lookups = q.ingestLookups(tx);
  const at = deps.now();
  const counts = { created: [] as string[], updated: [] as string[], skipped: 0 };
  const errors: unknown[] = [];
  for (const line of lines) {
    const record = recordOfLine(component, JSON.parse(line));
    if (component === "marketing") {
      if (await q.leadWithMarketing(tx, String(record.hashed_uuid ?? ""))) {
        counts.skipped++;
        continue;
      }
    } else if (since) {
      // Unchanged since the last object was ingested (an unreadable date is processed).
      const modified = Date.parse(String(record.modified ?? ""));
      if (!Number.isNaN(modified) && modified < since.getTime()) {
        counts.skipped++;
        continue;
      }
    }
    const mapped = await mapRecord(component, record, lookups);
    if ("errors" in mapped) {
      errors.push({ record, errors: mapped.errors });
      continue;
    }
    const { id, created } = await q.upsertLead(tx, mapped.hashedUuid, mapped.columns, at);
    (created ? counts.created : counts.updated).push(id);
  }
  const ids = [...counts.created, ...counts.updated];
  if (ids.length) await recordWrite(tx, q.leadEntity, ids, systemWriteMeta(deps, at));
  deps.log.info("eyb object ingested", {
    key,
    created: counts.created.length,
    updated: counts.updated.length,
    skipped: counts.skipped,
  });
  if (errors.length) deps.log.warn("eyb records failed validation", { key, errors });
}

/**
 * Links each complete lead without a company (the original's link_leads_to_companies):
 * the one company with its DUNS number, else a new company from the lead (which needs a
 * country); then its contact unless one has the lead's e-mail. A lead that fails is
 * logged and left for the next run.
 */
export async function linkLeadsToCompanies(deps: AppDeps): Promise<void> {
  for (const lead of await q.leadsToLink(deps.sql)) {
    try {
      await deps.sql.begin(async (tx) => {
        const at = deps.now();
        const meta = systemWriteMeta(deps, at);
        let company = lead.duns_number ? await q.companyByDuns(tx, lead.duns_number) : null;
        if (!company) {
          if (!lead.address_country_id) {
            throw new Error("Address country field is required to create a new company");
          }
          company = await insertIngestedCompany(tx, {
            name: lead.company_name,
            source: "eyb",
            duns_number: lead.duns_number || null,
            sector_id: lead.sector_id,
            address_1: lead.address_1,
            address_2: lead.address_2,
            address_town: lead.address_town,
            address_county: lead.address_county,
            address_country_id: lead.address_country_id,
            address_postcode: lead.address_postcode,
            website: lead.company_website,
          }, at);
          await recordWrite(tx, companyEntity, company, meta);
        }
        await q.linkLeadCompany(tx, lead.id, company, at);
        await recordWrite(tx, q.leadEntity, lead.id, meta);
        if (!await q.companyHasContact(tx, company, lead.email)) {
          const contact = await insertIngestedContact(tx, {
            company_id: company,
            email: lead.email,
            full_telephone_number: lead.telephone_number,
            job_title: lead.role,
            first_name: lead.full_name,
            last_name: lead.full_name,
            address_same_as_company: true,
            source: "eyb",
          }, at);
          await recordWrite(tx, contactEntity, contact, meta);
        }
      });
    } catch (error) {
      deps.log.error("eyb lead not linked to a company", {
        lead: lead.id,
        error: String(error),
      });
    }
  }
}

export const eybIngestion = defineJob({
  name: "investment_lead.eyb_ingestion",
  payload: z.object({ component: componentSchema, object_key: z.string() }),
  queue: "long-running",
  timeoutMs: THIRTY_MINUTES_MS,
  run: async ({ component, object_key: key }, { deps }) => {
    const bucket = await openDataFlowBucket(deps.config);
    if (!bucket) return;
    try {
      const { lines, lastModified } = await bucket.lines(key);
      await deps.sql.begin(async (tx) => {
        // One ingestion of an object at a time; a second finds it ingested.
        await tx`select pg_advisory_xact_lock(hashtext(${"eyb:" + key}))`;
        if (await objectIngested(tx, key)) return;
        await ingest(deps, tx, component, key, lines);
        await recordIngestion(tx, key, lastModified, deps.now());
      });
    } finally {
      bucket.close();
    }
    if (component === "user") await linkLeadsToCompanies(deps);
    const next = NEXT[component];
    if (next) await deps.jobs.enqueue(eybIdentification, { component: next });
  },
});

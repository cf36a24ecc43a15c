/**
 * Stova event ingestion (datahub/company_activity/tasks/ingest_stova_events): the newest
 * file under the data-flow bucket's ExportAventriEvents prefix, one JSON record a line
 * (gzipped when the key ends in `.gz`), each unseen event stored with its Data Hub event.
 * Identification queues the ingestion of a file not ingested yet; the ingestion records
 * the file once done (one transaction: a failed run leaves nothing and is retried).
 */
import type { AppDeps } from "../deps.ts";
import type { Db } from "../db/pool.ts";
import { dataFlowJobs } from "../ingest/data_flow.ts";
import { recordWrite, systemWriteMeta } from "../core/tracking.ts";
import { eventEntity } from "../event/queries.ts";
import * as q from "./queries.ts";

export const STOVA_EVENT_PREFIX = "data-flow/exports/ExportAventriEvents/";

type StovaRecord = Record<string, unknown>;

/** A record has these, non-empty, or it is not made into an event. */
const REQUIRED = ["id", "name", "location_address1", "location_city"];
/** Null in Stova, blank in Data Hub. */
const BLANK_WHEN_NULL = [
  "location_address2",
  "location_address3",
  "location_state",
  "location_postcode",
  "description",
];
/** Stored as given (the original's `record.get(key, '')`), `id` as `stova_event_id`. */
const TEXT_FIELDS = [
  "url",
  "city",
  "code",
  "name",
  "state",
  "country",
  "timezone",
  "created_by",
  "price_type",
  "description",
  "modified_by",
  "contact_info",
  "location_city",
  "location_name",
  "client_contact",
  "location_state",
  "default_language",
  "location_country",
  "location_address1",
  "location_address2",
  "location_address3",
  "location_postcode",
  "standard_currency",
];
const INTEGER_FIELDS = ["max_reg", "folder_id"];
const DATE_FIELDS = [
  "end_date",
  "live_date",
  "close_date",
  "start_date",
  "created_date",
  "modified_date",
];
/** Columns that may not be null (the model's fields without `null=True`). */
const NOT_NULL = new Set([
  "name",
  "description",
  "code",
  "created_by",
  "modified_by",
  "client_contact",
  "created_date",
  "modified_date",
  "location_state",
  "location_address1",
  "location_address2",
  "location_address3",
  "location_city",
  "location_postcode",
  "approval_required",
  "price_type",
  "default_language",
  "standard_currency",
]);
/** Text columns that may not be blank either (no `blank=True`). */
const NOT_BLANK = new Set([
  "name",
  "location_address1",
  "location_city",
  "price_type",
  "default_language",
  "standard_currency",
]);
/** Text columns without a length limit; the others hold at most 255 characters. */
const UNBOUNDED = new Set(["name", "description", "contact_info", "url"]);
export const DATETIME_RE =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;

/**
 * The columns of a record, or the reasons it cannot be stored (the original's
 * `full_clean` errors, which it logs and skips).
 */
export function stovaEventColumns(
  record: StovaRecord,
): { columns: Record<string, unknown> } | { errors: string[] } {
  const values: Record<string, unknown> = { stova_event_id: record.id };
  for (const field of TEXT_FIELDS) {
    values[field] = BLANK_WHEN_NULL.includes(field)
      ? record[field] ?? ""
      : field in record
      ? record[field]
      : "";
  }
  for (const field of [...INTEGER_FIELDS, ...DATE_FIELDS]) values[field] = record[field] ?? null;
  values.approval_required = record.approval_required ?? null;
  const errors: string[] = [];
  for (const [field, value] of Object.entries(values)) {
    if (value === null || value === undefined) {
      if (NOT_NULL.has(field)) errors.push(`${field}: This field cannot be null.`);
      values[field] = null;
      continue;
    }
    if (field === "stova_event_id" || INTEGER_FIELDS.includes(field)) {
      if (!Number.isSafeInteger(value)) errors.push(`${field}: must be an integer.`);
    } else if (DATE_FIELDS.includes(field)) {
      if (typeof value !== "string" || !DATETIME_RE.test(value.trim())) {
        errors.push(`${field}: has an invalid format.`);
      }
    } else if (field === "approval_required") {
      if (typeof value !== "boolean") errors.push(`${field}: must be either True or False.`);
    } else if (typeof value !== "string") {
      errors.push(`${field}: must be text.`);
    } else if (NOT_BLANK.has(field) && value === "") {
      errors.push(`${field}: This field cannot be blank.`);
    } else if (!UNBOUNDED.has(field) && value.length > 255) {
      errors.push(`${field}: Ensure this value has at most 255 characters.`);
    }
  }
  return errors.length ? { errors } : { columns: values };
}

/** Ingests the records (in the object's transaction); counts the events created and skipped. */
async function ingestStovaEvents(
  deps: AppDeps,
  tx: Db,
  records: StovaRecord[],
): Promise<{ created: number; skipped: number }> {
  const meta = systemWriteMeta(deps);
  const existing = await q.ingestedStovaEventIds(tx);
  let created = 0;
  let skipped = 0;
  for (const record of records) {
    const stovaEventId = record.id as number;
    if (existing.has(stovaEventId)) {
      deps.log.info("stova event already ingested", { stova_event_id: stovaEventId });
      skipped++;
      continue;
    }
    const missing = REQUIRED.find((f) =>
      record[f] === null || record[f] === undefined ||
      record[f] === ""
    );
    if (missing) {
      deps.log.info("stova event without a required field, not ingested", {
        stova_event_id: stovaEventId,
        field: missing,
      });
      continue;
    }
    const result = stovaEventColumns(record);
    if ("errors" in result) {
      deps.log.error("unexpected value in a stova event record", {
        stova_event_id: stovaEventId,
        errors: result.errors,
      });
      continue;
    }
    const id = await q.insertStovaEvent(tx, result.columns);
    const eventId = await q.upsertEventOfStovaEvent(tx, id, meta.at);
    await recordWrite(tx, eventEntity, eventId, meta);
    existing.add(stovaEventId);
    created++;
  }
  return { created, skipped };
}

/** Identification queues the newest object under the prefix unless ingested already. */
export const {
  identification: stovaEventIdentificationJob,
  ingestion: stovaEventIngestionJob,
} = dataFlowJobs({
  name: "company_activity.stova_event",
  label: "stova event",
  prefix: STOVA_EVENT_PREFIX,
  ingest: ingestStovaEvents,
});

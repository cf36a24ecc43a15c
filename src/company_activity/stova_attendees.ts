/**
 * Stova attendee ingestion (datahub/company_activity/tasks/ingest_stova_attendees): the
 * newest file under the data-flow bucket's ExportAventriAttendees prefix, one attendee a
 * line. Each attendee not ingested yet, with every required field, of a Stova event that
 * was ingested, is made part of Data Hub: the company of its name (any case), else a new
 * one in the event's country; the company's contact of its e-mail (any case), else a new
 * primary one; an interaction ("Attended <event>", a service delivery of the event, by the
 * inactive Stova default adviser); then the attendee row. An attendee that fails at any
 * step leaves nothing (its own savepoint), is logged with the original's message, and
 * the file goes on. Unscheduled in the original; `ingest-stova-attendees` queues it.
 */
import type { AppDeps } from "../deps.ts";
import type { TransactionSql } from "../db/pool.ts";
import { dataFlowJobs } from "../ingest/data_flow.ts";
import { recordWrite, systemWriteMeta, type WriteMeta } from "../core/tracking.ts";
import { companyEntity, insertIngestedCompany } from "../company/queries.ts";
import { contactEntity, insertIngestedContact } from "../contact/queries.ts";
import { interactionEntity } from "../interaction/queries.ts";
import * as q from "./queries.ts";

export const STOVA_ATTENDEE_PREFIX = "data-flow/exports/ExportAventriAttendees/";

/** An attendee missing one of these (null or blank) is not processed. */
const REQUIRED = ["id", "event_id", "company_name", "first_name", "last_name", "email"];
/** Columns copied as `record.get(field, '')`. */
const COPIED = [
  "created_date",
  "email",
  "first_name",
  "last_name",
  "company_name",
  "category",
  "registration_status",
  "created_by",
  "language",
  "modified_date",
  "virtual_event_attendance",
  "last_lobby_login",
  "attendee_questions",
  "modified_by",
];
/** Columns the original reads with `record.get(field)` (null when absent). */
const NULL_WHEN_ABSENT = new Set(["created_date", "modified_date"]);

type Attendee = Record<string, unknown>;

/** Why an attendee left nothing: logged, then its savepoint is rolled back. */
class Skip extends Error {
  constructor(readonly level: "info" | "error", message: string) {
    super(message);
  }
}

const pgCode = (error: unknown) => (error as { code?: string }).code ?? "";

/** The attendee's columns, as the original's `values`. */
export function attendeeColumns(record: Attendee): Record<string, unknown> {
  const values: Record<string, unknown> = {
    stova_attendee_id: record.id,
    stova_event_id: record.event_id ?? "",
  };
  for (const field of COPIED) {
    values[field] = field in record ? record[field] : NULL_WHEN_ABSENT.has(field) ? null : "";
  }
  return values;
}

async function processAttendee(
  tx: TransactionSql,
  record: Attendee,
  adviserId: string,
  meta: WriteMeta,
): Promise<void> {
  const values = attendeeColumns(record);
  const attendeeId = values.stova_attendee_id;
  const stovaEvent = await q.stovaEventByStovaId(tx, values.stova_event_id);
  if (!stovaEvent) {
    throw new Skip(
      "info",
      "The event associated with this attendee does not exist, skipping attendee with " +
        `attendee_id ${attendeeId} and event_id ${values.stova_event_id}`,
    );
  }
  const event = stovaEvent.event;
  const companyName = String(values.company_name);
  let companyId = await q.companyByNameIgnoringCase(tx, companyName);
  if (!companyId) {
    if (!event) {
      throw new Skip(
        "info",
        `No event associated with the StovaEvent. Skipping attendee: ${attendeeId}`,
      );
    }
    companyId = await insertIngestedCompany(tx, {
      name: companyName,
      source: "Stova",
      address_country_id: event.address_country_id,
    }, meta.at);
    await recordWrite(tx, companyEntity, companyId, meta);
  }
  const email = String(values.email);
  let contactId = await q.contactOfCompanyByEmail(tx, companyId, email);
  if (!contactId) {
    contactId = await insertIngestedContact(tx, {
      company_id: companyId,
      email,
      first_name: String(values.first_name),
      last_name: String(values.last_name),
      source: "Stova",
    }, meta.at);
    await recordWrite(tx, contactEntity, contactId, meta);
  }
  if (!event?.service_id) {
    throw new Skip(
      "error",
      "Error creating interaction from Stova attendee record, stova_attendee_id: " +
        `${attendeeId}. Error: the event has no service`,
    );
  }
  try {
    const interactionId = await tx.savepoint((sp) =>
      q.insertAttendanceInteraction(sp, { companyId, contactId, adviserId, event }, meta.at)
    );
    await recordWrite(tx, interactionEntity, interactionId, meta);
  } catch (error) {
    if (!pgCode(error).startsWith("23")) throw error;
    throw new Skip(
      "error",
      "Error creating interaction from Stova attendee record, stova_attendee_id: " +
        `${attendeeId}. Error: ${(error as Error).message}`,
    );
  }
  try {
    const id = await tx.savepoint((sp) =>
      q.insertStovaAttendee(sp, {
        ...values,
        company_id: companyId,
        contact_id: contactId,
        ingested_stova_event_id: stovaEvent.id,
      })
    );
    await recordWrite(tx, q.stovaAttendeeEntity, id, meta);
  } catch (error) {
    const code = pgCode(error);
    const message = (error as Error).message;
    if (code.startsWith("23")) {
      throw new Skip(
        "error",
        "Error processing Stova attendee record, stova_attendee_id: " +
          `${attendeeId}. Error: ${message}`,
      );
    }
    if (code.startsWith("22")) {
      throw new Skip(
        "error",
        "Got unexpected value for a field when processing Stova attendee record, " +
          `stova_attendee_id: ${attendeeId}. Error: ${message}`,
      );
    }
    throw error;
  }
}

/** Ingests an attendees file's records (in the object's transaction). */
export async function ingestStovaAttendees(
  deps: AppDeps,
  tx: TransactionSql,
  records: Attendee[],
): Promise<{ created: number; skipped: number; failed: number }> {
  const meta = systemWriteMeta(deps);
  // Read once per file, as the original: an id twice in one file fails the second time.
  const existing = await q.ingestedStovaAttendeeIds(tx);
  const adviserId = await q.stovaDefaultAdviser(tx);
  const counts = { created: 0, skipped: 0, failed: 0 };
  for (const record of records) {
    if (existing.has(record.id as number)) {
      deps.log.info(`Record already exists for stova_attendee_id: ${record.id}`);
      counts.skipped++;
      continue;
    }
    const missing = REQUIRED.find((f) =>
      record[f] === null || record[f] === undefined || record[f] === ""
    );
    if (missing) {
      deps.log.info(
        `Stova Attendee with id ${record.id} does not have required field ${missing}. ` +
          "This stova attendee will not be processed into Data Hub.",
      );
      counts.failed++;
      continue;
    }
    try {
      await tx.savepoint((sp) => processAttendee(sp, record, adviserId, meta));
      counts.created++;
    } catch (error) {
      if (!(error instanceof Skip)) throw error;
      deps.log[error.level](error.message);
      counts.failed++;
    }
  }
  return counts;
}

export const {
  identification: stovaAttendeeIdentificationJob,
  ingestion: stovaAttendeeIngestionJob,
} = dataFlowJobs({
  name: "company_activity.stova_attendee",
  label: "stova attendee",
  prefix: STOVA_ATTENDEE_PREFIX,
  timeoutMs: 1_800_000,
  ingest: ingestStovaAttendees,
});

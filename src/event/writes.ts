/**
 * The event's write paths (v3 and v4 serializers): reference checks, the leaf-service
 * rule, the validators on the sent data combined with the stored event, the write with
 * its stamps and M2M sets, and the recorded version and change-feed rows.
 */
import type { Db } from "../db/pool.ts";
import { ValidationError } from "../http/errors.ts";
import { missingReferences, referencesOf } from "../core/references.ts";
import {
  creationStamps,
  modificationStamps,
  recordWrite,
  type WriteMeta,
} from "../core/tracking.ts";
import type { EventInput } from "./routes.ts";
import * as q from "./queries.ts";
import { eventErrors, type EventFacts, messages, tradeAgreementErrors } from "./rules.ts";

export type ApiVersion = "v3" | "v4";

/** Single references of the body → the table each points at. */
const REF_TABLES = {
  event_type: "event_eventtype",
  location_type: "event_locationtype",
  address_country: "metadata_country",
  uk_region: "metadata_ukregion",
  organiser: "company_advisor",
  lead_team: "metadata_team",
  service: "metadata_service",
} as const;

/** M2M references of the body → the table of their members. */
const LIST_TABLES = Object.fromEntries(
  Object.entries(q.EVENT_M2M).map(([field, m]) => [field, m.ref]),
);

const SCALARS = [
  "name",
  "start_date",
  "end_date",
  "notes",
  "address_1",
  "address_2",
  "address_town",
  "address_county",
  "address_postcode",
  "has_related_trade_agreements",
] as const;

async function validate(
  db: Db,
  version: ApiVersion,
  input: EventInput,
  stored: q.StoredEvent | null,
) {
  const errors = await missingReferences(db, referencesOf(input, REF_TABLES, LIST_TABLES));
  if (input.service && !errors.service && await q.serviceHasChildren(db, input.service)) {
    errors.service = [messages.serviceNotLeaf];
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);

  const pick = <T>(sent: T | undefined, kept: T): T => sent === undefined ? kept : sent;
  const facts: EventFacts = {
    leadTeam: pick(input.lead_team, stored?.lead_team_id ?? null),
    teams: pick(input.teams, stored?.teams ?? []),
    startDate: pick(input.start_date, stored?.start_date ?? null),
    endDate: pick(input.end_date, stored?.end_date ?? null),
    addressCountry: pick(input.address_country, stored?.address_country_id ?? null),
    ukRegion: pick(input.uk_region, stored?.uk_region_id ?? null),
    hasRelatedTradeAgreements: pick(
      input.has_related_trade_agreements,
      stored?.has_related_trade_agreements ?? null,
    ),
    relatedTradeAgreements: pick(
      input.related_trade_agreements,
      stored?.related_trade_agreements ?? [],
    ),
  };
  const ruleErrors = eventErrors(facts);
  if (Object.keys(ruleErrors).length) throw new ValidationError(ruleErrors);
  if (version === "v4") {
    const agreementErrors = tradeAgreementErrors(facts);
    if (Object.keys(agreementErrors).length) throw new ValidationError(agreementErrors);
  }
}

function toColumns(input: EventInput): q.EventColumns {
  const columns: q.EventColumns = {};
  for (const field of SCALARS) {
    if (input[field] !== undefined) columns[field] = input[field];
  }
  for (const field of Object.keys(REF_TABLES) as (keyof typeof REF_TABLES)[]) {
    if (input[field] !== undefined) columns[`${field}_id`] = input[field];
  }
  return columns;
}

async function saveSets(db: Db, id: string, input: EventInput) {
  for (const field of Object.keys(q.EVENT_M2M) as q.EventM2MField[]) {
    const ids = input[field];
    if (ids !== undefined) await q.replaceEventM2M(db, id, field, ids);
  }
}

/** Creates an event from a validated body; returns its id. */
export async function createEvent(
  db: Db,
  version: ApiVersion,
  input: EventInput,
  meta: WriteMeta,
): Promise<string> {
  await validate(db, version, input, null);
  const id = await q.insertEvent(db, { ...toColumns(input), ...creationStamps(meta) });
  await saveSets(db, id, input);
  await recordWrite(db, q.eventEntity, id, meta);
  return id;
}

/** Applies a PATCH to a locked event. */
export async function updateEvent(
  db: Db,
  version: ApiVersion,
  stored: q.StoredEvent,
  { input, meta }: { input: EventInput; meta: WriteMeta },
) {
  await validate(db, version, input, stored);
  await q.updateEvent(db, stored.id, { ...toColumns(input), ...modificationStamps(meta) });
  await saveSets(db, stored.id, input);
  await recordWrite(db, q.eventEntity, stored.id, meta);
}

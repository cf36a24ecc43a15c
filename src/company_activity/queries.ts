/**
 * All SQL of the company activity timeline: which activities a written row feeds (its
 * rows are kept by triggers, migration 0162), for the search documents that embed it;
 * and of Stova events: the detail, the ingestion's rows and the events made from them.
 */
import type { Db } from "../db/pool.ts";
import { type Fragment, where } from "../db/fragments.ts";
import { listPage, type Page } from "../http/pagination.ts";
import { orderBy, parseSortby, type SortChoices } from "../http/sortby.ts";
import { kingsAwardJson } from "../company/queries.ts";
import { datetime, jsonObject } from "../core/render.ts";

async function activityIds(db: Db, column: string, id: string): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    select id::text from company_activity_companyactivity where ${db(column)} = ${id}`;
  return rows.map((r) => r.id);
}

export const activityIdsOfInteraction = (db: Db, id: string) =>
  activityIds(db, "interaction_id", id);

export const activityIdsOfReferral = (db: Db, id: string) => activityIds(db, "referral_id", id);

export const activityIdsOfCompany = (db: Db, id: string) => activityIds(db, "company_id", id);

export const activityIdsOfInvestment = (db: Db, id: string) => activityIds(db, "investment_id", id);

export const activityIdsOfEybLead = (db: Db, id: string) => activityIds(db, "eyb_lead_id", id);

/** The Stova event `id` as the original's StovaEventSerializer renders it, or null. */
export async function findStovaEvent(db: Db, id: string) {
  const at = (column: string) => datetime(db, db`s.${db(column)}`);
  const doc = jsonObject(db, [
    [
      "datahub_event",
      db`(select coalesce(jsonb_agg(e.id order by e.id), '[]'::jsonb) from event_event e
        where e.stova_event_id = s.id)`,
    ],
    ...[
      "id",
      "stova_event_id",
      "name",
      "description",
      "code",
      "created_by",
      "modified_by",
      "client_contact",
      "contact_info",
      "country",
      "city",
      "state",
      "timezone",
      "url",
      "max_reg",
    ].map((c) => [c, db`s.${db(c)}`] as [string, Fragment]),
    ...["created_date", "modified_date", "start_date", "live_date", "close_date", "end_date"]
      .map((c) => [c, at(c)] as [string, Fragment]),
    ...[
      "location_state",
      "location_country",
      "location_address1",
      "location_address2",
      "location_address3",
      "location_city",
      "location_name",
      "location_postcode",
      "approval_required",
      "price_type",
      "folder_id",
      "default_language",
      "standard_currency",
    ].map((c) => [c, db`s.${db(c)}`] as [string, Fragment]),
  ]);
  const [row] = await db<{ doc: Record<string, unknown> }[]>`
    select ${doc} as doc from company_activity_stovaevent s where s.id = ${id}`;
  return row?.doc ?? null;
}

/** The Stova ids of the events already ingested. */
export async function ingestedStovaEventIds(db: Db): Promise<Set<number>> {
  const rows = await db<{ id: number }[]>`
    select stova_event_id as id from company_activity_stovaevent`;
  return new Set(rows.map((r) => r.id));
}

/**
 * Stores one Stova event (columns of company_activity_stovaevent); returns its id. The
 * row travels as JSON so PostgreSQL parses Stova's datetimes to the microsecond (a
 * timestamp parameter would go through a JavaScript Date, to the millisecond).
 */
export async function insertStovaEvent(
  db: Db,
  columns: Record<string, unknown>,
): Promise<string> {
  const [{ id }] = await db<{ id: string }[]>`
    insert into company_activity_stovaevent
    select * from jsonb_populate_record(null::company_activity_stovaevent,
      ${db.json({ ...columns, id: crypto.randomUUID() } as never)})
    returning id::text`;
  return id;
}

const STOVA_EVENT_TYPE = "Stova - unknown event type";
/** "Stova Event Service": created by the original's migrations for these events. */
const STOVA_EVENT_SERVICE = "f6671176-6493-43ba-a92d-899281efcb55";

/**
 * Creates or updates the Data Hub event of a Stova event, as the original's
 * `create_or_update_datahub_event`: dates as UTC dates, the address from the location,
 * the country found by the Stova event's country name (else the United Kingdom), the
 * "Stova - unknown event type" type (created when missing) and the Stova event service.
 */
export async function upsertEventOfStovaEvent(db: Db, stovaId: string, at: Date) {
  await db`
    insert into event_eventtype (id, name)
    select gen_random_uuid(), ${STOVA_EVENT_TYPE}
    where not exists (select 1 from event_eventtype where name = ${STOVA_EVENT_TYPE})`;
  const values = db`
    select s.name,
      (select id from event_eventtype where name = ${STOVA_EVENT_TYPE} order by id limit 1)
        as event_type_id,
      (s.start_date at time zone 'UTC')::date as start_date,
      (s.end_date at time zone 'UTC')::date as end_date,
      s.location_address1 as address_1, s.location_address2 as address_2,
      s.location_city as address_town, s.location_state as address_county,
      s.location_postcode as address_postcode,
      coalesce(
        (select id from metadata_country where name = s.country order by id limit 1),
        (select id from metadata_country where iso_alpha2_code = 'GB' order by id limit 1)
      ) as address_country_id,
      ${STOVA_EVENT_SERVICE}::uuid as service_id, s.description as notes
    from company_activity_stovaevent s where s.id = ${stovaId}`;
  const [updated] = await db<{ id: string }[]>`
    update event_event e set (name, event_type_id, start_date, end_date, address_1,
      address_2, address_town, address_county, address_postcode, address_country_id,
      service_id, notes, modified_on) = (select v.*, ${at}::timestamptz from (${values}) v)
    where e.stova_event_id = ${stovaId}
    returning e.id::text`;
  if (updated) return updated.id;
  const [created] = await db<{ id: string }[]>`
    insert into event_event (name, event_type_id, start_date, end_date, address_1, address_2,
      address_town, address_county, address_postcode, address_country_id, service_id, notes,
      created_on, modified_on, stova_event_id)
    select v.*, ${at}::timestamptz, ${at}::timestamptz, ${stovaId}::uuid from (${values}) v
    returning id::text`;
  return created.id;
}

/** `sortby` choices of the King's Award list (the original's ordering fields). */
const kingsAwardSortChoices = (db: Db): SortChoices => ({
  year_awarded: "k.year_awarded",
  company__name: db`(select c.name from company_company c where c.id = k.company_id)`,
});

/** A page of King's Award recipients, filtered by years awarded and categories. */
export async function listKingsAwards(
  db: Db,
  options: { years?: number[]; categories?: string[]; sortby?: string; page: Page },
) {
  const conditions: Fragment[] = [];
  if (options.years) conditions.push(db`k.year_awarded = any(${options.years}::int[])`);
  if (options.categories) conditions.push(db`k.category = any(${options.categories}::text[])`);
  const choices = kingsAwardSortChoices(db);
  const sort = parseSortby(options.sortby, choices, ["-year_awarded", "company__name"]);
  const { count, rows } = await listPage<{ award: Record<string, unknown> }>(db, {
    select: db`${kingsAwardJson(db)} as award`,
    from: db`company_activity_kingsawardrecipient k`,
    key: "k.id",
    where: where(db, conditions),
    order: orderBy(db, sort, choices, "k.id"),
    page: options.page,
  });
  return { count, results: rows.map((r) => r.award) };
}

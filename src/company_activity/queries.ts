/**
 * All SQL of the company activity timeline: which activities a written row feeds (its
 * rows are kept by triggers, migration 0162), for the search documents that embed it;
 * of Stova events: the detail, the ingestion's rows and the events made from them; and
 * of the Stova attendee and great.gov.uk enquiry ingestions: the matching of companies and
 * contacts, and the rows they create.
 */
import type { Db } from "../db/pool.ts";
import { type Fragment, where } from "../db/fragments.ts";
import { listPage, type Page } from "../http/pagination.ts";
import { orderBy, parseSortby, type SortChoices } from "../http/sortby.ts";
import { kingsAwardJson } from "../company/queries.ts";
import { adviserName, datetime, jsonObject } from "../core/render.ts";
import { sectorRef, type VersionedEntity } from "../core/versions.ts";

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

export const activityIdsOfOrder = (db: Db, id: string) => activityIds(db, "order_id", id);

export const activityIdsOfGreatExportEnquiry = (db: Db, id: string) =>
  activityIds(db, "great_export_enquiry_id", id);

/** Stova attendees and great.gov.uk export enquiries are versioned (reversion) as there. */
export const stovaAttendeeEntity: VersionedEntity = {
  entity: "stova_attendee",
  table: "company_activity_stovaattendee",
  foreignKeys: {
    company_id: { table: "company_company" },
    contact_id: { table: "company_contact", name: (sql) => adviserName(sql, "r") },
    ingested_stova_event_id: { table: "company_activity_stovaevent" },
  },
};

export const greatExportEnquiryEntity: VersionedEntity = {
  entity: "great_export_enquiry",
  table: "company_activity_greatexportenquiry",
  foreignKeys: {
    company_id: { table: "company_company" },
    contact_id: { table: "company_contact", name: (sql) => adviserName(sql, "r") },
    meta_sender_country_id: { table: "metadata_country" },
    data_sector_primary_id: sectorRef,
    data_sector_secondary_id: sectorRef,
    data_sector_tertiary_id: sectorRef,
  },
  manyToMany: {
    data_markets: {
      table: "company_activity_greatexportenquiry_data_markets",
      source: "greatexportenquiry_id",
      target: "country_id",
      ref: { table: "metadata_country" },
    },
  },
};

/**
 * Inserts a row of `table` from its columns as JSON, so PostgreSQL parses the source's
 * datetimes (to the microsecond) and refuses what is not one; returns its id.
 */
async function insertFromJson(db: Db, table: string, columns: Record<string, unknown>) {
  const [{ id }] = await db<{ id: string }[]>`
    insert into ${db(table)} (${db(Object.keys(columns))})
    select ${db(Object.keys(columns))}
    from jsonb_populate_record(null::${db(table)}, ${db.json(columns as never)})
    returning id::text`;
  return id;
}

// ---- Stova attendees (tasks/ingest_stova_attendees) ----

export async function ingestedStovaAttendeeIds(db: Db): Promise<Set<number>> {
  const rows = await db<{ id: number }[]>`
    select stova_attendee_id as id from company_activity_stovaattendee`;
  return new Set(rows.map((r) => r.id));
}

/** The inactive "Stova Default Adviser" interactions of attendees are by (made once). */
export async function stovaDefaultAdviser(db: Db): Promise<string> {
  const email = "stova_default@businessandtrade.gov.uk";
  await db`insert into company_advisor (email, first_name, last_name, is_active)
    values (${email}, 'Stova Default', 'Adviser', false) on conflict (email) do nothing`;
  const [row] = await db<{ id: string }[]>`
    select id::text from company_advisor where email = ${email}`;
  return row.id;
}

export interface StovaEventOfAttendee {
  id: string;
  /** Its first Data Hub event, if any. */
  event: {
    id: string;
    name: string;
    start_date: string | null;
    service_id: string | null;
    address_country_id: string;
  } | null;
}

export async function stovaEventByStovaId(
  db: Db,
  stovaEventId: unknown,
): Promise<StovaEventOfAttendee | null> {
  if (!Number.isSafeInteger(stovaEventId)) return null;
  const [row] = await db<StovaEventOfAttendee[]>`
    select s.id::text, (select jsonb_build_object('id', e.id, 'name', e.name,
        'start_date', e.start_date, 'service_id', e.service_id,
        'address_country_id', e.address_country_id)
      from event_event e where e.stova_event_id = s.id order by e.id limit 1) as event
    from company_activity_stovaevent s where s.stova_event_id = ${stovaEventId as number}`;
  return row ?? null;
}

/** The first company (by id) of that name, case-insensitively. */
export async function companyByNameIgnoringCase(db: Db, name: string): Promise<string | null> {
  const [row] = await db<{ id: string }[]>`select id::text from company_company
    where upper(name) = upper(${name}) order by id limit 1`;
  return row?.id ?? null;
}

/** The first contact (by id) of the company with that e-mail, case-insensitively. */
export async function contactOfCompanyByEmail(db: Db, companyId: string, email: string) {
  const [row] = await db<{ id: string }[]>`select id::text from company_contact
    where company_id = ${companyId} and upper(email) = upper(${email}) order by id limit 1`;
  return row?.id ?? null;
}

/**
 * The attendance of a Stova event as a service delivery: on the event's date, service and
 * company, with the attendee as contact and the default adviser as participant (no team).
 */
export async function insertAttendanceInteraction(
  db: Db,
  v: {
    companyId: string;
    contactId: string;
    adviserId: string;
    event: NonNullable<StovaEventOfAttendee["event"]>;
  },
  at: Date,
): Promise<string> {
  const [{ id }] = await db<{ id: string }[]>`insert into interaction_interaction (company_id,
      event_id, date, kind, theme, service_id, subject, was_policy_feedback_provided,
      were_countries_discussed, created_on, modified_on)
    values (${v.companyId}, ${v.event.id}, ${v.event.start_date}::date::timestamp at time zone 'UTC',
      'service_delivery', 'other', ${v.event.service_id}, ${"Attended " + v.event.name}, false,
      false, ${at}, ${at})
    returning id::text`;
  await db`insert into interaction_interaction_contacts (interaction_id, contact_id)
    values (${id}, ${v.contactId})`;
  await db`insert into interaction_interaction_companies (interaction_id, company_id)
    values (${id}, ${v.companyId})`;
  await db`insert into interaction_interactionditparticipant (interaction_id, adviser_id)
    values (${id}, ${v.adviserId})`;
  return id;
}

export const insertStovaAttendee = (db: Db, columns: Record<string, unknown>) =>
  insertFromJson(db, "company_activity_stovaattendee", columns);

// ---- great.gov.uk export enquiries (tasks/ingest_great_data) ----

export async function ingestedGreatFormIds(db: Db): Promise<Set<number>> {
  const rows = await db<{ id: number }[]>`
    select form_id as id from company_activity_greatexportenquiry`;
  return new Set(rows.map((r) => r.id));
}

/** What the great.gov.uk form's values are matched against. */
export async function greatLookups(db: Db) {
  const [countries, businessTypes, employeeRanges, sectors] = await Promise.all([
    db<{ id: string; code: string }[]>`
      select id::text, iso_alpha2_code as code from metadata_country order by id`,
    db<{ id: string; name: string }[]>`
      select id::text, name from metadata_businesstype order by id`,
    db<{ id: string; name: string }[]>`
      select id::text, name from metadata_employeerange order by id`,
    db<{ id: string; segment: string }[]>`
      select id::text, segment from metadata_sector where level = 0 order by id`,
  ]);
  const first = <T>(rows: T[], key: (r: T) => string) => {
    const map = new Map<string, T>();
    for (const r of rows) if (!map.has(key(r))) map.set(key(r), r);
    return map;
  };
  return {
    countries: first(countries, (r) => r.code),
    businessTypes,
    employeeRanges: first(employeeRanges, (r) => r.name),
    sectors: first(sectors, (r) => r.segment),
  };
}

export async function companyByNumber(db: Db, number: string): Promise<string | null> {
  const [row] = await db<{ id: string }[]>`select id::text from company_company
    where company_number = ${number} order by id limit 1`;
  return row?.id ?? null;
}

export async function companyByName(db: Db, name: string): Promise<string | null> {
  const [row] = await db<{ id: string }[]>`select id::text from company_company
    where name = ${name} order by id limit 1`;
  return row?.id ?? null;
}

/**
 * The one contact matching every given detail (first and last name, telephone, e-mail;
 * blank ones are not compared), with its company; null when none or several match.
 */
export async function soleContactMatching(
  db: Db,
  d: { first_name: string; last_name: string; telephone: string; email: string },
): Promise<{ id: string; company_id: string | null } | null> {
  const conditions: Fragment[] = [];
  if (d.first_name) conditions.push(db`first_name = ${d.first_name}`);
  if (d.last_name) conditions.push(db`last_name = ${d.last_name}`);
  if (d.telephone) conditions.push(db`full_telephone_number = ${d.telephone}`);
  if (d.email) conditions.push(db`email = ${d.email}`);
  const rows = await db<{ id: string; company_id: string | null }[]>`
    select id::text, company_id::text from company_contact ${where(db, conditions)}
    order by id limit 2`;
  return rows.length === 1 ? rows[0] : null;
}

export async function insertGreatExportEnquiry(
  db: Db,
  columns: Record<string, unknown>,
  markets: string[],
): Promise<string> {
  const id = await insertFromJson(db, "company_activity_greatexportenquiry", columns);
  for (const country of markets) {
    await db`insert into company_activity_greatexportenquiry_data_markets
      (greatexportenquiry_id, country_id) values (${id}, ${country}) on conflict do nothing`;
  }
  return id;
}

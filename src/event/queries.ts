/**
 * All SQL of events: the response JSON (built in SQL, the original's EventSerializer),
 * the list, the lock, writes and the M2M sets.
 */
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";
import { insertRow, replaceLinks, updateRow } from "../db/rows.ts";
import { adviser, datetime, jsonObject, ref } from "../core/render.ts";
import { adviserRef, type VersionedEntity } from "../core/versions.ts";
import { orderBy, type SortChoices, type SortTerm } from "../http/sortby.ts";
import { listPage, type Page } from "../http/pagination.ts";

/** The event's M2M sets: field → link table and its target column and table. */
export const EVENT_M2M = {
  teams: { table: "event_event_teams", target: "team_id", ref: "metadata_team" },
  related_trade_agreements: {
    table: "event_event_related_trade_agreements",
    target: "tradeagreement_id",
    ref: "metadata_tradeagreement",
  },
  related_programmes: {
    table: "event_event_related_programmes",
    target: "programme_id",
    ref: "event_programme",
  },
} as const;
export type EventM2MField = keyof typeof EVENT_M2M;

/** Events are versioned, as the original registers Event with reversion. */
export const eventEntity: VersionedEntity = {
  entity: "event",
  table: "event_event",
  foreignKeys: {
    event_type_id: { table: "event_eventtype" },
    location_type_id: { table: "event_locationtype" },
    address_country_id: { table: "metadata_country" },
    uk_region_id: { table: "metadata_ukregion" },
    organiser_id: adviserRef,
    lead_team_id: { table: "metadata_team" },
    service_id: { table: "metadata_service" },
  },
  manyToMany: Object.fromEntries(
    Object.entries(EVENT_M2M).map(([field, m]) => [field, {
      table: m.table,
      source: "event_id",
      target: m.target,
      ref: { table: m.ref },
    }]),
  ),
};

/** `[{id, name}]` of an M2M set of the event aliased `e`, by name (response and document). */
export function eventRefs(sql: Db, field: EventM2MField): Fragment {
  const m = EVENT_M2M[field];
  return sql`(select coalesce(jsonb_agg(jsonb_build_object('id', r.id, 'name', r.name)
      order by r.name, r.id), '[]'::jsonb)
    from ${sql(m.table)} j join ${sql(m.ref)} r on r.id = j.${sql(m.target)}
    where j.event_id = e.id)`;
}

const date = (sql: Db, column: Fragment) => sql`to_char(${column}, 'YYYY-MM-DD')`;

/** The event aliased `e` as the original's EventSerializer renders it. */
function eventJson(sql: Db): Fragment {
  return jsonObject(sql, [
    ["id", sql`e.id`],
    ["name", sql`e.name`],
    ["event_type", ref(sql, "event_eventtype", sql`e.event_type_id`)],
    ["start_date", date(sql, sql`e.start_date`)],
    ["end_date", date(sql, sql`e.end_date`)],
    ["location_type", ref(sql, "event_locationtype", sql`e.location_type_id`)],
    ["notes", sql`e.notes`],
    ["address_1", sql`e.address_1`],
    ["address_2", sql`e.address_2`],
    ["address_town", sql`e.address_town`],
    ["address_county", sql`e.address_county`],
    ["address_postcode", sql`e.address_postcode`],
    ["address_country", ref(sql, "metadata_country", sql`e.address_country_id`)],
    ["uk_region", ref(sql, "metadata_ukregion", sql`e.uk_region_id`)],
    ["organiser", adviser(sql, sql`e.organiser_id`)],
    ["lead_team", ref(sql, "metadata_team", sql`e.lead_team_id`)],
    ["teams", eventRefs(sql, "teams")],
    ["has_related_trade_agreements", sql`e.has_related_trade_agreements`],
    ["related_trade_agreements", eventRefs(sql, "related_trade_agreements")],
    ["related_programmes", eventRefs(sql, "related_programmes")],
    ["service", ref(sql, "metadata_service", sql`e.service_id`)],
    ["archived_documents_url_path", sql`e.archived_documents_url_path`],
    ["disabled_on", datetime(sql, sql`e.disabled_on`)],
  ]);
}

export const eventSortChoices: SortChoices = {
  name: "e.name",
  created_on: "e.created_on",
  modified_on: "e.modified_on",
  start_date: "e.start_date",
};

export async function listEvents(db: Db, options: { sort: SortTerm[]; page: Page }) {
  const { count, rows } = await listPage<{ event: Record<string, unknown> }>(db, {
    select: db`${eventJson(db)} as event`,
    from: db`event_event e`,
    key: "e.id",
    where: db``,
    order: orderBy(db, options.sort, eventSortChoices, "e.id"),
    page: options.page,
  });
  return { count, results: rows.map((r) => r.event) };
}

/** `{id, name, stova_event_id}` of an event, or null (how interactions show their event). */
export function eventRef(sql: Db, id: Fragment): Fragment {
  return sql`(select jsonb_build_object('id', ev.id, 'name', ev.name,
      'stova_event_id', ev.stova_event_id) from event_event ev where ev.id = ${id})`;
}

export async function eventExists(db: Db, id: string): Promise<boolean> {
  return (await db`select 1 from event_event where id = ${id}`).length > 0;
}

export async function findEvent(db: Db, id: string) {
  const [row] = await db<{ event: Record<string, unknown> }[]>`
    select ${eventJson(db)} as event from event_event e where e.id = ${id}`;
  return row?.event ?? null;
}

/** What the validators combine with a PATCH: the stored row's columns and M2M ids. */
export interface StoredEvent {
  id: string;
  start_date: string | null;
  end_date: string | null;
  address_country_id: string;
  uk_region_id: string | null;
  lead_team_id: string | null;
  has_related_trade_agreements: boolean | null;
  teams: string[];
  related_trade_agreements: string[];
}

export async function lockEvent(db: Db, id: string): Promise<StoredEvent | null> {
  const [row] = await db<StoredEvent[]>`
    select e.id::text, to_char(e.start_date, 'YYYY-MM-DD') as start_date,
           to_char(e.end_date, 'YYYY-MM-DD') as end_date,
           e.address_country_id::text, e.uk_region_id::text, e.lead_team_id::text,
           e.has_related_trade_agreements,
           array(select team_id::text from event_event_teams where event_id = e.id) as teams,
           array(select tradeagreement_id::text from event_event_related_trade_agreements
                 where event_id = e.id) as related_trade_agreements
    from event_event e where e.id = ${id} for update`;
  return row ?? null;
}

/** Whether the service has child services (only leaves may be chosen). */
export async function serviceHasChildren(db: Db, serviceId: string): Promise<boolean> {
  const rows = await db`select 1 from metadata_service where parent_id = ${serviceId} limit 1`;
  return rows.length > 0;
}

export type EventColumns = Record<string, string | boolean | Date | null>;

export function insertEvent(db: Db, columns: EventColumns): Promise<string> {
  return insertRow(db, "event_event", columns);
}

export function updateEvent(db: Db, id: string, columns: EventColumns): Promise<void> {
  return updateRow(db, "event_event", id, columns);
}

export async function replaceEventM2M(db: Db, id: string, field: EventM2MField, ids: string[]) {
  const { table, target } = EVENT_M2M[field];
  await replaceLinks(db, { table, source: "event_id", target }, id, ids);
}

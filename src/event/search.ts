/**
 * The event search app (`POST /v3/search/event`, global search): the original's
 * `datahub/search/event` document, filters, sort choices and permission.
 */
import { z } from "zod";
import {
  bool,
  type Condition,
  dateTime,
  defineSearchApp,
  exists,
  type FilterSpec,
  ids,
  partialText,
  range,
  type SearchDocument,
} from "../search/app.ts";
import {
  date,
  englishText,
  idName,
  idNamePartial,
  keyword,
  normalizedKeyword,
  object,
  text,
  textWithTrigram,
  trigramText,
} from "../search/mapping.ts";
import type { Db } from "../db/pool.ts";
import { adviserName, documentDatetime, jsonObject, ref } from "../core/render.ts";
import { eventRefs } from "./queries.ts";

/** Documents of these events (the original's `Event` search model). */
async function eventDocuments(db: Db, wanted: string[]): Promise<SearchDocument[]> {
  const doc = jsonObject(db, [
    ["id", db`e.id`],
    ["address_1", db`e.address_1`],
    ["address_2", db`e.address_2`],
    ["address_town", db`e.address_town`],
    ["address_county", db`e.address_county`],
    ["address_postcode", db`e.address_postcode`],
    ["address_country", ref(db, "metadata_country", db`e.address_country_id`)],
    ["created_on", documentDatetime(db, db`e.created_on`)],
    ["disabled_on", documentDatetime(db, db`e.disabled_on`)],
    ["end_date", db`to_char(e.end_date, 'YYYY-MM-DD')`],
    ["event_type", ref(db, "event_eventtype", db`e.event_type_id`)],
    ["lead_team", ref(db, "metadata_team", db`e.lead_team_id`)],
    ["location_type", ref(db, "event_locationtype", db`e.location_type_id`)],
    ["modified_on", documentDatetime(db, db`e.modified_on`)],
    ["name", db`e.name`],
    ["notes", db`e.notes`],
    [
      "organiser",
      db`(select jsonb_build_object('id', a.id, 'first_name', a.first_name,
          'last_name', a.last_name, 'name', ${adviserName(db, "a")})
        from company_advisor a where a.id = e.organiser_id)`,
    ],
    ["related_programmes", eventRefs(db, "related_programmes")],
    ["service", ref(db, "metadata_service", db`e.service_id`)],
    ["start_date", db`to_char(e.start_date, 'YYYY-MM-DD')`],
    ["teams", eventRefs(db, "teams")],
    ["uk_region", ref(db, "metadata_ukregion", db`e.uk_region_id`)],
    ["stova_event", ref(db, "company_activity_stovaevent", db`e.stova_event_id`)],
  ]);
  const rows = await db<{ doc: SearchDocument }[]>`
    select ${doc} as doc from event_event e where e.id = any(${wanted}::uuid[])`;
  return rows.map((r) => r.doc);
}

/**
 * `disabled_on: {exists, after}`: its parts are ORed, so `{exists: false, after: d}` finds
 * events not disabled or disabled after `d` (the front end's active events).
 */
const disabledOn: FilterSpec = {
  fields: ["disabled_on"],
  schema: z.object({ exists: bool().optional(), after: dateTime().optional() }),
  condition(value) {
    const { exists: present, after } = value as { exists?: boolean; after?: string };
    const parts: Condition[] = [];
    if (present !== undefined) parts.push({ exists: "disabled_on", present });
    if (after !== undefined) parts.push({ range: "disabled_on", gte: after });
    if (!parts.length) return { and: [] };
    return parts.length === 1 ? parts[0] : { or: parts };
  },
};

export const eventSearchApp = defineSearchApp({
  name: "event",
  path: "/v3/search/event",
  plural: "Events",
  table: "event_event",
  global: true,
  viewPermissions: ["event.view_event"],
  mapping: {
    id: keyword(),
    address_1: text(),
    address_2: text(),
    address_town: normalizedKeyword(),
    address_county: normalizedKeyword(),
    address_postcode: textWithTrigram(),
    address_country: idNamePartial(),
    created_on: date(),
    disabled_on: date(),
    end_date: date(),
    event_type: idNamePartial(),
    lead_team: idName(),
    location_type: idName(),
    modified_on: date(),
    name: text({ keyword: normalizedKeyword(), trigram: trigramText() }),
    notes: englishText(),
    organiser: object({
      id: keyword(),
      first_name: normalizedKeyword(),
      last_name: normalizedKeyword(),
      name: textWithTrigram(),
    }),
    related_programmes: idNamePartial(),
    service: idName(),
    start_date: date(),
    teams: idNamePartial(),
    uk_region: idNamePartial(),
    stova_event: idName(),
  },
  searchFields: [
    "id",
    "name",
    "name.trigram",
    "address_country.name.trigram",
    "address_postcode",
    "uk_region.name.trigram",
    "organiser.name.trigram",
    "teams.name",
    "teams.name.trigram",
    "related_programmes.name",
    "related_programmes.name.trigram",
    "event_type.name",
    "event_type.name.trigram",
  ],
  filters: {
    address_country: ids("address_country.id"),
    disabled_on: disabledOn,
    disabled_on_exists: exists("disabled_on"),
    event_type: ids("event_type.id"),
    lead_team: ids("lead_team.id"),
    name: partialText("name"),
    organiser: ids("organiser.id"),
    organiser_name: partialText("organiser.name"),
    related_programmes: ids("related_programmes.id"),
    start_date_after: range("start_date", "gte"),
    start_date_before: range("start_date", "lte"),
    teams: ids("teams.id"),
    uk_region: ids("uk_region.id"),
    stova_event: ids("stova_event.id"),
  },
  sortby: {
    id: "id",
    name: "name.keyword",
    created_on: "created_on",
    modified_on: "modified_on",
    start_date: "start_date",
    end_date: "end_date",
  },
  build: eventDocuments,
});

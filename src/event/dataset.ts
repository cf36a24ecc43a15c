/** Events' dataset for Data Workspace (datahub/dataset/event/views.py). */
import { z } from "@hono/zod-openapi";
import { col, type Dataset, day, of, treePath, ts } from "../dataset/dataset.ts";

export const eventsDataset: Dataset = {
  name: "events-dataset",
  summary: "Events",
  row: z.object({
    address_1: col.text(),
    address_2: col.text(),
    address_country__name: col.text(),
    address_county: col.text(),
    address_postcode: col.text(),
    address_town: col.text(),
    created_by_id: col.uuid(),
    created_on: col.datetime(),
    disabled_on: col.datetime(),
    end_date: col.date(),
    event_type__name: col.text(),
    id: col.uuid(),
    lead_team_id: col.uuid(),
    location_type__name: col.text(),
    name: col.text(),
    notes: col.text(),
    organiser_id: col.uuid(),
    service_name: col.text(),
    start_date: col.date(),
    team_ids: col.uuids(),
    uk_region__name: col.text(),
    related_programme_names: col.texts(),
  }),
  from: (sql) => sql`event_event t`,
  joins: {
    address_country: ["metadata_country", "address_country_id"],
    event_type: ["event_eventtype", "event_type_id"],
    location_type: ["event_locationtype", "location_type_id"],
    uk_region: ["metadata_ukregion", "uk_region_id"],
  },
  select: (sql) => ({
    address_country__name: of(sql, "address_country"),
    created_on: ts(sql, "created_on"),
    disabled_on: ts(sql, "disabled_on"),
    end_date: day(sql, "end_date"),
    event_type__name: of(sql, "event_type"),
    location_type__name: of(sql, "location_type"),
    service_name: treePath(sql, "metadata_service", "service_id"),
    start_date: day(sql, "start_date"),
    // ArrayAgg over the join, as the original: [null] without teams.
    team_ids: sql`(select array_agg(x.team_id order by x.team_id) from (select 1) one
      left join event_event_teams x on x.event_id = t.id)`,
    uk_region__name: of(sql, "uk_region"),
    // An aggregate over the through table: null without programmes.
    related_programme_names: sql`(select array_agg(p.name order by p.name)
      from event_event_related_programmes x join event_programme p on p.id = x.programme_id
      where x.event_id = t.id)`,
  }),
  updatedSince: "modified_on",
};

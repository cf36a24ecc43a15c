/**
 * Events as Activity Stream items (`/v3/activity-stream/event`): an `Announce` of a
 * `dit:dataHub:Event` with its address, type, teams, programmes and trade agreements, in
 * the original's shape (datahub/activity_stream/event/serializers.py): optional parts
 * (region, organiser, lead team, location type, service) only when set.
 */
import type { Db } from "../db/pool.ts";
import type { ActivityFeed, FeedContext } from "../activity_stream/feed.ts";
import { GENERATOR } from "../activity_stream/feed.ts";
import { personName, teamItem, tradeAgreementItems } from "../activity_stream/items.ts";

/** `{key: {name, id}}` (or `{key: {name}}`) of a referenced row, `{}` when unset. */
const named = (sql: Db, key: string, table: string, column: string, withId = true) =>
  sql`coalesce((select jsonb_build_object(${key}::text, jsonb_build_object('name', r.name
      ${withId ? sql`, 'id', r.id` : sql``}))
    from ${sql(table)} r where r.id = t.${sql(column)}), '{}'::jsonb)`;

function eventItem(sql: Db, context: FeedContext) {
  const object = sql`jsonb_build_object(
      'id', 'dit:DataHubEvent:' || t.id,
      'type', jsonb_build_array('dit:dataHub:Event'),
      'name', t.name,
      'content', t.notes,
      'startTime', to_char(t.start_date, 'YYYY-MM-DD'),
      'endTime', to_char(t.end_date, 'YYYY-MM-DD'),
      'updated', api_datetime(t.modified_on),
      'url', ${context.frontendBaseUrl + "/events/"} || t.id,
      'dit:address_1', t.address_1,
      'dit:address_2', t.address_2,
      'dit:address_town', t.address_town,
      'dit:address_county', t.address_county,
      'dit:address_postcode', t.address_postcode,
      'dit:disabledOn', api_datetime(t.disabled_on),
      'dit:archivedDocumentsUrlPath', t.archived_documents_url_path,
      'dit:hasRelatedTradeAgreements', t.has_related_trade_agreements,
      'dit:relatedProgrammes', (select coalesce(jsonb_agg(jsonb_build_object(
          'id', 'dit:DataHubEventProgramme:' || p.id, 'name', p.name) order by p.id), '[]'::jsonb)
        from event_event_related_programmes x join event_programme p on p.id = x.programme_id
        where x.event_id = t.id),
      'dit:teams', (select coalesce(jsonb_agg(${teamItem(sql, "m")} order by m.id), '[]'::jsonb)
        from event_event_teams x join metadata_team m on m.id = x.team_id
        where x.event_id = t.id))
    || ${named(sql, "dit:address_country", "metadata_country", "address_country_id")}
    || ${named(sql, "dit:eventType", "event_eventtype", "event_type_id")}
    || case when t.has_related_trade_agreements then jsonb_build_object(
        'dit:relatedTradeAgreements',
        ${tradeAgreementItems(sql, "event_event_related_trade_agreements", "event_id")})
      else '{}'::jsonb end
    || ${named(sql, "dit:ukRegion", "metadata_ukregion", "uk_region_id")}
    || coalesce((select jsonb_build_object('dit:organiser', jsonb_build_object(
          'name', ${personName(sql, "a")}, 'id', a.id))
        from company_advisor a where a.id = t.organiser_id), '{}'::jsonb)
    || ${named(sql, "dit:leadTeam", "metadata_team", "lead_team_id", false)}
    || ${named(sql, "dit:locationType", "event_locationtype", "location_type_id", false)}
    || ${named(sql, "dit:service", "metadata_service", "service_id", false)}`;
  return sql`jsonb_build_object(
    'id', 'dit:DataHubEvent:' || t.id || ':Announce',
    'type', 'Announce',
    'published', api_datetime(t.created_on),
    'generator', ${sql.json(GENERATOR)}::jsonb,
    'object', ${object})`;
}

export const eventActivityFeed: ActivityFeed = {
  path: "event",
  summary: "Event",
  table: "event_event",
  item: eventItem,
};

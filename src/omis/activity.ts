/**
 * OMIS orders for DBT's Activity Stream (`/v3/activity-stream/omis/order-added`): each
 * order an `Add` of a `dit:OMISOrder`, attributed to its company and contact, by the
 * adviser who created it, in the original's shape (OMISOrderAddedSerializer).
 */
import type { Db } from "../db/pool.ts";
import type { ActivityFeed, FeedContext } from "../activity_stream/feed.ts";
import { GENERATOR } from "../activity_stream/feed.ts";

const name = (sql: Db, alias: string) =>
  sql`concat_ws(' ', nullif(${sql(alias)}.first_name, ''), nullif(${sql(alias)}.last_name, ''))`;

function orderAddedItem(sql: Db, context: FeedContext) {
  const base = context.frontendBaseUrl;
  const company = sql`(select jsonb_build_object('id', 'dit:DataHubCompany:' || c.id,
      'dit:dunsNumber', c.duns_number, 'dit:companiesHouseNumber', c.company_number,
      'type', jsonb_build_array('Organization', 'dit:Company'), 'name', c.name)
    from company_company c where c.id = t.company_id)`;
  const contact = sql`(select jsonb_build_object('id', 'dit:DataHubContact:' || k.id,
      'type', jsonb_build_array('Person', 'dit:Contact'), 'url', ${base + "/contacts/"} || k.id,
      'dit:emailAddress', k.email, 'dit:jobTitle', k.job_title, 'name', ${name(sql, "k")})
    from company_contact k where k.id = t.contact_id)`;
  const object = sql`jsonb_build_object(
      'id', 'dit:DataHubOMISOrder:' || t.id,
      'type', jsonb_build_array('dit:OMISOrder'),
      'startTime', api_datetime(t.created_on),
      'name', t.reference,
      'attributedTo', jsonb_build_array(${company}, ${contact}),
      'url', ${base + "/omis/"} || t.id)
    || coalesce((select jsonb_build_object('dit:country', jsonb_build_object('name', m.name))
        from metadata_country m where m.id = t.primary_market_id), '{}'::jsonb)
    || coalesce((select jsonb_build_object('dit:ukRegion', jsonb_build_object('name', r.name))
        from metadata_ukregion r where r.id = t.uk_region_id), '{}'::jsonb)`;
  return sql`jsonb_build_object(
      'id', 'dit:DataHubOMISOrder:' || t.id || ':Add',
      'type', 'Add',
      'published', api_datetime(t.created_on),
      'generator', ${sql.json(GENERATOR)}::jsonb,
      'object', ${object})
    || coalesce((select jsonb_build_object('actor', jsonb_build_object(
        'id', 'dit:DataHubAdviser:' || a.id, 'type', jsonb_build_array('Person', 'dit:Adviser'),
        'dit:emailAddress', coalesce(nullif(a.contact_email, ''), a.email),
        'name', ${name(sql, "a")}))
      from company_advisor a where a.id = t.created_by_id), '{}'::jsonb)`;
}

export const orderAddedActivityFeed: ActivityFeed = {
  path: "omis/order-added",
  summary: "OMIS Order Added Activity",
  table: "order_order",
  item: orderAddedItem,
};

/**
 * Interactions as Activity Stream items (`/v3/activity-stream/interaction`): each one an
 * `Announce` of a `dit:Interaction` or `dit:ServiceDelivery`, attributed to its
 * companies, advisers (with their teams) and contacts, with its investment project
 * (interactions) or event (service deliveries) as `context`, in the original's shape.
 */
import type { Db } from "../db/pool.ts";
import type { ActivityFeed, FeedContext } from "../activity_stream/feed.ts";
import { GENERATOR } from "../activity_stream/feed.ts";
import { adviserItem, companyItem, contactItem, teamItem } from "../activity_stream/items.ts";

/**
 * `_get_context` as `{context: [...]}`: the project of an interaction, the event of a
 * service delivery; null without one.
 */
function interactionContext(sql: Db, base: string) {
  return sql`case
    when t.kind = 'interaction' then (select jsonb_build_object('context', jsonb_build_array(
        jsonb_build_object('id', 'dit:DataHubInvestmentProject:' || p.id,
          'type', 'dit:InvestmentProject', 'name', p.name,
          'url', ${base + "/investments/projects/"} || p.id || '/details')))
      from investment_investmentproject p where p.id = t.investment_project_id)
    when t.kind = 'service_delivery' then (select jsonb_build_object('context',
        jsonb_build_array(jsonb_build_object('id', 'dit:DataHubEvent:' || e.id,
          'type', 'dit:Event', 'dit:eventType', jsonb_build_object('name', et.name),
          'name', e.name, 'startTime', to_char(e.start_date, 'YYYY-MM-DD'),
          'endTime', to_char(e.end_date, 'YYYY-MM-DD'), 'dit:team', ${teamItem(sql, "lt")},
          'url', ${base + "/events/"} || e.id)))
      from event_event e join event_eventtype et on et.id = e.event_type_id
        left join metadata_team lt on lt.id = e.lead_team_id
      where e.id = t.event_id)
    end`;
}

function interactionItem(sql: Db, context: FeedContext) {
  const base = context.frontendBaseUrl;
  const companies = sql`(select coalesce(jsonb_agg(${companyItem(sql, "c")} order by c.id),
      '[]'::jsonb)
    from interaction_interaction_companies x join company_company c on c.id = x.company_id
    where x.interaction_id = t.id)`;
  const advisers = sql`(select coalesce(jsonb_agg(${adviserItem(sql, "a", "m")} order by p.id),
      '[]'::jsonb)
    from interaction_interactionditparticipant p join company_advisor a on a.id = p.adviser_id
      left join metadata_team m on m.id = p.team_id
    where p.interaction_id = t.id)`;
  const contacts = sql`(select coalesce(jsonb_agg(${contactItem(sql, "k", base)} order by k.id),
      '[]'::jsonb)
    from interaction_interaction_contacts x join company_contact k on k.id = x.contact_id
    where x.interaction_id = t.id)`;
  const object = sql`jsonb_build_object(
      'id', 'dit:DataHubInteraction:' || t.id,
      'type', jsonb_build_array('dit:Event',
        case t.kind when 'interaction' then 'dit:Interaction' else 'dit:ServiceDelivery' end,
        'dit:datahub:theme:' || coalesce(t.theme, 'None')),
      'content', t.notes,
      'startTime', api_datetime(t.date),
      'dit:status', t.status,
      'dit:archived', t.archived,
      'dit:subject', t.subject,
      'dit:business_intelligence', t.was_policy_feedback_provided,
      'attributedTo', ${companies} || ${advisers} || ${contacts},
      'url', ${base + "/interactions/"} || t.id)
    || coalesce(${interactionContext(sql, base)}, '{}'::jsonb)
    || coalesce((select jsonb_build_object('dit:communicationChannel',
          jsonb_build_object('name', cc.name))
        from interaction_communicationchannel cc
        where cc.id = t.communication_channel_id and t.kind = 'interaction'), '{}'::jsonb)
    || coalesce((select jsonb_build_object('dit:service', jsonb_build_object('name', s.name))
        from metadata_service s where s.id = t.service_id), '{}'::jsonb)
    || case when t.helped_remove_export_barrier then jsonb_build_object('dit:exportBarrierTypes',
          (select coalesce(jsonb_agg(jsonb_build_object('name', b.name) order by b."order", b.id),
              '[]'::jsonb)
            from interaction_interaction_export_barrier_types x
              join metadata_exportbarriertype b on b.id = x.exportbarriertype_id
            where x.interaction_id = t.id))
        || case when t.export_barrier_notes <> '' then
          jsonb_build_object('dit:exportBarrierNotes', t.export_barrier_notes)
          else '{}'::jsonb end
      else '{}'::jsonb end`;
  return sql`jsonb_build_object(
    'id', 'dit:DataHubInteraction:' || t.id || ':Announce',
    'type', 'Announce',
    'published', api_datetime(t.created_on),
    'generator', ${sql.json(GENERATOR)}::jsonb,
    'object', ${object})`;
}

export const interactionActivityFeed: ActivityFeed = {
  path: "interaction",
  summary: "Interaction Activities",
  table: "interaction_interaction",
  item: interactionItem,
};

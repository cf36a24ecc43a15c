/**
 * Interactions as Activity Stream items (`/v3/activity-stream/interaction`): each one an
 * `Announce` of a `dit:Interaction` or `dit:ServiceDelivery`, attributed to its
 * companies, advisers (with their teams) and contacts, in the original's shape; an
 * interaction's investment project is its `context`. (A service delivery's event context
 * follows with the event feed.)
 */
import type { Db } from "../db/pool.ts";
import type { ActivityFeed, FeedContext } from "../activity_stream/feed.ts";
import { GENERATOR } from "../activity_stream/feed.ts";

const name = (sql: Db, alias: string) =>
  sql`concat_ws(' ', nullif(${sql(alias)}.first_name, ''), nullif(${sql(alias)}.last_name, ''))`;

function interactionItem(sql: Db, context: FeedContext) {
  const base = context.frontendBaseUrl;
  const companies = sql`(select coalesce(jsonb_agg(jsonb_build_object(
        'id', 'dit:DataHubCompany:' || c.id, 'dit:dunsNumber', c.duns_number,
        'dit:companiesHouseNumber', c.company_number,
        'type', jsonb_build_array('Organization', 'dit:Company'), 'name', c.name)
      order by c.id), '[]'::jsonb)
    from interaction_interaction_companies x join company_company c on c.id = x.company_id
    where x.interaction_id = t.id)`;
  const advisers = sql`(select coalesce(jsonb_agg(jsonb_build_object(
        'id', 'dit:DataHubAdviser:' || a.id, 'type', jsonb_build_array('Person', 'dit:Adviser'),
        'dit:emailAddress', coalesce(nullif(a.contact_email, ''), a.email),
        'name', ${name(sql, "a")})
        || case when m.id is null then '{}'::jsonb else jsonb_build_object('dit:team',
          jsonb_build_object('id', 'dit:DataHubTeam:' || m.id,
            'type', jsonb_build_array('Group', 'dit:Team'), 'name', m.name)) end
      order by p.id), '[]'::jsonb)
    from interaction_interactionditparticipant p join company_advisor a on a.id = p.adviser_id
      left join metadata_team m on m.id = p.team_id
    where p.interaction_id = t.id)`;
  const contacts = sql`(select coalesce(jsonb_agg(jsonb_build_object(
        'id', 'dit:DataHubContact:' || k.id, 'type', jsonb_build_array('Person', 'dit:Contact'),
        'url', ${base + "/contacts/"} || k.id, 'dit:emailAddress', k.email,
        'dit:jobTitle', k.job_title, 'name', ${name(sql, "k")})
      order by k.id), '[]'::jsonb)
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
      else '{}'::jsonb end
    || coalesce((select jsonb_build_object('context', jsonb_build_array(jsonb_build_object(
          'id', 'dit:DataHubInvestmentProject:' || ip.id, 'type', 'dit:InvestmentProject',
          'name', ip.name, 'url', ${base + "/investments/projects/"} || ip.id)))
        from investment_investmentproject ip
        where ip.id = t.investment_project_id and t.kind = 'interaction'), '{}'::jsonb)`;
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

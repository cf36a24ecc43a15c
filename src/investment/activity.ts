/**
 * Investment projects as Activity Stream items (`/v3/activity-stream/investment/project-added`):
 * each project an `Add` of a `dit:InvestmentProject` by its creator, attributed to its
 * investor company and client contacts, in the original's IProjectCreatedSerializer shape.
 */
import type { Db } from "../db/pool.ts";
import { type ActivityFeed, type FeedContext, GENERATOR } from "../activity_stream/feed.ts";
import { adviserItemOf, companyItemOf, contactItem, optional } from "../activity_stream/items.ts";

function projectAddedItem(sql: Db, context: FeedContext) {
  const contacts = sql`(select coalesce(jsonb_agg(${
    contactItem(sql, "k", context.frontendBaseUrl)
  } order by k.id), '[]'::jsonb)
    from investment_investmentproject_client_contacts x join company_contact k on k.id = x.contact_id
    where x.investmentproject_id = t.id)`;
  const object = sql`jsonb_build_object(
      'id', 'dit:DataHubInvestmentProject:' || t.id,
      'type', jsonb_build_array('dit:InvestmentProject'),
      'startTime', api_datetime(t.created_on),
      'name', t.name,
      'dit:investmentType', (select jsonb_build_object('name', it.name)
        from metadata_investmenttype it where it.id = t.investment_type_id),
      'attributedTo', jsonb_build_array(${companyItemOf(sql, sql`t.investor_company_id`)})
        || ${contacts},
      'url', ${context.frontendBaseUrl + "/investments/projects/"} || t.id || '/details')
    || ${optional(sql, "dit:estimatedLandDate", sql`to_char(t.estimated_land_date, 'YYYY-MM-DD')`)}
    || ${optional(sql, "dit:totalInvestment", sql`t.total_investment`)}
    || ${optional(sql, "dit:foreignEquityInvestment", sql`t.foreign_equity_investment`)}
    || ${optional(sql, "dit:numberNewJobs", sql`t.number_new_jobs`)}
    || ${optional(sql, "dit:grossValueAdded", sql`t.gross_value_added`)}`;
  return sql`jsonb_build_object(
      'id', 'dit:DataHubInvestmentProject:' || t.id || ':Add',
      'type', 'Add',
      'published', api_datetime(t.created_on),
      'generator', ${sql.json(GENERATOR)}::jsonb,
      'object', ${object})
    || ${optional(sql, "actor", adviserItemOf(sql, sql`t.created_by_id`), { truthy: true })}`;
}

export const projectAddedFeed: ActivityFeed = {
  path: "investment/project-added",
  summary: "Investment Activities Added",
  table: "investment_investmentproject",
  item: projectAddedItem,
};

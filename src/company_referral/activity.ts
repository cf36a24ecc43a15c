/**
 * Company referrals as Activity Stream items (`/v3/activity-stream/company-referral`): an
 * `Announce` of a `dit:CompanyReferral`, attributed to the company, the sender and the
 * recipient (each with their team and role), then the completer and the contact when
 * there are ones, in the original's shape
 * (datahub/activity_stream/company_referral/serializers.py).
 */
import type { Db } from "../db/pool.ts";
import type { ActivityFeed, FeedContext } from "../activity_stream/feed.ts";
import { GENERATOR } from "../activity_stream/feed.ts";
import { adviserItem, companyItem, contactItem } from "../activity_stream/items.ts";

/** `_get_adviser_with_team_and_role` as a one-item array (empty without the adviser). */
const adviserWithRole = (sql: Db, column: string, role: string) =>
  sql`coalesce((select jsonb_build_array(${adviserItem(sql, "a", "m")}
      || jsonb_build_object('dit:DataHubCompanyReferral:role', ${role}::text))
    from company_advisor a left join metadata_team m on m.id = a.dit_team_id
    where a.id = t.${sql(column)}), '[]'::jsonb)`;

function referralItem(sql: Db, context: FeedContext) {
  const base = context.frontendBaseUrl;
  const attributedTo = sql`
    coalesce((select jsonb_build_array(${companyItem(sql, "c")})
      from company_company c where c.id = t.company_id), '[]'::jsonb)
    || ${adviserWithRole(sql, "created_by_id", "sender")}
    || ${adviserWithRole(sql, "recipient_id", "recipient")}
    || ${adviserWithRole(sql, "completed_by_id", "completer")}
    || coalesce((select jsonb_build_array(${contactItem(sql, "k", base)})
      from company_contact k where k.id = t.contact_id), '[]'::jsonb)`;
  const object = sql`jsonb_build_object(
      'id', 'dit:DataHubCompanyReferral:' || t.id,
      'type', jsonb_build_array('dit:CompanyReferral'),
      'startTime', api_datetime(t.created_on),
      'dit:subject', t.subject,
      'dit:status', t.status,
      'attributedTo', ${attributedTo},
      'url', ${base + "/company-referrals/"} || t.id)
    || case when t.completed_by_id is null then '{}'::jsonb
      else jsonb_build_object('dit:completedOn', api_datetime(t.completed_on)) end`;
  return sql`jsonb_build_object(
    'id', 'dit:DataHubCompanyReferral:' || t.id || ':Announce',
    'type', 'Announce',
    'published', api_datetime(t.modified_on),
    'generator', ${sql.json(GENERATOR)}::jsonb,
    'object', ${object})`;
}

export const companyReferralActivityFeed: ActivityFeed = {
  path: "company-referral",
  summary: "Company Referral Activities",
  table: "company_referral_companyreferral",
  item: referralItem,
};

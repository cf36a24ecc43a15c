/**
 * The parts every feed's items share, as the original's ActivitySerializer helpers
 * (datahub/activity_stream/serializers.py): a company, an adviser (with a team), a team,
 * a contact and a trade agreement as jsonb, each from a row under the given alias.
 */
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";

const col = (sql: Db, alias: string, column: string) => sql`${sql(alias)}.${sql(column)}`;

/** A person's name as the original's `name` property: first and last, blanks dropped. */
export const personName = (sql: Db, alias: string): Fragment =>
  sql`concat_ws(' ', nullif(${col(sql, alias, "first_name")}, ''),
    nullif(${col(sql, alias, "last_name")}, ''))`;

/** `_get_company`, from a company_company row. */
export const companyItem = (sql: Db, alias: string): Fragment =>
  sql`jsonb_build_object('id', 'dit:DataHubCompany:' || ${col(sql, alias, "id")},
    'dit:dunsNumber', ${col(sql, alias, "duns_number")},
    'dit:companiesHouseNumber', ${col(sql, alias, "company_number")},
    'type', jsonb_build_array('Organization', 'dit:Company'), 'name', ${col(sql, alias, "name")})`;

/** `_get_team`, from a metadata_team row (`{}` when the row is missing). */
export const teamItem = (sql: Db, alias: string): Fragment =>
  sql`case when ${col(sql, alias, "id")} is null then '{}'::jsonb else jsonb_build_object(
    'id', 'dit:DataHubTeam:' || ${col(sql, alias, "id")},
    'type', jsonb_build_array('Group', 'dit:Team'), 'name', ${col(sql, alias, "name")}) end`;

/**
 * `_get_adviser_with_team`, from a company_advisor row and a metadata_team row (no
 * `dit:team` when the team is missing).
 */
export const adviserItem = (sql: Db, alias: string, team: string): Fragment =>
  sql`jsonb_build_object('id', 'dit:DataHubAdviser:' || ${col(sql, alias, "id")},
      'type', jsonb_build_array('Person', 'dit:Adviser'),
      'dit:emailAddress', coalesce(nullif(${col(sql, alias, "contact_email")}, ''),
        ${col(sql, alias, "email")}),
      'name', ${personName(sql, alias)})
    || case when ${col(sql, team, "id")} is null then '{}'::jsonb
      else jsonb_build_object('dit:team', ${teamItem(sql, team)}) end`;

/** `_get_contact`, from a company_contact row. */
export const contactItem = (sql: Db, alias: string, frontendBaseUrl: string): Fragment =>
  sql`jsonb_build_object('id', 'dit:DataHubContact:' || ${col(sql, alias, "id")},
    'type', jsonb_build_array('Person', 'dit:Contact'),
    'url', ${frontendBaseUrl + "/contacts/"} || ${col(sql, alias, "id")},
    'dit:emailAddress', ${col(sql, alias, "email")},
    'dit:jobTitle', ${col(sql, alias, "job_title")},
    'name', ${personName(sql, alias)})`;

/** `_get_trade_agreements` of a many-to-many table (`through`, keyed by `owner` = `t.id`). */
export const tradeAgreementItems = (sql: Db, through: string, owner: string): Fragment =>
  sql`(select coalesce(jsonb_agg(jsonb_build_object(
        'id', 'dit:DataHubTradeAgreement:' || a.id, 'name', a.name) order by a.id), '[]'::jsonb)
    from ${sql(through)} x join metadata_tradeagreement a on a.id = x.tradeagreement_id
    where x.${sql(owner)} = t.id)`;

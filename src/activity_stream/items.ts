/**
 * The parts every feed's items share, as the original's ActivitySerializer helpers
 * (datahub/activity_stream/serializers.py): a company, an adviser (with a team and a
 * role), a team, a contact, named references and a trade agreement as jsonb — from a row
 * under the given alias, or (`…Of`) from the id a fragment names, so a feed's item is one
 * SQL expression.
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

/** `_get_adviser`, from a company_advisor row. */
const adviserPerson = (sql: Db, alias: string): Fragment =>
  sql`jsonb_build_object('id', 'dit:DataHubAdviser:' || ${col(sql, alias, "id")},
    'type', jsonb_build_array('Person', 'dit:Adviser'),
    'dit:emailAddress', coalesce(nullif(${col(sql, alias, "contact_email")}, ''),
      ${col(sql, alias, "email")}),
    'name', ${personName(sql, alias)})`;

/**
 * `_get_adviser_with_team`, from a company_advisor row and a metadata_team row (no
 * `dit:team` when the team is missing).
 */
export const adviserItem = (sql: Db, alias: string, team: string): Fragment =>
  sql`${adviserPerson(sql, alias)}
    || case when ${col(sql, team, "id")} is null then '{}'::jsonb
      else jsonb_build_object('dit:team', ${teamItem(sql, team)}) end`;

/** `_get_company` of the company `id` names, or `{}` when there is none. */
export const companyItemOf = (sql: Db, id: Fragment): Fragment =>
  sql`coalesce((select ${companyItem(sql, "ic")} from company_company ic where ic.id = ${id}),
    '{}'::jsonb)`;

/**
 * `_get_adviser` of the adviser `id` names (`{}` when none); with `team`, its `dit:team`
 * as `_get_adviser_with_team`; with `role`, also `dit:<type>:role` as
 * `_get_adviser_with_team_and_role`.
 */
export function adviserItemOf(
  sql: Db,
  id: Fragment,
  options: { team?: boolean; role?: { type: string; role: string } } = {},
): Fragment {
  const item = options.team || options.role
    ? adviserItem(sql, "ia", "it")
    : adviserPerson(sql, "ia");
  const role = options.role
    ? sql`|| jsonb_build_object(${`dit:${options.role.type}:role`}::text, ${options.role.role}::text)`
    : sql``;
  return sql`coalesce((select ${item} ${role}
    from company_advisor ia left join metadata_team it on it.id = ia.dit_team_id
    where ia.id = ${id}), '{}'::jsonb)`;
}

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

/** `{"name": …}` of the row of `table` that `id` names, or null. */
export function namedItem(sql: Db, table: string, id: Fragment): Fragment {
  return sql`(select jsonb_build_object('name', nr.name) from ${sql(table)} nr
    where nr.id = ${id})`;
}

/**
 * `[{"name": …}]` of an M2M set in its reference model's ordering (`order_column`, e.g.
 * `order` or `name`), or null when empty.
 */
export function namedItems(
  sql: Db,
  link: { table: string; source: string; target: string; ref: string; order: string },
  ownerId: Fragment,
): Fragment {
  return sql`(select jsonb_agg(jsonb_build_object('name', nr.name)
      order by nr.${sql(link.order)}, nr.id)
    from ${sql(link.table)} nl join ${sql(link.ref)} nr on nr.id = nl.${sql(link.target)}
    where nl.${sql(link.source)} = ${ownerId})`;
}

/**
 * `{key: value}`, or `{}` when the value is null (the serializers' `is not None` keys)
 * or, with `truthy`, also false, zero or empty (their `if value:` keys).
 */
export function optional(
  sql: Db,
  key: string,
  value: Fragment,
  options: { truthy?: boolean } = {},
): Fragment {
  const empty = options.truthy
    ? sql`ov.v is null or ov.v in ('null'::jsonb, 'false'::jsonb, '0'::jsonb, '""'::jsonb, '[]'::jsonb, '{}'::jsonb)`
    : sql`ov.v is null or ov.v = 'null'::jsonb`;
  return sql`(select case when ${empty} then '{}'::jsonb
      else jsonb_build_object(${key}::text, ov.v) end
    from (select to_jsonb(${value}) as v) ov)`;
}

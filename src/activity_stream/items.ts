/**
 * The parts Activity Stream items share, as the original's ActivitySerializer renders
 * them (companies, contacts, advisers with their team and role), as jsonb fragments of a
 * row's ids, so a feed's item is one SQL expression.
 */
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";

const fullName = (sql: Db, alias: string) =>
  sql`concat_ws(' ', nullif(${sql(alias)}.first_name, ''), nullif(${sql(alias)}.last_name, ''))`;

/** `_get_company`: the company `id` names, or `{}` when there is none. */
export function companyItem(sql: Db, id: Fragment): Fragment {
  return sql`coalesce((select jsonb_build_object('id', 'dit:DataHubCompany:' || ic.id,
      'dit:dunsNumber', ic.duns_number, 'dit:companiesHouseNumber', ic.company_number,
      'type', jsonb_build_array('Organization', 'dit:Company'), 'name', ic.name)
    from company_company ic where ic.id = ${id}), '{}'::jsonb)`;
}

/** `_get_contact` of the contact aliased `alias`, its `url` under `frontendBaseUrl`. */
export function contactItem(sql: Db, alias: string, frontendBaseUrl: string): Fragment {
  const k = sql(alias);
  return sql`jsonb_build_object('id', 'dit:DataHubContact:' || ${k}.id,
    'type', jsonb_build_array('Person', 'dit:Contact'),
    'url', ${frontendBaseUrl + "/contacts/"} || ${k}.id, 'dit:emailAddress', ${k}.email,
    'dit:jobTitle', ${k}.job_title, 'name', ${fullName(sql, alias)})`;
}

/**
 * `_get_adviser` of the adviser `id` names (`{}` when none); with `team`, its `dit:team`
 * as `_get_adviser_with_team`; with `role`, `dit:<type>:role` as
 * `_get_adviser_with_team_and_role`.
 */
export function adviserItem(
  sql: Db,
  id: Fragment,
  options: { team?: boolean; role?: { type: string; role: string } } = {},
): Fragment {
  const team = options.team || options.role
    ? sql`|| coalesce((select jsonb_build_object('dit:team', jsonb_build_object(
        'id', 'dit:DataHubTeam:' || it.id, 'type', jsonb_build_array('Group', 'dit:Team'),
        'name', it.name)) from metadata_team it where it.id = ia.dit_team_id), '{}'::jsonb)`
    : sql``;
  const role = options.role
    ? sql`|| jsonb_build_object(${`dit:${options.role.type}:role`}::text, ${options.role.role}::text)`
    : sql``;
  return sql`coalesce((select jsonb_build_object('id', 'dit:DataHubAdviser:' || ia.id,
      'type', jsonb_build_array('Person', 'dit:Adviser'),
      'dit:emailAddress', coalesce(nullif(ia.contact_email, ''), ia.email),
      'name', ${fullName(sql, "ia")}) ${team} ${role}
    from company_advisor ia where ia.id = ${id}), '{}'::jsonb)`;
}

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

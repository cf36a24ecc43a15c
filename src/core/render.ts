/**
 * SQL fragments that render the wire shapes every domain repeats — nested references
 * `{id, name}`, advisers, JSON objects with many keys — so responses are built in one
 * query and look the same everywhere.
 */
import type { Db } from "../db/pool.ts";
import { type Fragment, joinFragments } from "../db/fragments.ts";

/** `{"id", "name"}` of the row of `table` with id `id`, or null. */
export function ref(sql: Db, table: string, id: Fragment): Fragment {
  return sql`(select jsonb_build_object('name', r.name, 'id', r.id) from ${
    sql(table)
  } r where r.id = ${id})`;
}

/** An adviser's display name: first and last name, blank parts dropped. */
export function adviserName(sql: Db, alias: string): Fragment {
  const a = sql(alias);
  return sql`concat_ws(' ', nullif(${a}.first_name, ''), nullif(${a}.last_name, ''))`;
}

/** `{name, first_name, last_name, id}` of an adviser, or null (NestedAdviserField). */
export function adviser(sql: Db, id: Fragment): Fragment {
  return sql`(select jsonb_build_object('name', ${adviserName(sql, "a")},
      'first_name', a.first_name, 'last_name', a.last_name, 'id', a.id)
    from company_advisor a where a.id = ${id})`;
}

/**
 * An adviser with `contact_email` and `dit_team {name, uk_region, country, id}`, or null
 * (the original's NestedAdviserWithEmailAndTeamGeographyField).
 */
export function adviserWithTeam(sql: Db, id: Fragment): Fragment {
  return sql`(select jsonb_build_object('name', ${adviserName(sql, "a")},
      'first_name', a.first_name, 'last_name', a.last_name, 'contact_email', a.contact_email,
      'dit_team', (select jsonb_build_object('name', t.name,
          'uk_region', ${ref(sql, "metadata_ukregion", sql`t.uk_region_id`)},
          'country', ${ref(sql, "metadata_country", sql`t.country_id`)}, 'id', t.id)
        from metadata_team t where t.id = a.dit_team_id),
      'id', a.id)
    from company_advisor a where a.id = ${id})`;
}

/**
 * `{name, contact_email, dit_team {name, id}, id}` of an adviser, or null (the original's
 * NestedAdviserWithEmailAndTeamField).
 */
export function adviserWithEmailAndTeam(sql: Db, id: Fragment): Fragment {
  return sql`(select jsonb_build_object('name', ${adviserName(sql, "a")},
      'contact_email', a.contact_email,
      'dit_team', ${ref(sql, "metadata_team", sql`a.dit_team_id`)}, 'id', a.id)
    from company_advisor a where a.id = ${id})`;
}

/**
 * A JSON object from `[key, value]` pairs: a one-row subselect whose column aliases are
 * the keys, turned into jsonb. Keys travel as quoted identifiers (`sql(key)`), not as
 * bind parameters, so a document of 89 keys binds only its real values, and there is
 * no cap on the number of pairs (`jsonb_build_object` takes at most 100 arguments).
 * The result is the same jsonb as `jsonb_build_object` would give.
 */
export function jsonObject(sql: Db, pairs: [string, Fragment | null][]): Fragment {
  const columns = joinFragments(
    sql,
    pairs.map(([key, value]) => sql`${value ?? sql`null`} as ${sql(key)}`),
  );
  return sql`(select to_jsonb(o) from (select ${columns}) o)`;
}

/** Renders a timestamp column as the API does (ISO, UTC, `Z`). */
export const datetime = (sql: Db, column: Fragment): Fragment => sql`api_datetime(${column})`;

/**
 * Renders a timestamp column as the original's search documents hold it (Python's
 * isoformat: UTC as `+00:00`), for search results.
 */
export const documentDatetime = (sql: Db, column: Fragment): Fragment =>
  sql`search_datetime(${column})`;

/**
 * The documents (`json`, over the table aliased `alias`) of the rows of `ids` as JSON
 * text by id, in one statement: what a cached document's `render` gives
 * (src/http/cached.ts), sent on without parsing.
 */
export async function documentsById(
  sql: Db,
  q: { json: Fragment; table: string; alias: string; ids: string[] },
): Promise<Map<string, string>> {
  const alias = sql(q.alias);
  // The ids reach the plan through an InitPlan (`(select $1)`), so no plan depends on
  // their values: PostgreSQL keeps the prepared statement's generic plan instead of
  // planning the document's dozens of subqueries again on every render (with a bare
  // `any($1)` each custom plan sees the array's length, and planning was ~75% of a
  // one-document render: 8 ms against 2 ms; bench/render_cost.ts).
  const match = sql`${alias}.id = any((select ${q.ids}::uuid[])::uuid[])`;
  const rows = await sql<{ id: string; json: string }[]>`
    select ${alias}.id::text as id, ${q.json}::text as json from ${sql(q.table)} ${alias}
    where ${match}`;
  return new Map(rows.map((r) => [r.id, r.json]));
}

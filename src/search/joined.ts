/**
 * Set-based pieces for building a batch of search documents in one query: the shapes
 * src/core/render.ts renders as correlated subqueries (`{id, name}` references,
 * advisers, sectors), here read from rows the batch query joins once. A subquery per
 * field and row costs an index probe each (20–40 per document); a join to a small
 * table is one hash lookup, which is what lets a full rebuild index tens of thousands
 * of documents a second. The JSON is the same as the subqueries give.
 */
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";

/** `{name, id}` of the left-joined row `alias`, or null when it did not join. */
export function joinedRef(db: Db, alias: string): Fragment {
  const r = db(alias);
  return db`case when ${r}.id is null then null
    else jsonb_build_object('name', ${r}.name, 'id', ${r}.id) end`;
}

/** `{name, first_name, last_name, id}` of the left-joined adviser `alias`, or null. */
export function joinedAdviser(db: Db, alias: string): Fragment {
  const a = db(alias);
  return db`case when ${a}.id is null then null
    else jsonb_build_object('name', concat_ws(' ', nullif(${a}.first_name, ''),
      nullif(${a}.last_name, '')), 'first_name', ${a}.first_name, 'last_name', ${a}.last_name,
      'id', ${a}.id) end`;
}

/**
 * A CTE body: every sector as documents embed it, `(id, doc)` with doc
 * `{id, name, ancestors: [{id}]}` (root first). The table is small (hundreds of rows),
 * so a batch computes them all once and joins them.
 */
export function sectorDocuments(db: Db): Fragment {
  return db`select s.id, jsonb_build_object('id', s.id, 'name', s.name, 'ancestors',
      (select coalesce(jsonb_agg(jsonb_build_object('id', a.id) order by a.lft), '[]'::jsonb)
       from metadata_sector a
       where a.tree_id = s.tree_id and a.lft < s.lft and a.rght > s.rght)) as doc
    from metadata_sector s`;
}

/**
 * Inserting and updating one row from a column → value map, the shape every domain's
 * write path produces after validation, and replacing a row's many-to-many members. Column names come from the domain's own code
 * (never the client), and go through `sql(name)` as identifiers.
 */
import type postgres from "postgres";
import type { Db } from "./pool.ts";
import { joinFragments } from "./fragments.ts";

/** Column → value; values are whatever postgres.js serialises (text, numbers, dates, arrays, JSON). */
export type Columns = Record<string, unknown>;
type Serialisable = Record<string, postgres.ParameterOrJSON<never>>;

/** Inserts a row and returns its generated id. */
export async function insertRow(db: Db, table: string, columns: Columns): Promise<string> {
  const [{ id }] = await db<{ id: string }[]>`insert into ${db(table)} ${
    db(columns as Serialisable)
  } returning id`;
  return id;
}

/** Sets the given columns of the row with this id; nothing to set is a no-op. */
export async function updateRow(
  db: Db,
  table: string,
  id: string,
  columns: Columns,
): Promise<void> {
  const sets = Object.entries(columns).map(([column, value]) =>
    db`${db(column)} = ${value as postgres.SerializableParameter}`
  );
  if (!sets.length) return;
  await db`update ${db(table)} set ${joinFragments(db, sets)} where id = ${id}`;
}

/** A many-to-many link table: the owner's column and the member's. */
export interface LinkTable {
  table: string;
  source: string;
  target: string;
}

/** Makes the owner's members exactly `ids`; kept members keep their link (and its order). */
export async function replaceLinks(db: Db, link: LinkTable, id: string, ids: string[]) {
  await db`delete from ${db(link.table)} where ${db(link.source)} = ${id}
    and not (${db(link.target)} = any(${ids}::uuid[]))`;
  for (const member of ids) {
    await db`insert into ${db(link.table)} (${db(link.source)}, ${db(link.target)})
      values (${id}, ${member}) on conflict do nothing`;
  }
}

/** The columns given a value: an absent (undefined) one keeps its column default. */
export const givenColumns = (columns: Columns): Columns =>
  Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined));

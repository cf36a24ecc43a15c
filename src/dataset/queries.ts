/** The one statement behind every dataset page: a keyset range over the ordering's index. */
import type { Db } from "../db/pool.ts";
import { type Fragment, joinFragments } from "../db/fragments.ts";
import { CREATED_ON_ID, type CursorKey, type Dataset, type DatasetContext } from "./dataset.ts";
import type { Cursor } from "./cursor.ts";

export interface DatasetRow {
  row: Record<string, unknown>;
  /** The row's ordering values, as a cursor holds them. */
  keys: string[];
}

/** A key as text a cursor can carry and PostgreSQL reads back exactly (microseconds kept). */
function keyText(sql: Db, key: CursorKey): Fragment {
  const column = sql`t.${sql(key.column)}`;
  return key.type === "timestamptz"
    ? sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
    : sql`${column}::text`;
}

function keyValue(sql: Db, key: CursorKey, value: string): Fragment {
  switch (key.type) {
    case "timestamptz":
      return sql`${value}::text::timestamptz`;
    case "uuid":
      return sql`${value}::text::uuid`;
    case "bigint":
      return sql`${value}::text::bigint`;
  }
}

/**
 * Up to `size + 1` rows after (or, reversed, before) the cursor in the dataset's order,
 * in the order read (descending when reversed); the extra row only says whether more follow.
 */
export async function datasetRows(
  sql: Db,
  dataset: Dataset & { from: NonNullable<Dataset["from"]> },
  q: {
    cursor: Cursor | null;
    size: number;
    updatedSince: string | null;
    where: Fragment | null;
    context: DatasetContext;
  },
): Promise<DatasetRow[]> {
  const ordering = dataset.ordering ?? CREATED_ON_ID;
  const select = dataset.select?.(sql, q.context) ?? {};
  const columns = joinFragments(
    sql,
    (dataset.enrich?.read ?? Object.keys(dataset.row.shape)).map((key) =>
      sql`${select[key] ?? sql`t.${sql(key)}`} as ${sql(key)}`
    ),
  );
  const keyColumns = (direction: Fragment) =>
    joinFragments(sql, ordering.map((k) => sql`t.${sql(k.column)} ${direction}`));
  const conditions: Fragment[] = [];
  if (q.cursor) {
    const left = joinFragments(sql, ordering.map((k) => sql`t.${sql(k.column)}`));
    const right = joinFragments(
      sql,
      ordering.map((k, n) => keyValue(sql, k, q.cursor!.position[n])),
    );
    conditions.push(q.cursor.reverse ? sql`(${left}) < (${right})` : sql`(${left}) > (${right})`);
  }
  if (q.updatedSince && dataset.updatedSince) {
    conditions.push(sql`t.${sql(dataset.updatedSince)} > ${q.updatedSince}::date`);
  }
  if (q.where) conditions.push(q.where);
  const joins = Object.entries(dataset.joins ?? {}).reduce(
    (acc, [alias, [table, column]]) =>
      sql`${acc} left join ${sql(table)} ${sql(alias)} on ${sql(alias)}.id = t.${sql(column)}`,
    sql``,
  );
  const reverse = q.cursor?.reverse ?? false;
  return await withoutJit(sql, (sql) =>
    sql<DatasetRow[]>`
    select (select to_json(o) from (select ${columns}) o) as row,
      array[${joinFragments(sql, ordering.map((k) => keyText(sql, k)))}] as keys
    from ${dataset.from(sql)} ${joins}
    ${conditions.length ? sql`where ${joinFragments(sql, conditions, "and")}` : sql``}
    order by ${keyColumns(reverse ? sql`desc` : sql`asc`)}
    limit ${q.size + 1}`);
}

/**
 * Runs `query` with PostgreSQL's JIT off. A page of 10,000 rows with a dozen subqueries
 * each is estimated far above `jit_above_cost`, and compiling it took 21 of the 26 s the
 * page took (the work itself is an index range scan and lookups by primary key).
 */
async function withoutJit<T>(sql: Db, query: (sql: Db) => Promise<T>): Promise<T> {
  if (!("begin" in sql)) {
    await sql`set local jit = off`;
    return await query(sql);
  }
  return await sql.begin(async (tx) => {
    await tx`set local jit = off`;
    return await query(tx);
  }) as T;
}

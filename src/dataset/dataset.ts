/**
 * A dataset: one of the flat tables Data Flow copies into Data Workspace
 * (`/v4/dataset/<name>`). A domain declares its datasets in its manifest (`datasets`);
 * the kit here turns each into a Hawk route (scope `datasets`) with the original's
 * cursor pages.
 */
import { z } from "@hono/zod-openapi";
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";

/** A column of the cursor's ordering, on the dataset's table (alias `t`). */
export interface CursorKey {
  column: string;
  type: "timestamptz" | "uuid" | "bigint";
}

export interface DatasetContext {
  /** DATAHUB_FRONTEND_BASE_URL, for links to records. */
  frontendBaseUrl: string;
}

export interface Dataset {
  /** The path segment after `/v4/dataset/`, e.g. `companies-dataset`. */
  name: string;
  summary: string;
  /** One row: the original's columns, in its order (also the route's response schema). */
  row: z.ZodObject;
  /** The rows' table as `t`. */
  from: (sql: Db) => Fragment;
  /**
   * Rows that foreign keys of `t` point at, left-joined once by alias (the planner hashes
   * small reference tables) rather than looked up per row: alias → [table, column of t].
   * Columns read them with {@link of}.
   */
  joins?: Record<string, [table: string, column: string]>;
  /** Columns that are not `t.<key>` as is (renamed, joined, aggregated, timestamps). */
  select?: (sql: Db, context: DatasetContext) => Record<string, Fragment>;
  /** The cursor's ordering, unique as a whole (default: created_on, id, as the original). */
  ordering?: CursorKey[];
  /** The column `?updated_since=<date>` filters on (`col > date`), where the original has it. */
  updatedSince?: string;
  /** Further query parameters the original reads (name → description, for the route). */
  params?: Record<string, string>;
  /**
   * The condition those parameters (or other state) put on `t`, if any; it may throw an
   * ApiError for a bad value.
   */
  where?: (sql: Db, param: (name: string) => string | undefined) => Fragment | null;
  /**
   * Rows reshaped after the query, as the original's `_enrich_data` does: `read` names the
   * columns the query selects (instead of `row`'s), `render` turns one into the row.
   */
  enrich?: {
    read: string[];
    render: (row: Record<string, unknown>) => Record<string, unknown>;
  };
}

export const CREATED_ON_ID: CursorKey[] = [
  { column: "created_on", type: "timestamptz" },
  { column: "id", type: "uuid" },
];

/** Column types of dataset rows, as the original's `values()` rows render through DRF. */
export const col = {
  uuid: () => z.guid().nullable(),
  text: () => z.string().nullable(),
  bool: () => z.boolean().nullable(),
  int: () => z.number().int().nullable(),
  /** Decimals render as JSON numbers (DRF's encoder turns a Decimal into a float). */
  number: () => z.number().nullable(),
  datetime: () => z.string().nullable().openapi({ format: "date-time" }),
  date: () => z.string().nullable().openapi({ format: "date" }),
  uuids: () => z.array(z.guid().nullable()).nullable(),
  texts: () => z.array(z.string().nullable()).nullable(),
};

/** Timestamp and date rendering, as DRF renders the original's values. */
export const ts = (sql: Db, column: string): Fragment => sql`api_datetime(t.${sql(column)})`;
export const day = (sql: Db, column: string): Fragment =>
  sql`to_char(t.${sql(column)}, 'YYYY-MM-DD')`;
/** A column of a joined row (its `name` by default). */
export const of = (sql: Db, alias: string, column = "name"): Fragment =>
  sql`${sql(alias)}.${sql(column)}`;
/** A decimal column as a JSON number. */
export const num = (sql: Db, column: string): Fragment => sql`t.${sql(column)}::float8`;
/** The full name of a tree node (sector, service: `A : B : C`), as the original's subquery. */
export const treePath = (sql: Db, table: string, column: string): Fragment =>
  sql`(select string_agg(a.segment, ' : ' order by a.lft)
    from ${sql(table)} s join ${sql(table)} a
      on a.tree_id = s.tree_id and a.lft <= s.lft and a.rght >= s.rght
    where s.id = t.${sql(column)})`;
/** A person's name (first and last, blank parts dropped), as get_full_name_expression. */
export const fullName = (sql: Db): Fragment =>
  sql`concat_ws(' ', nullif(t.first_name, ''), nullif(t.last_name, ''))`;

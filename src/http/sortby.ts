/**
 * `sortby` for database lists, as DRF's OrderingFilter under that name: a comma list,
 * `-` for descending, names from a per-list allow-list, unknown names ignored. Each
 * allowed name maps to a column (`"c.name"`) or an SQL fragment, so nothing the client
 * sends ever reaches SQL text.
 */
import type postgres from "postgres";
import type { Db } from "../db/pool.ts";
import { joinFragments } from "../db/fragments.ts";

export type SortColumn = string | postgres.PendingQuery<postgres.Row[]>;
export type SortChoices = Record<string, SortColumn>;

export interface SortTerm {
  name: string;
  descending: boolean;
}

/** The allowed terms of a `sortby` value, in order; `fallback` when none is usable. */
export function parseSortby(
  value: string | undefined,
  choices: SortChoices,
  fallback: string[] = [],
): SortTerm[] {
  const requested = (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const usable = requested
    .map((term) => ({ name: term.replace(/^-/, ""), descending: term.startsWith("-") }))
    .filter((t) => Object.hasOwn(choices, t.name));
  if (usable.length) return usable;
  return fallback.map((term) => ({
    name: term.replace(/^-/, ""),
    descending: term.startsWith("-"),
  }));
}

/**
 * An `order by` fragment for the terms, ending with `tiebreak` (a column such as `c.id`,
 * so pages are stable). Empty when there is nothing to order by.
 */
export function orderBy(
  sql: Db,
  terms: SortTerm[],
  choices: SortChoices,
  tiebreak: string | null = null,
) {
  const parts = terms.map((t) => {
    // Only a fallback can name something outside the choices: a programming error that
    // would otherwise order by NULL without a word.
    if (!Object.hasOwn(choices, t.name)) {
      throw new RangeError(`sortby "${t.name}" is not one of ${Object.keys(choices).join(", ")}`);
    }
    const column = choices[t.name];
    const expr = typeof column === "string" ? sql(column) : column;
    return t.descending ? sql`${expr} desc` : sql`${expr} asc`;
  });
  if (tiebreak) parts.push(sql`${sql(tiebreak)}`);
  if (!parts.length) return sql``;
  return sql`order by ${joinFragments(sql, parts)}`;
}

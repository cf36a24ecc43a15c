/** Helpers for composing postgres.js fragments (never strings) into larger statements. */
import type postgres from "postgres";
import type { Db } from "./pool.ts";

export type Fragment = postgres.PendingQuery<postgres.Row[]>;

/** `a, b, c` (or another separator) from a list of fragments; empty for none. */
export function joinFragments(
  sql: Db,
  parts: Fragment[],
  separator: "," | "and" | "or" = ",",
): Fragment {
  if (!parts.length) return sql``;
  const sep = separator === "," ? sql`, ` : separator === "and" ? sql` and ` : sql` or `;
  return parts.reduce((acc, part) => sql`${acc}${sep}${part}`);
}

/** `where a and b` for the given conditions, or nothing when there are none. */
export function where(sql: Db, conditions: Fragment[]): Fragment {
  return conditions.length ? sql`where ${joinFragments(sql, conditions, "and")}` : sql``;
}

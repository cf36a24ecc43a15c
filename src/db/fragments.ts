/** Helpers for composing postgres.js fragments (never strings) into larger statements. */
import type postgres from "postgres";
import type { Db } from "./pool.ts";

export type Fragment = postgres.PendingQuery<postgres.Row[]>;

/**
 * `a, b, c` (or another separator) from a list of fragments; empty for none. One flat
 * fragment (a template of n + 1 strings), not n nested ones: postgres.js builds nested
 * fragments recursively, and thousands of them overflowed the stack.
 */
export function joinFragments(
  sql: Db,
  parts: Fragment[],
  separator: "," | "and" | "or" = ",",
): Fragment {
  if (!parts.length) return sql``;
  const sep = separator === "," ? ", " : ` ${separator} `;
  const strings = ["", ...parts.slice(1).map(() => sep), ""];
  return sql(Object.assign(strings, { raw: strings }) as unknown as TemplateStringsArray, ...parts);
}

/** `where a and b` for the given conditions, or nothing when there are none. */
export function where(sql: Db, conditions: Fragment[]): Fragment {
  return conditions.length ? sql`where ${joinFragments(sql, conditions, "and")}` : sql``;
}

/**
 * `build(sql, choice)` run once per distinct `keyOf(choice)` and its fragment reused by
 * every later statement. Building a large document fragment (a company with its
 * contacts: some 200 nested fragments) costs more CPU than PostgreSQL takes to run it;
 * postgres.js reads a nested fragment's strings and values afresh each time it builds
 * a statement and never executes it on its own, so one instance serves any number of
 * statements, on any connection or transaction.
 *
 * Only for fragments whose SQL and bound values follow from `choice` alone (flags and
 * constants of our code): anything taken from a request must not be cached.
 */
export function cachedFragments<C>(
  keyOf: (choice: C) => string,
  build: (sql: Db, choice: C) => Fragment,
): (sql: Db, choice: C) => Fragment {
  const cache = new Map<string, Fragment>();
  return (sql, choice) => {
    const key = keyOf(choice);
    let fragment = cache.get(key);
    if (!fragment) cache.set(key, fragment = build(sql, choice));
    return fragment;
  };
}

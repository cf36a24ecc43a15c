/** Helpers for composing postgres.js fragments (never strings) into larger statements. */
import type postgres from "postgres";
import type { Db } from "./pool.ts";

export type Fragment = postgres.PendingQuery<postgres.Row[]>;

/** Most parts one template joins; longer lists are joined in groups of this many. */
const GROUP = 32;
const templates = new Map<string, TemplateStringsArray>();

/**
 * The template `["", sep, …, sep, ""]` of `n` parts, one object per separator and `n`.
 * postgres.js keys a cache that is never emptied by a tagged template's strings object
 * (an `Error` per template, to report where a failing query came from; its stack frames
 * hold the callers' closures, and with them a request's queries and data), so a new
 * strings array per call would grow that cache by one entry per statement built.
 */
function template(sep: string, n: number): TemplateStringsArray {
  const key = `${sep}:${n}`;
  let strings = templates.get(key);
  if (!strings) {
    const parts = ["", ...Array.from({ length: n - 1 }, () => sep), ""];
    strings = Object.freeze(
      Object.assign(parts, { raw: parts }),
    ) as unknown as TemplateStringsArray;
    templates.set(key, strings);
  }
  return strings;
}

/**
 * `a, b, c` (or another separator) from a list of fragments; empty for none. Flat
 * fragments of up to {@link GROUP} parts, grouped for longer lists (so nesting stays
 * shallow: postgres.js builds nested fragments recursively, and thousands of levels
 * overflowed the stack), and the templates are shared (see {@link template}).
 */
export function joinFragments(
  sql: Db,
  parts: Fragment[],
  separator: "," | "and" | "or" = ",",
): Fragment {
  if (!parts.length) return sql``;
  if (parts.length > GROUP) {
    const groups: Fragment[] = [];
    for (let i = 0; i < parts.length; i += GROUP) {
      groups.push(joinFragments(sql, parts.slice(i, i + GROUP), separator));
    }
    return joinFragments(sql, groups, separator);
  }
  const sep = separator === "," ? ", " : ` ${separator} `;
  return sql(template(sep, parts.length), ...parts);
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

/**
 * The typed storage a search app gets on PostgreSQL, derived from what it already
 * declares, so a new app needs nothing more than its declaration:
 *
 * - every `sortby` field becomes a typed column with a b-tree index (`s0`, `s1`, ...),
 *   so a sorted page walks an index instead of sorting JSON values;
 * - the free-text fields become two word sets (`words`: every search field; `names`:
 *   the primary ones), stripped tsvectors matched by word prefix;
 * - every exact-match filter field (keywords, case-folded keywords, booleans) becomes
 *   tokens (`#<code>=<value>`, `#<code>?` for presence) stored as more lexemes of
 *   `words` (no word a user types starts with `#`), so text and filters are one GIN
 *   lookup for a page or a count; other
 *   filters (ranges, words, partial names) read the stored document;
 * - boolean filter fields are the "flags" whose combinations have maintained counts.
 *
 * The backend derives all of them from the stored document in SQL (src/search/postgres.ts,
 * `upsertRows`); tests/search/pg_derivation_test.ts checks that against the rules in code.
 *
 * `signature` changes whenever any of that changes, and the table is rebuilt.
 */
import type { SearchApp } from "./app.ts";
import { type FieldKind, resolveField } from "./mapping.ts";
import { sha256Hex } from "../crypto.ts";

export interface SortColumn {
  column: string;
  path: string[];
  kind: FieldKind;
}

export interface TokenField {
  code: number;
  path: string[];
  kind: "keyword" | "folded" | "boolean";
}

export interface PgLayout {
  table: string;
  sortColumns: Map<string, SortColumn>;
  /** Exact-match fields by indexed name (`dit_team.id`). */
  tokenFields: Map<string, TokenField>;
  /** Presence tokens by document path (`headquarter_type`, `created_on`). */
  presence: Map<string, { code: number; path: string[] }>;
  /** Boolean token fields whose combinations are counted (at most MAX_FLAGS). */
  flags: string[];
  signature: Promise<string>;
}

/** Bump when the table shape or the token/word rules change (rebuilds every table). */
const LAYOUT_VERSION = 5;
/** 2^MAX_FLAGS count rows per document at most. */
const MAX_FLAGS = 5;
/** Caps on what one document puts into its word sets (PostgreSQL's tsvector is ≤ 1 MB). */
export const MAX_WORDS = 4000;
export const MAX_WORD_LENGTH = 60;

/** App names as the original's (`company-activity`, `large-investor-profile`). */
const NAME_RE = /^[a-z][a-z0-9_-]{0,40}$/;
const layouts = new WeakMap<SearchApp, PgLayout>();

export function layoutOf(app: SearchApp): PgLayout {
  const cached = layouts.get(app);
  if (cached) return cached;
  if (!NAME_RE.test(app.name)) throw new Error(`search app name "${app.name}" is not a table name`);
  const sortColumns = new Map<string, SortColumn>();
  for (const field of new Set(Object.values(app.sortby ?? {}))) {
    const { path, kind } = resolveField(app.mapping, field);
    sortColumns.set(field, { column: `s${sortColumns.size}`, path, kind });
  }
  const fields = new Set<string>();
  for (const spec of Object.values(app.filters)) spec.fields.forEach((f) => fields.add(f));
  // Global search hides archived documents.
  if (app.mapping.archived) fields.add("archived");
  const tokenFields = new Map<string, TokenField>();
  const presencePaths = new Set<string>();
  let code = 0;
  for (const field of [...fields].sort()) {
    if (field === "id") continue;
    const { path, kind } = resolveField(app.mapping, field);
    for (let i = 1; i <= path.length; i++) presencePaths.add(path.slice(0, i).join("."));
    if (kind === "keyword" || kind === "folded" || kind === "boolean") {
      tokenFields.set(field, { code: code++, path, kind });
    }
  }
  const presence = new Map<string, { code: number; path: string[] }>();
  for (const p of [...presencePaths].sort()) presence.set(p, { code: code++, path: p.split(".") });
  const flags = [...tokenFields.entries()].filter(([, t]) => t.kind === "boolean").map(([f]) => f)
    .slice(0, MAX_FLAGS);
  const shape = {
    version: LAYOUT_VERSION,
    sort: [...sortColumns.entries()].map(([f, c]) => [f, c.column, c.kind]),
    tokens: [...tokenFields.entries()].map(([f, t]) => [f, t.code, t.kind]),
    presence: [...presence.entries()].map(([p, v]) => [p, v.code]),
    flags,
    search: app.searchFields,
    primary: app.primaryTextFields ?? ["name"],
  };
  const layout: PgLayout = {
    table: `search_${app.name.replaceAll("-", "_")}`,
    sortColumns,
    tokenFields,
    presence,
    flags,
    signature: sha256Hex(JSON.stringify(shape)).then((h) => h.slice(0, 16)),
  };
  layouts.set(app, layout);
  return layout;
}

/** The token of an exact-match value (as filters ask for it). */
export function tokenOf(field: TokenField, value: string | number | boolean): string {
  const text = String(value);
  return `#${field.code}=${field.kind === "folded" ? text.toLowerCase() : text}`;
}

export const presenceToken = (code: number) => `#${code}?`;

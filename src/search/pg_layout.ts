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
 * `signature` changes whenever any of that changes, and the table is rebuilt.
 */
import type { SearchApp, SearchDocument } from "./app.ts";
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
const LAYOUT_VERSION = 4;
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

function nodesAt(doc: unknown, path: string[]): unknown[] {
  let nodes: unknown[] = [doc];
  for (const key of path) {
    nodes = nodes.flatMap((n) => {
      if (Array.isArray(n)) return n.map((x) => (x as Record<string, unknown>)?.[key]);
      return n && typeof n === "object" ? [(n as Record<string, unknown>)[key]] : [];
    });
  }
  return nodes.flatMap((n) => (Array.isArray(n) ? n : [n]));
}

const isPresent = (v: unknown) =>
  v !== null && v !== undefined &&
  !(Array.isArray(v) && v.length === 0) &&
  !(typeof v === "object" && !Array.isArray(v) && Object.keys(v as object).length === 0);

/** The token of an exact-match value (as filters ask for it). */
export function tokenOf(field: TokenField, value: string | number | boolean): string {
  const text = String(value);
  return `#${field.code}=${field.kind === "folded" ? text.toLowerCase() : text}`;
}

export const presenceToken = (code: number) => `#${code}?`;

/** A document's tokens: its exact-match values and which filter paths it has. */
export function documentTokens(layout: PgLayout, doc: SearchDocument): string[] {
  const out = new Set<string>();
  for (const field of layout.tokenFields.values()) {
    for (const v of nodesAt(doc, field.path)) {
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") {
        out.add(tokenOf(field, v));
      }
    }
  }
  for (const { code, path } of layout.presence.values()) {
    if (nodesAt(doc, path).some(isPresent)) out.add(presenceToken(code));
  }
  return [...out].sort();
}

/** The flag tokens among a document's tokens (sorted). */
export function flagTokens(layout: PgLayout, tokens: Iterable<string>): string[] {
  const codes = new Set(layout.flags.map((f) => `#${layout.tokenFields.get(f)!.code}=`));
  return [...tokens].filter((t) => codes.has(t.slice(0, t.indexOf("=") + 1))).sort();
}

/** Every subset of a document's flags: the count rows it belongs to ('' = all). */
export function countKeys(flags: string[]): string[] {
  const keys: string[] = [];
  for (let mask = 0; mask < 1 << flags.length; mask++) {
    keys.push(flags.filter((_, i) => mask & (1 << i)).join(","));
  }
  return keys;
}

/**
 * The one interface both search backends implement (PostgreSQL documents, OpenSearch
 * indices), chosen by SEARCH_BACKEND. Handlers, the sync and the CLI only see this.
 */
import type { Db } from "../db/pool.ts";
import type { Condition, EntityQuery, SearchApp, SearchDocument } from "./app.ts";
import { resolveField } from "./mapping.ts";

export interface SearchResults {
  count: number;
  results: Record<string, unknown>[];
  /**
   * The results as JSON texts, when the backend reads them as stored (PostgreSQL): the
   * routes send them on as they are, and `results` parses them only when read.
   */
  texts?: string[];
}

/** `fields` with results kept as the JSON `texts` (see {@link SearchResults.texts}). */
export function storedResults<T extends { count: number }>(
  fields: T,
  texts: string[],
): T & SearchResults {
  let parsed: Record<string, unknown>[] | undefined;
  return Object.assign(
    {
      get results() {
        return parsed ??= texts.map((t) => JSON.parse(t) as Record<string, unknown>);
      },
    },
    fields,
    { texts },
  );
}

export interface GlobalQuery {
  /** Every global app (their fields and indices make up the search). */
  apps: SearchApp[];
  /** The apps the caller may see, each with its row-level scope (null: no restriction). */
  permitted: { app: SearchApp; scope: Condition | null }[];
  /** Whose hits are returned; the others are only counted. */
  entity: string;
  term: string;
  offset: number;
  limit: number;
}

export interface GlobalResults extends SearchResults {
  aggregations: { count: number; entity: string }[];
}

export interface SearchBackend {
  readonly kind: "postgres" | "opensearch";
  /** Creates or migrates the storage of these apps; returns one line per app. */
  migrate(db: Db, apps: SearchApp[], options?: { resync?: ResyncFn }): Promise<string[]>;
  /**
   * Writes documents and removes deleted ids. On PostgreSQL this happens in `db`, the
   * transaction that also consumes the change feed; OpenSearch ignores `db`.
   */
  write(db: Db, app: SearchApp, upserts: SearchDocument[], deletes: string[]): Promise<void>;
  /**
   * Builds and writes the documents of `ids` without them leaving the database (PostgreSQL,
   * for an app with `documentsQuery`): ids without a row are deleted, as are `deletes`.
   * `bulk` (a full rebuild's batches): no app lock and no maintained counts, which `prune`
   * counts again at the end.
   */
  index?(
    db: Db,
    app: SearchApp,
    ids: string[],
    deletes: string[],
    options?: { bulk?: boolean },
  ): Promise<{ upserted: number; deleted: number }>;
  /** Before a full rebuild (PostgreSQL: a first load defers its indexes to `prune`). */
  prepareRebuild?(db: Db, app: SearchApp): Promise<void>;
  /** Drops the app's documents not written since `since` (the end of a full rebuild). */
  prune(db: Db, app: SearchApp, since: Date): Promise<void>;
  search(db: Db, query: EntityQuery): Promise<SearchResults>;
  globalSearch(db: Db, query: GlobalQuery): Promise<GlobalResults>;
  /** The sum of a numeric field over every hit (the OMIS search's `total_subtotal_cost`). */
  sum(db: Db, query: EntityQuery, field: string): Promise<number>;
  /** The ids of the first `max` hits, in the query's order (CSV exports). */
  exportIds(db: Db, query: EntityQuery, max: number): Promise<string[]>;
  /** Makes recent writes visible to searches (OpenSearch refresh; nothing on PostgreSQL). */
  refresh(apps: SearchApp[]): Promise<void>;
}

/** Re-indexes an app from the database (used by a mapping migration). */
export type ResyncFn = (app: SearchApp) => Promise<number>;

/** A document as returned: the stored one minus the app's excluded keys. */
export function publicDocument(app: SearchApp, doc: Record<string, unknown>) {
  if (!app.excludeFromResults?.length) return doc;
  const out = { ...doc };
  for (const key of app.excludeFromResults) delete out[key];
  return out;
}

function leaves(value: unknown, out: string[]) {
  if (value === null || value === undefined) return;
  if (typeof value === "string") {
    if (value) out.push(value);
  } else if (typeof value === "number") out.push(String(value));
  else if (Array.isArray(value)) value.forEach((v) => leaves(v, out));
  else if (typeof value === "object") Object.values(value).forEach((v) => leaves(v, out));
}

function valuesAt(doc: unknown, path: string[]): string[] {
  let nodes: unknown[] = [doc];
  for (const key of path) {
    nodes = nodes.flatMap((n) => {
      if (Array.isArray(n)) return n.map((x) => (x as Record<string, unknown>)?.[key]);
      return n && typeof n === "object" ? [(n as Record<string, unknown>)[key]] : [];
    });
  }
  const out: string[] = [];
  nodes.forEach((n) => leaves(n, out));
  return out;
}

const textPaths = new WeakMap<SearchApp, { path: string[]; primary: boolean }[]>();

/** Each free-text field's document path once (`name` and `name.trigram` are one value). */
export function textPathsOf(app: SearchApp) {
  let paths = textPaths.get(app);
  if (!paths) {
    const primary = new Set(app.primaryTextFields ?? ["name"]);
    const seen = new Set<string>();
    paths = [];
    for (const field of app.searchFields) {
      const { path } = resolveField(app.mapping, field);
      const key = path.join(".");
      if (seen.has(key)) continue;
      seen.add(key);
      paths.push({ path, primary: primary.has(key) });
    }
    textPaths.set(app, paths);
  }
  return paths;
}

/**
 * The free-text values of a document, split into primary (names) and other search
 * fields, each field once.
 */
export function documentText(app: SearchApp, doc: SearchDocument) {
  const a: string[] = [];
  const b: string[] = [];
  for (const { path, primary } of textPathsOf(app)) (primary ? a : b).push(...valuesAt(doc, path));
  return { primary: a.join(" "), other: b.join(" ") };
}

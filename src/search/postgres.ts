/**
 * The PostgreSQL search backend. Each app has its own table, `search_<app>`, whose
 * columns come from its declaration (src/search/pg_layout.ts): typed, b-tree indexed
 * sort columns, and two word sets matched by word prefix through GIN: `words` (every
 * free-text field, plus the app's exact-match filter values as `#` tokens) and `names`
 * (the primary fields). A default page is an index walk; text and filters together are
 * one GIN lookup (a bitmap of the matches, no ranking). PostgreSQL still visits each
 * match's row to count it, so the document and the word sets are stored out of line
 * (TOAST) to keep the rows an index walk or a count visits small (~50 to a page).
 *
 * Ranking keeps the original's boosts as tiers: an exact name first, then documents
 * whose names hold every word, then those holding every word in any search field, then
 * (global search only) documents matching misspelt words, expanded through the
 * trigram-indexed vocabulary `search_word` to the nearest known words, as OpenSearch's
 * fuzziness does. Each tier is a top-k by id: walked along the primary key when its
 * matches are many, taken whole from the GIN index when they are few (their count is
 * known first), so no query ranks every match.
 *
 * Totals are exact. Unfiltered views and combinations of boolean filters read counts
 * kept in `search_count` by every write; other totals are GIN bitmap counts.
 *
 * Filters the tokens cannot serve (ranges, words, partial names, postcodes, fields a
 * scope names without a filter) read the stored document, as before: correct
 * everywhere, fast where an indexed condition narrows the rows first.
 */
import { termWords } from "./words.ts";
import type { Db, Sql } from "../db/pool.ts";
import { type Fragment, joinFragments } from "../db/fragments.ts";
import type { Condition, EntityQuery, SearchApp, SearchDocument, SortTerm } from "./app.ts";
import { resolveField } from "./mapping.ts";
import {
  documentText,
  type GlobalQuery,
  type GlobalResults,
  publicDocument,
  type SearchBackend,
  type SearchResults,
} from "./backend.ts";
import {
  countKeys,
  documentTokens,
  flagTokens,
  layoutOf,
  MAX_WORD_LENGTH,
  MAX_WORDS,
  type PgLayout,
  presenceToken,
  tokenOf,
} from "./pg_layout.ts";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SEPARATOR = "\u001f";
/** Words of a term used (the rest are ignored) and similar words tried per misspelt word. */
const MAX_TERM_WORDS = 10;
const FUZZY_EXPANSIONS = 4;
/** How alike (pg_trgm similarity) a known word must be to stand in for a misspelt one. */
const FUZZY_SIMILARITY = 0.5;
/** Words worth correcting a misspelling to: letters only (not ids, numbers, codes). */
const VOCABULARY_WORD = /^\p{L}{3,30}$/u;
/** Known vocabulary kept in memory so a batch only inserts words it has not seen. */
const KNOWN_WORDS_CAP = 1_000_000;
/** A tier with at most this many matches is taken whole from the index, else walked. */
const TAKE_WHOLE = 5_000;

function jsonPath(path: string[]): string {
  return `$${path.map((p) => `.${JSON.stringify(p)}`).join("")}`;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const isDateOnly = (v: unknown) => typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v);

/** Distinct lower-cased words of a text, each cut to MAX_WORD_LENGTH, at most MAX_WORDS. */
export function cappedWords(text: string): string[] {
  const out = new Set<string>();
  for (const word of termWords(text)) {
    out.add(word.length > MAX_WORD_LENGTH ? word.slice(0, MAX_WORD_LENGTH) : word);
    if (out.size >= MAX_WORDS) break;
  }
  return [...out];
}

/** A lexeme quoted for tsquery input. */
const lexeme = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;

/** `'a':* & 'b':*`: every word, as a word prefix. */
function prefixQuery(words: string[]): string {
  return words.map((w) => `${lexeme(w)}:*`).join(" & ");
}

const and = (parts: (string | null)[]) => {
  const kept = parts.filter((p): p is string => !!p);
  return kept.length ? kept.map((p) => `(${p})`).join(" & ") : null;
};

// ------------------------------------------------------------------ conditions

/** Any value at the field's path satisfying `predicate(x)` (x: the jsonb value). */
function anyValue(db: Db, path: string[], predicate: Fragment): Fragment {
  return db`exists (select 1 from jsonb_path_query(d.doc, ${jsonPath(path)}::jsonpath) as v(x)
    where ${predicate})`;
}

function matchSql(db: Db, app: SearchApp, field: string, value: string | number | boolean) {
  if (field === "id") {
    return UUID_RE.test(String(value)) ? db`d.id = ${String(value)}::uuid` : db`false`;
  }
  const { path, kind } = resolveField(app.mapping, field);
  const text = db`(x #>> '{}')`;
  switch (kind) {
    case "keyword":
    case "boolean":
      return db`d.doc @? ${`${jsonPath(path)} ? (@ == ${JSON.stringify(value)})`}::jsonpath`;
    case "folded":
      return anyValue(db, path, db`lower(${text}) = lower(${String(value)})`);
    case "text":
      return anyValue(
        db,
        path,
        db`to_tsvector('simple', ${text}) @@ plainto_tsquery('simple', ${String(value)})`,
      );
    case "trigram": {
      const needle = String(value).toLowerCase().replaceAll("-", "");
      return anyValue(
        db,
        path,
        db`replace(lower(${text}), '-', '') like ${`%${likeEscape(needle)}%`}`,
      );
    }
    case "postcode": {
      const needle = String(value).toLowerCase().replace(/\s+/g, "");
      return anyValue(
        db,
        path,
        db`replace(lower(${text}), ' ', '') like ${`${likeEscape(needle)}%`}`,
      );
    }
    case "date":
      return anyValue(db, path, db`(${text})::timestamptz = ${String(value)}::timestamptz`);
    case "number":
      return anyValue(db, path, db`(${text})::numeric = ${Number(value)}`);
    case "object":
      throw new Error(`cannot match on the object field "${field}"`);
  }
}

function rangeSql(db: Db, app: SearchApp, c: Extract<Condition, { range: string }>) {
  const { path, kind } = resolveField(app.mapping, c.range);
  const text = db`(x #>> '{}')`;
  const parts: Fragment[] = [];
  if (kind === "number") {
    if (c.gte !== undefined) parts.push(db`(${text})::numeric >= ${Number(c.gte)}`);
    if (c.lte !== undefined) parts.push(db`(${text})::numeric <= ${Number(c.lte)}`);
  } else {
    if (c.gte !== undefined) {
      parts.push(db`(${text})::timestamptz >= ${String(c.gte)}::timestamptz`);
    }
    // A date-only upper bound covers the whole day, as OpenSearch's date rounding does.
    if (c.lte !== undefined) {
      parts.push(
        isDateOnly(c.lte)
          ? db`(${text})::timestamptz < ${String(c.lte)}::date + 1`
          : db`(${text})::timestamptz <= ${String(c.lte)}::timestamptz`,
      );
    }
  }
  return anyValue(db, path, joinFragments(db, parts, "and"));
}

function sortSql(db: Db, app: SearchApp, sort: SortTerm): Fragment {
  const column = layoutOf(app).sortColumns.get(sort.field);
  if (!column) throw new Error(`${app.name}: "${sort.field}" is not a sortby field`);
  // As the original: missing values first when ascending, last when descending. The
  // tiebreak follows the direction so one index serves both.
  return sort.order === "desc"
    ? db`d.${db(column.column)} desc nulls last, d.id desc`
    : db`d.${db(column.column)} asc nulls first, d.id asc`;
}

/** The value a sort column stores, from the document `t.doc`. */
function sortValue(db: Db, path: string[], kind: string): Fragment {
  const raw = db`(t.doc #>> ${path}::text[])`;
  switch (kind) {
    case "date":
      return db`${raw}::timestamptz`;
    case "number":
      return db`${raw}::numeric`;
    case "boolean":
      return db`${raw}::boolean`;
    case "keyword":
      return raw;
    default:
      return db`lower(${raw})`;
  }
}

const columnType = (db: Db, kind: string) =>
  kind === "date"
    ? db`timestamptz`
    : kind === "number"
    ? db`numeric`
    : kind === "boolean"
    ? db`boolean`
    : db`text`;

/** A condition as tsquery text over the tokens in `words`, or as SQL over the document. */
type Compiled = { query: string } | { sql: Fragment };

function compile(db: Db, app: SearchApp, c: Condition): Compiled {
  const layout = layoutOf(app);
  if ("none" in c) return { sql: db`false` };
  if ("not" in c) {
    const child = compile(db, app, c.not);
    return "query" in child ? { query: `!(${child.query})` } : { sql: db`not (${child.sql})` };
  }
  if ("or" in c || "and" in c) {
    const isOr = "or" in c;
    const children = (isOr ? c.or : c.and).map((x) => compile(db, app, x));
    if (!children.length) return { sql: isOr ? db`false` : db`true` };
    const queries = children.flatMap((x) => ("query" in x ? [x.query] : []));
    if (queries.length === children.length) {
      return { query: queries.map((q) => `(${q})`).join(isOr ? " | " : " & ") };
    }
    const parts = children.map((x) => ("sql" in x ? x.sql : db`d.words @@ ${x.query}::tsquery`));
    return { sql: db`(${joinFragments(db, parts, isOr ? "or" : "and")})` };
  }
  if ("match" in c) {
    const field = layout.tokenFields.get(c.match);
    if (field) return { query: lexeme(tokenOf(field, c.value)) };
    return { sql: matchSql(db, app, c.match, c.value) };
  }
  if ("range" in c) return { sql: rangeSql(db, app, c) };
  if (c.exists === "id") return { sql: c.present ? db`true` : db`false` };
  const { path } = resolveField(app.mapping, c.exists);
  const p = layout.presence.get(path.join("."));
  if (p) return { query: `${c.present ? "" : "!"}${lexeme(presenceToken(p.code))}` };
  const present = anyValue(db, path, db`x not in ('null'::jsonb, '[]'::jsonb, '{}'::jsonb)`);
  return { sql: c.present ? present : db`not ${present}` };
}

/** ANDed conditions: one tsquery (null: none) and the SQL the tokens cannot express. */
function compileAll(db: Db, app: SearchApp, conditions: Condition[]) {
  const compiled = conditions.map((c) => compile(db, app, c));
  return {
    query: and(compiled.flatMap((x) => ("query" in x ? [x.query] : []))),
    sql: compiled.flatMap((x) => ("sql" in x ? [x.sql] : [])),
  };
}

/** `d.words @@ query and sql…` (true when empty). */
function whereOf(db: Db, query: string | null, sql: Fragment[]): Fragment {
  const parts = [...(query ? [db`d.words @@ ${query}::tsquery`] : []), ...sql];
  return parts.length ? joinFragments(db, parts, "and") : db`true`;
}

// ---------------------------------------------------------------------- text

interface Text {
  /** Lower-cased term, compared with the stored name for the exact-name tier. */
  exact: string;
  /** Every word as a prefix (null when the term has no words). */
  query: string | null;
}

function textOf(term: string): Text | null {
  if (term === "") return null;
  const words = cappedWords(term).slice(0, MAX_TERM_WORDS);
  return { exact: term.toLowerCase(), query: words.length ? prefixQuery(words) : null };
}

/** One ranking tier: its condition, and its number of matches when already known. */
interface Tier {
  where: Fragment;
  count?: number;
}

// -------------------------------------------------------------------- backend

export class PostgresBackend implements SearchBackend {
  readonly kind = "postgres" as const;
  private ready = new Map<string, Promise<boolean>>();
  private knownWords = new Set<string>();

  /**
   * Creates the app's table when missing or built from another declaration (once per
   * process; forgotten when a statement finds the table missing, e.g. after a rollback).
   */
  private ensure(db: Db, app: SearchApp): Promise<boolean> {
    let ready = this.ready.get(app.name);
    if (!ready) {
      ready = this.createTable(db, app);
      this.ready.set(app.name, ready);
      ready.catch(() => this.ready.delete(app.name));
    }
    return ready;
  }

  private async guard<T>(app: SearchApp, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if ((error as { code?: string }).code === "42P01") this.ready.delete(app.name);
      throw error;
    }
  }

  private async createTable(db: Db, app: SearchApp): Promise<boolean> {
    const layout = layoutOf(app);
    const signature = await layout.signature;
    const run = async (tx: Db) => {
      await tx`select pg_advisory_xact_lock(hashtext(${`search_table:${app.name}`}))`;
      const [row] = await tx<{ signature: string; present: boolean }[]>`
        select signature, to_regclass(${layout.table}) is not null as present
        from search_table where app = ${app.name}`;
      if (row?.signature === signature && row.present) return false;
      const table = tx(layout.table);
      const sortColumns = [...layout.sortColumns.values()].map((c) =>
        tx`${tx(c.column)} ${columnType(tx, c.kind)}, `
      );
      await tx`drop table if exists ${table}`;
      // The document and the word sets go out of line (TOAST) whatever their size, so a
      // row is ~150 bytes: a count or a page visits each match's heap row (PostgreSQL
      // has no index-only GIN scan), and narrow rows make that a few pages per thousand
      // matches. GIN answers word and token matches exactly, without re-reading the sets.
      // PostgreSQL only TOASTs a row written longer than ~2 kB (then down to
      // toast_tuple_target), so `pad`, 2,100 spaces, makes every written row that long;
      // being `main`, it is compressed (to ~30 bytes) only after the others moved out.
      await tx`create table ${table} (
        id uuid primary key,
        doc jsonb not null,
        name_key text not null default '',
        words tsvector not null,
        names tsvector not null,
        flags text not null default '',
        ${sortColumns.reduce((a, b) => tx`${a}${b}`, tx``)}
        indexed_on timestamptz not null default now(),
        pad text not null default repeat(' ', 2100)
      ) with (toast_tuple_target = 128)`;
      await tx`alter table ${table} alter column doc set storage external,
        alter column words set storage external, alter column names set storage external,
        alter column pad set storage main`;
      await this.createIndexes(tx, layout);
      await tx`delete from search_count where app = ${app.name}`;
      await tx`insert into search_table (app, signature) values (${app.name}, ${signature})
        on conflict (app) do update set signature = excluded.signature, created_on = now()`;
      return true;
    };
    return "savepoint" in db ? await run(db) : await (db as Sql).begin(run);
  }

  /** The secondary indexes (dropped for a first bulk load, created again after it). */
  private async createIndexes(db: Db, layout: PgLayout) {
    const t = layout.table;
    await db`create index if not exists ${db(`${t}_words`)} on ${db(t)} using gin (words)`;
    await db`create index if not exists ${db(`${t}_names`)} on ${db(t)} using gin (names)`;
    await db`create index if not exists ${db(`${t}_name_key`)} on ${db(t)} (name_key)`;
    await db`create index if not exists ${db(`${t}_indexed_on`)} on ${db(t)} (indexed_on)`;
    for (const c of layout.sortColumns.values()) {
      await db`create index if not exists ${db(`${t}_${c.column}`)}
        on ${db(t)} (${db(c.column)} asc nulls first, id)`;
    }
  }

  private secondaryIndexes(layout: PgLayout): string[] {
    const t = layout.table;
    return [
      `${t}_words`,
      `${t}_names`,
      `${t}_name_key`,
      `${t}_indexed_on`,
      ...[...layout.sortColumns.values()].map((c) => `${t}_${c.column}`),
    ];
  }

  async migrate(
    db: Db,
    apps: SearchApp[],
    options: { resync?: (app: SearchApp) => Promise<number> } = {},
  ) {
    const lines: string[] = [];
    for (const app of apps) {
      this.ready.delete(app.name);
      const created = await this.ensure(db, app);
      const table = layoutOf(app).table;
      if (created && options.resync) {
        const n = await options.resync(app);
        lines.push(`${app.name}: ${table} created, ${n} document(s) indexed`);
      } else lines.push(`${app.name}: ${table} ${created ? "created" : "up to date"}`);
    }
    return lines;
  }

  async write(db: Db, app: SearchApp, upserts: SearchDocument[], deletes: string[]) {
    await this.ensure(db, app);
    await this.guard(app, async () => {
      // One writer of an app at a time (in the caller's transaction): two writers of one new
      // document would each see no stored row and count it twice.
      await db`select pg_advisory_xact_lock(hashtext(${"search:" + app.name}))`;
      const layout = layoutOf(app);
      const table = db(layout.table);
      const delta = new Map<string, number>();
      const add = (flags: string, by: number) => {
        for (const key of countKeys(flags ? flags.split(",") : [])) {
          delta.set(key, (delta.get(key) ?? 0) + by);
        }
      };
      if (upserts.length) {
        const batchWords = new Set<string>();
        const rows = upserts.map((doc) => {
          const text = documentText(app, doc);
          const names = cappedWords(text.primary);
          const words = cappedWords(`${text.primary} ${text.other}`);
          for (const w of words) if (VOCABULARY_WORD.test(w)) batchWords.add(w);
          const tokens = documentTokens(layout, doc);
          const flags = flagTokens(layout, tokens).join(",");
          add(flags, 1);
          return {
            id: doc.id,
            doc: JSON.stringify(doc),
            nameKey: typeof doc.name === "string" ? doc.name.toLowerCase() : "",
            words: [...words, ...tokens].join(SEPARATOR),
            names: names.join(SEPARATOR),
            flags,
          };
        });
        const sorts = [...layout.sortColumns.values()];
        const list = (parts: Fragment[]) => parts.reduce((a, b) => db`${a}${b}`, db``);
        const old = await db<{ flags: string }[]>`
          with t as (
            select u.id, u.doc::jsonb as doc, u.name_key, u.words, u.names, u.flags
            from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.doc)}::text[],
                        ${rows.map((r) => r.nameKey)}::text[], ${rows.map((r) => r.words)}::text[],
                        ${rows.map((r) => r.names)}::text[], ${rows.map((r) => r.flags)}::text[])
              as u(id, doc, name_key, words, names, flags)
          ), old as (
            select s.flags from ${table} s where s.id in (select id from t) for update
          ), written as (
            insert into ${table} as s (id, doc, name_key, words, names, flags,
              ${list(sorts.map((c) => db`${db(c.column)}, `))}indexed_on)
            select t.id, t.doc, t.name_key, array_to_tsvector(string_to_array(t.words, ${SEPARATOR})),
              array_to_tsvector(string_to_array(t.names, ${SEPARATOR})), t.flags,
              ${list(sorts.map((c) => db`${sortValue(db, c.path, c.kind)}, `))}now()
            from t
            on conflict (id) do update set doc = excluded.doc, name_key = excluded.name_key,
              words = excluded.words, names = excluded.names, flags = excluded.flags,
              ${list(sorts.map((c) => db`${db(c.column)} = excluded.${db(c.column)}, `))}
              indexed_on = excluded.indexed_on, pad = excluded.pad
            returning 1
          )
          select flags from old`;
        for (const row of old) add(row.flags, -1);
        await this.learnWords(db, batchWords);
      }
      if (deletes.length) {
        const gone = await db<{ flags: string }[]>`
          delete from ${table} where id = any(${deletes}::uuid[]) returning flags`;
        for (const row of gone) add(row.flags, -1);
      }
      await applyCounts(db, app, delta);
    });
  }

  /** Adds a batch's new words to the vocabulary global search expands misspellings from. */
  private async learnWords(db: Db, words: Set<string>) {
    const fresh = [...words].filter((w) => !this.knownWords.has(w)).sort();
    if (!fresh.length) return;
    await db`insert into search_word (word) select unnest(${fresh}::text[])
      on conflict do nothing`;
    if (this.knownWords.size + fresh.length > KNOWN_WORDS_CAP) this.knownWords.clear();
    for (const w of fresh) this.knownWords.add(w);
  }

  /**
   * Before a full rebuild: an empty table (a first load) loses its secondary indexes,
   * which `prune` creates again at the end (building an index once is far cheaper than
   * maintaining it row by row).
   */
  async prepareRebuild(db: Db, app: SearchApp) {
    await this.ensure(db, app);
    const layout = layoutOf(app);
    const [{ empty }] = await db<{ empty: boolean }[]>`
      select not exists (select 1 from ${db(layout.table)}) as empty`;
    if (!empty) return;
    for (const index of this.secondaryIndexes(layout)) {
      await db`drop index if exists ${db(index)}`;
    }
  }

  async prune(db: Db, app: SearchApp, since: Date) {
    await this.ensure(db, app);
    const layout = layoutOf(app);
    // After a first load the indexes are built here at once: give the build memory.
    const build = async (tx: Db) => {
      await tx`set local maintenance_work_mem = '256MB'`;
      await this.createIndexes(tx, layout);
    };
    await ("savepoint" in db ? build(db) : (db as Sql).begin(build));
    const gone = await db<{ flags: string }[]>`
      delete from ${db(layout.table)} where indexed_on < ${since} returning flags`;
    const delta = new Map<string, number>();
    for (const row of gone) {
      for (const key of countKeys(row.flags ? row.flags.split(",") : [])) {
        delta.set(key, (delta.get(key) ?? 0) - 1);
      }
    }
    await applyCounts(db, app, delta);
    await db`analyze ${db(layout.table)}`;
  }

  /** The exact total from maintained counts, when the conditions are only flags. */
  private async countedTotal(db: Db, app: SearchApp, conditions: Condition[]) {
    const layout = layoutOf(app);
    const flags: string[] = [];
    for (const c of conditions) {
      if (!("match" in c) || !layout.flags.includes(c.match)) return null;
      flags.push(tokenOf(layout.tokenFields.get(c.match)!, c.value));
    }
    const tokens = [...new Set(flags)].sort();
    // Two values of one flag match nothing.
    if (new Set(tokens.map((f) => f.slice(0, f.indexOf("=")))).size !== tokens.length) return 0;
    return await this.storedCount(db, app, tokens.join(","));
  }

  private async storedCount(db: Db, app: SearchApp, key: string) {
    const [row] = await db<{ n: number }[]>`
      select n::int as n from search_count where app = ${app.name} and key = ${key}`;
    return row?.n ?? 0;
  }

  private async count(db: Db, app: SearchApp, where: Fragment) {
    const [{ n }] = await db<{ n: number }[]>`
      select count(*)::int as n from ${db(layoutOf(app).table)} d where ${where}`;
    return n;
  }

  /** The number of matches, counted up to TAKE_WHOLE + 1. */
  private async countUpTo(db: Db, app: SearchApp, where: Fragment) {
    const [{ n }] = await db<{ n: number }[]>`
      select count(*)::int as n from (
        select 1 from ${db(layoutOf(app).table)} d where ${where} limit ${TAKE_WHOLE + 1}
      ) x`;
    return n;
  }

  async search(db: Db, query: EntityQuery): Promise<SearchResults> {
    const { app } = query;
    await this.ensure(db, app);
    return await this.guard(app, async () => {
      const conditions = [...query.filters, ...(query.scope ? [query.scope] : [])];
      const plan = this.plan(db, app, conditions, textOf(query.term));
      const counted = plan.text ? null : await this.countedTotal(db, app, conditions);
      const count = counted ?? await this.count(db, app, plan.where);
      if (!query.limit || count <= query.offset) return { count, results: [] };
      const ids = await this.pageIds(db, query, plan, count, query.offset + query.limit);
      const docs = await this.documents(db, app, ids.slice(query.offset));
      return { count, results: docs.map((d) => publicDocument(app, d)) };
    });
  }

  async sum(db: Db, query: EntityQuery, field: string): Promise<number> {
    const { app } = query;
    await this.ensure(db, app);
    return await this.guard(app, async () => {
      const conditions = [...query.filters, ...(query.scope ? [query.scope] : [])];
      const plan = this.plan(db, app, conditions, textOf(query.term));
      const { path } = resolveField(app.mapping, field);
      const [{ total }] = await db<{ total: number }[]>`
        select coalesce(sum((d.doc #>> ${path}::text[])::numeric), 0)::float8 as total
        from ${db(layoutOf(app).table)} d where ${plan.where}`;
      return total;
    });
  }

  async exportIds(db: Db, query: EntityQuery, max: number): Promise<string[]> {
    const { app } = query;
    await this.ensure(db, app);
    return await this.guard(app, async () => {
      const conditions = [...query.filters, ...(query.scope ? [query.scope] : [])];
      const plan = this.plan(db, app, conditions, textOf(query.term));
      const count = plan.text ? await this.count(db, app, plan.where) : undefined;
      return await this.pageIds(db, query, plan, count, max);
    });
  }

  /** The conditions and text of an entity search as one WHERE (words query + SQL). */
  private plan(db: Db, app: SearchApp, conditions: Condition[], text: Text | null) {
    const filters = compileAll(db, app, conditions);
    const sql = text && !text.query
      ? [db`d.name_key = ${text.exact}`, ...filters.sql]
      : filters.sql;
    return {
      text,
      filters,
      where: whereOf(db, and([text?.query ?? null, filters.query]), sql),
    };
  }

  private async pageIds(
    db: Db,
    query: EntityQuery,
    plan: ReturnType<PostgresBackend["plan"]>,
    count: number | undefined,
    k: number,
  ): Promise<string[]> {
    const { app } = query;
    const { text, filters } = plan;
    if (!text?.query || query.sort) {
      const rows = await db<{ id: string }[]>`
        select d.id::text as id from ${db(layoutOf(app).table)} d where ${plan.where}
        order by ${query.sort ? sortSql(db, app, query.sort) : db`d.id`} limit ${k}`;
      return rows.map((r) => r.id);
    }
    return await this.ranked(db, app, [
      { where: db`d.name_key = ${text.exact} and ${whereOf(db, filters.query, filters.sql)}` },
      { where: db`d.names @@ ${text.query}::tsquery and ${plan.where}` },
      { where: plan.where, count },
    ], k);
  }

  /**
   * The first `k` ids by tier, then id; a document counts in its best tier. A tier with
   * few matches (counted first when not known) is taken whole from the GIN index; one
   * with many is walked along the primary key, where matches come often.
   */
  private async ranked(db: Db, app: SearchApp, tiers: Tier[], k: number): Promise<string[]> {
    const table = db(layoutOf(app).table);
    const out: string[] = [];
    const seen = new Set<string>();
    for (const [i, tier] of tiers.entries()) {
      if (out.length >= k) break;
      const want = k - out.length;
      // The exact-name tier is a b-tree lookup: always small. Otherwise only whether the
      // tier has more than TAKE_WHOLE matches matters, so counting stops there.
      const count = i === 0 ? 0 : tier.count ?? await this.countUpTo(db, app, tier.where);
      if (!count && i > 0) continue;
      const rows = count <= TAKE_WHOLE
        ? await db<{ id: string }[]>`
          with m as materialized (select d.id from ${table} d where ${tier.where})
          select id::text from m order by id limit ${want + seen.size}`
        : await db<{ id: string }[]>`
          select d.id::text as id from ${table} d where ${tier.where}
          order by d.id limit ${want + seen.size}`;
      for (const { id } of rows) {
        if (seen.has(id) || out.length >= k) continue;
        seen.add(id);
        out.push(id);
      }
    }
    return out;
  }

  /** The stored documents of these ids, in this order. */
  private async documents(db: Db, app: SearchApp, ids: string[]) {
    if (!ids.length) return [];
    const rows = await db<{ doc: Record<string, unknown> }[]>`
      select d.doc from unnest(${ids}::uuid[]) with ordinality as i(id, n)
      join ${db(layoutOf(app).table)} d on d.id = i.id
      order by i.n`;
    return rows.map((r) => r.doc);
  }

  /** `('w':* | 'similar' | …) & …`: every word, or one of the known words nearest to it. */
  private async fuzzyQuery(db: Db, term: string): Promise<string | null> {
    const words = cappedWords(term).slice(0, MAX_TERM_WORDS);
    if (!words.length) return null;
    const rows = await db<{ word: string; similar: string[] }[]>`
      select w as word, array(
        select s.word from search_word s
        where s.word % w and s.word <> w and similarity(s.word, w) >= ${FUZZY_SIMILARITY}
        order by s.word <-> w, s.word limit ${FUZZY_EXPANSIONS}
      ) as similar
      from unnest(${words}::text[]) with ordinality as u(w, n) order by n`;
    if (!rows.some((r) => r.similar.length)) return null;
    return rows.map((r) =>
      `(${lexeme(r.word)}:*${r.similar.map((s) => ` | ${lexeme(s)}`).join("")})`
    ).join(" & ");
  }

  async globalSearch(db: Db, query: GlobalQuery): Promise<GlobalResults> {
    if (!query.permitted.length) return { count: 0, results: [], aggregations: [] };
    for (const { app } of query.permitted) await this.ensure(db, app);
    const text = textOf(query.term);
    const fuzzy = text?.query ? await this.fuzzyQuery(db, query.term) : null;
    const buckets: { entity: string; count: number }[] = [];
    let hits: Record<string, unknown>[] = [];
    let count = 0;
    for (const { app, scope } of query.permitted) {
      await this.guard(app, async () => {
        const layout = layoutOf(app);
        const scoped = compileAll(db, app, scope ? [scope] : []);
        // Global search hides archived documents (the original's must_not archived).
        const archived = layout.tokenFields.get("archived");
        const archivedToken = archived ? tokenOf(archived, true) : null;
        const visible = and([archivedToken && `!${lexeme(archivedToken)}`, scoped.query]);
        const match = text?.query ? fuzzy ?? text.query : null;
        const sql = text && !text.query
          ? [db`d.name_key = ${text.exact}`, ...scoped.sql]
          : scoped.sql;
        const where = whereOf(db, and([match, visible]), sql);
        const n = !text && !scoped.sql.length && !scoped.query
          ? await this.storedCount(db, app, "") -
            (archivedToken ? await this.storedCount(db, app, archivedToken) : 0)
          : await this.count(db, app, where);
        if (n > 0) buckets.push({ entity: app.name, count: n });
        if (app.name !== query.entity) return;
        count = n;
        if (!query.limit || n <= query.offset) return;
        const k = query.offset + query.limit;
        // Without a word to find, a negated token would make GIN read its whole index:
        // the tiers led by the name key or `names` test archiving row by row instead.
        const visibleWhere = whereOf(db, scoped.query, [
          ...(archivedToken ? [db`not d.words @@ ${lexeme(archivedToken)}::tsquery`] : []),
          ...scoped.sql,
        ]);
        const ids = text?.query
          ? await this.ranked(db, app, [
            { where: db`d.name_key = ${text.exact} and ${visibleWhere}` },
            { where: db`d.names @@ ${text.query}::tsquery and ${visibleWhere}` },
            { where: whereOf(db, and([text.query, visible]), scoped.sql) },
            ...(fuzzy ? [{ where, count: n }] : []),
          ], k)
          : (await db<{ id: string }[]>`
            select d.id::text as id from ${db(layout.table)} d where ${where}
            order by d.id limit ${k}`).map((r) => r.id);
        const docs = await this.documents(db, app, ids.slice(query.offset));
        hits = docs.map((d) => publicDocument(app, d));
      });
    }
    buckets.sort((a, b) => b.count - a.count || a.entity.localeCompare(b.entity));
    return { count, results: hits, aggregations: buckets };
  }

  refresh(): Promise<void> {
    return Promise.resolve();
  }
}

/** Adds count changes, keys in order (concurrent writers lock them in the same order). */
async function applyCounts(db: Db, app: SearchApp, delta: Map<string, number>) {
  const entries = [...delta.entries()].filter(([, n]) => n !== 0).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0
  );
  if (!entries.length) return;
  await db`
    insert into search_count as c (app, key, n)
    select ${app.name}, u.key, u.n
    from unnest(${entries.map(([k]) => k)}::text[], ${entries.map(([, n]) => n)}::bigint[])
      with ordinality as u(key, n, i)
    order by u.i
    on conflict (app, key) do update set n = c.n + excluded.n`;
}

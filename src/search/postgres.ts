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
 * matches are many, taken whole from the GIN index when they are few (a tier of unknown
 * size is walked until that shows), so no query ranks every match. GIN reads a term's
 * rarer words; the commonest are tested on their matches.
 *
 * Totals are exact. Unfiltered views and combinations of boolean filters read counts
 * kept in `search_count` by every write; a one-word search, alone or within a boolean
 * filter, reads the word counts kept in `search_word_count` (per word, and per word and
 * flag); other totals are GIN bitmap counts, kept in memory against the app's write
 * version so a repeated search does not count again.
 *
 * A batch is written by one INSERT … SELECT that derives every column from the document in
 * SQL (`upsertRows`), fed by the app's set-based builder when it has one (`index`).
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
  type GlobalQuery,
  type GlobalResults,
  type SearchBackend,
  type SearchResults,
  storedResults,
  textPathsOf,
} from "./backend.ts";
import {
  layoutOf,
  MAX_WORD_LENGTH,
  MAX_WORDS,
  type PgLayout,
  presenceToken,
  tokenOf,
} from "./pg_layout.ts";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Words of a term used (the rest are ignored) and similar words tried per misspelt word. */
const MAX_TERM_WORDS = 10;
const FUZZY_EXPANSIONS = 4;
/** How alike (pg_trgm similarity) a known word must be to stand in for a misspelt one. */
const FUZZY_SIMILARITY = 0.5;
/** A tier with at most this many matches is taken whole from the index, else walked. */
const TAKE_WHOLE = 20_000;
/**
 * Buffers read per row walked: its heap page and its word set fetched from TOAST (index
 * and data page) to test it (measured: 4,220 for the 847 companies walked to find 100
 * named "ltd"). A tier taken whole reads each heap page holding a match once.
 */
const WALK_COST = 5;
/**
 * What each match of a tier taken whole costs beyond its page, in buffers' worth of time
 * (its tuple read, kept and sorted): 11,848 companies named "ltd" taken whole took 21.6 ms
 * (2,500 pages), walking 1,010 rows to find 100 of them 8.5 ms, about 1.5 µs a unit both.
 */
const MATCH_COST = 1;
/** Rows to a heap page (a row is ~150-200 bytes: see `createTable`). */
const ROWS_PER_PAGE = 40;
/**
 * How many times the documents of a term's rarest word another word may hold and still be
 * read through GIN (a posting entry read costs ~15 ns, testing a match's word set ~8 µs).
 */
const RECHECK_RATIO = 500;
/** Counts kept in memory per process (oldest dropped first). */
const KEPT_TOTALS = 10_000;
/** Words a one-word prefix may match for its total to come from the word counts. */
const PREFIX_WORDS = 32;
/** The greatest code point: every word starting with `w` sorts before `w` + this. */
const LAST_CHARACTER = String.fromCodePoint(0x10ffff);

/** The rows of `search_word_count` alias `c` counting words `word` starts (over all documents). */
const startsWith = (db: Db, word: Fragment) =>
  db`c.flag = '' and c.word >= ${word} and c.word < ${word} || ${LAST_CHARACTER}
    and starts_with(c.word, ${word})`;

/** The `true` tokens of an app's flags: those with word counts of their own. */
const trueTokens = (layout: PgLayout) =>
  layout.flags.map((f) => tokenOf(layout.tokenFields.get(f)!, true));

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
  words: string[];
  /** Every word as a prefix (null when the term has no words). */
  query: string | null;
}

function textOf(term: string): Text | null {
  if (term === "") return null;
  const words = cappedWords(term).slice(0, MAX_TERM_WORDS);
  return { exact: term.toLowerCase(), words, query: words.length ? prefixQuery(words) : null };
}

/** A term's words as GIN reads them (`query`) and the test of the rest on its matches. */
interface Narrowed {
  query: string;
  recheck: Fragment[];
}

type Plan = Awaited<ReturnType<PostgresBackend["plan"]>>;

/** A word total within a flag: its `true` token, or (`negate`) the documents without it. */
interface FlagFilter {
  token: string;
  negate: boolean;
}

/** One ranking tier: its condition, and its number of matches when already known. */
interface Tier {
  where: Fragment;
  count?: number;
  /** What the condition was built from, when its count may be kept once counted. */
  key?: unknown[];
}

// -------------------------------------------------------------------- backend

export class PostgresBackend implements SearchBackend {
  readonly kind = "postgres" as const;
  private ready = new Map<string, Promise<boolean>>();
  /** Counts and totals by what they counted, with the write version they hold for. */
  private totals = new Kept<number>(KEPT_TOTALS);
  /** Global search's similar words of a term, while no app has been written. */
  private similar = new Kept<string[][] | null>(KEPT_TOTALS);

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
      // Down to that target PostgreSQL moves every other value longer than a pointer out
      // too: `flags`, tested row by row by global search's name tiers and counted by the
      // recount, and the sort keys, read by a sort of the matches, are PLAIN to stay; the
      // name key (a lower-cased name, possibly long) is `main`: compressed before moved.
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
      const inRow = ["flags", ...[...layout.sortColumns.values()].map((c) => c.column)];
      await tx`alter table ${table} alter column doc set storage external,
        alter column words set storage external, alter column names set storage external,
        alter column pad set storage main, alter column name_key set storage main, ${
        joinFragments(tx, inRow.map((c) => tx`alter column ${tx(c)} set storage plain`))
      }`;
      await this.createIndexes(tx, layout);
      await tx`delete from search_count where app = ${app.name}`;
      await tx`delete from search_word_count where app = ${app.name}`;
      await tx`insert into search_table (app, signature, words_counted)
        values (${app.name}, ${signature}, true)
        on conflict (app) do update set signature = excluded.signature, created_on = now(),
          version = gen_random_uuid(), words_counted = true`;
      return true;
    };
    return "savepoint" in db ? await run(db) : await (db as Sql).begin(run);
  }

  /**
   * The secondary indexes (dropped for a first bulk load, created again after it), or
   * those of them named in `only`.
   */
  private async createIndexes(db: Db, layout: PgLayout, only?: string[]) {
    const t = layout.table;
    const wanted = (name: string) => !only || only.includes(name);
    for (const column of ["words", "names"]) {
      if (!wanted(`${t}_${column}`)) continue;
      await db`create index if not exists ${db(`${t}_${column}`)} on ${db(t)} using gin (${
        db(column)
      })`;
    }
    for (const column of ["name_key", "indexed_on"]) {
      if (!wanted(`${t}_${column}`)) continue;
      await db`create index if not exists ${db(`${t}_${column}`)} on ${db(t)} (${db(column)})`;
    }
    for (const c of layout.sortColumns.values()) {
      if (!wanted(`${t}_${c.column}`)) continue;
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
      await lockApp(db, app);
      if (upserts.length) {
        const docs = upserts.map((d) => JSON.stringify(d));
        await upsertRows(
          db,
          app,
          db`select u.doc::jsonb as doc from unnest(${docs}::text[]) as u(doc)`,
          true,
        );
      }
      if (deletes.length) await deleteRows(db, app, deletes, true);
    });
  }

  async index(
    db: Db,
    app: SearchApp,
    ids: string[],
    deletes: string[],
    options: { bulk?: boolean } = {},
  ) {
    if (!app.documentsQuery) throw new Error(`${app.name}: no documentsQuery`);
    await this.ensure(db, app);
    return await this.guard(app, async () => {
      const counted = !options.bulk;
      if (counted) await lockApp(db, app);
      const written = new Set(
        ids.length ? await upsertRows(db, app, app.documentsQuery!(db, ids), counted) : [],
      );
      const gone = [...deletes, ...ids.filter((id) => !written.has(id.toLowerCase()))];
      if (gone.length) await deleteRows(db, app, gone, counted);
      return { upserted: written.size, deleted: gone.length };
    });
  }

  /**
   * Before a full rebuild: an empty table (a first load) loses its secondary indexes,
   * which `prune` creates again at the end (building an index once is far cheaper than
   * maintaining it row by row).
   */
  async prepareRebuild(db: Db, app: SearchApp) {
    await this.ensure(db, app);
    const layout = layoutOf(app);
    // The batches keep no word counts: one-word totals count matches until `prune`.
    await db`update search_table set words_counted = false where app = ${app.name}`;
    const [{ empty }] = await db<{ empty: boolean }[]>`
      select not exists (select 1 from ${db(layout.table)}) as empty`;
    if (!empty) return;
    for (const index of this.secondaryIndexes(layout)) {
      await db`drop index if exists ${db(index)}`;
    }
  }

  /**
   * The end of a full rebuild. After the rows not written since `since` are gone, three
   * independent passes run at once, each on its own connection (and core): the GIN index of
   * `words` (the longest: a first load's index builds cost as much as its batches), the
   * other indexes, and the recount. In a caller's transaction they run one after another.
   */
  async prune(db: Db, app: SearchApp, since: Date) {
    await this.ensure(db, app);
    const layout = layoutOf(app);
    const t = layout.table;
    const inTransaction = "savepoint" in db;
    await (inTransaction
      ? this.dropStale(db, app, since)
      : (db as Sql).begin((tx) => this.dropStale(tx, app, since)));
    // After a first load the indexes are built here at once: give each build memory.
    const build = (indexes: string[]) => async (tx: Db) => {
      await tx`set local maintenance_work_mem = '512MB'`;
      await this.createIndexes(tx, layout, indexes);
    };
    const passes = [
      build([`${t}_words`]),
      build(this.secondaryIndexes(layout).filter((i) => i !== `${t}_words`)),
      (tx: Db) => this.recount(tx, app),
    ];
    if (inTransaction) { for (const pass of passes) await pass(db); }
    else await Promise.all(passes.map((pass) => (db as Sql).begin(pass)));
    await db`analyze ${db(t)}`;
  }

  /** Deletes the documents a rebuild did not write (rows deleted meanwhile). */
  private async dropStale(db: Db, app: SearchApp, since: Date) {
    await lockApp(db, app);
    await db`delete from ${db(layoutOf(app).table)} where indexed_on < ${since}`;
  }

  /**
   * Counts again, under the app lock: a rebuild's batches keep no counts (they write
   * without the lock), so the next write adds to exact figures.
   */
  private async recount(db: Db, app: SearchApp) {
    const layout = layoutOf(app);
    await lockApp(db, app);
    await db`delete from search_count where app = ${app.name}`;
    await db`
      insert into search_count (app, key, n)
      select ${app.name}, c.key, sum(f.n)
      from (select flags, count(*) as n from ${db(layout.table)} group by flags) f
      cross join lateral search_count_keys(f.flags) as c(key)
      group by c.key`;
    // The documents of each word (ts_stat reads each word set once), and the vocabulary
    // global search corrects misspellings to, as the batches did not add them.
    await db`delete from search_word_count where app = ${app.name}`;
    await db`
      with s as materialized (
        select word, ndoc from ts_stat(format('select words from %I', ${layout.table}::text))
        where word !~ '^#'
      ), counted as (
        insert into search_word_count (app, word, n) select ${app.name}, word, ndoc from s
      )
      insert into search_word (word)
      select word from s where word ~ '^[[:alpha:]]{3,30}$'
      order by word
      on conflict do nothing`;
    // Within each flag: ts_stat over the documents holding its `true` token.
    for (const token of trueTokens(layout)) {
      await db`
        insert into search_word_count (app, flag, word, n)
        select ${app.name}, ${token}, word, ndoc from ts_stat(format(
          'select words from %I where %L = any(string_to_array(flags, '',''))',
          ${layout.table}::text, ${token}::text))
        where word !~ '^#'`;
    }
    await db`update search_table set version = gen_random_uuid(), words_counted = true
      where app = ${app.name}`;
  }

  /**
   * The exact total of a one-word search, from the maintained word counts, or null when
   * they cannot give it (more words, the counts being rebuilt, a prefix matching too many
   * words). The matches are the documents holding a word the term starts (and, in global
   * search, one of the `similar` words standing in for a misspelt one): the commonest of
   * those words, counted, plus the documents holding another but not that one (through
   * GIN, few: the others are rarer). Within `flag` (a flag's `true` token; `negate`: the
   * documents not holding it), a single word's count within the flag is kept too; with
   * more words, the matches holding the token are counted through GIN.
   */
  private async wordsTotal(
    r: Reading,
    app: SearchApp,
    term: string,
    similar: string[],
    flag: FlagFilter | null,
  ): Promise<number | null> {
    const words = cappedWords(term);
    if (words.length !== 1) return null;
    const [word] = words;
    const rows = await r.db<
      { word: string | null; n: number; within: number | null; counted: boolean }[]
    >`
      select m.word, m.n::int as n, t.words_counted as counted,
        (select f.n::int from search_word_count f
          where f.app = t.app and f.flag = ${flag?.token ?? ""} and f.word = m.word) as within
      from search_table t left join lateral (
        (select c.word, c.n from search_word_count c
          where c.app = t.app and ${startsWith(r.db, r.db`${word}::text`)} and c.n > 0
          limit ${PREFIX_WORDS + 1})
        union
        select c.word, c.n from search_word_count c
        where c.app = t.app and c.flag = '' and c.word = any(${similar}::text[]) and c.n > 0
      ) m on true
      where t.app = ${app.name}`;
    if (!rows.length || !rows[0].counted) return null;
    const found = rows.filter((x) => x.word !== null).sort((a, b) => b.n - a.n);
    if (found.filter((x) => x.word!.startsWith(word)).length > PREFIX_WORDS) return null;
    if (!found.length) return 0;
    const [top, ...rest] = found;
    const layout = layoutOf(app);
    const kept = !!flag && trueTokens(layout).includes(flag.token);
    if (!rest.length && (!flag || kept)) {
      if (!flag) return top.n;
      const within = top.within ?? 0;
      return flag.negate ? top.n - within : within;
    }
    const table = r.db(layout.table);
    const counting = (query: string) =>
      r.db`(select count(*)::int from ${table} d where d.words @@ ${query}::tsquery)`;
    // |top ∪ rest| = n(top) + |rest| − |rest ∩ top|, with positive queries only (GIN answers
    // them exactly; a negation re-reads each candidate's word set: 3,739 buffers against
    // 1,255 for `meeting`). |rest| is known when it is one word.
    const others = rest.map((x) => lexeme(x.word!)).join(" | ");
    const known = rest.length === 1 ? rest[0].n : 0;
    const every = !flag || flag.negate;
    const [{ more, both, flagged }] = await r.db<
      { more: number; both: number; flagged: number }[]
    >`
      select ${every && rest.length > 1 ? counting(others) : r.db`0`} as more,
        ${every && rest.length ? counting(`(${others}) & ${lexeme(top.word!)}`) : r.db`0`} as both,
        ${
      flag ? counting(`(${matchQuery(word, similar)}) & ${lexeme(flag.token)}`) : r.db`0`
    } as flagged`;
    const all = top.n + known + more - both;
    return !flag ? all : flag.negate ? all - flagged : flagged;
  }

  /**
   * For a word total within `conditions`: null without conditions; the flag filter when
   * they are one boolean flag's value (`false` only when every document has the flag, so
   * that "false" is "not true"); undefined otherwise (the total is counted through GIN).
   */
  private async flagFilter(
    r: Reading,
    app: SearchApp,
    conditions: Condition[],
  ): Promise<FlagFilter | null | undefined> {
    if (!conditions.length) return null;
    const [c] = conditions;
    const layout = layoutOf(app);
    if (
      conditions.length !== 1 || !("match" in c) || !layout.flags.includes(c.match) ||
      typeof c.value !== "boolean"
    ) return undefined;
    const field = layout.tokenFields.get(c.match)!;
    const token = tokenOf(field, true);
    if (c.value) return { token, negate: false };
    const [all, held, other] = await Promise.all(
      ["", token, tokenOf(field, false)].map((key) => this.storedCount(r, app, key)),
    );
    return held + other === all ? { token, negate: true } : undefined;
  }

  /** The exact total from maintained counts, when the conditions are only flags. */
  private async countedTotal(r: Reading, app: SearchApp, conditions: Condition[]) {
    const layout = layoutOf(app);
    const flags: string[] = [];
    for (const c of conditions) {
      if (!("match" in c) || !layout.flags.includes(c.match)) return null;
      flags.push(tokenOf(layout.tokenFields.get(c.match)!, c.value));
    }
    const tokens = [...new Set(flags)].sort();
    // Two values of one flag match nothing.
    if (new Set(tokens.map((f) => f.slice(0, f.indexOf("=")))).size !== tokens.length) return 0;
    return await this.storedCount(r, app, tokens.join(","));
  }

  private storedCount(r: Reading, app: SearchApp, key: string) {
    return this.kept(r, app, ["stored", key], async () => {
      const [row] = await r.db<{ n: number }[]>`
        select n::int as n from search_count where app = ${app.name} and key = ${key}`;
      return row?.n ?? 0;
    });
  }

  /**
   * A figure of the app (a count, a total) kept in memory with the app's write version
   * (`search_table.version`, a new random value at every write) as the search read it:
   * while no write has happened since, the same figure is answered from memory, exact,
   * without reading anything again. `compute` runs in the search's snapshot (see
   * `reading`), the one the version was read in.
   */
  private async kept(
    r: Reading,
    app: SearchApp,
    key: unknown[],
    compute: () => Promise<number>,
  ): Promise<number> {
    const cached = this.keptValue(r, app, key);
    if (cached !== undefined) return cached;
    const n = await compute();
    this.keep(r, app, key, n);
    return n;
  }

  /** The figure kept for `key` while the app's write version holds, if any. */
  private keptValue(r: Reading, app: SearchApp, key: unknown[]): number | undefined {
    const cached = this.totals.get(JSON.stringify([app.name, ...key]));
    return cached && cached.version === r.versions.get(app.name) ? cached.value : undefined;
  }

  private keep(r: Reading, app: SearchApp, key: unknown[], n: number) {
    const version = r.versions.get(app.name);
    if (version !== undefined) this.totals.set(JSON.stringify([app.name, ...key]), version, n);
  }

  /** The number of matches of `where`. */
  private async count(r: Reading, app: SearchApp, where: Fragment) {
    const [{ n }] = await r.db<{ n: number }[]>`
      select count(*)::int as n from ${r.db(layoutOf(app).table)} d where ${where}`;
    return n;
  }

  /** The exact total of an entity search. */
  private total(
    r: Reading,
    query: EntityQuery,
    plan: Plan,
    conditions: Condition[],
  ) {
    const { app } = query;
    return this.kept(r, app, ["search", query.term, conditions], async () => {
      let n: number | null = null;
      if (plan.text) {
        const flag = await this.flagFilter(r, app, conditions);
        if (flag !== undefined) n = await this.wordsTotal(r, app, query.term, [], flag);
      } else n = await this.countedTotal(r, app, conditions);
      return n ?? await this.count(r, app, plan.where);
    });
  }

  async search(db: Db, query: EntityQuery): Promise<SearchResults> {
    const { app } = query;
    await this.ensure(db, app);
    return await this.guard(app, () =>
      reading(db, async (r) => {
        const conditions = [...query.filters, ...(query.scope ? [query.scope] : [])];
        const plan = await this.plan(r, app, conditions, textOf(query.term));
        const count = await this.total(r, query, plan, conditions);
        if (!query.limit || count <= query.offset) return { count, results: [] };
        const ids = await this.pageIds(r, query, plan, count, query.offset + query.limit);
        return storedResults({ count }, await this.documents(r.db, app, ids.slice(query.offset)));
      }));
  }

  async sum(db: Db, query: EntityQuery, field: string): Promise<number> {
    const { app } = query;
    await this.ensure(db, app);
    return await this.guard(app, () =>
      reading(db, async (r) => {
        const conditions = [...query.filters, ...(query.scope ? [query.scope] : [])];
        const plan = await this.plan(r, app, conditions, textOf(query.term));
        const { path } = resolveField(app.mapping, field);
        const [{ total }] = await r.db<{ total: number }[]>`
          select coalesce(sum((d.doc #>> ${path}::text[])::numeric), 0)::float8 as total
          from ${r.db(layoutOf(app).table)} d where ${plan.where}`;
        return total;
      }));
  }

  async exportIds(db: Db, query: EntityQuery, max: number): Promise<string[]> {
    const { app } = query;
    await this.ensure(db, app);
    return await this.guard(app, () =>
      reading(db, async (r) => {
        const conditions = [...query.filters, ...(query.scope ? [query.scope] : [])];
        const plan = await this.plan(r, app, conditions, textOf(query.term));
        const count = plan.text ? await this.total(r, query, plan, conditions) : undefined;
        return await this.pageIds(r, query, plan, count, max);
      }));
  }

  /** The conditions and text of an entity search as one WHERE (words query + SQL). */
  private async plan(r: Reading, app: SearchApp, conditions: Condition[], text: Text | null) {
    const { db } = r;
    const filters = compileAll(db, app, conditions);
    const narrowed = text?.query ? await this.narrowed(r, app, text) : null;
    const sql = text && !text.query
      ? [db`d.name_key = ${text.exact}`, ...filters.sql]
      : [...filters.sql, ...(narrowed?.recheck ?? [])];
    return {
      text,
      filters,
      where: whereOf(db, and([narrowed?.query ?? null, filters.query]), sql),
    };
  }

  /**
   * A term of several words as GIN should read it. A word prefix's matches are read from
   * its posting lists whole (GIN cannot skip through a prefix's entries), so a word held by
   * most documents (`example` and `test` of every seeded e-mail) cost ~100 ms at 2M
   * contacts for a term matching one. Words held by more than RECHECK_RATIO times the
   * documents of the rarest (by the kept word counts) are left to a test of each match
   * of the others instead.
   */
  private async narrowed(r: Reading, app: SearchApp, text: Text): Promise<Narrowed> {
    const all = { query: text.query!, recheck: [] };
    if (text.words.length < 2) return all;
    const rows = await r.db<{ n: number }[]>`
      select coalesce((select sum(x.n) from (
          select c.n from search_word_count c
          where c.app = t.app and ${startsWith(r.db, r.db`u.w`)}
          limit ${PREFIX_WORDS + 1}) x), 0)::float8 as n
      from search_table t, unnest(${text.words}::text[]) with ordinality as u(w, i)
      where t.app = ${app.name} and t.words_counted
      order by u.i`;
    if (rows.length !== text.words.length) return all;
    const rarest = Math.max(1, Math.min(...rows.map((x) => x.n)));
    const kept = text.words.filter((_, i) => rows[i].n <= RECHECK_RATIO * rarest);
    if (kept.length === text.words.length) return all;
    // The function behind @@: the planner matches no index to it, so it tests rows only.
    return {
      query: prefixQuery(kept),
      recheck: [r.db`ts_match_vq(d.words, ${text.query}::tsquery)`],
    };
  }

  private async pageIds(
    r: Reading,
    query: EntityQuery,
    plan: Plan,
    count: number | undefined,
    k: number,
  ): Promise<string[]> {
    const { app } = query;
    const { db } = r;
    const { text, filters } = plan;
    const conditions = [...query.filters, ...(query.scope ? [query.scope] : [])];
    if (!text?.query || query.sort) {
      const table = db(layoutOf(app).table);
      const order = query.sort ? sortSql(db, app, query.sort) : db`d.id`;
      const key = query.sort ? db(layoutOf(app).sortColumns.get(query.sort.field)!.column) : null;
      // With the number of matches known, the page is read the cheaper way (see
      // `wholeBound`), not the planner's guess from its word statistics (which walked the
      // date index past all 500,000 interactions to find ten of the 221 with "wales"):
      // few matches taken whole and sorted, many found walking the sort's index.
      const rows = count === undefined
        ? await db<{ id: string }[]>`
          select d.id::text as id from ${table} d where ${plan.where} order by ${order}
          limit ${k}`
        : count <= wholeBound(k, await this.storedCount(r, app, ""))
        ? await db<{ id: string }[]>`
          with d as materialized (
            select d.id${key ? db`, d.${key}` : db``} from ${table} d where ${plan.where})
          select d.id::text as id from d order by ${order} limit ${k}`
        : await db<{ id: string }[]>`
          select d.id::text as id from (select * from ${table} d order by ${order} offset 0) d
          where ${plan.where} limit ${k}`;
      return rows.map((r) => r.id);
    }
    return await this.ranked(
      r,
      app,
      [
        { where: db`d.name_key = ${text.exact} and ${whereOf(db, filters.query, filters.sql)}` },
        {
          where: db`d.names @@ ${text.query}::tsquery and ${plan.where}`,
          key: ["names", query.term, conditions],
        },
        { where: plan.where, count },
      ],
      k,
      count ?? Infinity,
    );
  }

  /**
   * The first `k` ids by tier, then id; a document counts in its best tier. Every tier is
   * within the `matches` of the whole search. A tier with few matches is taken whole from
   * the GIN index; one with many is walked along the primary key, where matches come often
   * (see `wholeBound`). A tier whose number is not known is walked as far as taking it whole
   * would cost at that bound: finding fewer than it needs there, it is taken whole. Either
   * way the ids are the same, the tier's first by id; only what is read differs.
   */
  private async ranked(
    r: Reading,
    app: SearchApp,
    tiers: Tier[],
    k: number,
    matches: number,
  ): Promise<string[]> {
    const { db } = r;
    const table = db(layoutOf(app).table);
    const out: string[] = [];
    const seen = new Set<string>();
    const total = await this.storedCount(r, app, "");
    for (const [i, tier] of tiers.entries()) {
      if (out.length >= k) break;
      const limit = k - out.length + seen.size;
      const bound = wholeBound(limit, total);
      // Taken whole, the tier's number is known and kept for the next search.
      const whole = async () => {
        const [{ n, ids }] = await db<{ n: number; ids: string[] }[]>`
          with m as materialized (select d.id from ${table} d where ${tier.where})
          select (select count(*)::int from m) as n,
            array(select id::text from m order by id limit ${limit}) as ids`;
        if (tier.key) this.keep(r, app, tier.key, n);
        return ids;
      };
      // The primary key walked in order, each row tested until `limit` match: the subquery
      // (kept apart by LIMIT or OFFSET) stops the planner from taking a bitmap of every
      // match and sorting it, which its estimates of word matches made it prefer.
      const walk = async (rows?: number) =>
        (await db<{ id: string }[]>`
          select d.id::text as id from (select * from ${table} d order by d.id
            ${rows === undefined ? db`offset 0` : db`limit ${rows}`}) d
          where ${tier.where} limit ${limit}`).map((x) => x.id);
      // The exact-name tier is a b-tree lookup: always small.
      const count = i === 0 ? 0 : tier.count ??
        (matches <= bound ? matches : tier.key && this.keptValue(r, app, tier.key));
      let ids: string[];
      if (count !== undefined) ids = await (count <= bound ? whole() : walk());
      else {
        ids = await walk(Math.ceil((limit * total) / bound));
        if (ids.length < limit) ids = await whole();
      }
      for (const id of ids) {
        if (seen.has(id) || out.length >= k) continue;
        seen.add(id);
        out.push(id);
      }
    }
    return out;
  }

  /**
   * The stored documents of these ids, in this order, as JSON texts without the app's
   * excluded keys (sent on as they are: see SearchResults.texts).
   */
  private async documents(db: Db, app: SearchApp, ids: string[]): Promise<string[]> {
    if (!ids.length) return [];
    const excluded = app.excludeFromResults ?? [];
    const rows = await db<{ json: string }[]>`
      select ${excluded.length ? db`(d.doc - ${excluded}::text[])` : db`d.doc`}::text as json
      from unnest(${ids}::uuid[]) with ordinality as i(id, n)
      join ${db(layoutOf(app).table)} d on d.id = i.id
      order by i.n`;
    return rows.map((r) => r.json);
  }

  /**
   * The known words nearest to each word of the term (null when none has any), kept while
   * no app has been written (a write is what adds words to the vocabulary).
   */
  private async similarWords(r: Reading, term: string): Promise<string[][] | null> {
    const words = cappedWords(term).slice(0, MAX_TERM_WORDS);
    if (!words.length) return null;
    const stamp = [...r.versions.entries()].sort().join();
    const key = JSON.stringify(words);
    const kept = this.similar.get(key);
    if (kept && kept.version === stamp) return kept.value;
    const rows = await r.db<{ similar: string[] }[]>`
      select array(
        select s.word from search_word s
        where s.word % w and s.word <> w and similarity(s.word, w) >= ${FUZZY_SIMILARITY}
        order by s.word <-> w, s.word limit ${FUZZY_EXPANSIONS}
      ) as similar
      from unnest(${words}::text[]) with ordinality as u(w, n) order by n`;
    const similar = rows.some((x) => x.similar.length) ? rows.map((x) => x.similar) : null;
    this.similar.set(key, stamp, similar);
    return similar;
  }

  async globalSearch(db: Db, query: GlobalQuery): Promise<GlobalResults> {
    if (!query.permitted.length) return { count: 0, results: [], aggregations: [] };
    for (const { app } of query.permitted) await this.ensure(db, app);
    return await reading(db, (r) => this.global(r, query));
  }

  private async global(r: Reading, query: GlobalQuery): Promise<GlobalResults> {
    const { db } = r;
    const text = textOf(query.term);
    const similar = text?.query ? await this.similarWords(r, query.term) : null;
    const words = cappedWords(query.term).slice(0, MAX_TERM_WORDS);
    // `('w':* | 'similar' | …) & …`: every word, or one of the known words nearest to it.
    const fuzzy = similar && words.map((w, i) => `(${matchQuery(w, similar[i])})`).join(" & ");
    const match = text?.query ? fuzzy ?? text.query : null;
    // The apps' counts at once (their statements pipelined on the search's connection).
    const found = await Promise.all(
      query.permitted.map(({ app, scope }) =>
        this.guard(app, async () => {
          const layout = layoutOf(app);
          const scoped = compileAll(db, app, scope ? [scope] : []);
          // Global search hides archived documents (the original's must_not archived).
          const archived = layout.tokenFields.get("archived");
          const archivedToken = archived ? tokenOf(archived, true) : null;
          const hidden = archivedToken ? { token: archivedToken, negate: true } : null;
          const visible = and([archivedToken && `!${lexeme(archivedToken)}`, scoped.query]);
          // A several-word term without misspellings is read as entity search reads it.
          const narrowed = text?.query && !fuzzy ? await this.narrowed(r, app, text) : null;
          const allWords = whereOf(
            db,
            and([narrowed?.query ?? text?.query ?? null, visible]),
            [...scoped.sql, ...(narrowed?.recheck ?? [])],
          );
          // What the search matches: with misspellings, their nearest words too.
          const where = fuzzy
            ? whereOf(db, and([fuzzy, visible]), scoped.sql)
            : text && !text.query
            ? whereOf(db, visible, [db`d.name_key = ${text.exact}`, ...scoped.sql])
            : allWords;
          const n = await this.kept(r, app, ["global", query.term, match, scope], async () =>
            !text && !scope
              ? await this.storedCount(r, app, "") -
                (archivedToken ? await this.storedCount(r, app, archivedToken) : 0)
              : (text?.query && !scope
                ? await this.wordsTotal(r, app, query.term, similar?.[0] ?? [], hidden)
                : null) ?? await this.count(r, app, where));
          return { app, scope, scoped, archivedToken, allWords, where, n };
        })
      ),
    );
    const buckets = found.filter((f) => f.n > 0).map((f) => ({ entity: f.app.name, count: f.n }));
    buckets.sort((a, b) => b.count - a.count || a.entity.localeCompare(b.entity));
    const entity = found.find((f) => f.app.name === query.entity);
    if (!entity) return { count: 0, results: [], aggregations: buckets };
    const { app, scope, scoped, archivedToken, allWords, where, n } = entity;
    if (!query.limit || n <= query.offset) return { count: n, results: [], aggregations: buckets };
    const k = query.offset + query.limit;
    const hits = await this.guard(app, async () => {
      const layout = layoutOf(app);
      // Without a word to find, a negated token would make GIN read its whole index:
      // the tiers led by the name key or `names` test archiving row by row instead.
      // A flag is read from `flags`, stored in the row (the word sets are out of line).
      const notArchived = !archivedToken
        ? []
        : layout.flags.includes("archived")
        ? [db`not (${archivedToken} = any(string_to_array(d.flags, ',')))`]
        : [db`not d.words @@ ${lexeme(archivedToken)}::tsquery`];
      const visibleWhere = whereOf(db, scoped.query, [...notArchived, ...scoped.sql]);
      const ids = text?.query
        ? await this.ranked(
          r,
          app,
          [
            { where: db`d.name_key = ${text.exact} and ${visibleWhere}` },
            {
              where: db`d.names @@ ${text.query}::tsquery and ${visibleWhere}`,
              key: ["global names", query.term, scope],
            },
            {
              where: allWords,
              count: fuzzy ? undefined : n,
              key: ["global words", query.term, scope],
            },
            ...(fuzzy ? [{ where, count: n }] : []),
          ],
          k,
          n,
        )
        : (await db<{ id: string }[]>`
          select d.id::text as id from ${db(layout.table)} d where ${where}
          order by d.id limit ${k}`).map((x) => x.id);
      return await this.documents(db, app, ids.slice(query.offset));
    });
    return storedResults({ count: n, aggregations: buckets }, hits);
  }

  refresh(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * The most matches a tier may have to be taken whole rather than walked, for its first
 * `limit` of `total` rows. Walking the primary key reads about `limit × total / count`
 * rows to find `limit` matches, WALK_COST buffers each; taking the tier whole reads each
 * heap page holding a match (of `total / ROWS_PER_PAGE` pages, `count` matches spread over
 * them) and handles every match (MATCH_COST each). The bound is where the two meet (the
 * first falls, the second grows with `count`), at most TAKE_WHOLE.
 */
function wholeBound(limit: number, total: number): number {
  const pages = Math.max(1, total / ROWS_PER_PAGE);
  const walk = (count: number) => (WALK_COST * limit * total) / count;
  const whole = (count: number) => pages * (1 - Math.exp(-count / pages)) + MATCH_COST * count;
  if (walk(TAKE_WHOLE) >= whole(TAKE_WHOLE)) return TAKE_WHOLE;
  let low = 1;
  let high = TAKE_WHOLE;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (walk(mid) > whole(mid)) low = mid;
    else high = mid;
  }
  return low;
}

/** `'w':* | 'similar' | …`: a word as a prefix, or one of the known words nearest to it. */
const matchQuery = (word: string, similar: string[]) =>
  `${lexeme(word)}:*${similar.map((s) => ` | ${lexeme(s)}`).join("")}`;

/** Values kept in memory while a version holds (the oldest dropped first). */
class Kept<T> {
  private entries = new Map<string, { version: string; value: T }>();
  constructor(private readonly max: number) {}

  get(key: string): { version: string; value: T } | undefined {
    return this.entries.get(key);
  }

  set(key: string, version: string, value: T) {
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { version, value });
  }
}

/** A search's statements, and every app's write version as the search first read them. */
interface Reading {
  db: Db;
  versions: Map<string, string>;
}

/**
 * Runs a search's statements in one snapshot (REPEATABLE READ, read only), so the write
 * versions it reads first hold for every figure it counts and keeps, and the parts of a
 * total read in several statements agree; and without sequential scans of the app
 * tables. The planner costs a scan by its narrow rows, not by the word sets stored out of
 * line that each row then has to fetch and decompress: a count of a word matching a
 * tenth of the rows chose a scan that read every word set (1.2 s for 100,000 companies,
 * against ~30 ms through GIN). And each statement planned for its values: a prepared
 * statement's generic plan does not know how many rows a word matches, and took every
 * match of `export` (152,000 interactions) to sort them by date instead of walking the
 * date index to the first ten (11 s against 2 ms). Both are set by the first statement,
 * which reads the versions. In a caller's transaction, the statements run as they are.
 */
async function reading<T>(db: Db, run: (r: Reading) => Promise<T>): Promise<T> {
  const start = async (tx: Db, local: boolean) => {
    const [{ versions }] = await tx<{ versions: Record<string, string> | null }[]>`
      select ${
      local
        ? tx`(select set_config('enable_seqscan', 'off', true) ||
          set_config('plan_cache_mode', 'force_custom_plan', true))`
        : tx`null`
    } as off,
        (select jsonb_object_agg(app, version) from search_table) as versions`;
    return await run({ db: tx, versions: new Map(Object.entries(versions ?? {})) });
  };
  if ("savepoint" in db) return await start(db, false);
  return await (db as Sql).begin(
    "isolation level repeatable read read only",
    (tx) => start(tx, true),
  ) as T;
}

/** One writer of an app at a time (in the caller's transaction): two writers of one new
 * document would each see no stored row and count it twice. */
async function lockApp(db: Db, app: SearchApp) {
  await db`select pg_advisory_xact_lock(hashtext(${"search:" + app.name}))`;
}

/** What a document's derived columns are read from, per app (see `upsertRows`). */
interface Derivation {
  primary: string[];
  other: string[];
  tokenPaths: string[];
  tokenPrefixes: string[];
  folded: string[];
  presencePaths: string[];
  presenceTokens: string[];
  flagPrefixes: string[];
}

const derivations = new WeakMap<SearchApp, Derivation>();

/**
 * The jsonpaths of an app's free text (every string and number under a field, as
 * `documentText` reads them), of its exact-match values (scalars at the path, one array
 * level unwrapped, as `documentTokens`) and of its presence tokens (a value that is not
 * null, `[]` or `{}`).
 */
function derivationOf(app: SearchApp): Derivation {
  let d = derivations.get(app);
  if (d) return d;
  const layout = layoutOf(app);
  const leaves = (path: string[]) =>
    `lax ${jsonPath(path)}.** ? (@.type() == "string" || @.type() == "number")`;
  const paths = textPathsOf(app);
  const tokens = [...layout.tokenFields.values()];
  const presence = [...layout.presence.values()];
  d = {
    primary: paths.filter((p) => p.primary).map((p) => leaves(p.path)),
    other: paths.filter((p) => !p.primary).map((p) => leaves(p.path)),
    tokenPaths: tokens.map((t) =>
      `lax ${jsonPath(t.path)}[*] ? (@.type() == "string" || @.type() == "number" || ` +
      `@.type() == "boolean")`
    ),
    tokenPrefixes: tokens.map((t) => `#${t.code}=`),
    folded: tokens.map((t) => (t.kind === "folded" ? "1" : "0")),
    presencePaths: presence.map((p) =>
      `lax ${jsonPath(p.path)}[*] ? (@ != null && (@.type() != "object" || exists (@.*)) && ` +
      `(@.type() != "array" || @.size() > 0))`
    ),
    presenceTokens: presence.map((p) => presenceToken(p.code)),
    flagPrefixes: layout.flags.map((f) => `#${layout.tokenFields.get(f)!.code}=`),
  };
  derivations.set(app, d);
  return d;
}

/**
 * Writes the documents `source` selects (one `doc` column) with one INSERT … SELECT: the
 * word sets (search_words, migration 0065), tokens, flags and sort keys are derived in
 * the statement, and the batch's new vocabulary is added. `counted`: the maintained
 * counts move from each replaced row's flags to its new ones (under the app lock).
 * Returns the ids written.
 */
async function upsertRows(db: Db, app: SearchApp, source: Fragment, counted: boolean) {
  const layout = layoutOf(app);
  const d = derivationOf(app);
  const table = db(layout.table);
  const sorts = [...layout.sortColumns.values()];
  const list = (parts: Fragment[]) => parts.reduce((a, b) => db`${a}${b}`, db``);
  // Non-set-returning jsonpath calls only (a jsonb_path_query call per document and path
  // cost ~20-80 µs): the leaves of each text path as a JSON array, whose text is split
  // into words once its escapes (\n, \u0001…: never letters or digits) are blanked.
  const text = (paths: string[]) =>
    db`regexp_replace((select string_agg(jsonb_path_query_array(s.doc, f.p)::text, ' ')
      from unnest(${paths}::jsonpath[]) as f(p)), ${"\\\\(u[0-9a-fA-F]{4}|.)"}, ' ', 'g')`;
  // A rebuild's batches leave the vocabulary to `prune` (one pass over the table).
  const vocabulary = db`, vocabulary as (
      insert into search_word (word)
      select w from (select distinct w from t, unnest(t.words) as w
        where w ~ '^[[:alpha:]]{3,30}$') x
      where not exists (select 1 from search_word k where k.word = x.w)
      order by w
      on conflict do nothing
    )`;
  const counts = counted
    ? db`, old as (
        -- No FOR UPDATE: it would skip the rows this statement's insert has already
        -- updated (the app lock keeps other counting writers out).
        select o.flags, o.words from ${table} o where o.id in (select id from t)
      ), delta as (
        select c.key, sum(x.n)::bigint as n from (
          select flags, count(*) as n from written group by flags
          union all select flags, -count(*) from old group by flags
        ) x cross join lateral search_count_keys(x.flags) as c(key)
        group by c.key
      ), counted as (
        insert into search_count as c (app, key, n)
        select ${app.name}, key, n from delta where n <> 0 order by key
        on conflict (app, key) do update set n = c.n + excluded.n
      ), versioned as (
        update search_table set version = gen_random_uuid() where app = ${app.name}
      )${
      wordCounts(
        db,
        app,
        db`${wordChanges(db, "written", 1)} union all ${wordChanges(db, "old", -1)}`,
      )
    }`
    : db``;
  const rows = await db<{ id: string }[]>`
    with src as (${source}),
    t as materialized (
      select (s.doc ->> 'id')::uuid as id, s.doc,
        case when jsonb_typeof(s.doc -> 'name') = 'string' then lower(s.doc ->> 'name')
          else '' end as name_key,
        search_words(p.text) as names,
        search_words(concat_ws(' ', p.text, ${text(d.other)})) as words,
        array(
          select f.prefix || case when f.folded = '1' then lower(x) else x end
          from unnest(${d.tokenPaths}::jsonpath[], ${d.tokenPrefixes}::text[],
            ${d.folded}::text[]) as f(p, prefix, folded)
          cross join lateral (select jsonb_path_query_array(s.doc, f.p) as a) v
          cross join lateral unnest(case jsonb_array_length(v.a) when 0 then '{}'::text[]
            when 1 then array[v.a ->> 0]
            else array(select jsonb_array_elements_text(v.a)) end) as x
          union all
          select f.token from unnest(${d.presencePaths}::jsonpath[],
            ${d.presenceTokens}::text[]) as f(p, token)
          where jsonb_path_exists(s.doc, f.p)
        ) as tokens
      from src s cross join lateral (select ${text(d.primary)} as text) p
    ), written as (
      insert into ${table} as s (id, doc, name_key, words, names, flags,
        ${list(sorts.map((c) => db`${db(c.column)}, `))}indexed_on)
      select t.id, t.doc, t.name_key, array_to_tsvector(t.words || t.tokens),
        array_to_tsvector(t.names),
        array_to_string(array(
          select distinct x collate "C" from unnest(t.tokens) as x
          where left(x, strpos(x, '=')) = any(${d.flagPrefixes}::text[]) order by 1
        ), ','),
        ${list(sorts.map((c) => db`${sortValue(db, c.path, c.kind)}, `))}now()
      from t order by t.id
      on conflict (id) do update set doc = excluded.doc, name_key = excluded.name_key,
        words = excluded.words, names = excluded.names, flags = excluded.flags,
        ${list(sorts.map((c) => db`${db(c.column)} = excluded.${db(c.column)}, `))}
        indexed_on = excluded.indexed_on, pad = excluded.pad
      returning s.id, s.flags, s.words
    )${counts}${counted ? vocabulary : db``}
    select id::text as id from written`;
  return rows.map((r) => r.id);
}

/**
 * CTEs adding word count changes (`w`, `f`, `d` = ±1 rows of `changes`: a word, '' or a flag's
 * `true` token the document holds, see `wordChanges`) to search_word_count, in key order
 * (concurrent writers of one app wait for its lock; the order keeps it so).
 */
function wordCounts(db: Db, app: SearchApp, changes: Fragment): Fragment {
  return db`, word_delta as (
      select x.w, x.f, sum(x.d)::bigint as n from (${changes}) x
      where left(x.w, 1) <> '#' group by x.w, x.f having sum(x.d) <> 0
    ), word_counted as (
      insert into search_word_count as c (app, flag, word, n)
      select ${app.name}, f, w, n from word_delta order by f, w
      on conflict (app, flag, word) do update set n = c.n + excluded.n
    )`;
}

/**
 * `(w, f, d)` rows of the documents of `rows` (a CTE with `words` and `flags`): each word
 * once with flag '' and once per flag the document holds as `true`.
 */
function wordChanges(db: Db, rows: string, d: 1 | -1): Fragment {
  return db`select w.w, f.f, ${d}::int as d from ${db(rows)} x
    cross join lateral unnest(tsvector_to_array(x.words)) as w(w)
    cross join lateral unnest(array[''] || array(
      select t from unnest(string_to_array(nullif(x.flags, ''), ',')) as t
      where t like '%=true')) as f(f)`;
}

/** Deletes these ids, taking them out of the maintained counts when `counted`. */
async function deleteRows(db: Db, app: SearchApp, ids: string[], counted: boolean) {
  const table = db(layoutOf(app).table);
  if (!counted) {
    await db`delete from ${table} where id = any(${ids}::uuid[])`;
    return;
  }
  await db`
    with gone as (
      delete from ${table} where id = any(${ids}::uuid[]) returning flags, words
    ),
    versioned as (
      update search_table set version = gen_random_uuid() where app = ${app.name}
    )${wordCounts(db, app, wordChanges(db, "gone", -1))},
    delta as (
      select c.key, sum(x.n)::bigint as n
      from (select flags, -count(*) as n from gone group by flags) x
      cross join lateral search_count_keys(x.flags) as c(key)
      group by c.key
    )
    insert into search_count as c (app, key, n)
    select ${app.name}, key, n from delta order by key
    on conflict (app, key) do update set n = c.n + excluded.n`;
}

/**
 * The PostgreSQL search backend. Each app has its own table, `search_<app>`, whose
 * columns come from its declaration (src/search/pg_layout.ts): typed, b-tree indexed
 * sort columns, a GIN-indexed array of exact-match filter tokens, and two word sets
 * (every free-text field; the primary ones) matched by word prefix through GIN. So a
 * default page is an index walk, a filter is an index lookup, and free text touches
 * only documents that contain the words.
 *
 * Ranking keeps the original's boosts as tiers: an exact name first, then documents
 * whose primary fields (names) hold every word, then those holding every word in any
 * search field, then (global search only) documents matching misspelt words, expanded
 * through the trigram-indexed vocabulary `search_word` to the nearest known words as
 * OpenSearch's fuzziness does. Each tier is a top-k by id that an index serves, so a
 * page never ranks every match.
 *
 * Totals are exact. Unfiltered views and combinations of boolean filters read counts
 * kept in `search_count` by every write; other counts come from the GIN indexes (a
 * bitmap of exact matches, no ranking).
 *
 * Filters the tokens cannot serve (ranges, words, partial names, postcodes, fields a
 * scope names) read the stored document, as before: correct everywhere, fast where an
 * indexed condition narrows the rows first.
 */
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
  termWords,
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
const TOKEN_SEPARATOR = "\u001f";
/** Words of a term used (the rest are ignored) and similar words tried per misspelt word. */
const MAX_TERM_WORDS = 10;
const FUZZY_EXPANSIONS = 4;
/** How alike (pg_trgm similarity) a known word must be to stand in for a misspelt one. */
const FUZZY_SIMILARITY = 0.5;
/** Known vocabulary kept in memory so a batch only inserts words it has not seen. */
const KNOWN_WORDS_CAP = 1_000_000;

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

/** `'a':* & 'b':*`: every word, as a word prefix. */
function prefixQuery(words: string[]): string {
  return words.map((w) => `'${w}':*`).join(" & ");
}

// ------------------------------------------------------------------ conditions

/** Any value at the field's path satisfying `predicate(x)` (x: the jsonb value). */
function anyValue(db: Db, path: string[], predicate: Fragment): Fragment {
  return db`exists (select 1 from jsonb_path_query(d.doc, ${jsonPath(path)}::jsonpath) as v(x)
    where ${predicate})`;
}

/** The token a condition is, when the layout indexes it (null: read the document). */
function conditionToken(app: SearchApp, c: Condition): string | null {
  const layout = layoutOf(app);
  if ("match" in c) {
    const field = layout.tokenFields.get(c.match);
    return field ? tokenOf(field, c.value) : null;
  }
  if ("exists" in c && c.present && c.exists !== "id") {
    const p = layout.presence.get(resolveField(app.mapping, c.exists).path.join("."));
    return p ? presenceToken(p.code) : null;
  }
  return null;
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

/**
 * A condition tree as a boolean SQL fragment over the app's table `d`: token
 * conditions become one `@>` (all of) or `&&` (any of) on the GIN-indexed tokens.
 */
export function conditionSql(db: Db, app: SearchApp, c: Condition): Fragment {
  const layout = layoutOf(app);
  if ("none" in c) return db`false`;
  if ("or" in c || "and" in c) {
    const children = "or" in c ? c.or : c.and;
    if (!children.length) return "or" in c ? db`false` : db`true`;
    const tokens: string[] = [];
    const rest: Fragment[] = [];
    for (const child of children) {
      const token = conditionToken(app, child);
      if (token) tokens.push(token);
      else rest.push(conditionSql(db, app, child));
    }
    if (tokens.length) {
      rest.unshift(
        "or" in c ? db`d.tokens && ${tokens}::text[]` : db`d.tokens @> ${tokens}::text[]`,
      );
    }
    return db`(${joinFragments(db, rest, "or" in c ? "or" : "and")})`;
  }
  const token = conditionToken(app, c);
  if (token) return db`d.tokens @> ${[token]}::text[]`;
  if ("match" in c) return matchSql(db, app, c.match, c.value);
  if ("range" in c) return rangeSql(db, app, c);
  if (c.exists === "id") return c.present ? db`true` : db`false`;
  const { path } = resolveField(app.mapping, c.exists);
  const p = layout.presence.get(path.join("."));
  if (p) return db`not d.tokens @> ${[presenceToken(p.code)]}::text[]`;
  const present = anyValue(db, path, db`x not in ('null'::jsonb, '[]'::jsonb, '{}'::jsonb)`);
  return c.present ? present : db`not ${present}`;
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

/** Documents matching the text: an exact name, or every word in a search field. */
function textWhere(db: Db, text: Text): Fragment {
  return text.query
    ? db`(d.words @@ ${text.query}::tsquery or d.name_key = ${text.exact})`
    : db`d.name_key = ${text.exact}`;
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
      await tx`create table ${table} (
        id uuid primary key,
        doc jsonb not null,
        name_key text not null default '',
        words tsvector not null,
        names tsvector not null,
        tokens text[] not null,
        ${sortColumns.reduce((a, b) => tx`${a}${b}`, tx``)}
        indexed_on timestamptz not null default now()
      )`;
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
    await db`create index if not exists ${db(`${t}_tokens`)} on ${db(t)} using gin (tokens)`;
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
      `${t}_tokens`,
      `${t}_name_key`,
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
      const layout = layoutOf(app);
      const table = db(layout.table);
      const delta = new Map<string, number>();
      const add = (tokens: string[], by: number) => {
        for (const key of countKeys(flagTokens(layout, tokens))) {
          delta.set(key, (delta.get(key) ?? 0) + by);
        }
      };
      if (upserts.length) {
        const batchWords = new Set<string>();
        const rows = upserts.map((doc) => {
          const text = documentText(app, doc);
          const names = cappedWords(text.primary);
          const words = cappedWords(`${text.primary} ${text.other}`);
          for (const w of words) if (w.length >= 3) batchWords.add(w);
          const tokens = documentTokens(layout, doc);
          add(tokens, 1);
          return {
            id: doc.id,
            doc: JSON.stringify(doc),
            nameKey: typeof doc.name === "string" ? doc.name.toLowerCase() : "",
            words: words.join(" "),
            names: names.join(" "),
            tokens: tokens.join(TOKEN_SEPARATOR),
          };
        });
        const sorts = [...layout.sortColumns.values()];
        const sortNames = sorts.map((c) => db`${db(c.column)}, `).reduce(
          (a, b) => db`${a}${b}`,
          db``,
        );
        const sortValues = sorts.map((c) => db`${sortValue(db, c.path, c.kind)}, `).reduce(
          (a, b) => db`${a}${b}`,
          db``,
        );
        const sortUpdates = sorts.map((c) => db`${db(c.column)} = excluded.${db(c.column)}, `)
          .reduce((a, b) => db`${a}${b}`, db``);
        const old = await db<{ tokens: string[] }[]>`
          with t as (
            select u.id, u.doc::jsonb as doc, u.name_key, u.words, u.names, u.tokens
            from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.doc)}::text[],
                        ${rows.map((r) => r.nameKey)}::text[], ${rows.map((r) => r.words)}::text[],
                        ${rows.map((r) => r.names)}::text[], ${rows.map((r) => r.tokens)}::text[])
              as u(id, doc, name_key, words, names, tokens)
          ), old as (
            select s.tokens from ${table} s where s.id in (select id from t) for update
          ), written as (
            insert into ${table} as s (id, doc, name_key, words, names, tokens, ${sortNames}indexed_on)
            select t.id, t.doc, t.name_key, array_to_tsvector(string_to_array(t.words, ' ')),
              array_to_tsvector(string_to_array(t.names, ' ')),
              string_to_array(t.tokens, ${TOKEN_SEPARATOR}), ${sortValues}now()
            from t
            on conflict (id) do update set doc = excluded.doc, name_key = excluded.name_key,
              words = excluded.words, names = excluded.names, tokens = excluded.tokens,
              ${sortUpdates}indexed_on = excluded.indexed_on
            returning 1
          )
          select tokens from old`;
        for (const row of old) add(row.tokens, -1);
        await this.learnWords(db, batchWords);
      }
      if (deletes.length) {
        const gone = await db<{ tokens: string[] }[]>`
          delete from ${table} where id = any(${deletes}::uuid[]) returning tokens`;
        for (const row of gone) add(row.tokens, -1);
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
    await this.createIndexes(db, layout);
    const gone = await db<{ tokens: string[] }[]>`
      delete from ${db(layout.table)} where indexed_on < ${since} returning tokens`;
    const delta = new Map<string, number>();
    for (const row of gone) {
      for (const key of countKeys(flagTokens(layout, row.tokens))) {
        delta.set(key, (delta.get(key) ?? 0) - 1);
      }
    }
    await applyCounts(db, app, delta);
    await db`analyze ${db(layout.table)}`;
  }

  private where(db: Db, app: SearchApp, conditions: Condition[]): Fragment[] {
    return conditions.map((c) => conditionSql(db, app, c));
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
    const key = tokens.join(",");
    const [row] = await db<{ n: number }[]>`
      select n::int as n from search_count where app = ${app.name} and key = ${key}`;
    return row?.n ?? 0;
  }

  async search(db: Db, query: EntityQuery): Promise<SearchResults> {
    const { app } = query;
    await this.ensure(db, app);
    return await this.guard(app, async () => {
      const table = db(layoutOf(app).table);
      const conditions = [...query.filters, ...(query.scope ? [query.scope] : [])];
      const filters = this.where(db, app, conditions);
      const text = textOf(query.term);
      const where = joinFragments(db, [...filters, ...(text ? [textWhere(db, text)] : [])], "and");
      const condition = text || filters.length ? where : db`true`;
      const counted = text ? null : await this.countedTotal(db, app, conditions);
      const count = counted ?? (await db<{ count: number }[]>`
        select count(*)::int as count from ${table} d where ${condition}`)[0].count;
      if (!query.limit || count <= query.offset) return { count, results: [] };
      const ids = await this.pageIds(db, query, filters, text, query.offset + query.limit);
      const docs = await this.documents(db, app, ids.slice(query.offset));
      return { count, results: docs.map((d) => publicDocument(app, d)) };
    });
  }

  /** Ids of the first `k` hits in the query's order. */
  private async pageIds(
    db: Db,
    query: EntityQuery,
    filters: Fragment[],
    text: Text | null,
    k: number,
  ): Promise<string[]> {
    const { app } = query;
    const table = db(layoutOf(app).table);
    const sort = query.sort;
    if (!text || sort) {
      const where = joinFragments(db, [...filters, ...(text ? [textWhere(db, text)] : [])], "and");
      const rows = await db<{ id: string }[]>`
        select d.id::text as id from ${table} d
        where ${filters.length || text ? where : db`true`}
        order by ${sort ? sortSql(db, app, sort) : db`d.id`}
        limit ${k}`;
      return rows.map((r) => r.id);
    }
    return await this.rankedIds(db, app, filters, text, null, k);
  }

  /**
   * The first `k` ids by tier (exact name, every word in the names, every word, then
   * the fuzzy query when given), each tier a top-k by id. A document is in its best tier.
   */
  private async rankedIds(
    db: Db,
    app: SearchApp,
    filters: Fragment[],
    text: Text,
    fuzzy: string | null,
    k: number,
  ): Promise<string[]> {
    const table = db(layoutOf(app).table);
    const and = (c: Fragment) => joinFragments(db, [c, ...filters], "and");
    const tier = (n: number, c: Fragment, ordered: boolean) =>
      db`(select d.id, ${n}::int as tier from ${table} d where ${and(c)}
        ${ordered ? db`order by d.id` : db``} limit ${k})`;
    const tiers = [tier(0, db`d.name_key = ${text.exact}`, false)];
    if (text.query) {
      tiers.push(tier(1, db`d.names @@ ${text.query}::tsquery`, true));
      tiers.push(tier(2, db`d.words @@ ${text.query}::tsquery`, true));
    }
    if (fuzzy) tiers.push(tier(3, db`d.words @@ ${fuzzy}::tsquery`, true));
    const rows = await db<{ id: string }[]>`
      select id::text from (
        ${tiers.reduce((a, b) => db`${a} union all ${b}`)}
      ) x
      group by id order by min(tier), id limit ${k}`;
    return rows.map((r) => r.id);
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

  async exportIds(db: Db, query: EntityQuery, max: number): Promise<string[]> {
    const { app } = query;
    await this.ensure(db, app);
    return await this.guard(app, () => {
      const conditions = [...query.filters, ...(query.scope ? [query.scope] : [])];
      return this.pageIds(db, query, this.where(db, app, conditions), textOf(query.term), max);
    });
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
    return rows.map((r) => `('${r.word}':*${r.similar.map((s) => ` | '${s}'`).join("")})`)
      .join(" & ");
  }

  async globalSearch(db: Db, query: GlobalQuery): Promise<GlobalResults> {
    if (!query.permitted.length) return { count: 0, results: [], aggregations: [] };
    for (const { app } of query.permitted) await this.ensure(db, app);
    const text = textOf(query.term);
    const fuzzy = text ? await this.fuzzyQuery(db, query.term) : null;
    const match = text
      ? fuzzy
        ? db`(d.words @@ ${fuzzy}::tsquery or d.name_key = ${text.exact})`
        : textWhere(db, text)
      : null;
    const buckets: { entity: string; count: number }[] = [];
    let hits: Record<string, unknown>[] = [];
    let count = 0;
    for (const { app, scope } of query.permitted) {
      await this.guard(app, async () => {
        const layout = layoutOf(app);
        const table = db(layout.table);
        const scoped = scope ? this.where(db, app, [scope]) : [];
        // Global search hides archived documents (the original's must_not archived).
        const archived = layout.tokenFields.get("archived");
        const archivedToken = archived ? tokenOf(archived, true) : null;
        let n: number;
        if (!match && !scoped.length) {
          const [row] = await db<{ n: number }[]>`
            select coalesce(sum(case when key = '' then n else -n end), 0)::int as n
            from search_count where app = ${app.name}
              and key = any(${["", ...(archivedToken ? [archivedToken] : [])]}::text[])`;
          n = row.n;
        } else {
          const base = joinFragments(db, [...(match ? [match] : []), ...scoped], "and");
          // Total minus the archived ones: two counts an index answers exactly.
          [{ n }] = await db<{ n: number }[]>`
            select ((select count(*) from ${table} d where ${base})
              - ${
            archivedToken
              ? db`(select count(*) from ${table} d
                  where ${base} and d.tokens @> ${[archivedToken]}::text[])`
              : db`0`
          })::int as n`;
        }
        if (n > 0) buckets.push({ entity: app.name, count: n });
        if (app.name !== query.entity) return;
        count = n;
        if (!query.limit || n <= query.offset) return;
        const filters = [
          ...scoped,
          ...(archivedToken ? [db`not d.tokens @> ${[archivedToken]}::text[]`] : []),
        ];
        const k = query.offset + query.limit;
        const ids = text
          ? await this.rankedIds(db, app, filters, text, fuzzy, k)
          : (await db<{ id: string }[]>`
            select d.id::text as id from ${table} d
            where ${filters.length ? joinFragments(db, filters, "and") : db`true`}
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

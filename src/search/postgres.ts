/**
 * The PostgreSQL search backend: documents in `search_document` (migration 0060),
 * filters compiled from the apps' condition trees to postgres.js fragments, free text
 * ranked as the original's boosts rank it: an exact name first, then documents where
 * every word matches (weighted words, prefixes and substrings of the free-text fields),
 * then, in global search only, fuzzy trigram matches (pg_trgm word similarity).
 *
 * Field comparisons follow the mapping: keywords exactly, normalised keywords
 * case-insensitively, text word by word, `.trigram` fields by substring, postcodes by
 * prefix, dates and numbers by value. Array values match when any element matches, as
 * OpenSearch's flattened objects do.
 */
import type { Db } from "../db/pool.ts";
import { type Fragment, joinFragments } from "../db/fragments.ts";
import type { Condition, EntityQuery, SearchApp, SearchDocument, SortTerm } from "./app.ts";
import { type Mapping, resolveField } from "./mapping.ts";
import {
  documentText,
  type GlobalQuery,
  type GlobalResults,
  publicDocument,
  type SearchBackend,
  type SearchResults,
  termWords,
} from "./backend.ts";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function jsonPath(path: string[]): string {
  return `$${path.map((p) => `.${JSON.stringify(p)}`).join("")}`;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const isDateOnly = (v: unknown) => typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v);

/** Any value at the field's path satisfying `predicate(x)` (x: the jsonb value). */
function anyValue(db: Db, path: string[], predicate: Fragment): Fragment {
  return db`exists (select 1 from jsonb_path_query(d.doc, ${jsonPath(path)}::jsonpath) as v(x)
    where ${predicate})`;
}

function matchSql(db: Db, mapping: Mapping, field: string, value: string | number | boolean) {
  if (field === "id") {
    return UUID_RE.test(String(value)) ? db`d.id = ${String(value)}::uuid` : db`false`;
  }
  const { path, kind } = resolveField(mapping, field);
  const text = db`(x #>> '{}')`;
  switch (kind) {
    case "keyword":
    case "boolean":
      // Indexable through the GIN (jsonb_path_ops) index on doc.
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

function rangeSql(db: Db, mapping: Mapping, c: Extract<Condition, { range: string }>) {
  const { path, kind } = resolveField(mapping, c.range);
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

/** A condition tree as a boolean SQL fragment over `search_document d`. */
export function conditionSql(db: Db, mapping: Mapping, c: Condition): Fragment {
  if ("none" in c) return db`false`;
  if ("or" in c) {
    if (!c.or.length) return db`false`;
    return db`(${joinFragments(db, c.or.map((x) => conditionSql(db, mapping, x)), "or")})`;
  }
  if ("and" in c) {
    if (!c.and.length) return db`true`;
    return db`(${joinFragments(db, c.and.map((x) => conditionSql(db, mapping, x)), "and")})`;
  }
  if ("match" in c) return matchSql(db, mapping, c.match, c.value);
  if ("range" in c) return rangeSql(db, mapping, c);
  if (c.exists === "id") return c.present ? db`true` : db`false`;
  const { path } = resolveField(mapping, c.exists);
  const present = anyValue(db, path, db`x not in ('null'::jsonb, '[]'::jsonb, '{}'::jsonb)`);
  return c.present ? present : db`not ${present}`;
}

function sortSql(db: Db, mapping: Mapping, sort: SortTerm): Fragment {
  const { path, kind } = resolveField(mapping, sort.field);
  const raw = db`(d.doc #>> ${path}::text[])`;
  const expr = kind === "date"
    ? db`${raw}::timestamptz`
    : kind === "number"
    ? db`${raw}::numeric`
    : kind === "boolean"
    ? db`${raw}::boolean`
    : kind === "keyword"
    ? raw
    : db`lower(${raw})`;
  // As the original: missing values first when ascending, last when descending.
  return sort.order === "desc" ? db`${expr} desc nulls last` : db`${expr} asc nulls first`;
}

interface TextMatch {
  where: Fragment;
  score: Fragment;
}

/**
 * Free-text condition and score. Exact name beats every-word matches (weighted by
 * field and helped by prefixes), which beat fuzzy trigram matches (global only).
 */
function textMatch(db: Db, term: string, fuzzy: boolean): TextMatch | null {
  if (term === "") return null;
  const words = termWords(term);
  const exact = db`lower(d.name) = ${term.toLowerCase()}`;
  const allWords = words.length
    ? db`(${
      joinFragments(db, words.map((w) => db`d.search_text like ${`%${likeEscape(w)}%`}`), "and")
    })`
    : db`false`;
  const prefixQuery = words.map((w) => `'${w}':*`).join(" & ");
  const rank = words.length ? db`ts_rank(d.search, to_tsquery('simple', ${prefixQuery}))` : db`0`;
  if (!fuzzy) {
    return {
      where: db`(${exact} or ${allWords})`,
      score: db`(${exact})::int * 2 + (${allWords})::int * (1 + ${rank})`,
    };
  }
  const similar = db`${term.toLowerCase()}::text <% d.search_text`;
  return {
    where: db`(${exact} or ${allWords} or ${similar})
      and not coalesce(d.doc @? '$.archived ? (@ == true)', false)`,
    score: db`(${exact})::int * 10 + (${allWords})::int * 4 * (1 + ${rank})
      + word_similarity(${term.toLowerCase()}::text, d.search_text)`,
  };
}

export class PostgresBackend implements SearchBackend {
  readonly kind = "postgres" as const;

  migrate(_db: Db, apps: SearchApp[]): Promise<string[]> {
    // The table comes with the database migrations; nothing to create per app.
    return Promise.resolve(apps.map((a) => `${a.name}: search_document table (up to date)`));
  }

  async write(db: Db, app: SearchApp, upserts: SearchDocument[], deletes: string[]) {
    if (upserts.length) {
      const texts = upserts.map((d) => documentText(app, d));
      await db`
        insert into search_document (entity, id, doc, name, search_text, search, indexed_on)
        select ${app.name}, t.id, t.doc::jsonb, t.name, t.search_text,
               setweight(to_tsvector('simple', t.a), 'A') ||
               setweight(to_tsvector('simple', t.b), 'B'),
               now()
        from unnest(${upserts.map((d) => d.id)}::uuid[],
                    ${upserts.map((d) => JSON.stringify(d))}::text[],
                    ${upserts.map((d) => (typeof d.name === "string" ? d.name : ""))}::text[],
                    ${texts.map((t) => `${t.primary} | ${t.other}`.toLowerCase())}::text[],
                    ${texts.map((t) => t.primary)}::text[],
                    ${texts.map((t) => t.other)}::text[])
             as t(id, doc, name, search_text, a, b)
        on conflict (entity, id) do update set
          doc = excluded.doc, name = excluded.name, search_text = excluded.search_text,
          search = excluded.search, indexed_on = excluded.indexed_on`;
    }
    if (deletes.length) {
      await db`delete from search_document
        where entity = ${app.name} and id = any(${deletes}::uuid[])`;
    }
  }

  async prune(db: Db, app: SearchApp, since: Date) {
    await db`delete from search_document where entity = ${app.name} and indexed_on < ${since}`;
  }

  private entityWhere(db: Db, query: EntityQuery, text: TextMatch | null) {
    const { app } = query;
    const filters = query.filters.map((c) => conditionSql(db, app.mapping, c));
    if (query.scope) filters.push(conditionSql(db, app.mapping, query.scope));
    if (!text) return joinFragments(db, [db`d.entity = ${app.name}`, ...filters], "and");
    // With free text, the (entity, search_text) trigram index is the selective path. The
    // planner guesses JSON-path filters match almost nothing and would scan the document
    // index instead (600 ms at 100k companies), so the filters are made non-indexable here:
    // coalesce(…, false) keeps their meaning in a WHERE clause.
    const checked = filters.length
      ? [db`coalesce((${joinFragments(db, filters, "and")}), false)`]
      : [];
    return joinFragments(db, [db`d.entity = ${app.name}`, text.where, ...checked], "and");
  }

  private entityOrder(db: Db, query: EntityQuery, text: TextMatch | null) {
    if (query.sort) return db`${sortSql(db, query.app.mapping, query.sort)}, d.id`;
    return text ? db`${text.score} desc, d.id` : db`d.id`;
  }

  async search(db: Db, query: EntityQuery): Promise<SearchResults> {
    const text = textMatch(db, query.term, false);
    const where = this.entityWhere(db, query, text);
    const [{ count }] = await db<{ count: number }[]>`
      select count(*)::int as count from search_document d where ${where}`;
    const rows = query.limit > 0 && count > query.offset
      ? await db<{ doc: Record<string, unknown> }[]>`
        select d.doc from search_document d where ${where}
        order by ${this.entityOrder(db, query, text)}
        limit ${query.limit} offset ${query.offset}`
      : [];
    return { count, results: rows.map((r) => publicDocument(query.app, r.doc)) };
  }

  async exportIds(db: Db, query: EntityQuery, max: number): Promise<string[]> {
    const text = textMatch(db, query.term, false);
    const rows = await db<{ id: string }[]>`
      select d.id::text as id from search_document d
      where ${this.entityWhere(db, query, text)}
      order by ${this.entityOrder(db, query, text)}
      limit ${max}`;
    return rows.map((r) => r.id);
  }

  async globalSearch(db: Db, query: GlobalQuery): Promise<GlobalResults> {
    if (!query.permitted.length) return { count: 0, results: [], aggregations: [] };
    const text = textMatch(db, query.term, true);
    const permission = joinFragments(
      db,
      query.permitted.map(({ app, scope }) =>
        scope
          ? db`(d.entity = ${app.name} and ${conditionSql(db, app.mapping, scope)})`
          : db`d.entity = ${app.name}`
      ),
      "or",
    );
    const where = text ? db`(${permission}) and ${text.where}` : db`(${permission})`;
    const buckets = await db<{ entity: string; count: number }[]>`
      select d.entity, count(*)::int as count from search_document d where ${where}
      group by d.entity order by count desc, d.entity`;
    const count = buckets.find((b) => b.entity === query.entity)?.count ?? 0;
    const app = query.permitted.find((p) => p.app.name === query.entity)?.app;
    const rows = app && query.limit > 0 && count > query.offset
      ? await db<{ doc: Record<string, unknown> }[]>`
        select d.doc from search_document d where d.entity = ${query.entity} and ${where}
        order by ${text ? db`${text.score} desc, d.id` : db`d.id`}
        limit ${query.limit} offset ${query.offset}`
      : [];
    return {
      count,
      results: rows.map((r) => publicDocument(app!, r.doc)),
      aggregations: buckets.map((b) => ({ count: b.count, entity: b.entity })),
    };
  }

  refresh(): Promise<void> {
    return Promise.resolve();
  }
}

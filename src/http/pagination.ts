/**
 * Limit/offset pages (`{count, next, previous, results}` with absolute links), as DRF's
 * LimitOffsetPagination: default limit 100, no maximum, and lenient parsing — a bad
 * `limit` falls back to the default and a bad `offset` to 0, never an error.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";
import { ApiError } from "./errors.ts";
import { documentVersion, type PageVersions, versionsJson } from "../core/cache_version.ts";

export const DEFAULT_LIMIT = 100;

export interface Page {
  limit: number;
  offset: number;
}

export interface Paginated<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** Query parameters every limit/offset list accepts (for the OpenAPI document). */
export const pageQuery = z.object({
  limit: z.string().optional().openapi({ description: "Page size (default 100)", example: "100" }),
  offset: z.string().optional().openapi({ description: "Rows to skip", example: "0" }),
});

/**
 * A non-negative integer, or `fallback`. Past 2^53 (beyond what PostgreSQL's bigint or
 * a JavaScript number holds exactly) is a bad value too, and falls back.
 */
function positiveInt(value: string | undefined, fallback: number, allowZero: boolean): number {
  if (value === undefined || !/^\d+$/.test(value.trim())) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) return fallback;
  return n === 0 && !allowZero ? fallback : n;
}

/** Reads `limit` and `offset` from the request's query string. */
export function readPage(c: Context, defaultLimit = DEFAULT_LIMIT): Page {
  return {
    limit: positiveInt(c.req.query("limit"), defaultLimit, false),
    offset: positiveInt(c.req.query("offset"), 0, true),
  };
}

/** The request URL as the client saw it (honours X-Forwarded-Proto, as the original). */
export function absoluteUrl(c: Context): URL {
  const url = new URL(c.req.url);
  const proto = c.req.header("x-forwarded-proto");
  if (proto === "https" || proto === "http") url.protocol = `${proto}:`;
  return url;
}

function withParams(url: URL, set: Record<string, number | null>): string {
  const next = new URL(url);
  for (const [key, value] of Object.entries(set)) {
    if (value === null) next.searchParams.delete(key);
    else next.searchParams.set(key, String(value));
  }
  return next.toString();
}

/**
 * The total number of rows behind a limit/offset page, counting only when the page
 * cannot tell: a page shorter than its limit ends the list (unless it is empty past the
 * start, which says nothing), so the total is its offset plus its rows. Lists filtered
 * down to a few rows then cost one query instead of two.
 */
export async function totalBehind(
  page: Page,
  rows: number,
  count: () => Promise<number>,
): Promise<number> {
  return rows < page.limit && (rows > 0 || page.offset === 0) ? page.offset + rows : await count();
}

/**
 * One page of a list and the total behind it. The page's keys are cut first and only
 * those rows are rendered: with the rendered document in the same select list as
 * limit/offset, PostgreSQL computes it for every row the offset skips too (a company
 * list at offset 2000 took seconds). The total is counted only when the page cannot
 * tell it (see {@link totalBehind}).
 *
 * `from` is the listed table (and anything `where` reads), `joins` what only the order
 * and `select` read, so the count goes without them. `order` must end in `key`, which
 * makes it total: the page's rows come back in the order that cut them.
 */
export async function listPage<T extends object>(
  sql: Db,
  q: {
    select: Fragment;
    from: Fragment;
    joins?: Fragment;
    key: string;
    where: Fragment;
    order: Fragment;
    page: Page;
    /** Counts through this (e.g. a cached total) when the page cannot tell. */
    count?: (count: () => Promise<number>) => Promise<number>;
  },
): Promise<{ count: number; rows: T[] }> {
  const joins = q.joins ?? sql``;
  const key = sql(q.key);
  const rows = await sql<T[]>`
    select ${q.select} from ${q.from} ${joins}
    where ${key} = any(array(${pageKeys(sql, q)}))
    ${q.order}`;
  const count = await totalBehind(q.page, rows.length, countOf(sql, q, q.count));
  return { count, rows };
}

type PageQuery = Pick<
  Parameters<typeof listPage>[1],
  "from" | "joins" | "key" | "where" | "order" | "page"
>;

const pageKeys = (sql: Db, q: PageQuery) =>
  sql`select ${sql(q.key)} from ${q.from} ${q.joins ?? sql``} ${q.where}
    ${q.order} limit ${q.page.limit} offset ${q.page.offset}`;

/** The count behind a page, through `through` when given (e.g. a cached total). */
function countOf<V>(
  sql: Db,
  q: PageQuery,
  through?: (count: () => Promise<number>, versions: V) => Promise<number>,
  versions?: V,
): () => Promise<number> {
  const countRows = async () => {
    const [{ n }] = await sql<{ n: number }[]>`
      select count(*)::int as n from ${q.from} ${q.where}`;
    return n;
  };
  return through ? () => through(countRows, versions!) : countRows;
}

/**
 * One page of a list's keys (as text, in order) and the total behind it, for lists of
 * cached documents: one statement answering one row (a row per key costs the driver
 * more than the JSON text of them all). With `versions`, the same statement reads the
 * cache versions of the keys' documents and of the keys named
 * (src/core/cache_version.ts), so a page of cached documents is one round trip; the
 * count is given them too.
 */
export async function listKeys(
  sql: Db,
  q: PageQuery & {
    count?: (count: () => Promise<number>, versions?: Map<string, string>) => Promise<number>;
    versions?: PageVersions;
  },
): Promise<{ count: number; keys: string[]; versions?: Map<string, string> }> {
  const k = sql`p.k::text`;
  const version = q.versions ? documentVersion(sql, q.versions.document, k) : sql`null`;
  const [row] = await sql<{ page: string; shared: string | null }[]>`
    select (select coalesce(json_agg(json_build_array(${k}, ${version}) order by p.n), '[]')::text
      from unnest(array(${pageKeys(sql, q)})) with ordinality p(k, n)) as page,
      ${q.versions ? versionsJson(sql, q.versions.keys) : sql`null`} as shared`;
  const page = JSON.parse(row.page) as [string, string | null][];
  let versions: Map<string, string> | undefined;
  if (q.versions) {
    versions = new Map(Object.entries(JSON.parse(row.shared!) as Record<string, string>));
    for (const [key, version] of page) {
      if (version !== null) versions.set(`${q.versions.document}:${key}`, version);
    }
  }
  const keys = page.map(([key]) => key);
  const count = await totalBehind(q.page, keys.length, countOf(sql, q, q.count, versions));
  return { count, keys, versions };
}

/** Wraps one page of rows in DRF's envelope. */
export function paginate<T>(c: Context, page: Page, count: number, results: T[]): Paginated<T> {
  const url = absoluteUrl(c);
  const { limit, offset } = page;
  const next = offset + limit < count ? withParams(url, { limit, offset: offset + limit }) : null;
  const previous = offset <= 0
    ? null
    : offset - limit <= 0
    ? withParams(url, { limit, offset: null })
    : withParams(url, { limit, offset: offset - limit });
  return { count, next, previous, results };
}

/**
 * Page-number pages (`?page=`), used by v4 contacts (300 a page). A malformed page
 * (here) or one past the last (in {@link paginateByNumber}) gives DRF's 404 "Invalid
 * page.". DRF's `page=last` is `last`: page 1 until the count is known, then
 * {@link numberedPage} of {@link lastPageNumber}.
 */
export function readPageNumber(
  c: Context,
  pageSize: number,
): Page & { page: number; last: boolean } {
  const raw = c.req.query("page");
  const page = raw === undefined || raw === "last"
    ? 1
    : /^\s*\+?\d+\s*$/.test(raw)
    ? Number(raw)
    : 0;
  if (page < 1 || !Number.isSafeInteger(page * pageSize)) throw invalidPage();
  return { ...numberedPage(page, pageSize), last: raw === "last" };
}

/** Page `page` of `pageSize` rows. */
export function numberedPage(page: number, pageSize: number): Page & { page: number } {
  return { page, limit: pageSize, offset: (page - 1) * pageSize };
}

/** The number of the last page of `count` rows (1 for none). */
export const lastPageNumber = (count: number, pageSize: number) =>
  Math.max(1, Math.ceil(count / pageSize));

const invalidPage = () => new ApiError(404, { detail: "Invalid page." });

/** Wraps one numbered page in DRF's envelope; 404 "Invalid page." past the last page. */
export function paginateByNumber<T>(
  c: Context,
  page: { page: number; limit: number },
  count: number,
  results: T[],
): Paginated<T> {
  const url = absoluteUrl(c);
  const pages = lastPageNumber(count, page.limit);
  if (page.page > pages) throw invalidPage();
  const next = page.page < pages ? withParams(url, { page: page.page + 1 }) : null;
  const previous = page.page <= 1
    ? null
    : page.page - 1 === 1
    ? withParams(url, { page: null })
    : withParams(url, { page: page.page - 1 });
  return { count, next, previous, results };
}

/**
 * Schema of the envelope around `item`, for the OpenAPI document; named (a component
 * referenced with `$ref`) when given a `name`, e.g. "PaginatedCompanies".
 */
export function paginatedSchema<T extends z.ZodType>(item: T, name?: string) {
  const envelope = z.object({
    count: z.number().int(),
    next: z.string().nullable(),
    previous: z.string().nullable(),
    results: z.array(item),
  });
  return name ? envelope.openapi(name) : envelope;
}

/**
 * DRF's envelope around results given as JSON texts, as the text before and after them
 * (`{"count":…,"results":[` and `]}`), so documents kept as text are never parsed.
 */
export function envelopeAround(
  c: Context,
  page: Page,
  count: number,
): { head: string; tail: string } {
  const { next, previous } = paginate(c, page, count, []);
  return {
    head: `{"count":${count},"next":${JSON.stringify(next)},"previous":${
      JSON.stringify(previous)
    },"results":[`,
    tail: "]}",
  };
}

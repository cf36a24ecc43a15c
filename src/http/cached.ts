/**
 * Responses served from the process's memory while what they were built from is
 * unchanged (src/core/cache_version.ts, src/core/process_cache.ts), with strong ETags
 * and `If-None-Match` → 304.
 *
 * A domain declares a {@link CachedDocument} (how to render documents of some ids as
 * JSON text, and which caller-dependent variant a caller sees) and the tables it is
 * built from as `cacheSources` in its manifest; its GET handlers answer with
 * {@link respondDocument} or assemble lists from {@link documentTexts}. Each read checks
 * the versions of the documents it serves (with reference data's and advisers', which
 * every document embeds) in one indexed query, so a write committed by any process is
 * seen by the next read; only what changed is rendered again.
 */
import type { Context, TypedResponse } from "hono";
import type { JSONValue } from "hono/utils/types";
import type { AppEnv } from "./context.ts";
import type { Db } from "../db/pool.ts";
import type { Caller } from "../auth/caller.ts";
import { type PageVersions, readVersions, versionStamp } from "../core/cache_version.ts";
import { type CachedText, etagOf, processCaches, WATCHED } from "../core/process_cache.ts";

export interface CachedDocument {
  /** The cache's name: a document's version key is `<name>:<id>`. */
  name: string;
  /** The caller-dependent variant of the documents (permission-gated keys); `""` if none. */
  variant(caller: Caller): string;
  /** JSON texts of the documents of `ids` that exist, by id. */
  render(db: Db, ids: string[], caller: Caller): Promise<Map<string, string>>;
}

/** Declared on the routes that answer `If-None-Match` with 304. */
export const notModifiedResponse = {
  304: { description: "Not modified: the `If-None-Match` ETag is current (no body)" },
} as const;

/**
 * What the helpers answer: JSON text sent as it is, typed as the JSON response the
 * route declares (its schema is checked against the bodies in tests).
 */
export type JsonText = Response & TypedResponse<JSONValue, 200, "json">;

/**
 * What a list's page statement reads with its ids for `doc` (`listKeys`'s `versions`),
 * and the whole caches of `keys` (e.g. a count's).
 */
export const pageVersions = (doc: CachedDocument, ...keys: string[]): PageVersions => ({
  document: doc.name,
  keys: [...WATCHED, ...keys],
});

/** The cache keys of documents of `ids` and the stamps they are current at. */
interface Stamped {
  keys: string[];
  stamps: string[];
}

/** The stamps of the documents of `ids`, from `read` (versions read with them) or read now. */
async function stampsOf(
  c: Context<AppEnv>,
  doc: CachedDocument,
  ids: string[],
  read?: Map<string, string>,
): Promise<Stamped> {
  const variant = doc.variant(c.var.caller);
  const names = ids.map((id) => `${doc.name}:${id}`);
  const versions = read ?? await readVersions(c.var.db, [...names, ...WATCHED]);
  const shared = versionStamp(versions, [...WATCHED]);
  return {
    keys: names.map((name) => `${name}/${variant}`),
    stamps: names.map((name) => `${versions.get(name) ?? "0"}.${shared}`),
  };
}

/** The documents of `ids` at `stamped`, from the cache, else rendered in one call and cached. */
async function textsAt(
  c: Context<AppEnv>,
  doc: CachedDocument,
  ids: string[],
  { keys, stamps }: Stamped,
): Promise<(CachedText | null)[]> {
  const { texts } = processCaches(c.var.deps);
  const found = keys.map((key, i) => texts.get(key, stamps[i]) ?? null);
  const missing = ids.filter((_, i) => !found[i]);
  if (!missing.length) return found;
  const rendered = await doc.render(c.var.db, [...new Set(missing)], c.var.caller);
  return ids.map((id, i) => {
    if (found[i]) return found[i];
    const json = rendered.get(id);
    if (json === undefined) return null;
    const made: CachedText = { stamp: stamps[i], json };
    texts.set(keys[i], made);
    return made;
  });
}

/**
 * The documents of `ids` (null where none exists), from the cache where still current,
 * else rendered in one call and cached. `read`, versions the caller has read (with the
 * page's ids: {@link pageVersions}), saves reading them again.
 */
export async function documentTexts(
  c: Context<AppEnv>,
  doc: CachedDocument,
  ids: string[],
  read?: Map<string, string>,
): Promise<(CachedText | null)[]> {
  return await textsAt(c, doc, ids, await stampsOf(c, doc, ids, read));
}

/** The document of `id`, or null when there is none. */
export async function documentText(
  c: Context<AppEnv>,
  doc: CachedDocument,
  id: string,
): Promise<CachedText | null> {
  const [text] = await documentTexts(c, doc, [id]);
  return text;
}

/**
 * Text kept under `key` while the watched cache `watched` (reference data) keeps its
 * version: no query at all while current (the version is read at most twice a second
 * per process).
 */
export async function watchedText(
  c: Context<AppEnv>,
  watched: typeof WATCHED[number],
  key: string,
  render: () => Promise<string>,
): Promise<CachedText> {
  const { texts, watch } = processCaches(c.var.deps);
  const stamp = await watch.version(watched);
  const cached = texts.get(key, stamp);
  if (cached) return cached;
  const made: CachedText = { stamp, json: await render() };
  texts.set(key, made);
  return made;
}

/** Whether an `If-None-Match` header names `etag` (or is `*`). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t === etag || t === `W/${etag}`;
  });
}

/** 200 with the text and its ETag, or 304 when the client holds it already. */
export function respondText(c: Context<AppEnv>, text: CachedText): JsonText {
  const etag = etagOf(text);
  if (matches(c.req.header("if-none-match"), etag)) {
    return c.body(null, 304, { ETag: etag }) as unknown as JsonText;
  }
  c.set("cachedBody", text);
  return c.body(text.json, 200, {
    "Content-Type": "application/json",
    ETag: etag,
  }) as unknown as JsonText;
}

/** Documents rendered and sent per batch when a list is long. */
const BATCH = 200;
const encoder = new TextEncoder();

/**
 * A JSON list: `head`, the texts of `ids` (from `texts`, in order, missing ones left
 * out), `tail`. A long list is streamed a batch at a time, so a page of any `?limit=`
 * never sits whole in memory, rendered or as text.
 */
export async function respondList(
  c: Context<AppEnv>,
  around: { head: string; tail: string },
  ids: string[],
  texts: (ids: string[]) => Promise<(string | null)[]>,
): Promise<JsonText> {
  const headers = { "Content-Type": "application/json" };
  const join = (items: (string | null)[]) => items.filter((t) => t !== null).join(",");
  if (ids.length <= BATCH) {
    const json = `${around.head}${join(await texts(ids))}${around.tail}`;
    return c.body(json, 200, headers) as unknown as JsonText;
  }
  let next = 0;
  let first = true;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (next >= ids.length) {
        controller.enqueue(encoder.encode(around.tail));
        controller.close();
        return;
      }
      const batch = join(await texts(ids.slice(next, next + BATCH)));
      next += BATCH;
      const separator = first || !batch ? "" : ",";
      if (batch) first = false;
      controller.enqueue(
        encoder.encode(`${next === BATCH ? around.head : ""}${separator}${batch}`),
      );
    },
  });
  return c.body(stream, 200, headers) as unknown as JsonText;
}

/**
 * A JSON list of cached documents (`head`, the documents of `ids` that exist, `tail`).
 * A page of up to a batch is kept whole while its envelope and every document on it are
 * unchanged (the key names the envelope, the ids and the caller's variant; the stamp
 * is the documents' own), so a repeated page costs the versions' read (none when
 * `versions` were read with the ids) and no look-up of its documents; longer lists are
 * streamed as {@link respondList} does.
 */
export async function respondDocuments(
  c: Context<AppEnv>,
  around: { head: string; tail: string },
  ids: string[],
  doc: CachedDocument,
  versions?: Map<string, string>,
): Promise<JsonText> {
  if (ids.length > BATCH) {
    return await respondList(c, around, ids, (batch) => cachedTexts(c, doc, batch));
  }
  // A document missing from a page was deleted after its version was read, which bumped
  // the version: the page's stamp is its documents' expected ones.
  const stamped = await stampsOf(c, doc, ids, versions);
  const stamp = stamped.stamps.join(",");
  const key = `page:${doc.name}/${doc.variant(c.var.caller)}:${around.head}${ids}${around.tail}`;
  const { texts } = processCaches(c.var.deps);
  let page = texts.get(key, stamp);
  if (!page) {
    const found = await textsAt(c, doc, ids, stamped);
    const items = found.filter((t) => t !== null).map((t) => t.json);
    page = { stamp, json: `${around.head}${items.join(",")}${around.tail}` };
    texts.set(key, page);
  }
  return c.body(page.json, 200, { "Content-Type": "application/json" }) as unknown as JsonText;
}

/** The documents of `ids` as texts in order, from the cache (null where none exists). */
export async function cachedTexts(
  c: Context<AppEnv>,
  doc: CachedDocument,
  ids: string[],
): Promise<(string | null)[]> {
  return (await documentTexts(c, doc, ids)).map((t) => t?.json ?? null);
}

/**
 * A number kept while `key`'s version is unchanged (e.g. a table's row count, keyed by
 * a statement trigger on the table): one indexed read instead of the count, or none
 * when `versions` (read with the page: {@link pageVersions}) holds it.
 */
export async function cachedCount(
  c: Context<AppEnv>,
  key: string,
  count: () => Promise<number>,
  versions?: Map<string, string>,
): Promise<number> {
  const { texts } = processCaches(c.var.deps);
  const stamp = versionStamp(versions ?? await readVersions(c.var.db, [key]), [key]);
  const cached = texts.get(`count:${key}`, stamp);
  if (cached) return Number(cached.json);
  const n = await count();
  texts.set(`count:${key}`, { stamp, json: String(n) });
  return n;
}

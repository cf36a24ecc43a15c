/**
 * What one process (one set of deps) keeps in memory between requests: rendered JSON
 * documents by key, bounded by CACHE_MEMORY_MB and evicted least recently used, and the
 * watch over whole-cache versions (reference data, advisers). Every entry carries the
 * version stamp it was built at (src/core/cache_version.ts); a reader compares it with
 * the current one, so nothing here is ever served stale by design, only evicted.
 */
import type { AppDeps } from "../deps.ts";
import { createHash } from "node:crypto";
import { VersionWatch } from "./cache_version.ts";

/** A rendered JSON text and what it was built from. */
export interface CachedText {
  /** The versions it was built at (`versionStamp`). */
  stamp: string;
  json: string;
  /**
   * Strong ETag of the UTF-8 bytes of `json`, computed when the text is first sent whole
   * (a document only ever listed never needs one): see `etagOf`.
   */
  etag?: string;
  /** Hawk payload hashes of this body, by content type (a response is signed per request). */
  payloadHashes?: Map<string, string>;
}

/** Least-recently-used entries up to a total size (UTF-16 code units, ~bytes for ASCII). */
export class TextCache {
  #entries = new Map<string, CachedText>();
  #size = 0;

  constructor(readonly maxSize: number) {}

  get(key: string, stamp: string): CachedText | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.stamp !== stamp) {
      this.#delete(key, entry);
      return undefined;
    }
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry;
  }

  set(key: string, entry: CachedText): void {
    const cost = entry.json.length + key.length;
    if (cost > this.maxSize / 8) return;
    const old = this.#entries.get(key);
    if (old) this.#delete(key, old);
    this.#entries.set(key, entry);
    this.#size += cost;
    for (const [oldest, value] of this.#entries) {
      if (this.#size <= this.maxSize) break;
      this.#delete(oldest, value);
    }
  }

  #delete(key: string, entry: CachedText) {
    this.#entries.delete(key);
    this.#size -= entry.json.length + key.length;
  }
}

/** Whole caches whose versions every process watches. */
export const WATCHED = ["metadata", "adviser"] as const;
export type WatchedCache = typeof WATCHED[number];

/** How old a watched version may be: a deactivated adviser is refused within this. */
export const WATCH_MAX_AGE_MS = 500;

export interface ProcessCaches {
  texts: TextCache;
  watch: VersionWatch;
}

const caches = new WeakMap<AppDeps, ProcessCaches>();

/** The caches of the process owning `deps` (tests build one per app instance). */
export function processCaches(deps: AppDeps): ProcessCaches {
  let found = caches.get(deps);
  if (!found) {
    found = {
      texts: new TextCache(deps.config.CACHE_MEMORY_MB * 1024 * 1024),
      watch: new VersionWatch(deps.sql, [...WATCHED], WATCH_MAX_AGE_MS),
    };
    caches.set(deps, found);
  }
  return found;
}

/** The strong ETag of a cached text, computed once and kept with it. */
export function etagOf(text: CachedText): string {
  return text.etag ??= strongEtag(text.json);
}

/**
 * A strong ETag: the SHA-256 of the body's UTF-8, base64url, quoted. Hashed in the
 * calling thread (node:crypto): WebCrypto's `digest` hands a document of a few KB to
 * another thread and back, several times the hash's own cost.
 */
export function strongEtag(json: string): string {
  return `"${createHash("sha256").update(json).digest().subarray(0, 18).toString("base64url")}"`;
}

/**
 * Authenticated advisers by bearer token, kept for a minute so a request needs no
 * database round trip to know its caller (the original caches SSO introspection for up
 * to an hour). An entry is dropped as soon as the `adviser` version changes: any write
 * to advisers, their tokens, groups, permissions or teams (the triggers of
 * {@link adviserCacheSources}), which every process notices within
 * `WATCH_MAX_AGE_MS` — so a deactivated adviser is refused within a second. Only
 * successful look-ups are kept: unknown tokens cannot fill the memory.
 */
import type { AppDeps } from "../deps.ts";
import type { CacheSource } from "../core/cache_version.ts";
import type { AuthenticatedAdviser } from "./queries.ts";

/** What an adviser's identity and permission set are read from. */
export const adviserCacheSources: CacheSource[] = [
  "company_advisor",
  "company_advisor_groups",
  "company_advisor_user_permissions",
  "auth_group_permissions",
  "auth_permission",
  "metadata_team",
  "metadata_teamrole_groups",
  "oauth_access_token",
].map((table) => ({ table, cache: "adviser" }));

const TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  found: AuthenticatedAdviser;
  stamp: string;
  /** Epoch ms after which the entry is not used (its TTL, or the token's expiry). */
  until: number;
}

const caches = new WeakMap<AppDeps, Map<string, Entry>>();

function cacheOf(deps: AppDeps): Map<string, Entry> {
  let cache = caches.get(deps);
  if (!cache) caches.set(deps, cache = new Map());
  return cache;
}

/** The adviser cached for `token` at version `stamp`, if still valid. */
export function cachedAdviser(
  deps: AppDeps,
  token: string,
  stamp: string,
): AuthenticatedAdviser | undefined {
  const cache = cacheOf(deps);
  const entry = cache.get(token);
  if (!entry) return undefined;
  if (entry.stamp !== stamp || entry.until <= deps.now().getTime()) {
    cache.delete(token);
    return undefined;
  }
  return entry.found;
}

/** Keeps `found` for `token`, read at version `stamp`, until `expiresOn` at the latest. */
export function cacheAdviser(
  deps: AppDeps,
  token: string,
  stamp: string,
  found: AuthenticatedAdviser,
  expiresOn: Date | null,
): void {
  const cache = cacheOf(deps);
  const ttl = deps.now().getTime() + TTL_MS;
  cache.delete(token);
  cache.set(token, {
    found,
    stamp,
    until: expiresOn ? Math.min(ttl, expiresOn.getTime()) : ttl,
  });
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
}

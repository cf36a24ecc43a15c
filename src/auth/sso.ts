/**
 * Staff SSO token introspection (RFC 7662) with a cache in front, as the original's
 * `datahub/oauth`: a token SSO vouches for is remembered until it expires or for the
 * caching period, whichever is sooner, so SSO is asked at most once per token and
 * period. Every failure (SSO down, slow, odd answers) means "not authenticated", never
 * a server error.
 */
import type { AppDeps } from "../deps.ts";
import { sha256Hex } from "../crypto.ts";
import { withTimeout } from "../redis.ts";
import { errorFields } from "../log.ts";

/** What is remembered about a token SSO vouched for. */
export interface TokenData {
  email: string;
  ssoEmailUserId: string;
  /** Epoch ms until which it may be remembered (the token's exp or the caching period). */
  until?: number;
}

export interface TokenLookup {
  data: TokenData | null;
  /** False when SSO was asked (a real introspection). */
  cached: boolean;
}

interface TokenCache {
  get(token: string): Promise<TokenData | null>;
  set(token: string, data: TokenData, ttlSeconds: number): Promise<void>;
}

/** Keys hold the token's hash, so a Redis dump holds no usable credentials. */
const cacheKey = async (token: string) => `access_token:${await sha256Hex(token)}`;

/** Redis, bounded in time: while it does not answer, a lookup is a miss and a store is skipped. */
function redisCache(deps: AppDeps): TokenCache {
  const redis = deps.redis!;
  const unavailable = (error: unknown) =>
    deps.log.warn("token cache: Redis unavailable", errorFields(error));
  return {
    async get(token) {
      try {
        const value = await withTimeout(redis.get(await cacheKey(token)), "token cache get");
        return value ? JSON.parse(value) as TokenData : null;
      } catch (error) {
        unavailable(error);
        return null;
      }
    },
    async set(token, data, ttlSeconds) {
      try {
        await withTimeout(
          redis.set(await cacheKey(token), JSON.stringify(data), {
            expiration: { type: "EX", value: Math.max(1, Math.floor(ttlSeconds)) },
          }),
          "token cache set",
        );
      } catch (error) {
        unavailable(error);
      }
    },
  };
}

/** One in-process cache per app (keyed by its deps), read against the app's clock. */
const memoryCaches = new WeakMap<AppDeps, TokenCache>();
function memoryCache(deps: AppDeps): TokenCache {
  let cache = memoryCaches.get(deps);
  if (cache) return cache;
  const entries = new Map<string, { data: TokenData; expires: number }>();
  cache = {
    async get(token) {
      const key = await cacheKey(token);
      const entry = entries.get(key);
      if (!entry) return null;
      if (entry.expires <= deps.now().getTime()) {
        entries.delete(key);
        return null;
      }
      return entry.data;
    },
    async set(token, data, ttlSeconds) {
      const now = deps.now().getTime();
      for (const [key, entry] of entries) if (entry.expires <= now) entries.delete(key);
      entries.set(await cacheKey(token), { data, expires: now + ttlSeconds * 1000 });
    },
  };
  memoryCaches.set(deps, cache);
  return cache;
}

const tokenCache = (deps: AppDeps) => deps.redis ? redisCache(deps) : memoryCache(deps);

/** Why an introspection gave no answer usable for authentication (for the log). */
class IntrospectionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "IntrospectionError";
  }
}

interface Introspection {
  active: true;
  username: string;
  email_user_id: string;
  exp: number;
}

/** POSTs the token to `<STAFF_SSO_BASE_URL>o/introspect/`; null when SSO says inactive. */
async function introspect(
  deps: AppDeps,
  token: string,
  trace: Record<string, string>,
): Promise<Introspection | null> {
  const { config } = deps;
  const url = new URL("o/introspect/", config.STAFF_SSO_BASE_URL);
  let response: Response;
  try {
    response = await deps.fetch(url, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${config.STAFF_SSO_AUTH_TOKEN}`,
        Accept: "application/json;q=0.9,*/*;q=0.8",
        "Content-Type": "application/x-www-form-urlencoded",
        ...trace,
      },
      body: new URLSearchParams({ token }),
      signal: AbortSignal.timeout(config.STAFF_SSO_REQUEST_TIMEOUT * 1000),
    });
  } catch (error) {
    throw new IntrospectionError(`request failed: ${(error as Error).message}`, { cause: error });
  }
  if (response.status === 401) {
    await response.body?.cancel();
    return null;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new IntrospectionError(`SSO answered HTTP ${response.status}`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new IntrospectionError("SSO answered with something other than JSON", { cause: error });
  }
  const data = body as Partial<Record<keyof Introspection, unknown>> | null;
  if (!data || typeof data !== "object" || typeof data.active !== "boolean") {
    throw new IntrospectionError("SSO answer has no boolean `active`");
  }
  if (!data.active) return null;
  if (
    typeof data.username !== "string" || typeof data.email_user_id !== "string" ||
    !Number.isInteger(data.exp)
  ) {
    throw new IntrospectionError("SSO answer lacks username, email_user_id or an integer exp");
  }
  return data as unknown as Introspection;
}

/**
 * The data behind a bearer token: from the cache, else from SSO (then cached). Null
 * when SSO does not vouch for the token or cannot be asked; failures are logged.
 */
export async function lookUpToken(
  deps: AppDeps,
  token: string,
  trace: Record<string, string> = {},
): Promise<TokenLookup> {
  const cache = tokenCache(deps);
  const hit = await cache.get(token);
  if (hit) return { data: hit, cached: true };
  let answer: Introspection | null;
  try {
    answer = await introspect(deps, token, trace);
  } catch (error) {
    deps.log.error("SSO introspection request failed", errorFields(error));
    return { data: null, cached: false };
  }
  if (!answer) return { data: null, cached: false };
  const ttl = Math.min(
    answer.exp - deps.now().getTime() / 1000,
    deps.config.STAFF_SSO_USER_TOKEN_CACHING_PERIOD,
  );
  if (ttl <= 0) {
    deps.log.warn("introspected token has an expiry time in the past");
    return { data: null, cached: false };
  }
  const data = {
    email: answer.username,
    ssoEmailUserId: answer.email_user_id,
    until: deps.now().getTime() + ttl * 1000,
  };
  await cache.set(token, data, ttl);
  return { data, cached: false };
}

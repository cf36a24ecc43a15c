/**
 * Authentication middleware a route declares:
 * - `bearer` for advisers: a locally minted token, else (with SSO_ENABLED) Staff SSO
 *   introspection behind a cache;
 * - `hawk(scope)` for machine-to-machine clients: PaaS IP allow-list, then Hawk, then
 *   the client's scopes; responses are signed with `Server-Authorization`;
 * - `hawkOrBearer(scope)`: either of the two (an extension for metadata routes).
 * Messages and `WWW-Authenticate` headers are the original's, so clients react to
 * 401s as before.
 */
import type { Context, MiddlewareHandler, Next } from "hono";
import type { AppEnv } from "../http/context.ts";
import type { AppDeps } from "../deps.ts";
import type { HawkCredential, HawkScope } from "../config.ts";
import { authenticationFailed, notAuthenticated, permissionDenied } from "../http/errors.ts";
import { authenticatedAdviser, claimHawkNonce, recordUserEvent } from "./queries.ts";
import { lookUpToken } from "./sso.ts";
import {
  HawkFail,
  type HawkVerified,
  payloadHash,
  serverAuthorization,
  verifyHawkRequest,
} from "./hawk.ts";
import type { Db } from "../db/pool.ts";
import { withTimeout } from "../redis.ts";
import { errorFields } from "../log.ts";
import { authenticator } from "../http/method_not_allowed.ts";
import { processCaches } from "../core/process_cache.ts";
import { cacheAdviser, cachedAdviser } from "./adviser_cache.ts";

/** The bearer token of the request, or a 401 in the original's wording. */
export function bearerToken(header: string | undefined): string {
  if (!header) throw notAuthenticated();
  const space = header.indexOf(" ");
  const scheme = (space === -1 ? header : header.slice(0, space)).toLowerCase();
  if (scheme !== "bearer") throw authenticationFailed("Incorrect authentication scheme.");
  const token = space === -1 ? "" : header.slice(space + 1).trim();
  if (!token) throw notAuthenticated();
  return token;
}

/** Zipkin trace headers passed on to SSO, as the original's API client does. */
function traceHeaders(c: Context<AppEnv>): Record<string, string> {
  const trace: Record<string, string> = {};
  for (const name of ["x-b3-traceid", "x-b3-spanid"]) {
    const value = c.req.header(name);
    if (value) trace[name] = value;
  }
  return trace;
}

/**
 * The adviser behind a token with their permissions, and whether SSO was really asked
 * (not the cache).
 */
async function adviserForToken(c: Context<AppEnv>, db: Db, token: string) {
  const deps = c.var.deps;
  // The version is read before the adviser, so what is cached is never older than it.
  const stamp = await processCaches(deps).watch.version("adviser");
  const cached = cachedAdviser(deps, token, stamp);
  if (cached) return { found: cached, introspected: false };
  const local = await authenticatedAdviser(db, { token, now: deps.now() });
  if (local || !deps.config.SSO_ENABLED) {
    if (local) cacheAdviser(deps, token, stamp, local, local.expiresOn);
    return { found: local, introspected: false };
  }
  const introspection = await lookUpToken(deps, token, traceHeaders(c));
  const found = introspection.data
    ? await authenticatedAdviser(db, { ssoEmailUserId: introspection.data.ssoEmailUserId })
    : null;
  const until = introspection.data?.until;
  if (found) cacheAdviser(deps, token, stamp, found, until ? new Date(until) : null);
  return { found, introspected: !introspection.cached };
}

/** Authenticates an adviser by bearer token; 401 when missing, unknown, expired or inactive. */
export const bearer: MiddlewareHandler<AppEnv> = authenticator(async (c, next) => {
  const token = bearerToken(c.req.header("authorization"));
  const db = c.var.db;
  const { found, introspected } = await adviserForToken(c, db, token);
  if (!found || !found.adviser.isActive) throw authenticationFailed();
  const { adviser, permissions } = found;
  // Only real introspections are logged, as the original (else every request would be).
  if (introspected) {
    await recordUserEvent(db, {
      adviserId: adviser.id,
      type: "oauth_token_introspection",
      apiUrlPath: c.req.path,
      at: c.var.deps.now(),
    });
  }
  c.set("caller", { kind: "adviser", adviser, permissions });
  await next();
});

/** The challenge Hawk routes answer with: the first authenticator of the original's views. */
const PAAS_CHALLENGE = { "WWW-Authenticate": "PaaS IP" };
const hawkFailed = () =>
  authenticationFailed("Incorrect authentication credentials.", PAAS_CHALLENGE);

/**
 * The original's PaaSIPAuthentication: the second-from-last X-Forwarded-For entry (the
 * client, as the platform router appends two) must be allow-listed. No header means an
 * internal caller and passes.
 */
function checkPaasIp(c: Context<AppEnv>) {
  const { config, log } = c.var.deps;
  if (config.DISABLE_PAAS_IP_CHECK) return;
  const forwarded = c.req.header("x-forwarded-for");
  if (forwarded === undefined) return;
  const entries = forwarded.split(",");
  if (entries.length < 2) {
    log.warn("X-Forwarded-For has too few addresses for external traffic");
    throw hawkFailed();
  }
  const client = entries[entries.length - 2].trim();
  if (!config.PAAS_IP_ALLOWLIST.includes(client)) {
    log.warn("X-Forwarded-For client address is not allow-listed", { address: client });
    throw hawkFailed();
  }
}

/** The URL as the client addressed it: scheme per X-Forwarded-Proto, host and port per Host. */
function signedUrl(c: Context<AppEnv>): URL {
  const url = new URL(c.req.url);
  if (c.req.header("x-forwarded-proto") === "https") url.protocol = "https:";
  const host = c.req.header("host");
  if (host) url.host = host;
  if (!host || !host.includes(":")) url.port = "";
  return url;
}

const NONCE_SECONDS = 60;

/**
 * Remembers a nonce for 60 s (Redis `SET NX EX`, else a table); true when seen before.
 * While Redis does not answer (within a second) the table takes over, so Hawk clients
 * keep working through a Redis outage.
 */
async function seenNonce(deps: AppDeps, db: Db, id: string, nonce: string): Promise<boolean> {
  const key = `hawk:${id}:${nonce}`;
  if (deps.redis) {
    try {
      const set = await withTimeout(
        deps.redis.set(key, "1", {
          condition: "NX",
          expiration: { type: "EX", value: NONCE_SECONDS },
        }),
        "hawk nonce",
      );
      return set === null;
    } catch (error) {
      deps.log.warn("hawk nonce: Redis unavailable, using PostgreSQL", errorFields(error));
    }
  }
  const now = deps.now();
  return !(await claimHawkNonce(db, key, now, new Date(now.getTime() + NONCE_SECONDS * 1000)));
}

const credentialMaps = new WeakMap<readonly HawkCredential[], Map<string, HawkCredential>>();

/** The configured Hawk credentials by id (built once per configuration). */
function credentialsOf(list: readonly HawkCredential[]): Map<string, HawkCredential> {
  let found = credentialMaps.get(list);
  if (!found) credentialMaps.set(list, found = new Map(list.map((k) => [k.id, k])));
  return found;
}

async function verifyHawk(c: Context<AppEnv>): Promise<HawkVerified<HawkCredential>> {
  checkPaasIp(c);
  const authorization = c.req.header("authorization");
  if (authorization === undefined) throw notAuthenticated(PAAS_CHALLENGE);
  const deps = c.var.deps;
  const credentials = credentialsOf(deps.config.hawkCredentials);
  try {
    return await verifyHawkRequest({
      authorization,
      method: c.req.method,
      url: signedUrl(c),
      contentType: c.req.header("content-type") ?? null,
      body: new Uint8Array(await c.req.arrayBuffer()),
    }, {
      lookup: (id) => credentials.get(id),
      seenNonce: (id, nonce) => seenNonce(deps, c.var.db, id, nonce),
      now: deps.now(),
    });
  } catch (error) {
    if (!(error instanceof HawkFail)) throw error;
    deps.log.warn("failed Hawk authentication", { error: error.message });
    throw hawkFailed();
  }
}

/**
 * The payload hash of the response: of a body served from the cache, computed once per
 * body and content type and kept with it; else read from a clone of the response.
 */
async function responseHash(c: Context<AppEnv>): Promise<string> {
  const res = c.res;
  const contentType = res.headers.get("content-type");
  const cached = res.status === 200 ? c.var.cachedBody : undefined;
  if (cached) {
    const hashes = cached.payloadHashes ??= new Map();
    let hash = hashes.get(contentType ?? "");
    if (!hash) {
      hash = await payloadHash(new TextEncoder().encode(cached.json), contentType);
      hashes.set(contentType ?? "", hash);
    }
    return hash;
  }
  return await payloadHash(new Uint8Array(await res.clone().arrayBuffer()), contentType);
}

async function sign(c: Context<AppEnv>, verified: HawkVerified<HawkCredential>) {
  const header = serverAuthorization(verified, await responseHash(c));
  c.res.headers.set("Server-Authorization", header);
}

async function hawkFlow(c: Context<AppEnv>, next: Next, scope: HawkScope) {
  const verified = await verifyHawk(c);
  c.set("caller", { kind: "hawk", credential: verified.credential });
  if (verified.credential.scopes.includes(scope)) {
    await next();
  } else {
    const denied = permissionDenied();
    c.res = c.json(denied.body as object, 403);
  }
  await sign(c, verified);
}

/** Hawk with `scope` (403, signed, when the client lacks it); responses are signed. */
export const hawk = (scope: HawkScope): MiddlewareHandler<AppEnv> =>
  authenticator((c, next) => hawkFlow(c, next, scope));

/**
 * Hawk with `scope`, or any valid adviser bearer token (an extension: lets signed-in
 * users read what M2M clients read). The Authorization scheme picks the path.
 */
export const hawkOrBearer = (scope: HawkScope): MiddlewareHandler<AppEnv> =>
  authenticator((c, next) => {
    const scheme = c.req.header("authorization")?.split(" ", 1)[0].toLowerCase();
    return scheme === "hawk" ? hawkFlow(c, next, scope) : bearer(c, next);
  });

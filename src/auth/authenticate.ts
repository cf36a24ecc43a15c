/**
 * Authentication middleware a route declares: `bearer` for advisers (local tokens, then
 * Staff SSO introspection when enabled). Messages and the `WWW-Authenticate` header are
 * the original's, so clients react to 401s as before.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/context.ts";
import { authenticationFailed, notAuthenticated } from "../http/errors.ts";
import { findAdviserByLocalToken, permissionsOf } from "./queries.ts";

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

/** Authenticates an adviser by bearer token; 401 when missing, unknown, expired or inactive. */
export const bearer: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = bearerToken(c.req.header("authorization"));
  const db = c.var.db;
  const adviser = await findAdviserByLocalToken(db, token, c.var.deps.now());
  if (!adviser || !adviser.isActive) throw authenticationFailed();
  c.set("caller", { kind: "adviser", adviser, permissions: await permissionsOf(db, adviser.id) });
  await next();
};

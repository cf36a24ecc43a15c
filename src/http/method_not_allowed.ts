/**
 * DRF authenticates a request before it dispatches on the method, so a method a route does
 * not allow is a 401 for a caller without valid credentials and a 405 only for an
 * authenticated one. Routes' authentication middleware is marked here (src/auth marks
 * its authenticators) and run in front of the 405.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { App, AppEnv } from "./context.ts";
import { methodNotAllowed } from "./errors.ts";

const authenticators = new WeakSet<MiddlewareHandler<AppEnv>>();

/** Marks `middleware` as a route's authentication. */
export function authenticator(middleware: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> {
  authenticators.add(middleware);
  return middleware;
}

/** Hono path pattern (`/v4/company/:id`) → a regex over concrete paths. */
function patternToRegex(path: string): RegExp {
  const body = path
    .split("/")
    .map((part) =>
      part.startsWith(":")
        ? "[^/]+"
        : part === "*"
        ? ".*"
        : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    )
    .join("/");
  return new RegExp(`^${body}$`);
}

/**
 * For the app's registered routes: the 405 for a known path with another method (after
 * the path's authentication), or null when no route has the path.
 */
export function methodNotAllowedHandler(app: App) {
  const routes = app.routes
    .filter((r) => r.method !== "ALL")
    .map((r) => ({
      method: r.method,
      regex: patternToRegex(r.path),
      authenticate: authenticators.has(r.handler as MiddlewareHandler<AppEnv>)
        ? r.handler as MiddlewareHandler<AppEnv>
        : undefined,
    }));
  return async (c: Context<AppEnv>): Promise<Response | null> => {
    const path = c.req.path;
    const allowed = [...new Set(routes.filter((r) => r.regex.test(path)).map((r) => r.method))];
    if (!allowed.length || allowed.includes(c.req.method)) return null;
    const error = methodNotAllowed(c.req.method, allowed);
    const respond = () => c.json(error.body as object, 405, error.headers);
    const authenticate = routes.find((r) => r.authenticate && r.regex.test(path))?.authenticate;
    if (!authenticate) return respond();
    const res = await authenticate(c, () => {
      c.res = respond();
      return Promise.resolve();
    });
    return res ?? c.res;
  };
}

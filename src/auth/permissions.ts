/**
 * Route permissions, Django-style (`app_label.codename`). `crud` picks the codename by
 * HTTP method as DRF's DjangoCrudPermission does (GET view_, POST add_, PATCH/PUT
 * change_, DELETE delete_). Checked before any object is loaded, so a caller without the
 * permission gets 403 even for ids that do not exist.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/context.ts";
import { hasPermission } from "./caller.ts";
import { notAuthenticated, permissionDenied } from "../http/errors.ts";

const ACTION_BY_METHOD: Record<string, string> = {
  GET: "view",
  HEAD: "view",
  POST: "add",
  PUT: "change",
  PATCH: "change",
  DELETE: "delete",
};

function guard(
  required: (method: string) => string[],
  mode: "all" | "any",
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const caller = c.var.caller;
    if (caller.kind !== "adviser") throw notAuthenticated();
    const needed = required(c.req.method);
    const ok = mode === "all"
      ? needed.every((p) => hasPermission(caller, p))
      : needed.some((p) => hasPermission(caller, p));
    if (!ok) throw permissionDenied();
    await next();
  };
}

/** Needs every listed permission (DRF `HasPermissions`). */
export const requireAll = (...permissions: string[]) => guard(() => permissions, "all");

/** Needs at least one of the listed permissions (action-based permission classes). */
export const requireAny = (...permissions: string[]) => guard(() => permissions, "any");

/** Method-based model permission, e.g. `crud("company.company")` → `company.view_company` on GET. */
export const crud = (model: `${string}.${string}`) => {
  const [app, name] = model.split(".");
  return guard((method) => {
    const action = ACTION_BY_METHOD[method];
    return action ? [`${app}.${action}_${name}`] : [];
  }, "all");
};

/**
 * Who may touch which investment projects (the original's InvestmentProjectModelPermissions
 * and IsAssociatedToInvestmentProject* classes). View and change pass with either the
 * `*_all_*` or the `*_associated_*` codename (change also with change_stage_to_won);
 * holders of only the associated one are limited to projects associated with their team
 * (creator, client relationship manager, project manager, assurance adviser or a team
 * member in it): lists are filtered, other projects answer 403.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/context.ts";
import type { Caller } from "../auth/caller.ts";
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";
import { requireAny } from "../auth/permissions.ts";
import {
  type RecordScope,
  recordScope,
  requireInScope,
  scopeCondition,
  type ScopePermissions,
} from "../auth/scoping.ts";
import { hasPermission } from "../auth/caller.ts";
import { ApiError, notAuthenticated, permissionDenied } from "../http/errors.ts";
import { associatedWithTeam, projectAssociated, projectExists } from "./queries.ts";

export type Action = "view" | "add" | "change";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const codenames = (action: "view" | "change") => ({
  all: `investment.${action}_all_investmentproject`,
  associated: `investment.${action}_associated_investmentproject`,
});

/** The route guard of an action. */
export function projectPermission(action: Action) {
  if (action === "add") return requireAny("investment.add_investmentproject");
  const { all, associated } = codenames(action);
  return action === "change"
    ? requireAny(all, associated, "investment.change_stage_to_won_investmentproject")
    : requireAny(all, associated);
}

export const projectScope = (caller: Caller, action: "view" | "change"): RecordScope =>
  recordScope(caller, codenames(action));

/** The caller's view scope as a condition on the project aliased `alias`. */
export const projectScopeCondition = (db: Db, caller: Caller, alias: string): Fragment =>
  scopeCondition(
    db,
    projectScope(caller, "view"),
    (teamId) => associatedWithTeam(db, alias, teamId),
  );

const noSuchProject = () =>
  new ApiError(404, { detail: "Specified investment project does not exist" });

/** 403 for a restricted caller on an existing project not associated with their team. */
async function checkProject(db: Db, caller: Caller, action: "view" | "change", id: string) {
  const scope = projectScope(caller, action);
  if (scope.kind === "all" || !UUID_RE.test(id) || !await projectExists(db, id)) return;
  await requireInScope(scope, (teamId) => projectAssociated(db, id, teamId));
}

/** Item routes of a project (`{id}`): unknown ids are left to the handler's 404. */
export const projectObjectScope =
  (action: "view" | "change"): MiddlewareHandler<AppEnv> => async (c, next) => {
    await checkProject(c.var.db, c.var.caller, action, c.req.param("id") ?? "");
    await next();
  };

/**
 * Team member routes (`{project_pk}`): the association check, then the original's 404
 * for a project that does not exist.
 */
export const teamObjectScope =
  (action: "view" | "change"): MiddlewareHandler<AppEnv> => async (c, next) => {
    const id = c.req.param("project_pk") ?? "";
    await checkProject(c.var.db, c.var.caller, action, id);
    if (!UUID_RE.test(id) || !await projectExists(c.var.db, id)) throw noSuchProject();
    await next();
  };

/**
 * Routes of a model under `/v3/investment/{project_pk}/…` (propositions, evidence and
 * proposition documents), as the original's `*ModelPermissions` with
 * `IsAssociatedToInvestmentProject*Permission`: either codename of the request's action
 * (403 without), then for holders of only the associated one the project must be
 * associated with their team (403), then the original's 404 for a project that does not
 * exist.
 */
export const underProject =
  (codenames: (c: Context<AppEnv>) => ScopePermissions): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const caller = c.var.caller;
    if (caller.kind !== "adviser") throw notAuthenticated();
    const permissions = codenames(c);
    if (!hasPermission(caller, permissions.all) && !hasPermission(caller, permissions.associated)) {
      throw permissionDenied();
    }
    const id = c.req.param("project_pk") ?? "";
    const db = c.var.db;
    if (!UUID_RE.test(id) || !await projectExists(db, id)) throw noSuchProject();
    await requireInScope(
      recordScope(caller, permissions),
      (teamId) => projectAssociated(db, id, teamId),
    );
    await next();
  };

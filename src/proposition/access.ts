/**
 * Who may touch propositions (the original's PropositionModelPermissions and
 * IsAssociatedToInvestmentProjectPropositionPermission): any one of
 * `proposition.<action>_all_proposition` or `…_associated_proposition`; holders of only the
 * associated one act only on propositions of projects associated with their team (403
 * otherwise, lists included). Routes under a project then 404 when it does not exist.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/context.ts";
import { requireAny } from "../auth/permissions.ts";
import { recordScope, requireInScope } from "../auth/scoping.ts";
import { ApiError } from "../http/errors.ts";
import { projectAssociated, projectExists } from "../investment/queries.ts";

type Action = "view" | "add" | "change";

const codenames = (action: Action) => ({
  all: `proposition.${action}_all_proposition`,
  associated: `proposition.${action}_associated_proposition`,
});

export const propositionPermission = (action: Action) => {
  const { all, associated } = codenames(action);
  return requireAny(all, associated);
};

export const propositionProjectScope =
  (action: Action): MiddlewareHandler<AppEnv> => async (c, next) => {
    const projectId = c.req.param("project_pk") ?? "";
    const db = c.var.db;
    const exists = /^[0-9a-f-]{36}$/i.test(projectId) && await projectExists(db, projectId);
    const scope = recordScope(c.var.caller, codenames(action));
    if (exists && scope.kind !== "all") {
      await requireInScope(scope, (teamId) => projectAssociated(db, projectId, teamId));
    }
    if (!exists) {
      throw new ApiError(404, { detail: "Specified investment project does not exist" });
    }
    await next();
  };

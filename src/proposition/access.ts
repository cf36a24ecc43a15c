/**
 * Who may touch propositions and their documents (the original's
 * PropositionModelPermissions, PropositionDocumentModelPermissions and their
 * IsAssociatedToInvestmentProject* classes): any one of `proposition.<action>_all_<model>`
 * or `…_associated_<model>`; holders of only the associated one act only under projects
 * associated with their team (403 otherwise, lists included). Routes under a project then
 * 404 when it does not exist, document routes also when the proposition is not the
 * project's.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/context.ts";
import { requireAny } from "../auth/permissions.ts";
import { ApiError } from "../http/errors.ts";
import { isUuid } from "../http/drf.ts";
import { entityDocumentAction } from "../documents/entity.ts";
import { underProject } from "../investment/access.ts";
import { propositionOfProject } from "./queries.ts";

type Action = "view" | "add" | "change";

const codenames = (action: string, model: string) => ({
  all: `proposition.${action}_all_${model}`,
  associated: `proposition.${action}_associated_${model}`,
});

/** The flat `/v4/proposition` list: either view codename, no project to scope by. */
export const propositionPermission = (action: Action) => {
  const { all, associated } = codenames(action, "proposition");
  return requireAny(all, associated);
};

/** Proposition routes under a project. */
export const propositionProjectScope = (action: Action) =>
  underProject(() => codenames(action, "proposition"));

/** Proposition document routes: the action by route, then the proposition of the project. */
export const propositionDocumentScope: MiddlewareHandler<AppEnv>[] = [
  underProject((c) =>
    codenames(entityDocumentAction(c.req.method, c.req.path), "propositiondocument")
  ),
  async (c, next) => {
    const id = c.req.param("proposition_pk") ?? "";
    const projectId = c.req.param("project_pk") ?? "";
    if (!isUuid(id) || !await propositionOfProject(c.var.db, id, projectId)) {
      throw new ApiError(404, { detail: "Specified proposition does not exist" });
    }
    await next();
  },
];

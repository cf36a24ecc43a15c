/**
 * Who may touch which interactions (the original's InteractionModelPermissions and
 * IsAssociatedToInvestmentProjectInteraction* classes). Any one of the `*_all_*` or
 * `*_associated_investmentproject_*` codenames passes the route; holders of only the
 * associated one are limited to interactions of investment projects associated with
 * their team (src/investment: creator, managers, assurance adviser or a team member in
 * it); an interaction without a project is never associated.
 */
import { isUuid } from "../http/drf.ts";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/context.ts";
import type { Caller } from "../auth/caller.ts";
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";
import { requireAny } from "../auth/permissions.ts";
import { type RecordScope, recordScope, requireInScope } from "../auth/scoping.ts";
import { associatedWithTeam as projectAssociatedWithTeam } from "../investment/queries.ts";
import { interactionExists } from "./queries.ts";

export type Action = "view" | "add" | "change";

const codenames = (action: Action) => ({
  all: `interaction.${action}_all_interaction`,
  associated: `interaction.${action}_associated_investmentproject_interaction`,
});

/** The route guard: any one of the action's two codenames. */
export const interactionPermission = (action: Action) => {
  const { all, associated } = codenames(action);
  return requireAny(all, associated);
};

export const interactionScope = (caller: Caller, action: Action): RecordScope =>
  recordScope(caller, codenames(action));

/** Association of the interaction aliased `i` with a team, through its investment project. */
export const associatedWithTeam = (sql: Db, teamId: string): Fragment =>
  sql`exists (select 1 from investment_investmentproject ip
    where ip.id = i.investment_project_id and ${projectAssociatedWithTeam(sql, "ip", teamId)})`;

/** Whether the interaction's project is associated with the team. */
async function interactionAssociated(db: Db, id: string, teamId: string): Promise<boolean> {
  const rows = await db`select 1 from interaction_interaction i
    where i.id = ${id} and ${associatedWithTeam(db, teamId)}`;
  return rows.length > 0;
}

/**
 * For item routes: a restricted caller gets 403 on an existing interaction that is not
 * associated with their team; an unknown id is left to the handler's 404.
 */
export const interactionObjectScope =
  (action: Action): MiddlewareHandler<AppEnv> => async (c, next) => {
    const scope = interactionScope(c.var.caller, action);
    const id = c.req.param("id");
    if (scope.kind !== "all" && id && isUuid(id) && await interactionExists(c.var.db, id)) {
      await requireInScope(scope, (teamId) => interactionAssociated(c.var.db, id, teamId));
    }
    await next();
  };

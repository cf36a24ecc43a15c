/**
 * Who may touch which interactions (the original's InteractionModelPermissions and
 * IsAssociatedToInvestmentProjectInteraction* classes). Any one of the `*_all_*` or
 * `*_associated_investmentproject_*` codenames passes the route; holders of only the
 * associated one are limited to interactions of investment projects associated with
 * their team. Investment projects do not exist yet, so no interaction is associated:
 * such callers list nothing, get 403 on existing interactions and cannot create.
 */
import { isUuid } from "../http/drf.ts";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/context.ts";
import type { Caller } from "../auth/caller.ts";
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";
import { requireAny } from "../auth/permissions.ts";
import { type RecordScope, recordScope, requireInScope } from "../auth/scoping.ts";
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

/**
 * Association of the interaction aliased `i` with a team: through its investment
 * project, of which none exists yet (an interaction without one is never associated).
 * The investment domain replaces this with its project-association condition.
 */
export const associatedWithTeam = (sql: Db, _teamId: string): Fragment => sql`false`;

/**
 * For item routes: a restricted caller gets 403 on an existing interaction that is not
 * associated with their team; an unknown id is left to the handler's 404.
 */
export const interactionObjectScope =
  (action: Action): MiddlewareHandler<AppEnv> => async (c, next) => {
    const scope = interactionScope(c.var.caller, action);
    const id = c.req.param("id");
    if (scope.kind !== "all" && id && isUuid(id) && await interactionExists(c.var.db, id)) {
      // No interaction can be associated until investment projects exist.
      await requireInScope(scope, () => false);
    }
    await next();
  };

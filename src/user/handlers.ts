/** The current user's own record. */
import type { App, Handler } from "../http/context.ts";
import { whoAmIRoute } from "./routes.ts";
import { whoAmI } from "./queries.ts";
import { activeFeaturesOf } from "../feature_flag/queries.ts";
import { notAuthenticated } from "../http/errors.ts";

export const whoAmIHandler: Handler<typeof whoAmIRoute> = async (c) => {
  const caller = c.var.caller;
  if (caller.kind !== "adviser") throw notAuthenticated();
  const db = c.var.db;
  const row = await whoAmI(db, caller.adviser.id);
  if (!row) throw notAuthenticated();
  const features = await activeFeaturesOf(db, caller.adviser.id);
  return c.json({
    ...row,
    permissions: [...caller.permissions].sort(),
    active_features: features.features,
    active_feature_groups: features.groups,
  }, 200);
};

export function registerUserRoutes(app: App) {
  app.openapi(whoAmIRoute, whoAmIHandler);
}

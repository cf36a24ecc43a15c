/** Feature flag routes. */
import type { App, Handler } from "../http/context.ts";
import { listFlags } from "./routes.ts";
import { listFeatureFlags } from "./queries.ts";

export const featureFlagList: Handler<typeof listFlags> = async (c) =>
  c.json(await listFeatureFlags(c.var.db), 200);

export function registerFeatureFlagRoutes(app: App) {
  app.openapi(listFlags, featureFlagList);
}

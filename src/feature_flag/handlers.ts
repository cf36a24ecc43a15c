/** Feature flag routes. */
import type { App } from "../http/context.ts";
import { listFlags } from "./routes.ts";
import { listFeatureFlags } from "./queries.ts";

export function registerFeatureFlagRoutes(app: App) {
  app.openapi(listFlags, async (c) => c.json(await listFeatureFlags(c.var.db), 200));
}

/** Feature flag routes. */
import type { App, Domain } from "../http/context.ts";
import { listFlags } from "./routes.ts";
import { listFeatureFlags } from "./queries.ts";

function register(app: App) {
  app.openapi(listFlags, async (c) => c.json(await listFeatureFlags(c.var.db), 200));
}

export const featureFlagDomain: Domain = { name: "feature_flag", register };

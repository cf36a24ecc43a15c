/** Feature flags' manifest: `/v3/feature-flag`. */
import type { Domain } from "../manifest.ts";
import { registerFeatureFlagRoutes } from "./handlers.ts";

export const featureFlagDomain: Domain = {
  name: "feature_flag",
  register: registerFeatureFlagRoutes,
};

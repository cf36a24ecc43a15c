/** `GET /v3/feature-flag`: every global feature flag, unpaginated. */
import { createRoute, z } from "@hono/zod-openapi";
import { bearer } from "../auth/authenticate.ts";

export const FeatureFlag = z.object({ code: z.string(), is_active: z.boolean() })
  .openapi("FeatureFlag");

export const listFlags = createRoute({
  method: "get",
  path: "/v3/feature-flag",
  tags: ["feature flags"],
  summary: "All global feature flags (any authenticated adviser)",
  middleware: [bearer],
  security: [{ bearer: [] }],
  responses: {
    200: {
      description: "Flags by code",
      content: { "application/json": { schema: z.array(FeatureFlag) } },
    },
  },
});

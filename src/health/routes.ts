/** `GET /pingdom/ping.xml`: the original's health check (the database answers). */
import { createRoute, z } from "@hono/zod-openapi";

export const ping = createRoute({
  method: "get",
  path: "/pingdom/ping.xml",
  tags: ["health"],
  summary: "Health check for Pingdom (checks the database)",
  responses: {
    200: { description: "All checks passed", content: { "text/xml": { schema: z.string() } } },
    500: {
      description: "A check failed; an XML comment names it",
      content: { "text/xml": { schema: z.string() } },
    },
  },
});

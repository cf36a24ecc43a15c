/**
 * The route of one feed: `GET /v3/activity-stream/<path>`, Hawk with scope
 * `activity_stream` (signed); an Activity Streams 2.0 `OrderedCollectionPage`.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { hawk } from "../auth/authenticate.ts";
import { jsonResponse } from "../http/schemas.ts";
import type { ActivityFeed } from "./feed.ts";

const detail = z.object({ detail: z.string() });

/** One activity: an id, a type, and the object it is about (shapes vary by feed). */
export const activityItem = z.looseObject({
  id: z.string(),
  type: z.string(),
  object: z.looseObject({ id: z.string() }),
});

export const activityPage = z.object({
  "@context": z.literal("https://www.w3.org/ns/activitystreams"),
  summary: z.string(),
  type: z.literal("OrderedCollectionPage"),
  orderedItems: z.array(activityItem),
  next: z.string().nullable(),
});

export function feedRoute(feed: ActivityFeed) {
  return createRoute({
    method: "get",
    path: `/v3/activity-stream/${feed.path}`,
    tags: ["activity-stream"],
    summary: feed.summary,
    middleware: [hawk("activity_stream")] as const,
    security: [{ hawk: [] }],
    request: {
      query: z.object({
        cursor: z.union([z.string(), z.array(z.string())]).optional().openapi({
          description: "Twice: the last item's modified_on and id, from the previous `next`",
        }),
      }),
    },
    responses: {
      200: jsonResponse("A page of activities (the last page is empty)", activityPage),
      400: jsonResponse("A malformed cursor", detail),
      401: jsonResponse("Missing, invalid, stale or replayed Hawk credentials", detail),
      403: jsonResponse("The client lacks the activity_stream scope", detail),
    },
  });
}

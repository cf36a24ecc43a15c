/**
 * `GET /v4/activity-feed` (datahub/activity_feed): the caller's OpenSearch query passed to
 * the Activity Stream and its answer passed back as it is. `POST` carries the same query
 * for clients whose HTTP stack cannot send a body on a GET.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { bearer } from "../auth/authenticate.ts";
import { readOnly } from "../http/transaction.ts";
import { detailSchema } from "../http/contract.ts";

/** Whatever the Activity Stream answers (OpenSearch's search response, or its error). */
const upstreamBody = z.record(z.string(), z.unknown()).openapi("ActivityFeedResponse");
const upstream = (description: string) => ({
  description,
  content: { "application/json": { schema: upstreamBody } },
});

const feedRoute = (method: "get" | "post") =>
  createRoute({
    method,
    path: "/v4/activity-feed",
    tags: ["activity feed"],
    summary: method === "get"
      ? "The Activity Stream's search for the JSON query in the body (Content-Type must be application/json)"
      : "As the GET, for clients that cannot send a body on a GET",
    middleware: [readOnly, bearer] as const,
    // The body is passed on as it is, never parsed: no request schema.
    responses: {
      200: upstream(
        "The Activity Stream's answer; `{hits: {total: 0, hits: []}}` without the permissions",
      ),
      400: upstream("The Activity Stream refused the query"),
      406: {
        description: "The request's content type is not application/json",
        content: { "text/html": { schema: z.string() } },
      },
      500: upstream("The Activity Stream failed (or this API did: `{detail}`)"),
      502: {
        description: "The Activity Stream could not be reached",
        content: { "application/json": { schema: detailSchema } },
      },
    },
  });

export const getFeed = feedRoute("get");
export const postFeed = feedRoute("post");

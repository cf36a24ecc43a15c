/**
 * The route of one dataset: `GET /v4/dataset/<name>`, Hawk with scope `datasets`
 * (signed), `?cursor=`, `?page_size=` (100 by default, at most 10,000) and, where the
 * original has it, `?updated_since=<date>`; envelope `{next, previous, results}`.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { hawk } from "../auth/authenticate.ts";
import { jsonResponse } from "../http/schemas.ts";
import type { Dataset } from "./dataset.ts";

const detail = z.object({ detail: z.string() });

export function datasetRoute(dataset: Dataset) {
  const query = z.object({
    cursor: z.string().optional().openapi({ description: "From the previous page's links" }),
    page_size: z.string().optional().openapi({
      description: "Rows a page (default 100, max 10000)",
    }),
    ...(dataset.updatedSince
      ? {
        updated_since: z.string().optional().openapi({
          description: "Only rows modified after this date (YYYY-MM-DD)",
        }),
      }
      : {}),
    ...Object.fromEntries(
      Object.entries(dataset.params ?? {}).map(([name, description]) => [
        name,
        z.string().optional().openapi({ description }),
      ]),
    ),
  });
  return createRoute({
    method: "get",
    path: `/v4/dataset/${dataset.name}`,
    tags: ["dataset"],
    summary: dataset.summary,
    middleware: [hawk("datasets")] as const,
    security: [{ hawk: [] }],
    request: { query },
    responses: {
      200: jsonResponse(
        "A page of rows",
        z.object({
          next: z.string().nullable(),
          previous: z.string().nullable(),
          results: z.array(dataset.row),
        }),
      ),
      400: jsonResponse(
        "A malformed cursor, an updated_since that is not a date, or a bad parameter",
        z.union([detail, z.array(z.string()), z.record(z.string(), z.array(z.string()))]),
      ),
      401: jsonResponse("Missing, invalid, stale or replayed Hawk credentials", detail),
      403: jsonResponse("The client lacks the datasets scope", detail),
    },
  });
}

/**
 * One `GET /v4/metadata/<id>` route per registry entry, with its query parameters and
 * the shape of its rows, so every list appears in the OpenAPI document.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { hawkOrBearer } from "../auth/authenticate.ts";
import type { ColumnType, Field, Filter, MetadataEndpoint } from "./registry.ts";
import { filterMessages, isValidFilterValue } from "./filters.ts";
import { notModifiedResponse } from "../http/cached.ts";

/**
 * Who may read metadata: the original serves it to Hawk clients with the `metadata`
 * scope; any valid bearer token is accepted too. No permission beyond that.
 */
export const metadataAuth = hawkOrBearer("metadata");
/** The OpenAPI security schemes `metadataAuth` accepts. */
const metadataSecurity: Record<string, string[]>[] = [{ hawk: [] }, { bearer: [] }];

const columnSchemas: Record<ColumnType | "strings", () => z.ZodType> = {
  string: () => z.string(),
  uuid: () => z.guid(),
  integer: () => z.int(),
  number: () => z.number(),
  boolean: () => z.boolean(),
  datetime: () => z.string().nullable(),
  strings: () => z.array(z.string()),
};

const related = z.object({ id: z.guid(), name: z.string() }).nullable();

const disableable = { disabled_on: z.string().nullable(), id: z.guid(), name: z.string() };
const serviceQuestion = z.object({
  ...disableable,
  answer_options: z.array(z.object(disableable)),
});

function fieldSchema(field: Field): z.ZodType {
  switch (field.kind) {
    case "column":
      return columnSchemas[field.type]();
    case "nested":
      return related;
    case "lookup":
      return z.string();
    case "serviceQuestions":
      return z.array(serviceQuestion);
    case "null":
      return z.null();
  }
}

const filterDescriptions: Record<Filter["kind"], string> = {
  boolean: "true or false (other values are ignored)",
  choice: "id of the related row",
  number: "a number",
  uuid: "exact id",
  overlap: "comma-separated values; rows having any of them",
  autocomplete: "words that must each start a word of the name (case-insensitive)",
};

const invalidMessage: Partial<Record<Filter["kind"], string>> = {
  choice: filterMessages.choice,
  uuid: filterMessages.uuid,
  number: filterMessages.number,
};

/** A repeated parameter counts once, with its last value (as Django's QueryDict.get). */
const lastValue = (value: unknown) => Array.isArray(value) ? value.at(-1) : value;

/** The query parameters of a list: each optional, validated with django-filter's message. */
function querySchema(
  filters: Filter[],
): z.ZodObject<Record<string, z.ZodType<string | undefined>>> {
  return z.object(Object.fromEntries(filters.map((filter) => [
    filter.param,
    z.preprocess(
      lastValue,
      z.string().refine((raw) => isValidFilterValue(filter.kind, raw), {
        message: invalidMessage[filter.kind],
      }).optional(),
    ).openapi({
      param: { name: filter.param, in: "query" },
      description: filterDescriptions[filter.kind],
    }),
  ])));
}

export function listRoute(endpoint: MetadataEndpoint) {
  const row = z.object(
    Object.fromEntries(endpoint.fields.map((field) => [field.key, fieldSchema(field)])),
  );
  return createRoute({
    method: "get",
    path: `/v4/metadata/${endpoint.id}`,
    tags: ["metadata"],
    summary: `List ${endpoint.id} (reference data, unpaginated)`,
    middleware: [metadataAuth] as const,
    security: metadataSecurity,
    request: { query: querySchema(endpoint.filters) },
    responses: {
      200: {
        description: "Every row, in the original's default order",
        content: { "application/json": { schema: z.array(row) } },
      },
      ...(endpoint.filters.length
        ? { 400: { description: "A filter value is not valid: `{param: [message]}`" } }
        : {}),
      401: { description: "No or invalid credentials" },
      ...notModifiedResponse,
    },
  });
}

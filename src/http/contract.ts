/**
 * The response contract: DRF's error bodies declared on every operation, and a check of
 * a response against the operation the OpenAPI document declares for its method and
 * path. The test suite runs the check on every response (tests/helpers/app.ts), so a
 * handler and its declared schema cannot drift apart.
 */
import { z } from "@hono/zod-openapi";
import type { RouteConfig } from "@hono/zod-openapi";
import type { App } from "./context.ts";

/** `{"detail": "..."}`: DRF's body for 401, 403, 404, 405, 415 and 5xx. */
export const detailSchema = z.object({ detail: z.string() }).openapi("Detail");

/**
 * DRF's 400 body: field → messages; nested serializers nest, lists of objects give one
 * entry per item, lists of values index keys (`non_field_errors` for cross-field ones).
 * A malformed JSON body gives `{"detail": ...}` instead.
 */
const fieldErrorsObject = z.record(
  z.string(),
  z.union([
    z.string(),
    z.array(z.union([z.string(), z.record(z.string(), z.unknown())])),
    z.record(z.string(), z.unknown()),
  ]),
);

/**
 * DRF's 400 body: an object of field errors, or (a list serializer's, e.g. a PUT of a
 * whole team) one such object per item.
 */
export const fieldErrorsSchema = z.union([fieldErrorsObject, z.array(fieldErrorsObject)])
  .openapi("FieldErrors", {
    description: 'DRF validation errors, e.g. {"name": ["This field is required."]}',
  });

const error = (description: string, schema: z.ZodType = detailSchema) => ({
  description,
  content: { "application/json": { schema } },
});

/** The error responses every operation may give, as DRF gives them. */
const STANDARD_ERRORS = {
  400: error("Invalid input (DRF field errors)", fieldErrorsSchema),
  401: error("Not authenticated"),
  403: error("Permission denied"),
  404: error("Not found"),
  405: error("Method not allowed"),
  500: error("Server error"),
} as const;

/**
 * Declares the standard error responses (and 415 where a body is read) on every
 * documented operation that does not declare its own, once all routes are registered.
 */
export function declareErrorResponses(app: App) {
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== "route") continue;
    const route = definition.route;
    const errors: RouteConfig["responses"] = { ...STANDARD_ERRORS };
    if (route.request?.body) errors[415] = error("Unsupported media type");
    // A write may conflict with the record's state (e.g. an order's status): DRF's 409.
    if (route.method !== "get") errors[409] = error("Conflict with the record's state");
    const responses = { ...errors, ...route.responses };
    // An error declared with a description only gets the standard body.
    for (const [status, standard] of Object.entries(errors)) {
      const declared = responses[status] as { content?: unknown; description: string };
      if (!declared.content) responses[status] = { ...standard, description: declared.description };
    }
    route.responses = responses;
  }
}

interface Operation {
  method: string;
  path: string;
  regex: RegExp;
  params: number;
  route: RouteConfig;
}

const operations = new WeakMap<App, Operation[]>();

function operationsOf(app: App): Operation[] {
  let found = operations.get(app);
  if (!found) {
    found = [];
    for (const definition of app.openAPIRegistry.definitions) {
      if (definition.type !== "route") continue;
      const { method, path } = definition.route;
      const parts = path.split("/");
      const regex = new RegExp(
        `^${
          parts.map((p) =>
            /^\{[^}]+\}$/.test(p) ? "[^/]+" : p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
          ).join("/")
        }$`,
      );
      const params = parts.filter((p) => p.startsWith("{")).length;
      found.push({ method: method.toUpperCase(), path, regex, params, route: definition.route });
    }
    operations.set(app, found);
  }
  return found;
}

/** The documented operation serving `method path` (the most literal match), if any. */
export function findOperation(app: App, method: string, path: string): Operation | undefined {
  const m = method.toUpperCase() === "HEAD" ? "GET" : method.toUpperCase();
  return operationsOf(app)
    .filter((o) => o.method === m && o.regex.test(path))
    .sort((a, b) => a.params - b.params)[0];
}

/**
 * Checks a response against its operation: the status is declared and a JSON body
 * matches the declared schema. Returns what is wrong (naming the operation and the
 * body's paths), or null when it matches or no operation documents the path.
 */
export function contractViolation(
  app: App,
  request: { method: string; path: string },
  response: { status: number; contentType: string | null; body: string },
): string | null {
  const operation = findOperation(app, request.method, request.path);
  if (!operation) return null;
  const name = `${operation.method} ${operation.path}`;
  const declared = operation.route.responses[response.status] as
    | { content?: Record<string, { schema?: unknown }> }
    | undefined;
  if (!declared) {
    return `${name} (${request.path}): status ${response.status} is not declared`;
  }
  const content = declared.content ?? {};
  if (Object.keys(content).length === 0) {
    return response.body === ""
      ? null
      : `${name} (${request.path}): ${response.status} declares no body but has one`;
  }
  const type = (response.contentType ?? "").split(";")[0].trim();
  const media = content[type];
  if (!media) {
    return `${name} (${request.path}): ${response.status} is ${type || "untyped"}, declared ${
      Object.keys(content).join(", ")
    }`;
  }
  const schema = media.schema;
  if (!(schema instanceof z.ZodType) || type !== "application/json") return null;
  const result = schema.safeParse(JSON.parse(response.body));
  if (result.success) return null;
  const issues = result.error.issues.slice(0, 8).map((i) =>
    `  ${i.path.length ? i.path.join(".") : "(body)"}: ${i.message}`
  );
  return `${name} (${request.path}): the ${response.status} body does not match its schema\n${
    issues.join("\n")
  }`;
}

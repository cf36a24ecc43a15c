/**
 * Search routes, generated from the registered apps: `GET /v3/search` (global), one
 * `POST <app.path>` per app and, for apps that declare them, `POST <export.path>` (CSV,
 * one per declared export) and `POST <publicSearch.path>` (Hawk, signed responses,
 * whitelisted fields).
 * Permissions are the original's: any one of the app's view permissions for entity
 * search (plus the export permission for exports); global search needs only a login
 * and hides the apps the caller may not view.
 */
import { errorFields } from "../log.ts";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context, TypedResponse } from "hono";
import type { App, AppEnv } from "../http/context.ts";
import { fieldError, ValidationError, zodToFieldErrors } from "../http/errors.ts";
import { bearer, hawk } from "../auth/authenticate.ts";
import { readOnly } from "../http/transaction.ts";
import { requireAll, requireAny } from "../auth/permissions.ts";
import { type Caller, hasPermission } from "../auth/caller.ts";
import {
  clipPage,
  compileFilters,
  type EntityQuery,
  entitySearchSchema,
  type ExportDeclaration,
  pageSchema,
  parseSortby,
  type SearchApp,
  SortbyError,
  str,
} from "./app.ts";
import { searchBackend } from "./engine.ts";
import type { SearchResults } from "./backend.ts";
import { detailSchema } from "../http/contract.ts";
import { csvFilename, csvResponse, EXPORT_MAX_ROWS } from "./csv.ts";

/** An app's result schema (a loose object for an app that declares none). */
const resultOf = (app: SearchApp): z.ZodType => app.result ?? z.record(z.string(), z.unknown());

/** `{count, results}` of `result`s, named after the app, e.g. "CompanySearchResults". */
function resultsSchema(result: z.ZodType, name?: string) {
  const schema = z.object({ count: z.number().int(), results: z.array(result) });
  return name ? schema.openapi(name) : schema;
}

const componentName = (app: SearchApp) =>
  app.name.split(/[-_]/).map((w) => w[0].toUpperCase() + w.slice(1)).join("");

function permitted(caller: Caller, app: SearchApp) {
  return app.viewPermissions.some((p) => hasPermission(caller, p));
}

/**
 * Validates an entity search body into a backend query. As the original, `limit` and
 * `offset` may come from the query string when the body lacks them.
 */
async function entityQuery(
  c: Context<AppEnv>,
  app: SearchApp,
  body: Record<string, unknown>,
  onlyFilters?: string[],
): Promise<EntityQuery> {
  return (await validatedQuery(c, app, body, onlyFilters)).query;
}

/** The entity search of a body, and the body as validated. */
async function validatedQuery(
  c: Context<AppEnv>,
  app: SearchApp,
  body: Record<string, unknown>,
  onlyFilters?: string[],
): Promise<{ query: EntityQuery; data: Record<string, unknown> }> {
  const raw = { ...body };
  for (const key of ["limit", "offset"] as const) {
    const fromQuery = c.req.query(key);
    if (raw[key] === undefined && fromQuery !== undefined) raw[key] = fromQuery;
  }
  const parsed = entitySearchSchema(app, onlyFilters).safeParse(raw);
  if (!parsed.success) throw new ValidationError(zodToFieldErrors(parsed.error.issues, raw));
  const data = parsed.data as Record<string, unknown> & {
    original_query?: string;
    sortby?: string;
    offset?: number;
    limit?: number;
  };
  let sort = null;
  const sortby = data.sortby ?? app.defaultSort;
  if (sortby) {
    try {
      sort = parseSortby(app, sortby);
    } catch (error) {
      if (error instanceof SortbyError) throw fieldError("sortby", error.message);
      throw error;
    }
  }
  const caller = c.var.caller;
  const query = {
    app,
    term: data.original_query ?? "",
    filters: await compileFilters(app, data, { db: c.var.db, deps: c.var.deps }),
    scope: app.scope?.(caller) ?? null,
    sort,
    ...clipPage(data.offset, data.limit),
  };
  return { query, data };
}

function registerEntitySearch(app: SearchApp, domainApp: App) {
  const route = createRoute({
    method: "post",
    path: app.path,
    tags: ["search"],
    summary: `Search ${app.plural.toLowerCase()}`,
    middleware: [readOnly, bearer, requireAny(...app.viewPermissions)] as const,
    request: {
      body: {
        required: false,
        content: { "application/json": { schema: entitySearchSchema(app) } },
      },
    },
    responses: {
      200: {
        description: "Matching documents",
        content: {
          "application/json": {
            schema: resultsSchema(resultOf(app), `${componentName(app)}SearchResults`)
              .extend(app.options?.response ?? {}),
          },
        },
      },
      ...Object.fromEntries(
        Object.entries(app.otherErrors ?? {}).map(([status, description]) => [
          status,
          { description, content: { "application/json": { schema: detailSchema } } },
        ]),
      ),
    },
  });
  domainApp.openapi(route, async (c) => {
    const body = (await c.req.json().catch(() => ({}))) ?? {};
    const options = app.options;
    const { query, data } = await validatedQuery(
      c,
      app,
      typeof body === "object" ? body : {},
    );
    const result = await searchBackend(c.var.deps).search(c.var.db, query);
    const extra = options?.enhance ? await options.enhance(c, query, data) : {};
    return resultsResponse(c, result, extra);
  });

  for (const exporting of [app.export ?? []].flat()) registerExport(app, exporting, domainApp);
}

/** `POST <exporting.path>`: the entity search's hits (at most 5,000) as CSV rows. */
function registerExport(
  app: SearchApp,
  exporting: ExportDeclaration,
  domainApp: App,
) {
  const exportRoute = createRoute({
    method: "post",
    path: exporting.path,
    tags: ["search"],
    summary: `Export ${app.plural.toLowerCase()} as CSV (at most ${EXPORT_MAX_ROWS} rows)`,
    middleware: [
      readOnly,
      bearer,
      requireAny(...app.viewPermissions),
      requireAll(exporting.permission),
    ] as const,
    request: {
      body: {
        required: false,
        content: { "application/json": { schema: entitySearchSchema(app) } },
      },
    },
    responses: {
      200: { description: "CSV file", content: { "text/csv": { schema: z.string() } } },
    },
  });
  domainApp.openapi(exportRoute, async (c) => {
    const body = (await c.req.json().catch(() => ({}))) ?? {};
    const query = await entityQuery(c, app, typeof body === "object" ? body : {});
    const ids = await searchBackend(c.var.deps).exportIds(c.var.db, query, EXPORT_MAX_ROWS);
    const rows = await exporting.rows(c.var.db, ids, query.sort, {
      frontendBaseUrl: c.var.deps.config.DATAHUB_FRONTEND_BASE_URL,
    });
    return csvResponse(rows, exporting.columns, {
      filename: csvFilename(app.plural, c.var.deps.now()),
      onError: (error) => c.var.deps.log.error("csv export failed", errorFields(error)),
    });
  });
}

/** The public (Hawk) variant of an app's search, for apps that declare one. */
function registerPublicSearch(app: SearchApp, domainApp: App) {
  const declared = app.publicSearch;
  if (!declared) return;
  const route = createRoute({
    method: "post",
    path: declared.path,
    tags: ["search"],
    summary: `Search ${app.plural.toLowerCase()} (Hawk scope ${declared.scope})`,
    security: [{ hawk: [] }],
    middleware: [readOnly, hawk(declared.scope)] as const,
    request: {
      body: {
        required: false,
        content: {
          "application/json": { schema: entitySearchSchema(app, declared.filters) },
        },
      },
    },
    responses: {
      200: {
        description: "Matching documents (whitelisted fields only), Hawk-signed",
        content: {
          "application/json": {
            schema: resultsSchema(
              app.result
                ? app.result.pick(
                  Object.fromEntries(declared.fields.map((f) => [f, true])) as
                    & Record<
                      string,
                      true
                    >
                    & Record<number, never>,
                )
                : resultOf(app),
            ),
          },
        },
      },
    },
  });
  domainApp.openapi(route, async (c) => {
    const body = (await c.req.json().catch(() => ({}))) ?? {};
    const query = await entityQuery(
      c,
      app,
      typeof body === "object" ? body : {},
      declared.filters,
    );
    const result = await searchBackend(c.var.deps).search(c.var.db, query);
    const results = result.results.map((doc) =>
      Object.fromEntries(declared.fields.filter((f) => f in doc).map((f) => [f, doc[f]]))
    );
    return c.json({ count: result.count, results }, 200);
  });
}

/** The original's global search has no sort choices: any `sortby` is refused. */
const globalSortby = z.string().optional().superRefine((value, ctx) => {
  if (value === undefined) return;
  ctx.addIssue({
    code: "custom",
    message: `"${value.split(":")[0]}" is not a valid choice for the sort field.`,
  });
}).openapi({ description: "Not supported: global search has no sort choices" });

function registerGlobalSearch(apps: SearchApp[], domainApp: App) {
  const global = apps.filter((a) => a.global);
  if (!global.length) return;
  const names = global.map((a) => a.name) as [string, ...string[]];
  const fallback = names.includes("company") ? "company" : names[0];
  const route = createRoute({
    method: "get",
    path: "/v3/search",
    tags: ["search"],
    summary: "Global search across entities, with counts per entity",
    middleware: [bearer] as const,
    request: {
      query: z.object({
        term: str(),
        entity: z.enum(names).default(fallback as never),
        offset: pageSchema.offset,
        limit: pageSchema.limit,
        sortby: globalSortby,
      }),
    },
    responses: {
      200: {
        description: "Hits of `entity`, and counts of every entity the caller may view",
        content: {
          "application/json": {
            schema: z.object({
              count: z.number().int(),
              results: z.array(
                global.length > 1
                  ? z.union(global.map(resultOf) as [z.ZodType, z.ZodType, ...z.ZodType[]])
                  : resultOf(global[0]),
              ),
              aggregations: z.array(z.object({ count: z.number().int(), entity: z.string() })),
            }).openapi("GlobalSearchResults"),
          },
        },
      },
    },
  });
  domainApp.openapi(route, async (c) => {
    const q = c.req.valid("query");
    const caller = c.var.caller;
    const result = await searchBackend(c.var.deps).globalSearch(c.var.db, {
      apps: global,
      permitted: global
        .filter((app) => permitted(caller, app))
        .map((app) => ({ app, scope: app.scope?.(caller) ?? null })),
      entity: q.entity,
      term: q.term,
      ...clipPage(q.offset as number | undefined, q.limit as number | undefined),
    });
    return resultsResponse(c, result, { aggregations: result.aggregations });
  });
}

/**
 * `{"count", "results", …more}` as JSON text: results the backend read as stored JSON
 * (SearchResults.texts) are sent as they are, not parsed and written again (a hundred
 * documents of global search are ~300 kB).
 */
function resultsResponse(
  c: Context<AppEnv>,
  result: SearchResults,
  more: Record<string, unknown> = {},
): SearchResponse {
  const items = result.texts ?? result.results.map((r) => JSON.stringify(r));
  const tail = Object.entries(more).filter(([, v]) => v !== undefined)
    .map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`).join("");
  return c.body(`{"count":${result.count},"results":[${items.join(",")}]${tail}}`, 200, {
    "Content-Type": "application/json",
  }) as unknown as SearchResponse;
}

/** Sent as text, typed as the JSON response each search route declares. */
type SearchResponse = Response & TypedResponse<never, 200, "json">;

/** Every search route of these apps (see src/search/domain.ts). */
export function registerSearchRoutes(app: App, apps: SearchApp[]) {
  registerGlobalSearch(apps, app);
  for (const searchApp of apps) {
    registerEntitySearch(searchApp, app);
    registerPublicSearch(searchApp, app);
  }
}

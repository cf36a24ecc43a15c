/**
 * An entity's documents as one route set, the original's BaseEntityDocumentModelViewSet:
 * list and create under a collection path, and per document get, delete (hidden at once,
 * file and rows removed by the delete job), `upload-callback` (schedules the scan once)
 * and `download` (503 until scanned, 403 when infected). A domain declares its routes
 * with {@link entityDocumentRoutes} (in routes.ts) and wires them with
 * {@link registerEntityDocuments} (in handlers.ts), giving its table and its JSON; the
 * flow is the kit's (kit.ts). Investment evidence and proposition documents use this.
 *
 * The table needs `id`, `document_id` (→ documents_document, on delete cascade),
 * `original_filename`, `created_on`, `modified_on`, `created_by_id`, `modified_by_id`,
 * the parent's column, and the domain's own columns.
 *
 * @example
 * // routes.ts
 * export const evidenceRoutes = entityDocumentRoutes({
 *   collectionPath: "/v3/investment/{project_pk}/evidence-document",
 *   tag: "investment", middleware: [bearer, crud("evidence.evidencedocument")],
 *   body: z.object({ comment: z.string().default("") }), schema: evidenceDocumentSchema,
 * });
 * // handlers.ts
 * registerEntityDocuments(app, evidenceRoutes, {
 *   kind: evidenceKind, table: "evidence_evidencedocument", model: "EvidenceDocument",
 *   parent: { param: "project_pk", column: "investment_project_id",
 *             table: "investment_investmentproject", model: "InvestmentProject" },
 *   render: (sql) => evidenceJson(sql), columns: (input) => ({ comment: input.comment }),
 * });
 */
import { fieldErrorsSchema } from "../http/contract.ts";
import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { App, AppEnv } from "../http/context.ts";
import type { Db } from "../db/pool.ts";
import { type Fragment, where } from "../db/fragments.ts";
import { type Columns, insertRow } from "../db/rows.ts";
import { type FieldErrors, notFound, ValidationError } from "../http/errors.ts";
import { callerId } from "../auth/caller.ts";
import { recordUserEvent } from "../auth/queries.ts";
import { jsonBody, jsonResponse } from "../http/schemas.ts";
import { listPage, pageQuery, paginate, paginatedSchema, readPage } from "../http/pagination.ts";
import { orderBy, parseSortby, type SortChoices } from "../http/sortby.ts";
import { writeMeta } from "../http/write_meta.ts";
import {
  completeUpload,
  createStoredDocument,
  type DocumentKind,
  notDeletionPending,
  scheduleDeletion,
  signedDownloadUrl,
  signedUploadUrl,
} from "./kit.ts";

export interface EntityDocumentRouteSpec<B extends z.ZodObject> {
  /** The collection, with its path parameters (UUIDs), e.g. `/v3/investment/{project_pk}/evidence-document`. */
  collectionPath: string;
  /** The item's parameter name (default `entity_document_pk`, as the original). */
  itemParam?: string;
  tag: string;
  middleware: MiddlewareHandler<AppEnv>[];
  /** Writable fields besides `original_filename`. */
  body: B;
  /** One document as the domain renders it (the success responses extend it). */
  schema: z.ZodObject;
}

const detail = z.object({ detail: z.string() });

/** The six routes (the original's list/create/retrieve/destroy, upload-callback, download). */
export function entityDocumentRoutes<B extends z.ZodObject>(spec: EntityDocumentRouteSpec<B>) {
  const itemParam = spec.itemParam ?? "entity_document_pk";
  const names = [...spec.collectionPath.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const uuid = (name: string) => z.guid().openapi({ param: { name, in: "path" } });
  const collectionParams = z.object(Object.fromEntries(names.map((n) => [n, uuid(n)])));
  const itemParams = collectionParams.extend({ [itemParam]: uuid(itemParam) });
  const item = `${spec.collectionPath}/{${itemParam}}`;
  const common = { tags: [spec.tag], middleware: spec.middleware };
  const createBody = spec.body.extend({
    original_filename: z.string().trim().min(1).max(255),
  });
  const notFoundResponse = jsonResponse("No such document", detail);
  return {
    itemParam,
    list: createRoute({
      ...common,
      method: "get",
      path: spec.collectionPath,
      summary: "Documents (those pending deletion hidden)",
      request: {
        params: collectionParams,
        query: pageQuery.extend({ sortby: z.string().optional() }),
      },
      responses: { 200: jsonResponse("A page of documents", paginatedSchema(spec.schema)) },
    }),
    create: createRoute({
      ...common,
      method: "post",
      path: spec.collectionPath,
      summary: "Create a document and its signed upload URL (3600 s)",
      request: { params: collectionParams, body: jsonBody(createBody) },
      responses: {
        201: jsonResponse(
          "The document with `signed_upload_url`",
          spec.schema.extend({ signed_upload_url: z.string() }),
        ),
        400: jsonResponse("Invalid input", fieldErrorsSchema),
        404: notFoundResponse,
      },
    }),
    get: createRoute({
      ...common,
      method: "get",
      path: item,
      summary: "One document",
      request: { params: itemParams },
      responses: { 200: jsonResponse("The document", spec.schema), 404: notFoundResponse },
    }),
    remove: createRoute({
      ...common,
      method: "delete",
      path: item,
      summary: "Delete the document (hidden now; a job deletes its file)",
      request: { params: itemParams },
      responses: { 204: { description: "Deletion scheduled" }, 404: notFoundResponse },
    }),
    uploadCallback: createRoute({
      ...common,
      method: "post",
      path: `${item}/upload-callback`,
      summary: "The file is uploaded: schedule its virus scan (once)",
      request: { params: itemParams },
      responses: { 200: jsonResponse("The document", spec.schema), 404: notFoundResponse },
    }),
    download: createRoute({
      ...common,
      method: "get",
      path: `${item}/download`,
      summary: "The document with `document_url`, a signed download URL (3600 s)",
      request: { params: itemParams },
      responses: {
        200: jsonResponse(
          "The document and its download URL",
          spec.schema.extend({ document_url: z.string() }),
        ),
        403: jsonResponse("File did not pass virus scanning.", detail),
        404: notFoundResponse,
        503: jsonResponse("File is being scanned for viruses, try again later.", detail),
      },
    }),
  };
}

/**
 * The model action of a request to these routes, for permission codenames (the
 * original's view-to-action mapping): GET view (`download` too), POST add,
 * `upload-callback` change, DELETE delete.
 */
export function entityDocumentAction(method: string, path: string): string {
  if (method === "DELETE") return "delete";
  if (method !== "POST") return "view";
  return path.endsWith("/upload-callback") ? "change" : "add";
}

export interface EntityDocumentWiring<I> {
  kind: DocumentKind;
  /** The kind's table (see the module comment for its columns). */
  table: string;
  /** The model name in 404s. */
  model: string;
  /**
   * The object the documents belong to: its path parameter, this table's column, its
   * table, and (optional) a condition on its row aliased `p` from the other path
   * parameters, e.g. that a proposition belongs to the project in the path.
   */
  parent: {
    param: string;
    column: string;
    table: string;
    model: string;
    where?(sql: Db, params: Record<string, string>): Fragment;
  };
  /** One document as JSON, the kind's row aliased `d` (kit.ts's `documentStatus` gives `status`). */
  render(sql: Db): Fragment;
  /** The kind's own columns from the validated body. */
  columns(input: I): Columns;
  /** Checks of the body against the database (e.g. that its references exist): field errors. */
  validate?(db: Db, input: I): Promise<FieldErrors>;
  /** Writes after the row is inserted (its many-to-many links). */
  afterInsert?(db: Db, id: string, input: I): Promise<void>;
  /**
   * A user event recorded on delete (the original's `record_user_event`), with the
   * document's JSON and `extra(path parameters)` as its data.
   */
  deletionEvent?: { type: string; extra?(params: Record<string, string>): Record<string, unknown> };
  /** `sortby` choices (columns of `d`); default `created_on`. */
  sortChoices?: SortChoices;
  /** Default ordering (default `-created_on`). */
  defaultSort?: string[];
}

type EntityRoutes = ReturnType<typeof entityDocumentRoutes>;

/** Wires the routes from {@link entityDocumentRoutes} to the kit's flow. */
export function registerEntityDocuments<I>(
  app: App,
  routes: EntityRoutes,
  wiring: EntityDocumentWiring<I>,
) {
  const { table, parent } = wiring;
  const sortChoices = wiring.sortChoices ?? { created_on: "d.created_on" };
  const params = (c: { req: { param(): Record<string, string> } }) => c.req.param();

  /** Rows of this kind under the parent the path names (and its condition). */
  const underParent = (db: Db, p: Record<string, string>): Fragment[] => {
    const conditions = [db`${db(`d.${parent.column}`)} = ${p[parent.param]}`];
    if (parent.where) {
      conditions.push(db`exists (select 1 from ${db(parent.table)} p
        where p.id = ${db(`d.${parent.column}`)} and ${parent.where(db, p)})`);
    }
    return conditions;
  };

  /** The live document `{document_id, json}` the path names, or a 404. */
  async function find(db: Db, p: Record<string, string>) {
    const [row] = await db<{ document_id: string; json: Record<string, unknown> }[]>`
      select d.document_id, ${wiring.render(db)} as json from ${db(table)} d
      ${
      where(db, [
        db`d.id = ${p[routes.itemParam]}`,
        ...underParent(db, p),
        notDeletionPending(db, db`d.document_id`),
      ])
    }`;
    if (!row) throw notFound(wiring.model);
    return row;
  }

  app.openapi(routes.list, async (c) => {
    const db = c.var.db;
    const p = params(c);
    const query = c.req.valid("query");
    const page = readPage(c);
    const { count, rows } = await listPage<{ json: Record<string, unknown> }>(db, {
      select: db`${wiring.render(db)} as json`,
      from: db`${db(table)} d`,
      key: "d.id",
      where: where(db, [...underParent(db, p), notDeletionPending(db, db`d.document_id`)]),
      order: orderBy(
        db,
        parseSortby(query.sortby, sortChoices, wiring.defaultSort ?? ["-created_on"]),
        sortChoices,
        "d.id",
      ),
      page,
    });
    return c.json(paginate(c, page, count, rows.map((r) => r.json)), 200);
  });

  app.openapi(routes.create, async (c) => {
    const db = c.var.db;
    const p = params(c);
    const parentId = p[parent.param];
    const input = c.req.valid("json") as I & { original_filename: string };
    const scope = parent.where ? db`and ${parent.where(db, p)}` : db``;
    const exists = await db`select 1 from ${db(parent.table)} p where p.id = ${parentId} ${scope}`;
    if (!exists.length) throw notFound(parent.model);
    const errors = wiring.validate ? await wiring.validate(db, input) : {};
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const documentId = await createStoredDocument(c, wiring.kind, input.original_filename);
    const { at, userId: by } = writeMeta(c);
    // As the original's entity document serializers: `modified_by` stays empty on create.
    const id = await insertRow(db, table, {
      ...wiring.columns(input),
      original_filename: input.original_filename,
      document_id: documentId,
      [parent.column]: parentId,
      created_on: at,
      modified_on: at,
      created_by_id: by,
    });
    await wiring.afterInsert?.(db, id, input);
    const { json } = await find(db, { ...p, [routes.itemParam]: id });
    return c.json({ ...json, signed_upload_url: await signedUploadUrl(c, documentId) }, 201);
  });

  app.openapi(routes.get, async (c) => {
    const p = params(c);
    return c.json((await find(c.var.db, p)).json, 200);
  });

  app.openapi(routes.remove, async (c) => {
    const p = params(c);
    const { document_id, json } = await find(c.var.db, p);
    await scheduleDeletion(c, document_id);
    const event = wiring.deletionEvent;
    const adviserId = callerId(c.var.caller);
    if (event && adviserId) {
      await recordUserEvent(c.var.db, {
        adviserId,
        type: event.type,
        apiUrlPath: c.req.path,
        at: c.var.deps.now(),
        data: { ...json, ...event.extra?.(p) },
      });
    }
    return c.body(null, 204);
  });

  app.openapi(routes.uploadCallback, async (c) => {
    const p = params(c);
    const db = c.var.db;
    const { document_id } = await find(db, p);
    await completeUpload(c, document_id);
    return c.json((await find(db, p)).json, 200);
  });

  app.openapi(routes.download, async (c) => {
    const p = params(c);
    const { document_id, json } = await find(c.var.db, p);
    const documentUrl = await signedDownloadUrl(c, wiring.kind, document_id);
    return c.json({ ...json, document_url: documentUrl }, 200);
  });
}

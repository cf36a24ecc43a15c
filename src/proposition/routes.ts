/**
 * Routes and Zod schemas of propositions: `/v3/investment/{project_pk}/proposition…`
 * (list, create, detail, complete, abandon), their documents (the document kit's six
 * routes under `…/proposition/{proposition_pk}/document`) and `GET /v4/proposition`.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { bearer } from "../auth/authenticate.ts";
import { pageQuery, paginatedSchema } from "../http/pagination.ts";
import { jsonBody, jsonResponse, nestedRef } from "../http/schemas.ts";
import { NestedAdviser } from "../http/schemas.ts";
import { entityDocumentRoutes } from "../documents/entity.ts";
import {
  propositionDocumentScope,
  propositionPermission,
  propositionProjectScope,
} from "./access.ts";

const proposition = z.object({
  id: z.string(),
  investment_project: z.object({ id: z.string(), name: z.string() }).passthrough(),
  adviser: z.object({ id: z.string() }).passthrough(),
  deadline: z.string(),
  status: z.string(),
  name: z.string(),
  scope: z.string(),
  details: z.string(),
  created_on: z.string().nullable(),
  created_by: z.object({ id: z.string() }).passthrough().nullable(),
  modified_on: z.string().nullable(),
  modified_by: z.object({ id: z.string() }).passthrough().nullable(),
});

const createBody = z.object({
  adviser: nestedRef(),
  deadline: z.iso.date(),
  name: z.string().min(1).max(255),
  scope: z.string().min(1),
});

const listQuery = pageQuery.extend({
  adviser_id: z.string().optional(),
  status: z.string().optional(),
  sortby: z.string().optional().openapi({
    description: "deadline, created_on (default -deadline,-created_on)",
  }),
});

const projectParams = z.object({
  project_pk: z.guid().openapi({ param: { name: "project_pk", in: "path" } }),
});
const itemParams = projectParams.extend({
  proposition_pk: z.guid().openapi({ param: { name: "proposition_pk", in: "path" } }),
});

const tags = ["proposition"];
const base = "/v3/investment/{project_pk}/proposition";
const guard = (action: "view" | "add" | "change") => [bearer, propositionProjectScope(action)];

const propositionDocument = z.object({
  id: z.string(),
  av_clean: z.boolean().nullable(),
  created_by: NestedAdviser.nullable(),
  created_on: z.string().nullable(),
  uploaded_on: z.string().nullable(),
  original_filename: z.string(),
  url: z.string(),
  status: z.string(),
});

export const propositionDocumentRoutes = entityDocumentRoutes({
  collectionPath: `${base}/{proposition_pk}/document`,
  tag: "proposition",
  middleware: [bearer, ...propositionDocumentScope],
  body: z.object({}),
  schema: propositionDocument,
});

export const propositionRoutes = {
  list: createRoute({
    method: "get",
    path: base,
    tags,
    summary: "A project's propositions (adviser_id, status, sortby)",
    middleware: guard("view"),
    request: { params: projectParams, query: listQuery },
    responses: { 200: jsonResponse("A page of propositions", paginatedSchema(proposition)) },
  }),
  create: createRoute({
    method: "post",
    path: base,
    tags,
    summary: "Create a proposition",
    middleware: guard("add"),
    request: { params: projectParams, body: jsonBody(createBody) },
    responses: { 201: jsonResponse("The proposition", proposition) },
  }),
  get: createRoute({
    method: "get",
    path: `${base}/{proposition_pk}`,
    tags,
    summary: "One proposition",
    middleware: guard("view"),
    request: { params: itemParams },
    responses: { 200: jsonResponse("The proposition", proposition) },
  }),
  complete: createRoute({
    method: "post",
    path: `${base}/{proposition_pk}/complete`,
    tags,
    summary: "Complete (needs an uploaded, virus-scanned document)",
    middleware: guard("change"),
    request: {
      params: itemParams,
      body: jsonBody(z.object({ details: z.string().optional() })),
    },
    responses: { 200: jsonResponse("The proposition", proposition) },
  }),
  abandon: createRoute({
    method: "post",
    path: `${base}/{proposition_pk}/abandon`,
    tags,
    summary: "Abandon, with the reason in `details`",
    middleware: guard("change"),
    request: { params: itemParams, body: jsonBody(z.object({ details: z.string().min(1) })) },
    responses: { 200: jsonResponse("The proposition", proposition) },
  }),
  listAll: createRoute({
    method: "get",
    path: "/v4/proposition",
    tags,
    summary: "All propositions (adviser_id, status, investment_project_id, sortby)",
    middleware: [bearer, propositionPermission("view")],
    request: { query: listQuery.extend({ investment_project_id: z.string().optional() }) },
    responses: { 200: jsonResponse("A page of propositions", paginatedSchema(proposition)) },
  }),
};

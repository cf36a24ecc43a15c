/**
 * Routes and Zod schemas of company objectives (`/v4/company/{company_id}/objective…`),
 * as the original's objective views: any signed-in adviser, no model permission.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { bearer } from "../auth/authenticate.ts";
import { pageQuery, paginatedSchema } from "../http/pagination.ts";
import {
  IdName,
  integerField,
  isoDate,
  isoDateTime,
  jsonBody,
  jsonResponse,
  NestedAdviser,
  nestedRef,
} from "../http/schemas.ts";
import { archiveRoutes } from "../core/archive.ts";

// Response schemas (named components of the OpenAPI document).

export const Objective = z.object({
  id: z.guid(),
  detail: z.string(),
  company: IdName,
  subject: z.string(),
  archived: z.boolean(),
  progress: z.number().int(),
  created_on: z.string().openapi({ format: "date-time" }).nullable(),
  archived_by: NestedAdviser.nullable(),
  archived_on: z.string().openapi({ format: "date-time" }).nullable(),
  has_blocker: z.boolean(),
  modified_by: NestedAdviser.nullable(),
  modified_on: z.string().openapi({ format: "date-time" }).nullable(),
  target_date: z.string(),
  archived_reason: z.string().nullable(),
  blocker_description: z.string(),
}).openapi("Objective");

const tags = ["objective"];
const middleware = [bearer];
const uuidParam = (name: string) => z.guid().openapi({ param: { name, in: "path" } });
const companyParam = z.object({ company_id: uuidParam("company_id") });
const objectiveParams = companyParam.extend({ id: uuidParam("id") });

/** Writable fields of ObjectiveV4Serializer. */
export const objectiveUpdateBody = z.object({
  subject: z.string().trim().min(1).max(255),
  detail: z.string().trim(),
  target_date: isoDate(),
  company: nestedRef(),
  has_blocker: z.boolean(),
  blocker_description: z.string().trim(),
  progress: integerField({ min: 0, max: 100 }),
  archived: z.boolean(),
  archived_on: isoDateTime().nullable(),
  archived_reason: z.string().trim().nullable(),
}).partial();
export const objectiveCreateBody = objectiveUpdateBody.required({
  subject: true,
  target_date: true,
  company: true,
  has_blocker: true,
  progress: true,
});
export type ObjectiveInput = z.output<typeof objectiveUpdateBody>;

export const listObjectives = createRoute({
  method: "get",
  path: "/v4/company/{company_id}/objective",
  tags,
  summary: "A company's objectives (filter archived; sortby target_date)",
  middleware,
  request: {
    params: companyParam,
    query: pageQuery.extend({ archived: z.string().optional(), sortby: z.string().optional() }),
  },
  responses: {
    200: jsonResponse("A page of objectives", paginatedSchema(Objective, "PaginatedObjectives")),
  },
});

export const createObjective = createRoute({
  method: "post",
  path: "/v4/company/{company_id}/objective",
  tags,
  summary: "Create an objective (the company comes from the body, as the original)",
  middleware,
  request: { params: companyParam, body: jsonBody(objectiveCreateBody) },
  responses: { 201: jsonResponse("The objective", Objective) },
});

export const countObjectives = createRoute({
  method: "get",
  path: "/v4/company/{company_id}/objective/count",
  tags,
  summary: "Counts of a company's archived and not archived objectives",
  middleware,
  request: { params: companyParam },
  responses: {
    200: jsonResponse(
      "The counts",
      z.object({ archived_count: z.number().int(), not_archived_count: z.number().int() }),
    ),
  },
});

export const getObjective = createRoute({
  method: "get",
  path: "/v4/company/{company_id}/objective/{id}",
  tags,
  summary: "One objective (found by its id alone, as the original)",
  middleware,
  request: { params: objectiveParams },
  responses: { 200: jsonResponse("The objective", Objective) },
});

export const updateObjective = createRoute({
  method: "patch",
  path: "/v4/company/{company_id}/objective/{id}",
  tags,
  summary: "Update an objective",
  middleware,
  request: { params: objectiveParams, body: jsonBody(objectiveUpdateBody) },
  responses: { 200: jsonResponse("The objective", Objective) },
});

/** Only `archive`: the original has no unarchive route for objectives. */
export const objectiveArchive = {
  archive: archiveRoutes("/v4/company/objective/{id}", {
    tag: "objective",
    middleware,
    schema: Objective,
  }).archive,
};

/**
 * Routes and Zod schemas of the per-adviser company lists (`/v4/company-list…`) and the
 * pipeline (`/v4/pipeline-item…`), as the original's `company_list` app.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { bearer } from "../auth/authenticate.ts";
import { crud, requireAll } from "../auth/permissions.ts";
import { pageQuery, paginatedSchema } from "../http/pagination.ts";
import {
  decimalField,
  IdName,
  idParam,
  isoDate,
  isoDateTime,
  jsonBody,
  jsonResponse,
  nestedRef,
  nullableRef,
  refList,
} from "../http/schemas.ts";
import { archiveRoutes } from "../core/archive.ts";
import { LIKELIHOODS, PIPELINE_STATUSES } from "./rules.ts";

// Response schemas (named components of the OpenAPI document).

export const CompanyList = z.object({
  id: z.guid(),
  name: z.string(),
  created_on: z.string().openapi({ format: "date-time" }).nullable(),
  item_count: z.number().int().optional(),
}).openapi("CompanyList");

export const CompanyListItem = z.object({
  company: z.object({
    id: z.guid(),
    name: z.string(),
    archived: z.boolean(),
    trading_names: z.array(z.string()),
  }),
  created_on: z.string().openapi({ format: "date-time" }).nullable(),
  latest_interaction: z.object({
    id: z.guid(),
    date: z.string(),
    subject: z.string(),
    created_on: z.string().openapi({ format: "date-time" }).nullable(),
    dit_participants: z.array(z.object({
      team: IdName.nullable(),
      adviser: IdName.nullable(),
    })),
  }).nullable(),
}).openapi("CompanyListItem");

export const PipelineItem = z.object({
  id: z.guid(),
  name: z.string(),
  sector: z.object({
    id: z.guid(),
    segment: z.string(),
  }).nullable(),
  status: z.string(),
  company: z.object({
    id: z.guid(),
    name: z.string(),
    turnover: z.number().int(),
    export_potential: z.string(),
  }),
  archived: z.boolean(),
  contacts: z.array(IdName),
  created_on: z.string().openapi({ format: "date-time" }).nullable(),
  archived_on: z.string().openapi({ format: "date-time" }).nullable(),
  modified_on: z.string().openapi({ format: "date-time" }).nullable(),
  archived_reason: z.string().nullable(),
  potential_value: z.string().nullable(),
  expected_win_date: z.string().nullable(),
  likelihood_to_win: z.number().int().nullable(),
}).openapi("PipelineItem");

const noContent = { 204: { description: "Done" } };
const listCrud = [bearer, crud("company_list.companylist")];
const pipelineCrud = [bearer, crud("company_list.pipelineitem")];
const itemPermissions = (action: "view" | "add" | "delete") => [
  bearer,
  requireAll("company.view_company", `company_list.${action}_companylistitem`),
];
const uuidParam = (name: string) => z.guid().openapi({ param: { name, in: "path" } });

// ---------------------------------------------------------------------------------------
// Company lists

const listName = z.string().trim().min(1).max(255);

export const listCompanyLists = createRoute({
  method: "get",
  path: "/v4/company-list",
  tags: ["company-list"],
  summary: "The caller's company lists with item counts",
  middleware: listCrud,
  request: {
    query: pageQuery.extend({
      items__company_id: z.string().optional().openapi({
        description: "Only lists containing this company",
      }),
      sortby: z.string().optional(),
    }),
  },
  responses: {
    200: jsonResponse("A page of lists", paginatedSchema(CompanyList, "PaginatedCompanyLists")),
  },
});

export const createCompanyList = createRoute({
  method: "post",
  path: "/v4/company-list",
  tags: ["company-list"],
  summary: "Create a list for the caller",
  middleware: listCrud,
  request: { body: jsonBody(z.object({ name: listName })) },
  responses: { 201: jsonResponse("The list (without item_count, as the original)", CompanyList) },
});

export const getCompanyList = createRoute({
  method: "get",
  path: "/v4/company-list/{id}",
  tags: ["company-list"],
  summary: "One of the caller's lists",
  middleware: listCrud,
  request: { params: idParam },
  responses: { 200: jsonResponse("The list", CompanyList) },
});

export const updateCompanyList = createRoute({
  method: "patch",
  path: "/v4/company-list/{id}",
  tags: ["company-list"],
  summary: "Rename one of the caller's lists",
  middleware: listCrud,
  request: { params: idParam, body: jsonBody(z.object({ name: listName }).partial()) },
  responses: { 200: jsonResponse("The list", CompanyList) },
});

export const deleteCompanyList = createRoute({
  method: "delete",
  path: "/v4/company-list/{id}",
  tags: ["company-list"],
  summary: "Delete one of the caller's lists and its items",
  middleware: listCrud,
  request: { params: idParam },
  responses: noContent,
});

const listParam = z.object({ company_list_pk: uuidParam("company_list_pk") });
const itemParams = listParam.extend({ company_pk: uuidParam("company_pk") });

export const listItems = createRoute({
  method: "get",
  path: "/v4/company-list/{company_list_pk}/item",
  tags: ["company-list"],
  summary: "Companies in one of the caller's lists",
  middleware: itemPermissions("view"),
  request: { params: listParam, query: pageQuery.extend({ sortby: z.string().optional() }) },
  responses: {
    200: jsonResponse(
      "A page of list items",
      paginatedSchema(CompanyListItem, "PaginatedCompanyListItems"),
    ),
  },
});

export const addItem = createRoute({
  method: "put",
  path: "/v4/company-list/{company_list_pk}/item/{company_pk}",
  tags: ["company-list"],
  summary: "Add a company to the list (idempotent; not archived companies)",
  middleware: itemPermissions("add"),
  request: { params: itemParams },
  responses: noContent,
});

export const removeItem = createRoute({
  method: "delete",
  path: "/v4/company-list/{company_list_pk}/item/{company_pk}",
  tags: ["company-list"],
  summary: "Remove a company from the list",
  middleware: itemPermissions("delete"),
  request: { params: itemParams },
  responses: noContent,
});

// ---------------------------------------------------------------------------------------
// Pipeline items

/** DRF's ChoiceField over integers: `1` and `"1"` both select 1. */
const likelihood = z.unknown().transform((value, ctx): number | null => {
  if (value === null || value === "") return null;
  const match = LIKELIHOODS.find((l) => String(l) === String(value));
  if (match === undefined) {
    ctx.addIssue({ code: "custom", message: `"${String(value)}" is not a valid choice.` });
    return z.NEVER;
  }
  return match;
}).openapi({ type: "integer", enum: [...LIKELIHOODS] });

/** Writable fields of PipelineItemSerializer (the read-only ones are ignored if sent). */
const pipelineFields = {
  company: nestedRef(),
  name: z.string().trim().max(255),
  status: z.enum(PIPELINE_STATUSES),
  contacts: refList().nullable(),
  sector: nullableRef(),
  potential_value: decimalField({ maxDigits: 19, decimalPlaces: 0 }).nullable(),
  likelihood_to_win: likelihood,
  expected_win_date: isoDate().nullable(),
  archived: z.boolean(),
  archived_on: isoDateTime().nullable(),
  archived_reason: z.string().nullable(),
};

export const pipelineUpdateBody = z.object(pipelineFields).partial();
export const pipelineCreateBody = pipelineUpdateBody.required({ company: true, status: true });
export type PipelineInput = z.output<typeof pipelineUpdateBody>;

export const pipelineQuery = pageQuery.extend({
  status: z.string().optional(),
  company_id: z.string().optional(),
  archived: z.string().optional(),
  sortby: z.string().optional().openapi({ description: "created_on, modified_on, name" }),
});

export const listPipelineItems = createRoute({
  method: "get",
  path: "/v4/pipeline-item",
  tags: ["pipeline-item"],
  summary: "The caller's pipeline (default order -created_on)",
  middleware: pipelineCrud,
  request: { query: pipelineQuery },
  responses: {
    200: jsonResponse(
      "A page of pipeline items",
      paginatedSchema(PipelineItem, "PaginatedPipelineItems"),
    ),
  },
});

export const createPipelineItem = createRoute({
  method: "post",
  path: "/v4/pipeline-item",
  tags: ["pipeline-item"],
  summary: "Add a company to the caller's pipeline",
  middleware: pipelineCrud,
  request: { body: jsonBody(pipelineCreateBody) },
  responses: { 201: jsonResponse("The pipeline item", PipelineItem) },
});

export const getPipelineItem = createRoute({
  method: "get",
  path: "/v4/pipeline-item/{id}",
  tags: ["pipeline-item"],
  summary: "One of the caller's pipeline items",
  middleware: pipelineCrud,
  request: { params: idParam },
  responses: { 200: jsonResponse("The pipeline item", PipelineItem) },
});

export const updatePipelineItem = createRoute({
  method: "patch",
  path: "/v4/pipeline-item/{id}",
  tags: ["pipeline-item"],
  summary: "Update one of the caller's pipeline items (the company cannot change)",
  middleware: pipelineCrud,
  request: { params: idParam, body: jsonBody(pipelineUpdateBody) },
  responses: { 200: jsonResponse("The pipeline item", PipelineItem) },
});

export const deletePipelineItem = createRoute({
  method: "delete",
  path: "/v4/pipeline-item/{id}",
  tags: ["pipeline-item"],
  summary: "Delete one of the caller's pipeline items, once archived",
  middleware: pipelineCrud,
  request: { params: idParam },
  responses: noContent,
});

export const pipelineArchive = archiveRoutes("/v4/pipeline-item/{id}", {
  schema: PipelineItem,
  tag: "pipeline-item",
  middleware: pipelineCrud,
});

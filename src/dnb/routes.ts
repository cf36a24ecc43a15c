/**
 * Routes and Zod schemas of `/v4/dnb/…` (the original's datahub/dnb_api views): the D&B
 * search and company creation, linking, change requests, investigations, family trees
 * and related companies. Input checks speak the original serializers' words.
 */
import { fieldErrorsSchema } from "../http/contract.ts";
import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { bearer } from "../auth/authenticate.ts";
import { requireAll } from "../auth/permissions.ts";
import type { AppEnv } from "../http/context.ts";
import { integerField, jsonBody, jsonResponse, nestedRef } from "../http/schemas.ts";

/** A D&B record part passed through as dnb-service sends it. */
const dnbObject = z.record(z.string(), z.unknown());
import { websiteError, withScheme } from "../company/rules.ts";
import { dunsErrors } from "./rules.ts";

const tags = ["dnb"];
const VIEW = "company.view_company";
const ADD = "company.add_company";
const CHANGE = "company.change_company";

export const NOT_JSON = "Please set Content-Type header value to application/json";

/** 406 unless the body is JSON (the original's `enforce_request_content_type`). */
const jsonOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  const type = (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") {
    return c.body(NOT_JSON, 406, { "Content-Type": "text/html; charset=utf-8" });
  }
  // Read the raw text first, so the search forwards the caller's bytes as they came.
  await c.req.text();
  await next();
};

const detail = z.object({ detail: z.string() });
const errors = {
  400: jsonResponse("Invalid input or a D&B record Data Hub cannot use", fieldErrorsSchema),
  401: jsonResponse("Not authenticated", detail),
  403: jsonResponse("Missing permission", detail),
  502: jsonResponse("dnb-service failed, timed out or answered something unusable", detail),
};
const notJson = {
  406: {
    description: NOT_JSON,
    content: { "text/html": { schema: z.string() } },
  },
};

/** A DUNS number: nine digits, the original's words for each failing check. */
export function dunsField(options: { nullIfMissing?: boolean } = {}) {
  return z.unknown().transform((value, ctx): string => {
    const v = value === undefined && options.nullIfMissing ? null : value;
    const messages = dunsErrors(v);
    for (const message of messages) ctx.addIssue({ code: "custom", message });
    return messages.length ? z.NEVER : String(v).trim();
  }).openapi({ type: "string", example: "123456789" }) as unknown as z.ZodType<string, unknown>;
}

/** DRF CharField: a string (numbers as text), trimmed; blank only when allowed. */
function charField(options: { blank?: boolean } = {}) {
  return z.unknown().transform((value, ctx): string => {
    const fail = (message: string) => {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    };
    if (value === undefined) return fail("This field is required.");
    if (value === null) return fail("This field may not be null.");
    if (typeof value !== "string" && typeof value !== "number") return fail("Not a valid string.");
    const text = String(value).trim();
    if (!text && !options.blank) return fail("This field may not be blank.");
    return text;
  }).openapi({ type: "string" }) as unknown as z.ZodType<string, unknown>;
}

/** RelaxedURLField sent on to D&B as the domain (the URL's host and port). */
function domainField() {
  return z.unknown().transform((value, ctx): string => {
    if (value === null || value === undefined) {
      ctx.addIssue({ code: "custom", message: "This field may not be null." });
      return z.NEVER;
    }
    const text = String(value).trim();
    if (!text) return "";
    const url = withScheme(text)!;
    const error = websiteError(url);
    if (error) {
      ctx.addIssue({ code: "custom", message: error });
      return z.NEVER;
    }
    return new URL(url).host;
  }).openapi({ type: "string", format: "uri" }) as unknown as z.ZodType<string, unknown>;
}

// ---------------------------------------------------------------------------------------
// Search and create

const latestInteraction = z.object({
  id: z.string(),
  created_on: z.string().nullable(),
  date: z.string(),
  subject: z.string(),
});
const searchResults = z.looseObject({
  results: z.array(z.object({
    dnb_company: dnbObject,
    datahub_company: z.object({
      id: z.string(),
      latest_interaction: latestInteraction.nullable().optional(),
    }).nullable(),
  })),
});

export const companySearch = createRoute({
  method: "post",
  path: "/v4/dnb/company-search",
  tags,
  summary: "Search D&B through dnb-service; each result with the matching Data Hub company",
  description: "The JSON body is forwarded to dnb-service as is (e.g. " +
    '`{"search_term": "brompton", "page_size": 10}`). `latest_interaction` needs ' +
    "interaction.view_all_interaction. dnb-service's 4xx answers pass through.",
  middleware: [bearer, requireAll(VIEW), jsonOnly],
  responses: {
    200: jsonResponse(
      "dnb-service's answer, results paired with Data Hub companies",
      searchResults,
    ),
    ...errors,
    ...notJson,
  },
});

/** The company as the original's DNBCompanySerializer / CompanySerializer render it. */
const companySchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  duns_number: z.string().nullable(),
  trading_names: z.array(z.string()),
  address: dnbObject.nullable(),
  registered_address: dnbObject.nullable(),
  global_ultimate_duns_number: z.string(),
  dnb_modified_on: z.string().nullable(),
  pending_dnb_investigation: z.boolean(),
  is_out_of_business: z.boolean().nullable(),
});

export const companyCreate = createRoute({
  method: "post",
  path: "/v4/dnb/company-create",
  tags,
  summary: "Create a Data Hub company from the D&B record with this DUNS number",
  middleware: [bearer, requireAll(VIEW, ADD)],
  request: { body: jsonBody(z.object({ duns_number: dunsField() })) },
  responses: { 200: jsonResponse("The new company", companySchema), ...errors },
});

export const companyLink = createRoute({
  method: "post",
  path: "/v4/dnb/company-link",
  tags,
  summary: "Link a company to a D&B record and refresh it from D&B",
  middleware: [bearer, requireAll(VIEW, CHANGE), jsonOnly],
  request: { body: jsonBody(z.object({ company_id: nestedRef(), duns_number: dunsField() })) },
  responses: { 200: jsonResponse("The company", companySchema), ...errors, ...notJson },
});

// ---------------------------------------------------------------------------------------
// Change requests and investigations

const areaOrCountry = () => nestedRef().optional();

const changeAddress = z.object({
  line_1: charField().optional(),
  line_2: charField({ blank: true }).optional(),
  town: charField().optional(),
  county: charField({ blank: true }).optional(),
  postcode: charField({ blank: true }).optional(),
  country: areaOrCountry(),
  area: areaOrCountry(),
});

export const changesSchema = z.object({
  name: charField().optional(),
  trading_names: z.array(z.unknown()).optional(),
  number_of_employees: integerField().optional(),
  turnover: integerField().optional(),
  turnover_gbp: integerField().optional(),
  address: changeAddress.optional(),
  website: domainField().optional(),
});
export type Changes = z.output<typeof changesSchema>;

const changeRequest = z.looseObject({
  id: z.string().optional(),
  duns_number: z.string().optional(),
  status: z.string().optional(),
  created_on: z.string().nullable().optional(),
  changes: dnbObject.optional(),
});

export const postChangeRequest = createRoute({
  method: "post",
  path: "/v4/dnb/company-change-request",
  tags,
  summary: "Ask D&B to change a company's record",
  middleware: [bearer, requireAll(VIEW, CHANGE), jsonOnly],
  request: { body: jsonBody(z.object({ duns_number: dunsField(), changes: changesSchema })) },
  responses: {
    200: jsonResponse("dnb-service's change request", changeRequest),
    ...errors,
    ...notJson,
  },
});

export const getChangeRequests = createRoute({
  method: "get",
  path: "/v4/dnb/company-change-request",
  tags,
  summary: "Change requests submitted for a DUNS number",
  middleware: [bearer, requireAll(VIEW, CHANGE)],
  request: {
    query: z.object({
      duns_number: dunsField({ nullIfMissing: true }),
      status: z.enum(["pending", "submitted"]).optional(),
    }),
  },
  responses: {
    200: jsonResponse(
      "dnb-service's page of change requests",
      z.looseObject({
        count: z.number().int().optional(),
        results: z.array(changeRequest).optional(),
      }),
    ),
    ...errors,
  },
});

export const investigationBody = z.object({
  company: nestedRef(),
  name: charField(),
  address: z.object({
    line_1: charField(),
    line_2: charField({ blank: true }).optional(),
    town: charField(),
    county: charField({ blank: true }).optional(),
    postcode: charField({ blank: true }).optional(),
    country: nestedRef(),
    area: areaOrCountry(),
  }),
  website: domainField().optional(),
  telephone_number: charField({ blank: true }).optional(),
});

export const companyInvestigation = createRoute({
  method: "post",
  path: "/v4/dnb/company-investigation",
  tags,
  summary: "Ask D&B to investigate (and create) a company; the company is flagged pending",
  middleware: [bearer, requireAll(VIEW, CHANGE), jsonOnly],
  request: { body: jsonBody(investigationBody) },
  responses: {
    200: jsonResponse(
      "dnb-service's investigation",
      z.looseObject({ id: z.string(), status: z.string().optional() }),
    ),
    ...errors,
    ...notJson,
  },
});

// ---------------------------------------------------------------------------------------
// Family trees and related companies

/** `{company_id}` is any string here: a malformed id is a 400, as the original. */
const companyParam = z.object({
  company_id: z.string().openapi({ param: { name: "company_id", in: "path" } }),
});
const treeErrors = { ...errors, 404: jsonResponse("No such company", detail) };

const treeNode = z.looseObject({
  duns_number: z.string(),
  id: z.string().nullable(),
  name: z.unknown(),
  hierarchy: z.unknown(),
  subsidiaries: z.array(dnbObject).optional(),
});
const familyTree = z.object({
  ultimate_global_company: z.union([treeNode, z.object({})]),
  ultimate_global_companies_count: z.number().int(),
  family_tree_companies_count: z.number().int(),
  manually_verified_subsidiaries: z.array(dnbObject),
  reduced_tree: z.boolean(),
});

export const familyTreeRoute = createRoute({
  method: "get",
  path: "/v4/dnb/{company_id}/family-tree",
  tags,
  summary: "The company's D&B family tree (reduced when too large)",
  middleware: [bearer, requireAll(VIEW)],
  request: { params: companyParam },
  responses: { 200: jsonResponse("The tree", familyTree), ...treeErrors },
});

export const reducedFamilyTreeRoute = createRoute({
  method: "get",
  path: "/v4/dnb/{company_id}/reduced-family-tree",
  tags,
  summary: "The company and its direct parents up to the global ultimate",
  middleware: [bearer, requireAll(VIEW)],
  request: { params: companyParam },
  responses: { 200: jsonResponse("The reduced tree", familyTree), ...treeErrors },
});

const trueFlag = z.string().optional().transform((v) => v === "true");

export const relatedCompaniesRoute = createRoute({
  method: "get",
  path: "/v4/dnb/{company_id}/related-companies",
  tags,
  summary: "Data Hub ids of the companies in the company's D&B family tree",
  middleware: [bearer, requireAll(VIEW, ADD)],
  request: {
    params: companyParam,
    query: z.object({
      include_parent_companies: trueFlag,
      include_subsidiary_companies: trueFlag,
    }),
  },
  responses: {
    200: jsonResponse(
      "The ids, and whether the tree was reduced",
      z.object({ related_companies: z.array(z.string()), reduced_tree: z.boolean().nullable() }),
    ),
    ...treeErrors,
  },
});

export const relatedCountRoute = createRoute({
  method: "get",
  path: "/v4/dnb/{company_id}/related-companies/count",
  tags,
  summary: "How many companies are related to the company in D&B (and manually)",
  middleware: [bearer, requireAll(VIEW)],
  request: {
    params: companyParam,
    query: z.object({ include_manually_linked_companies: trueFlag }),
  },
  responses: {
    200: jsonResponse(
      "The counts",
      z.object({
        related_companies_count: z.number().int(),
        manually_linked_subsidiaries_count: z.number().int(),
        total: z.number().int(),
        reduced_tree: z.boolean(),
      }),
    ),
    ...treeErrors,
  },
});

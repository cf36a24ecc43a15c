/** Routes and Zod schemas of `/v4/company…` (the original's CompanyViewSet and friends). */
import { createRoute, z } from "@hono/zod-openapi";
import { bearer, hawk } from "../auth/authenticate.ts";
import { crud, requireAll } from "../auth/permissions.ts";
import { pageQuery, paginatedSchema } from "../http/pagination.ts";
import {
  idParam,
  jsonBody,
  jsonObject,
  jsonResponse,
  nestedRef,
  nullableRef,
} from "../http/schemas.ts";
import { archiveRoutes } from "../core/archive.ts";
import { auditRoute } from "../core/audit.ts";

const tags = ["company"];
const companyCrud = [bearer, crud("company.company")];
const noContent = { 204: { description: "Done" } };

const text = (max = 255) => z.string().trim().max(max);

/** A v4 nested address; every part optional (which ones are required is a rule). */
const addressInput = z.object({
  line_1: text(),
  line_2: text(),
  town: text(),
  county: text(),
  postcode: text(),
  area: nullableRef(),
  country: nullableRef(),
}).partial();

export const EXPORT_SEGMENTS = ["hep", "non-hep"] as const;
export const EXPORT_SUB_SEGMENTS = [
  "sustain_nurture_and_grow",
  "sustain_develop_export_capability",
  "sustain_communicate_benefits",
  "sustain_increase_competitiveness",
  "reassure_nurture_and_grow",
  "reassure_develop_export_capability",
  "reassure_leave_be",
  "reassure_change_the_game",
  "promote_develop_export_capability",
  "promote_communicate_benefits",
  "promote_change_the_game",
  "challenge",
] as const;

/** Writable fields of the v4 company serializer (read-only ones are ignored if sent). */
const companyFields = {
  name: text().min(1),
  trading_names: z.array(text().min(1)),
  company_number: text().nullable(),
  vat_number: text(),
  description: z.string().nullable(),
  website: text().nullable(),
  business_type: nullableRef(),
  employee_range: nullableRef(),
  headquarter_type: nullableRef(),
  global_headquarters: nullableRef(),
  sector: nullableRef(),
  turnover_range: nullableRef(),
  uk_region: nullableRef(),
  export_experience_category: nullableRef(),
  address: addressInput,
  registered_address: addressInput.nullable(),
  export_segment: z.enum(["", ...EXPORT_SEGMENTS]),
  export_sub_segment: z.enum(["", ...EXPORT_SUB_SEGMENTS]),
  strategy: z.string(),
};

export const companyUpdateBody = z.object(companyFields).partial();
export const companyCreateBody = companyUpdateBody.required({ name: true, address: true });
export type CompanyInput = z.output<typeof companyUpdateBody>;
export type AddressInput = z.output<typeof addressInput>;

export const listCompanies = createRoute({
  method: "get",
  path: "/v4/company",
  tags,
  summary: "List companies (filters, autocomplete, sortby name/created_on)",
  middleware: companyCrud,
  request: {
    query: pageQuery.extend({
      global_headquarters_id: z.string().optional(),
      global_ultimate_duns_number: z.string().optional(),
      autocomplete: z.string().optional(),
      sortby: z.string().optional(),
    }),
  },
  responses: { 200: jsonResponse("A page of companies", paginatedSchema(jsonObject)) },
});

export const createCompany = createRoute({
  method: "post",
  path: "/v4/company",
  tags,
  summary: "Create a company (flagged pending D&B investigation)",
  middleware: companyCrud,
  request: { body: jsonBody(companyCreateBody) },
  responses: { 201: jsonResponse("The company") },
});

export const getCompany = createRoute({
  method: "get",
  path: "/v4/company/{id}",
  tags,
  summary: "One company",
  middleware: companyCrud,
  request: { params: idParam },
  responses: { 200: jsonResponse("The company") },
});

export const updateCompany = createRoute({
  method: "patch",
  path: "/v4/company/{id}",
  tags,
  summary: "Update a company (D&B fields are read-only once it has a DUNS number)",
  middleware: companyCrud,
  request: { params: idParam, body: jsonBody(companyUpdateBody) },
  responses: { 200: jsonResponse("The company") },
});

export const companyArchive = archiveRoutes("/v4/company/{id}", {
  tag: "company",
  middleware: companyCrud,
});
export const companyAudit = auditRoute("/v4/company/{id}", {
  tag: "company",
  middleware: companyCrud,
});

const ram = [
  bearer,
  requireAll("company.change_company", "company.change_regional_account_manager"),
];

export const assignRegionalAccountManager = createRoute({
  method: "post",
  path: "/v4/company/{id}/assign-regional-account-manager",
  tags,
  summary: "Make the company ITA-managed (tier D) with this account manager",
  middleware: ram,
  request: {
    params: idParam,
    body: jsonBody(z.object({ regional_account_manager: nestedRef() })),
  },
  responses: noContent,
});

export const selfAssignAccountManager = createRoute({
  method: "post",
  path: "/v4/company/{id}/self-assign-account-manager",
  tags,
  summary: "Make the company ITA-managed (tier D) with the caller as account manager",
  middleware: ram,
  request: { params: idParam },
  responses: noContent,
});

export const removeAccountManager = createRoute({
  method: "post",
  path: "/v4/company/{id}/remove-account-manager",
  tags,
  summary: "Remove the tier-D account manager",
  middleware: ram,
  request: { params: idParam },
  responses: noContent,
});

export const assignOneListTier = createRoute({
  method: "post",
  path: "/v4/company/{id}/assign-one-list-tier-and-global-account-manager",
  tags,
  summary: "Set the One List tier and global account manager",
  middleware: [bearer],
  request: {
    params: idParam,
    body: jsonBody(z.object({ one_list_tier: nestedRef(), global_account_manager: nestedRef() })),
  },
  responses: noContent,
});

export const removeFromOneList = createRoute({
  method: "post",
  path: "/v4/company/{id}/remove-from-one-list",
  tags,
  summary: "Remove the company from the One List",
  middleware: [
    bearer,
    requireAll(
      "company.change_company",
      "company.change_one_list_tier_and_global_account_manager",
    ),
  ],
  request: { params: idParam },
  responses: noContent,
});

export const oneListGroupCoreTeam = createRoute({
  method: "get",
  path: "/v4/company/{id}/one-list-group-core-team",
  tags,
  summary: "Core team of the company's group (unpaginated)",
  middleware: companyCrud,
  request: { params: idParam },
  responses: { 200: jsonResponse("The core team", z.array(jsonObject)) },
});

export const updateOneListCoreTeam = createRoute({
  method: "patch",
  path: "/v4/company/{id}/update-one-list-core-team",
  tags,
  summary: "Replace the core team",
  middleware: [bearer],
  request: {
    params: idParam,
    body: jsonBody(
      z.object({
        core_team_members: z.array(z.object({ adviser: nestedRef() })),
      }).partial(),
    ),
  },
  responses: noContent,
});

export const EXPORT_COUNTRY_STATUSES = [
  "not_interested",
  "currently_exporting",
  "future_interest",
] as const;

export const updateExportDetail = createRoute({
  method: "patch",
  path: "/v4/company/{id}/export-detail",
  tags,
  summary: "Replace export countries (country + status)",
  middleware: [
    bearer,
    requireAll("company.change_company", "company.change_companyexportcountry"),
  ],
  request: {
    params: idParam,
    body: jsonBody(
      z.object({
        export_countries: z.array(z.object({
          country: nestedRef(),
          status: z.enum(EXPORT_COUNTRY_STATUSES),
        })),
      }).partial(),
    ),
  },
  responses: noContent,
});

const unimplemented = { 501: jsonResponse("Not implemented in this re-build") };

export const kingsAwards = createRoute({
  method: "get",
  path: "/v4/company/{id}/kings-awards",
  tags,
  summary: "King's Awards (not implemented)",
  middleware: [bearer, requireAll("company.view_company")],
  request: { params: idParam },
  responses: unimplemented,
});

export const publicCompany = createRoute({
  method: "get",
  path: "/v4/public/company/{id}",
  tags,
  summary: "Cut-down company detail for Hawk clients (scope public_company; signed)",
  middleware: [hawk("public_company")] as const,
  security: [{ hawk: [] }],
  request: { params: idParam },
  responses: {
    200: jsonResponse("The company without personal data"),
    401: jsonResponse("Missing or invalid Hawk credentials"),
    403: jsonResponse("The client lacks the public_company scope"),
    404: jsonResponse("No such company"),
  },
});

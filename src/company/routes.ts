/** Routes and Zod schemas of `/v4/company…` (the original's CompanyViewSet and friends). */
import { createRoute, z } from "@hono/zod-openapi";
import { bearer, hawk } from "../auth/authenticate.ts";
import { crud, requireAll } from "../auth/permissions.ts";
import { pageQuery, paginatedSchema } from "../http/pagination.ts";
import {
  IdName,
  idParam,
  jsonBody,
  jsonResponse,
  NestedAdviser,
  nestedRef,
  nullableRef,
} from "../http/schemas.ts";
import { archiveRoutes } from "../core/archive.ts";
import { auditRoute } from "../core/audit.ts";
import { detailSchema } from "../http/contract.ts";
import { notModifiedResponse } from "../http/cached.ts";

// Response schemas (named components of the OpenAPI document).

export const Company = z.object({
  id: z.guid(),
  name: z.string(),
  sector: IdName.nullable(),
  address: z.object({
    area: IdName.nullable(),
    town: z.string(),
    county: z.string(),
    line_1: z.string(),
    line_2: z.string(),
    country: IdName.nullable(),
    postcode: z.string(),
  }).nullable(),
  website: z.string().nullable(),
  archived: z.boolean(),
  contacts: z.array(z.object({
    id: z.guid(),
    name: z.string(),
    email: z.string(),
    notes: z.string().nullable(),
    title: IdName.nullable(),
    adviser: NestedAdviser.nullable(),
    company: IdName,
    primary: z.boolean(),
    archived: z.boolean(),
    address_1: z.string().nullable(),
    address_2: z.string().nullable(),
    job_title: z.string().nullable(),
    last_name: z.string(),
    created_on: z.string().openapi({ format: "date-time" }).nullable(),
    first_name: z.string(),
    archived_by: NestedAdviser.nullable(),
    archived_on: z.string().nullable(),
    modified_on: z.string().openapi({ format: "date-time" }).nullable(),
    valid_email: z.boolean().nullable(),
    address_area: IdName.nullable(),
    address_town: z.string().nullable(),
    consent_data: z.unknown(),
    address_county: z.string().nullable(),
    address_country: IdName.nullable(),
    archived_reason: z.string().nullable(),
    address_postcode: z.string().nullable(),
    full_telephone_number: z.string(),
    address_same_as_company: z.boolean(),
    consent_data_last_modified: z.string().nullable(),
    archived_documents_url_path: z.string().optional(),
    consent_data_management_url: z.string().nullable(),
  })),
  strategy: z.string(),
  turnover: z.number().int().nullable(),
  uk_based: z.boolean().nullable(),
  uk_region: IdName.nullable(),
  created_on: z.string().openapi({ format: "date-time" }).nullable(),
  vat_number: z.string(),
  archived_by: NestedAdviser.nullable(),
  archived_on: z.string().openapi({ format: "date-time" }).nullable(),
  description: z.string().nullable(),
  duns_number: z.string().nullable(),
  modified_by: NestedAdviser.nullable(),
  modified_on: z.string().openapi({ format: "date-time" }).nullable(),
  turnover_gbp: z.number().nullable(),
  business_type: IdName.nullable(),
  trading_names: z.array(z.string()),
  company_number: z.string().nullable(),
  employee_range: IdName.nullable(),
  export_segment: z.string(),
  reference_code: z.string(),
  transferred_by: NestedAdviser.nullable(),
  transferred_on: z.string().nullable(),
  transferred_to: IdName.nullable(),
  turnover_range: IdName.nullable(),
  archived_reason: z.string().nullable(),
  dnb_modified_on: z.string().nullable(),
  transfer_reason: z.string(),
  export_potential: z.string().nullable(),
  headquarter_type: IdName.nullable(),
  export_sub_segment: z.string(),
  is_global_ultimate: z.boolean(),
  is_in_adviser_list: z.boolean().optional(),
  is_out_of_business: z.boolean(),
  registered_address: z.object({
    area: IdName.nullable(),
    town: z.string(),
    county: z.string(),
    line_1: z.string(),
    line_2: z.string(),
    country: IdName.nullable(),
    postcode: z.string(),
  }).nullable(),
  export_to_countries: z.array(IdName),
  global_headquarters: IdName.nullable(),
  number_of_employees: z.number().int().nullable(),
  one_list_group_tier: IdName.nullable(),
  great_profile_status: z.string().nullable(),
  is_turnover_estimated: z.boolean().nullable(),
  is_global_headquarters: z.boolean(),
  global_ultimate_country: z.unknown(),
  last_modified_potential: z.string().nullable(),
  future_interest_countries: z.array(IdName),
  pending_dnb_investigation: z.boolean(),
  export_experience_category: IdName.nullable(),
  global_ultimate_duns_number: z.string(),
  is_number_of_employees_estimated: z.boolean().nullable(),
  one_list_group_global_account_manager: z.object({
    id: z.guid(),
    name: z.string(),
    dit_team: IdName.nullable(),
    last_name: z.string(),
    first_name: z.string(),
    contact_email: z.string(),
  }).nullable(),
  export_countries: z.array(z.object({
    status: z.string(),
    country: IdName,
  })).optional(),
  archived_documents_url_path: z.string().optional(),
}).openapi("Company");

export const CoreTeamMember = z.object({
  adviser: z.object({
    id: z.guid(),
    name: z.string(),
    dit_team: IdName.nullable(),
    last_name: z.string(),
    first_name: z.string(),
    contact_email: z.string(),
  }),
  is_global_account_manager: z.boolean(),
}).openapi("CoreTeamMember");

export const PublicCompany = z.object({
  address: Company.shape.address,
  archived: z.boolean(),
  archived_on: z.string().nullable(),
  archived_reason: z.string().nullable(),
  business_type: IdName.nullable(),
  company_number: z.string().nullable(),
  created_on: z.string().openapi({ format: "date-time" }).nullable(),
  description: z.string().nullable(),
  duns_number: z.string().nullable(),
  employee_range: IdName.nullable(),
  export_experience_category: IdName.nullable(),
  export_to_countries: z.array(IdName),
  future_interest_countries: z.array(IdName),
  global_headquarters: IdName.nullable(),
  headquarter_type: IdName.nullable(),
  id: z.guid(),
  is_number_of_employees_estimated: z.boolean().nullable(),
  is_turnover_estimated: z.boolean().nullable(),
  modified_on: z.string().openapi({ format: "date-time" }).nullable(),
  name: z.string(),
  number_of_employees: z.number().int().nullable(),
  one_list_group_tier: IdName.nullable(),
  reference_code: z.string(),
  registered_address: Company.shape.registered_address,
  sector: IdName.nullable(),
  trading_names: z.array(z.string()),
  transfer_reason: z.string(),
  transferred_on: z.string().nullable(),
  transferred_to: IdName.nullable(),
  turnover: z.number().int().nullable(),
  turnover_gbp: z.number().nullable(),
  turnover_range: IdName.nullable(),
  uk_based: z.boolean().nullable(),
  uk_region: IdName.nullable(),
  vat_number: z.string(),
  website: z.string().nullable(),
  export_segment: z.string(),
  export_sub_segment: z.string(),
}).openapi("PublicCompany");

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
  responses: {
    200: jsonResponse("A page of companies", paginatedSchema(Company, "PaginatedCompanies")),
  },
});

export const createCompany = createRoute({
  method: "post",
  path: "/v4/company",
  tags,
  summary: "Create a company (flagged pending D&B investigation)",
  middleware: companyCrud,
  request: { body: jsonBody(companyCreateBody) },
  responses: { 201: jsonResponse("The company", Company) },
});

export const getCompany = createRoute({
  method: "get",
  path: "/v4/company/{id}",
  tags,
  summary: "One company (with an ETag; `If-None-Match` gives 304)",
  middleware: companyCrud,
  request: { params: idParam },
  responses: { 200: jsonResponse("The company", Company), ...notModifiedResponse },
});

export const updateCompany = createRoute({
  method: "patch",
  path: "/v4/company/{id}",
  tags,
  summary: "Update a company (D&B fields are read-only once it has a DUNS number)",
  middleware: companyCrud,
  request: { params: idParam, body: jsonBody(companyUpdateBody) },
  responses: { 200: jsonResponse("The company", Company) },
});

export const companyArchive = archiveRoutes("/v4/company/{id}", {
  schema: Company,
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
  responses: { 200: jsonResponse("The core team", z.array(CoreTeamMember)) },
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

export const KINGS_AWARD_CATEGORIES = [
  "International Trade (Export)",
  "Innovation (Technology)",
  "Export and Technology (Combined)",
  "Sustainable Development (Environmental Achievement)",
  "Promoting Opportunity (Through Social Mobility)",
] as const;

export const KingsAward = z.object({
  id: z.guid(),
  company: z.object({ id: z.guid(), name: z.string() }),
  year_awarded: z.number().int(),
  category: z.enum(KINGS_AWARD_CATEGORIES),
  citation: z.string(),
  year_expired: z.number().int(),
}).openapi("KingsAward");

export const kingsAwards = createRoute({
  method: "get",
  path: "/v4/company/{id}/kings-awards",
  tags,
  summary: "The company's King's Awards for Enterprise, latest first",
  middleware: [bearer, requireAll("company.view_company")],
  request: { params: idParam },
  responses: { 200: jsonResponse("King's Awards", z.array(KingsAward)) },
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
    200: jsonResponse("The company without personal data", PublicCompany),
    401: jsonResponse("Missing or invalid Hawk credentials", detailSchema),
    403: jsonResponse("The client lacks the public_company scope", detailSchema),
    404: jsonResponse("No such company", detailSchema),
  },
});

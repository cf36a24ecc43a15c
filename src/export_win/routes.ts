/**
 * Routes and Zod schemas of export wins (`/v4/export-win…`), as the original's WinViewSet
 * (model permissions `export_win.*_win` by method; a POST action needs `add_win`), the
 * public customer review (`/v4/export-win/review/{token_pk}`: no authentication, the
 * token is the credential) and the company's legacy-shaped list.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { bearer } from "../auth/authenticate.ts";
import { crud, requireAll } from "../auth/permissions.ts";
import { pageQuery, paginatedSchema } from "../http/pagination.ts";
import {
  idParam,
  integerField,
  jsonBody,
  jsonResponse,
  nestedRef,
  nullableRef,
  refList,
} from "../http/schemas.ts";
import { rejectMarkup } from "./markup.ts";

const tags = ["export-win"];
const middleware = [bearer, crud("export_win.win")];

const text = (max?: number) => {
  const s = z.string().trim().min(1, "This field may not be blank.");
  return max ? s.max(max, `Ensure this field has no more than ${max} characters.`) : s;
};
const optionalText = (max: number) =>
  z.string().trim().max(max, `Ensure this field has no more than ${max} characters.`);
const bigint = () => integerField({ min: -9223372036854775808, max: 9223372036854775807 });

const breakdownBody = z.object({
  type: nestedRef(),
  year: integerField({ min: 1, max: 5 }),
  value: bigint(),
});
const winAdviserBody = z.object({
  adviser: nestedRef(),
  team_type: nestedRef(),
  hq_team: nestedRef(),
  location: optionalText(128).optional(),
});

/** Writable fields of WinSerializer. */
export const winUpdateBody = z.object({
  adviser: nestedRef(),
  lead_officer: nestedRef(),
  company: nestedRef(),
  company_contacts: refList(),
  customer_location: nestedRef(),
  type: nestedRef(),
  country: nestedRef(),
  goods_vs_services: nestedRef(),
  sector: nestedRef(),
  hvc: nestedRef(),
  hvo_programme: nestedRef(),
  type_of_support: refList(),
  associated_programme: refList(),
  team_type: nestedRef(),
  hq_team: nestedRef(),
  business_potential: nestedRef(),
  export_experience: nestedRef(),
  company_export: nestedRef(),
  team_members: z.array(nestedRef()),
  advisers: z.array(winAdviserBody),
  contributing_advisers: z.array(winAdviserBody),
  breakdowns: z.array(breakdownBody),
  business_type: text(128),
  description: text(),
  name_of_customer: text(128),
  name_of_customer_confidential: z.boolean().nullable(),
  name_of_export: text(128),
  date: z.iso.date(),
  total_expected_export_value: bigint(),
  total_expected_non_export_value: bigint(),
  total_expected_odi_value: bigint(),
  is_prosperity_fund_related: z.boolean(),
  has_hvo_specialist_involvement: z.boolean(),
  is_e_exported: z.boolean(),
  is_personally_confirmed: z.boolean(),
  is_line_manager_confirmed: z.boolean(),
  location: optionalText(128),
  audit: z.string(),
}).partial();
export const winCreateBody = winUpdateBody.required({
  adviser: true,
  lead_officer: true,
  company: true,
  company_contacts: true,
  customer_location: true,
  country: true,
  goods_vs_services: true,
  sector: true,
  type_of_support: true,
  associated_programme: true,
  team_type: true,
  hq_team: true,
  business_potential: true,
  export_experience: true,
  breakdowns: true,
  business_type: true,
  description: true,
  name_of_customer: true,
  name_of_export: true,
  date: true,
  total_expected_export_value: true,
  total_expected_non_export_value: true,
  total_expected_odi_value: true,
  is_personally_confirmed: true,
  is_line_manager_confirmed: true,
});
export type WinInput = z.output<typeof winUpdateBody>;

/** Writable fields of PublicCustomerResponseSerializer. */
export const customerResponseBody = z.object({
  agree_with_win: z.boolean().nullable(),
  comments: z.string(),
  our_support: nullableRef(),
  access_to_contacts: nullableRef(),
  access_to_information: nullableRef(),
  improved_profile: nullableRef(),
  gained_confidence: nullableRef(),
  developed_relationships: nullableRef(),
  overcame_problem: nullableRef(),
  involved_state_enterprise: z.boolean().nullable(),
  interventions_were_prerequisite: z.boolean().nullable(),
  support_improved_speed: z.boolean().nullable(),
  expected_portion_without_help: nullableRef(),
  last_export: nullableRef(),
  company_was_at_risk_of_not_exporting: z.boolean().nullable(),
  has_explicit_export_plans: z.boolean().nullable(),
  has_enabled_expansion_into_new_market: z.boolean().nullable(),
  has_increased_exports_as_percent_of_turnover: z.boolean().nullable(),
  has_enabled_expansion_into_existing_market: z.boolean().nullable(),
  case_study_willing: z.boolean().nullable(),
  marketing_source: nullableRef(),
  other_marketing_source: optionalText(256),
}).partial();
export type CustomerResponseInput = z.output<typeof customerResponseBody>;

const idName = z.object({ id: z.string(), name: z.string() });
const adviserSchema = z.object({
  id: z.string(),
  name: z.string(),
  first_name: z.string(),
  last_name: z.string(),
});
const breakdownSchema = z.object({
  id: z.string(),
  type: idName,
  year: z.number().int(),
  value: z.number().int(),
});
const winAdviserSchema = z.object({
  id: z.string(),
  adviser: adviserSchema.nullable(),
  name: z.string(),
  team_type: idName,
  hq_team: idName,
  location: z.string(),
});
const answers = {
  our_support: idName.nullable(),
  access_to_contacts: idName.nullable(),
  access_to_information: idName.nullable(),
  improved_profile: idName.nullable(),
  gained_confidence: idName.nullable(),
  developed_relationships: idName.nullable(),
  overcame_problem: idName.nullable(),
  involved_state_enterprise: z.boolean().nullable(),
  interventions_were_prerequisite: z.boolean().nullable(),
  support_improved_speed: z.boolean().nullable(),
  expected_portion_without_help: idName.nullable(),
  last_export: idName.nullable(),
  has_enabled_expansion_into_new_market: z.boolean().nullable(),
  has_enabled_expansion_into_existing_market: z.boolean().nullable(),
  has_increased_exports_as_percent_of_turnover: z.boolean().nullable(),
  company_was_at_risk_of_not_exporting: z.boolean().nullable(),
  has_explicit_export_plans: z.boolean().nullable(),
  agree_with_win: z.boolean().nullable(),
  case_study_willing: z.boolean().nullable(),
  comments: z.string(),
  marketing_source: idName.nullable(),
  other_marketing_source: z.string(),
};

export const winSchema = z.object({
  id: z.string(),
  adviser: adviserSchema.nullable(),
  adviser_name: z.string(),
  adviser_email_address: z.string(),
  advisers: z.array(winAdviserSchema),
  contributing_advisers: z.array(winAdviserSchema),
  breakdowns: z.array(breakdownSchema),
  company: idName.nullable(),
  company_name: z.string(),
  company_contacts: z.array(z.object({ id: z.string(), name: z.string(), email: z.string() })),
  customer_name: z.string(),
  customer_job_title: z.string(),
  customer_email_address: z.string(),
  complete: z.boolean(),
  customer_location: idName.nullable(),
  business_type: z.string(),
  description: z.string(),
  name_of_customer: z.string(),
  name_of_customer_confidential: z.boolean().nullable(),
  name_of_export: z.string(),
  date: z.string(),
  country: idName,
  type: idName.nullable(),
  total_expected_export_value: z.number().int(),
  total_expected_non_export_value: z.number().int(),
  total_expected_odi_value: z.number().int(),
  goods_vs_services: idName.nullable(),
  sector: idName.nullable(),
  is_prosperity_fund_related: z.boolean(),
  hvc: idName.nullable(),
  hvo_programme: idName.nullable(),
  has_hvo_specialist_involvement: z.boolean(),
  is_e_exported: z.boolean(),
  type_of_support: z.array(idName),
  associated_programme: z.array(idName),
  is_personally_confirmed: z.boolean(),
  is_line_manager_confirmed: z.boolean(),
  lead_officer: adviserSchema.nullable(),
  lead_officer_name: z.string(),
  lead_officer_email_address: z.string(),
  team_type: idName.nullable(),
  hq_team: idName.nullable(),
  business_potential: idName.nullable(),
  export_experience: idName.nullable(),
  location: z.string(),
  created_on: z.string().nullable(),
  modified_on: z.string().nullable(),
  customer_response: z.object({
    id: z.string(),
    ...answers,
    name: z.string(),
    responded_on: z.string().nullable(),
  }).nullable(),
  audit: z.string(),
  team_members: z.array(adviserSchema),
  company_export: z.object({ id: z.string(), title: z.string() }).nullable(),
  first_sent: z.string().nullable(),
  last_sent: z.string().nullable(),
  migrated_on: z.string().nullable(),
}).openapi("ExportWin");

const publicResponseSchema = z.object({
  win: z.object({
    date: z.string(),
    country: idName,
    goods_vs_services: idName.nullable(),
    export_experience: idName.nullable(),
    lead_officer: adviserSchema.nullable(),
    breakdowns: z.array(breakdownSchema),
    description: z.string(),
  }),
  ...answers,
  company_contact: z.object({ id: z.string(), name: z.string(), email: z.string() }).nullable(),
}).openapi("ExportWinCustomerResponse");

const person = z.object({
  id: z.string().optional(),
  name: z.string().nullable(),
  email: z.string().nullable(),
});
const legacyWinSchema = z.object({
  id: z.string(),
  adviser: person,
  title: z.string(),
  date: z.string(),
  created: z.string().nullable(),
  country: z.string().nullable(),
  sector: z.string().nullable(),
  business_potential: z.string().nullable(),
  business_type: z.string(),
  name_of_export: z.string(),
  officer: person.extend({
    team: z.object({ type: z.string().nullable(), sub_type: z.string().nullable() }),
  }),
  lead_officer: person.extend({
    team: z.object({ type: z.string().nullable(), sub_type: z.string().nullable() }),
  }),
  contact: person.extend({ job_title: z.string().nullable() }),
  value: z.object({
    export: z.object({
      total: z.number().int(),
      breakdowns: z.array(z.object({ year: z.number().int(), value: z.number().int() })),
    }),
  }),
  customer: z.string(),
  response: z.object({ confirmed: z.boolean().nullable(), date: z.string().nullable() })
    .nullable(),
  hvc: z.object({ code: z.string(), name: z.string() }).nullable(),
  team_members: z.array(adviserSchema),
  contributing_advisers: z.array(winAdviserSchema),
}).openapi("LegacyExportWin");

const listQuery = pageQuery.extend({
  confirmed: z.string().optional(),
  sortby: z.string().optional(),
});

export const listWins = createRoute({
  method: "get",
  path: "/v4/export-win",
  tags,
  summary: "The caller's export wins (filter confirmed; sortby), with counts by confirmation",
  middleware,
  request: { query: listQuery },
  responses: {
    200: jsonResponse(
      "A page of wins and the counts of unanswered, confirmed and rejected wins",
      paginatedSchema(winSchema).extend({
        confirmed: z.object({
          null: z.number().int(),
          true: z.number().int(),
          false: z.number().int(),
        }),
      }),
    ),
  },
});

export const createWin = createRoute({
  method: "post",
  path: "/v4/export-win",
  tags,
  summary: "Create an export win and e-mail its customer contacts a review link",
  middleware: [...middleware, rejectMarkup],
  request: { body: jsonBody(winCreateBody) },
  responses: { 201: jsonResponse("The win", winSchema) },
});

export const getWin = createRoute({
  method: "get",
  path: "/v4/export-win/{id}",
  tags,
  summary: "One export win",
  middleware,
  request: { params: idParam },
  responses: { 200: jsonResponse("The win", winSchema) },
});

export const updateWin = createRoute({
  method: "patch",
  path: "/v4/export-win/{id}",
  tags,
  summary: "Update an export win (not by its contributing advisers)",
  middleware: [...middleware, rejectMarkup],
  request: { params: idParam, body: jsonBody(winUpdateBody) },
  responses: { 200: jsonResponse("The win", winSchema) },
});

export const resendWin = createRoute({
  method: "post",
  path: "/v4/export-win/{id}/resend-win",
  tags,
  summary: "E-mail the first customer contact a new review link (unanswered wins only)",
  middleware,
  request: { params: idParam },
  responses: { 200: jsonResponse("Sent", z.object({ message: z.string() })) },
});

const tokenParam = z.object({
  token_pk: z.guid().openapi({ param: { name: "token_pk", in: "path" } }),
});

export const getReview = createRoute({
  method: "get",
  path: "/v4/export-win/review/{token_pk}",
  tags,
  summary: "The win as its customer reviews it (public; the token must exist and be unexpired)",
  request: { params: tokenParam },
  responses: { 200: jsonResponse("The customer response", publicResponseSchema) },
});

export const updateReview = createRoute({
  method: "patch",
  path: "/v4/export-win/review/{token_pk}",
  tags,
  summary: "The customer confirms or rejects the win (public; uses up the token)",
  middleware: [rejectMarkup],
  request: { params: tokenParam, body: jsonBody(customerResponseBody) },
  responses: { 200: jsonResponse("The customer response", publicResponseSchema) },
});

export const companyWins = createRoute({
  method: "get",
  path: "/v4/company/{id}/export-win",
  tags: ["company"],
  summary: "A company's export wins, in the legacy service's shape (filter confirmed)",
  middleware: [bearer, requireAll("company.view_export_win")],
  request: { params: idParam, query: listQuery },
  responses: { 200: jsonResponse("A page of wins", paginatedSchema(legacyWinSchema)) },
});

/** The original's review view answers PUT and DELETE with a bare 404. */
const reviewNotFound = (method: "put" | "delete") =>
  createRoute({
    method,
    path: "/v4/export-win/review/{token_pk}",
    tags,
    summary: "Not allowed: always a 404 (the original's has no body; here the standard one)",
    request: { params: tokenParam },
    responses: { 404: { description: "Always" } },
  });
export const putReview = reviewNotFound("put");
export const deleteReview = reviewNotFound("delete");

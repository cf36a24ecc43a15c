/** Routes and Zod schemas of `/v3/investment…` (projects, stage moves, team members). */
import { createRoute, z } from "@hono/zod-openapi";
import { bearer } from "../auth/authenticate.ts";
import { pageQuery, paginatedSchema } from "../http/pagination.ts";
import {
  decimalField,
  integerField,
  jsonBody,
  jsonResponse,
  nestedRef,
  nullableRef,
  refList,
} from "../http/schemas.ts";
import { archiveRoutes } from "../core/archive.ts";
import { PRIORITIES, REQUIRED, STATUSES } from "./rules.ts";
import { projectObjectScope, projectPermission, teamObjectScope } from "./access.ts";
import { requireAll } from "../auth/permissions.ts";

const date = () => z.iso.date();
const text = () => z.string();
const bool = () => z.boolean().nullable();
const nonEmptyRefs = () => z.array(nestedRef()).min(1).transform((ids) => [...new Set(ids)]);

const noteSchema = z.object({
  text: z.string().min(1),
  activity_type: nestedRef().optional(),
});

/** Writable fields of IProjectSerializer; read-only ones are ignored if sent. */
const fields = {
  name: z.string().min(1).max(255),
  description: z.string().min(1),
  anonymous_description: text(),
  estimated_land_date: date().nullable(),
  actual_land_date: date().nullable(),
  quotable_as_public_case_study: bool(),
  likelihood_to_land: nullableRef(),
  priority: z.enum(PRIORITIES).nullable(),
  approved_commitment_to_invest: bool(),
  approved_fdi: bool(),
  approved_good_value: bool(),
  approved_high_value: bool(),
  approved_landed: bool(),
  approved_non_fdi: bool(),
  investment_type: nestedRef(),
  stage: nestedRef(),
  status: z.enum(STATUSES),
  reason_delayed: text().nullable(),
  reason_abandoned: text().nullable(),
  date_abandoned: date().nullable(),
  reason_lost: text().nullable(),
  date_lost: date().nullable(),
  country_lost_to: nullableRef(),
  investor_company: nestedRef(),
  investor_type: nullableRef(),
  intermediate_company: nullableRef(),
  level_of_involvement: nullableRef(),
  specific_programmes: refList(),
  client_contacts: nonEmptyRefs(),
  client_relationship_manager: nestedRef(),
  referral_source_adviser: nestedRef(),
  referral_source_activity: nestedRef(),
  referral_source_activity_website: nullableRef(),
  referral_source_activity_marketing: nullableRef(),
  referral_source_activity_event: z.string().max(255).nullable(),
  fdi_type: nullableRef(),
  sector: nestedRef(),
  business_activities: nonEmptyRefs(),
  other_business_activity: z.string().max(255).nullable(),
  country_investment_originates_from: nullableRef(),
  note: noteSchema,
  fdi_value: nullableRef(),
  total_investment: decimalField({ maxDigits: 19, decimalPlaces: 0 }).nullable(),
  foreign_equity_investment: decimalField({ maxDigits: 19, decimalPlaces: 0 }).nullable(),
  government_assistance: bool(),
  some_new_jobs: bool(),
  number_new_jobs: integerField({ min: -2147483648, max: 2147483647 }).nullable(),
  will_new_jobs_last_two_years: bool(),
  actual_average_salary: integerField({ min: -2147483648, max: 2147483647 }).nullable(),
  average_salary: nullableRef(),
  number_safeguarded_jobs: integerField({ min: -2147483648, max: 2147483647 }).nullable(),
  r_and_d_budget: bool(),
  non_fdi_r_and_d_budget: bool(),
  associated_non_fdi_r_and_d_project: nullableRef(),
  new_tech_to_uk: bool(),
  export_revenue: bool(),
  client_cannot_provide_total_investment: bool(),
  client_cannot_provide_foreign_investment: bool(),
  client_requirements: text().nullable(),
  site_decided: bool(),
  site_address_is_company_address: bool(),
  address_1: z.string().max(255).nullable(),
  address_2: z.string().max(255).nullable(),
  address_town: z.string().max(255).nullable(),
  address_postcode: z.string().max(255).nullable(),
  competitor_countries: refList(),
  uk_region_locations: refList(),
  actual_uk_regions: refList(),
  delivery_partners: refList(),
  strategic_drivers: refList(),
  client_considering_other_countries: bool(),
  uk_company_decided: bool(),
  uk_company: nullableRef(),
  project_manager_request_status: nullableRef(),
  project_manager: nullableRef(),
  project_assurance_adviser: nullableRef(),
  project_arrived_in_triage_on: date().nullable(),
  proposal_deadline: date().nullable(),
  eyb_leads: refList(),
};

const updateBody = z.object(fields).partial();
export type ProjectInput = z.output<typeof updateBody>;

const REQUIRED_ON_CREATE = [
  "name",
  "description",
  "investment_type",
  "investor_company",
  "client_contacts",
  "client_relationship_manager",
  "referral_source_adviser",
  "referral_source_activity",
  "sector",
  "business_activities",
] as const;

/** On create a sent null estimated land date is refused (validate_estimated_land_date). */
const createBody = updateBody
  .extend({
    estimated_land_date: date().nullable().refine((v) => v !== null, REQUIRED).optional(),
  })
  .required(Object.fromEntries(REQUIRED_ON_CREATE.map((f) => [f, true])) as never);

const project = z.object({
  id: z.string(),
  name: z.string(),
  project_code: z.string().nullable(),
  incomplete_fields: z.array(z.string()),
  stage: z.object({ id: z.string(), name: z.string() }),
  status: z.string(),
}).passthrough();

const teamMemberBody = z.object({ adviser: nestedRef(), role: z.string().min(1).max(255) });
const teamMember = z.object({
  investment_project: z.object({ id: z.string(), name: z.string() }),
  adviser: z.object({ id: z.string() }).passthrough(),
  role: z.string(),
});

const listQuery = pageQuery.extend({
  investor_company_id: z.string().optional(),
  autocomplete: z.string().optional(),
  sortby: z.string().optional().openapi({
    description: "name, created_on, modified_on, estimated_land_date, actual_land_date, " +
      "stage, status, priority, total_investment, gross_value_added (default -created_on)",
  }),
});

const tags = ["investment"];
const base = "/v3/investment";
const item = `${base}/{id}`;
const idParam = z.object({ id: z.guid().openapi({ param: { name: "id", in: "path" } }) });
const teamParams = z.object({
  project_pk: z.guid().openapi({ param: { name: "project_pk", in: "path" } }),
});
const memberParams = teamParams.extend({
  adviser_pk: z.guid().openapi({ param: { name: "adviser_pk", in: "path" } }),
});
const changeScope = [bearer, projectPermission("change"), projectObjectScope("change")];

export const projectRoutes = {
  list: createRoute({
    method: "get",
    path: base,
    tags,
    summary: "List investment projects (investor_company_id, autocomplete, sortby)",
    middleware: [bearer, projectPermission("view")],
    request: { query: listQuery },
    responses: { 200: jsonResponse("A page of projects", paginatedSchema(project)) },
  }),
  create: createRoute({
    method: "post",
    path: base,
    tags,
    summary: "Create an investment project",
    middleware: [bearer, projectPermission("add")],
    request: { body: jsonBody(createBody) },
    responses: { 201: jsonResponse("The project", project) },
  }),
  get: createRoute({
    method: "get",
    path: item,
    tags,
    summary: "One investment project",
    middleware: [bearer, projectPermission("view"), projectObjectScope("view")],
    request: { params: idParam },
    responses: { 200: jsonResponse("The project", project) },
  }),
  update: createRoute({
    method: "patch",
    path: item,
    tags,
    summary: "Update a project (a stage change checks every field the new stage requires)",
    middleware: changeScope,
    request: { params: idParam, body: jsonBody(updateBody) },
    responses: { 200: jsonResponse("The project", project) },
  }),
  updateStage: createRoute({
    method: "post",
    path: `${item}/update-stage`,
    tags,
    summary: "Move to any stage, skipping the field checks",
    middleware: [bearer, requireAll("investment.change_to_any_stage_investmentproject")],
    request: { params: idParam, body: jsonBody(z.object({ stage: nestedRef() })) },
    responses: { 200: jsonResponse("The project", project) },
  }),
  audit: createRoute({
    method: "get",
    path: `${item}/audit`,
    tags,
    summary: "Change log, newest first; entries carry the note made with the change",
    middleware: [bearer, projectPermission("view"), projectObjectScope("view")],
    request: { params: idParam, query: pageQuery },
    responses: {
      200: jsonResponse(
        "Changes between adjacent versions",
        paginatedSchema(
          z.object({
            id: z.number().int(),
            user: z.object({ id: z.string() }).passthrough().nullable(),
            timestamp: z.string(),
            comment: z.string(),
            changes: z.record(z.string(), z.array(z.unknown())),
            note: z.object({ id: z.string(), text: z.string() }).passthrough().nullable(),
          }),
        ),
      ),
    },
  }),
  archive: archiveRoutes(item, { tag: tags[0], middleware: changeScope, schema: project }),
};

const teamBase = "/v3/investment/{project_pk}/team-member";
const teamChange = [bearer, projectPermission("change"), teamObjectScope("change")];

export const teamRoutes = {
  add: createRoute({
    method: "post",
    path: teamBase,
    tags,
    summary: "Add a team member",
    middleware: teamChange,
    request: { params: teamParams, body: jsonBody(teamMemberBody) },
    responses: { 201: jsonResponse("The team member", teamMember) },
  }),
  replace: createRoute({
    method: "put",
    path: teamBase,
    tags,
    summary: "Replace all team members (a list body; errors per item)",
    middleware: teamChange,
    request: { params: teamParams, body: jsonBody(z.array(z.unknown())) },
    responses: { 200: jsonResponse("The team members", z.array(teamMember)) },
  }),
  removeAll: createRoute({
    method: "delete",
    path: teamBase,
    tags,
    summary: "Remove all team members",
    middleware: teamChange,
    request: { params: teamParams },
    responses: { 204: { description: "Removed" } },
  }),
  get: createRoute({
    method: "get",
    path: `${teamBase}/{adviser_pk}`,
    tags,
    summary: "One team member (by adviser id)",
    middleware: [bearer, projectPermission("view"), teamObjectScope("view")],
    request: { params: memberParams },
    responses: { 200: jsonResponse("The team member", teamMember) },
  }),
  update: createRoute({
    method: "patch",
    path: `${teamBase}/{adviser_pk}`,
    tags,
    summary: "Change a team member's role",
    middleware: teamChange,
    request: { params: memberParams, body: jsonBody(teamMemberBody.partial()) },
    responses: { 200: jsonResponse("The team member", teamMember) },
  }),
  remove: createRoute({
    method: "delete",
    path: `${teamBase}/{adviser_pk}`,
    tags,
    summary: "Remove a team member",
    middleware: teamChange,
    request: { params: memberParams },
    responses: { 204: { description: "Removed" } },
  }),
};

export { teamMemberBody };

/**
 * Routes and Zod schemas of `/v4/large-investor-profile…` and
 * `/v4/large-capital-opportunity…` (list, create, detail, PATCH; opportunity audit).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { bearer } from "../auth/authenticate.ts";
import { crud } from "../auth/permissions.ts";
import { pageQuery, paginatedSchema } from "../http/pagination.ts";
import {
  decimalField,
  idParam,
  integerField,
  jsonBody,
  jsonResponse,
  nestedRef,
  nullableRef,
  refList,
} from "../http/schemas.ts";
import { auditRoute } from "../core/audit.ts";

const checks = {
  required_checks_conducted: nullableRef(),
  required_checks_conducted_on: z.iso.date().nullable(),
  required_checks_conducted_by: nullableRef(),
};

const profileFields = z.object({
  investor_company: nestedRef(),
  investor_type: nullableRef(),
  investable_capital: integerField({ min: 0 }).nullable(),
  global_assets_under_management: integerField({ min: 0 }).nullable(),
  investor_description: z.string(),
  ...checks,
  deal_ticket_sizes: refList(),
  investment_types: refList(),
  minimum_return_rate: nullableRef(),
  time_horizons: refList(),
  construction_risks: refList(),
  minimum_equity_percentage: nullableRef(),
  desired_deal_roles: refList(),
  restrictions: refList(),
  asset_classes_of_interest: refList(),
  uk_region_locations: refList(),
  notes_on_locations: z.string(),
  other_countries_being_considered: refList(),
}).partial();
export type ProfileInput = z.output<typeof profileFields>;

const amount = () => decimalField({ maxDigits: 19, decimalPlaces: 0 });
const opportunityFields = z.object({
  name: z.string().min(1).max(255),
  type: nestedRef(),
  status: nestedRef(),
  dit_support_provided: z.boolean(),
  description: z.string(),
  uk_region_locations: refList(),
  promoters: refList(),
  lead_dit_relationship_manager: nullableRef(),
  asset_classes: refList(),
  opportunity_value: amount(),
  construction_risks: refList(),
  ...checks,
  opportunity_value_type: nestedRef(),
  investment_projects: refList(),
  reasons_for_abandonment: refList(),
  other_dit_contacts: refList(),
  sources_of_funding: refList(),
  total_investment_sought: amount().nullable(),
  current_investment_secured: amount().nullable(),
  investment_types: refList(),
  estimated_return_rate: nullableRef(),
  time_horizons: refList(),
}).partial();
export type OpportunityInput = z.output<typeof opportunityFields>;

const ref = z.object({ id: z.string(), name: z.string() });
const profile = z.object({
  id: z.string(),
  investor_company: ref,
  incomplete_details_fields: z.array(z.string()),
  incomplete_requirements_fields: z.array(z.string()),
  incomplete_location_fields: z.array(z.string()),
}).passthrough();
const opportunity = z.object({
  id: z.string(),
  name: z.string(),
  type: ref,
  status: ref,
  incomplete_details_fields: z.array(z.string()),
  incomplete_requirements_fields: z.array(z.string()),
}).passthrough();

const PROFILE = "/v4/large-investor-profile";
const OPPORTUNITY = "/v4/large-capital-opportunity";
const profileGuard = [bearer, crud("investor_profile.largecapitalinvestorprofile")];
const opportunityGuard = [bearer, crud("opportunity.largecapitalopportunity")];

export const profileRoutes = {
  list: createRoute({
    method: "get",
    path: PROFILE,
    tags: ["large capital"],
    summary: "List investor profiles (investor_company_id)",
    middleware: profileGuard,
    request: { query: pageQuery.extend({ investor_company_id: z.string().optional() }) },
    responses: { 200: jsonResponse("A page of profiles", paginatedSchema(profile)) },
  }),
  create: createRoute({
    method: "post",
    path: PROFILE,
    tags: ["large capital"],
    summary: "Create an investor profile (one per company)",
    middleware: profileGuard,
    request: { body: jsonBody(profileFields.required({ investor_company: true })) },
    responses: { 201: jsonResponse("The profile", profile) },
  }),
  get: createRoute({
    method: "get",
    path: `${PROFILE}/{id}`,
    tags: ["large capital"],
    summary: "One investor profile",
    middleware: profileGuard,
    request: { params: idParam },
    responses: { 200: jsonResponse("The profile", profile) },
  }),
  update: createRoute({
    method: "patch",
    path: `${PROFILE}/{id}`,
    tags: ["large capital"],
    summary: "Update an investor profile",
    middleware: profileGuard,
    request: { params: idParam, body: jsonBody(profileFields) },
    responses: { 200: jsonResponse("The profile", profile) },
  }),
};

export const opportunityRoutes = {
  list: createRoute({
    method: "get",
    path: OPPORTUNITY,
    tags: ["large capital"],
    summary: "List opportunities (investment_projects__id, autocomplete)",
    middleware: opportunityGuard,
    request: {
      query: pageQuery.extend({
        investment_projects__id: z.string().optional(),
        autocomplete: z.string().optional(),
      }),
    },
    responses: { 200: jsonResponse("A page of opportunities", paginatedSchema(opportunity)) },
  }),
  create: createRoute({
    method: "post",
    path: OPPORTUNITY,
    tags: ["large capital"],
    summary: "Create an opportunity",
    middleware: opportunityGuard,
    request: { body: jsonBody(opportunityFields.required({ name: true })) },
    responses: { 201: jsonResponse("The opportunity", opportunity) },
  }),
  get: createRoute({
    method: "get",
    path: `${OPPORTUNITY}/{id}`,
    tags: ["large capital"],
    summary: "One opportunity",
    middleware: opportunityGuard,
    request: { params: idParam },
    responses: { 200: jsonResponse("The opportunity", opportunity) },
  }),
  update: createRoute({
    method: "patch",
    path: `${OPPORTUNITY}/{id}`,
    tags: ["large capital"],
    summary: "Update an opportunity",
    middleware: opportunityGuard,
    request: { params: idParam, body: jsonBody(opportunityFields) },
    responses: { 200: jsonResponse("The opportunity", opportunity) },
  }),
  audit: auditRoute(OPPORTUNITY + "/{id}", {
    tag: "large capital",
    middleware: opportunityGuard,
  }),
};

/**
 * Routes and Zod schemas of the export pipeline (`/v4/export…`), as the original's
 * CompanyExportViewSet: any signed-in adviser; the list shows only exports the caller
 * owns or is a team member of, while detail routes find any export by id.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { bearer } from "../auth/authenticate.ts";
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
  refList,
} from "../http/schemas.ts";
import { EXPORT_STATUSES, MAX_TEAM_MEMBERS, messages } from "./rules.ts";

// Response schemas (named components of the OpenAPI document).

export const CompanyExport = z.object({
  id: z.guid(),
  notes: z.string(),
  owner: z.object({
    id: z.guid(),
    name: z.string(),
    dit_team: IdName.nullable(),
    last_name: z.string(),
    first_name: z.string(),
  }),
  title: z.string(),
  sector: IdName.nullable(),
  status: z.string(),
  company: IdName,
  archived: z.boolean(),
  contacts: z.array(z.object({
    id: z.guid(),
    name: z.string(),
    email: z.string(),
  })),
  created_by: z.guid().nullable(),
  created_on: z.string().openapi({ format: "date-time" }),
  archived_by: z.guid().nullable(),
  archived_on: z.string().openapi({ format: "date-time" }).nullable(),
  modified_by: z.guid().nullable(),
  modified_on: z.string().openapi({ format: "date-time" }).nullable(),
  team_members: z.array(IdName),
  archived_reason: z.string().nullable(),
  export_potential: z.string(),
  estimated_win_date: z.string().nullable(),
  destination_country: IdName.nullable(),
  exporter_experience: IdName.nullable(),
  estimated_export_value_years: IdName.nullable(),
  estimated_export_value_amount: z.string().nullable(),
}).openapi("CompanyExport");

export const ExportOwner = z.object({
  id: z.guid(),
  name: z.string(),
  email: z.string(),
  dit_team: z.object({
    id: z.guid(),
    name: z.string(),
    role: z.guid(),
    tags: z.array(z.string()),
    country: z.guid(),
    uk_region: IdName.nullable(),
    disabled_on: z.string().nullable(),
  }).nullable(),
  is_active: z.boolean(),
  last_name: z.string(),
  first_name: z.string(),
  last_login: z.string().nullable(),
  contact_email: z.string(),
  telephone_number: z.string(),
}).openapi("ExportOwner");

const tags = ["export"];
const middleware = [bearer];
/** A query parameter that may be repeated (`?status=won&status=active`). */
const repeatable = z.union([z.string(), z.array(z.string())]).optional();

/** Writable fields of CompanyExportSerializer (`archived_by` and the stamps are not). */
export const exportUpdateBody = z.object({
  company: nestedRef(),
  owner: nestedRef(),
  team_members: refList().refine((ids) => ids.length <= MAX_TEAM_MEMBERS, {
    message: messages.tooManyTeamMembers,
  }),
  contacts: refList(),
  destination_country: nestedRef(),
  sector: nestedRef(),
  exporter_experience: nestedRef(),
  estimated_win_date: isoDate(),
  estimated_export_value_amount: decimalField({ maxDigits: 19, decimalPlaces: 0 }),
  estimated_export_value_years: nestedRef(),
  export_potential: z.string().trim().min(1).max(255),
  title: z.string().trim().min(1).max(255),
  status: z.enum(EXPORT_STATUSES),
  notes: z.string().trim(),
  archived: z.boolean(),
  archived_on: isoDateTime().nullable(),
  archived_reason: z.string().trim().nullable(),
}).partial();
export const exportCreateBody = exportUpdateBody.required({
  company: true,
  owner: true,
  contacts: true,
  destination_country: true,
  sector: true,
  estimated_win_date: true,
  estimated_export_value_amount: true,
  estimated_export_value_years: true,
  export_potential: true,
  title: true,
});
export type ExportInput = z.output<typeof exportUpdateBody>;

export const listExports = createRoute({
  method: "get",
  path: "/v4/export",
  tags,
  summary: "Exports the caller owns or is a team member of (default -created_on, title)",
  middleware,
  request: {
    query: pageQuery.extend({
      archived: repeatable,
      destination_country: repeatable,
      estimated_win_date_after: repeatable,
      estimated_win_date_before: repeatable,
      export_potential: repeatable,
      owner: repeatable,
      sector: repeatable,
      status: repeatable,
      team_members: repeatable,
      sortby: z.string().optional().openapi({
        description:
          "company__name, estimated_win_date, estimated_export_value_amount, created_on, title",
      }),
    }),
  },
  responses: {
    200: jsonResponse(
      "A page of exports",
      paginatedSchema(CompanyExport, "PaginatedCompanyExports"),
    ),
  },
});

export const createExport = createRoute({
  method: "post",
  path: "/v4/export",
  tags,
  summary: "Create an export",
  middleware,
  request: { body: jsonBody(exportCreateBody) },
  responses: { 201: jsonResponse("The export", CompanyExport) },
});

export const exportOwners = createRoute({
  method: "get",
  path: "/v4/export/owner",
  tags,
  summary: "Owners of the caller's exports (unpaginated)",
  middleware,
  responses: { 200: jsonResponse("Advisers", z.array(ExportOwner)) },
});

export const getExport = createRoute({
  method: "get",
  path: "/v4/export/{id}",
  tags,
  summary: "One export",
  middleware,
  request: { params: idParam },
  responses: { 200: jsonResponse("The export", CompanyExport) },
});

export const updateExport = createRoute({
  method: "patch",
  path: "/v4/export/{id}",
  tags,
  summary: "Update an export",
  middleware,
  request: { params: idParam, body: jsonBody(exportUpdateBody) },
  responses: { 200: jsonResponse("The export", CompanyExport) },
});

export const deleteExport = createRoute({
  method: "delete",
  path: "/v4/export/{id}",
  tags,
  summary: "Archive an export (DELETE never removes it)",
  middleware,
  request: { params: idParam },
  responses: { 204: { description: "Archived" } },
});

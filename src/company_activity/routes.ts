/**
 * Routes of the company activity sources served on their own: a Stova event
 * (`/v4/company-activity/stova-events/{id}`, the original's StovaEventRetrieveAPIView with
 * its default model permission) and the King's Award recipients
 * (`/v4/company-activity/kings-award`, KingsAwardRecipientViewSet: any signed-in adviser).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { bearer } from "../auth/authenticate.ts";
import { requireAll } from "../auth/permissions.ts";
import { idParam, jsonResponse } from "../http/schemas.ts";
import { pageQuery, paginatedSchema } from "../http/pagination.ts";
import { KingsAward } from "../company/routes.ts";

const datetime = z.string().openapi({ format: "date-time" });

/** A Stova event as the original's StovaEventSerializer renders it. */
export const StovaEvent = z.object({
  datahub_event: z.array(z.guid()),
  id: z.guid(),
  stova_event_id: z.number().int(),
  name: z.string(),
  description: z.string(),
  code: z.string(),
  created_by: z.string(),
  modified_by: z.string(),
  client_contact: z.string(),
  contact_info: z.string().nullable(),
  country: z.string().nullable(),
  city: z.string().nullable(),
  state: z.string().nullable(),
  timezone: z.string().nullable(),
  url: z.string().nullable(),
  max_reg: z.number().int().nullable(),
  created_date: datetime,
  modified_date: datetime,
  start_date: datetime.nullable(),
  live_date: datetime.nullable(),
  close_date: datetime.nullable(),
  end_date: datetime.nullable(),
  location_state: z.string(),
  location_country: z.string().nullable(),
  location_address1: z.string(),
  location_address2: z.string(),
  location_address3: z.string(),
  location_city: z.string(),
  location_name: z.string().nullable(),
  location_postcode: z.string(),
  approval_required: z.boolean(),
  price_type: z.string(),
  folder_id: z.number().int().nullable(),
  default_language: z.string(),
  standard_currency: z.string(),
}).openapi("StovaEvent");

export const stovaEventDetail = createRoute({
  method: "get",
  path: "/v4/company-activity/stova-events/{id}",
  tags: ["company activity"],
  summary: "A Stova event and the Data Hub event made from it",
  middleware: [bearer, requireAll("company_activity.view_stovaevent")] as const,
  request: { params: idParam },
  responses: { 200: jsonResponse("The Stova event", StovaEvent) },
});

export const kingsAwardList = createRoute({
  method: "get",
  path: "/v4/company-activity/kings-award",
  tags: ["company activity"],
  summary: "King's Award recipients (year_awarded and category as comma lists; " +
    "sortby year_awarded, company__name)",
  middleware: [bearer] as const,
  request: {
    query: pageQuery.extend({
      year_awarded: z.string().optional(),
      category: z.string().optional().openapi({
        description: "Aliases: international-trade, innovation, export-and-technology, " +
          "sustainable-development, promoting-opportunity",
      }),
      sortby: z.string().optional(),
    }),
  },
  responses: {
    200: jsonResponse("A page of awards", paginatedSchema(KingsAward, "PaginatedKingsAwards")),
    400: jsonResponse(
      "An unknown category alias (a list of one message) or a year that is not a number",
      z.union([z.array(z.string()), z.record(z.string(), z.array(z.string()))]),
    ),
  },
});

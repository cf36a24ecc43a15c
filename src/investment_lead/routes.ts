/** Routes of `/v4/investment-lead/eyb…` (list, detail, audit). */
import { createRoute, z } from "@hono/zod-openapi";
import { bearer } from "../auth/authenticate.ts";
import { crud } from "../auth/permissions.ts";
import { pageQuery, paginatedSchema } from "../http/pagination.ts";
import { idParam, jsonResponse } from "../http/schemas.ts";
import { auditRoute } from "../core/audit.ts";

const lead = z.object({
  id: z.string(),
  archived: z.boolean(),
  hiring: z.string(),
  spend: z.string(),
  advisers: z.array(z.object({ id: z.string() }).passthrough()),
  audit_log: z.array(z.object({ id: z.number().int() }).passthrough()),
}).passthrough();

const many = (description: string) =>
  z.union([z.string(), z.array(z.string())]).optional().openapi({ description });

const base = "/v4/investment-lead/eyb";
const guard = [bearer, crud("investment_lead.eyblead")];

export const leadRoutes = {
  list: createRoute({
    method: "get",
    path: base,
    tags: ["investment lead"],
    summary: "Current EYB leads (repeatable filters, sortby)",
    middleware: guard,
    request: {
      query: pageQuery.extend({
        overseas_region: many("Overseas region ids of the lead's country"),
        country: many("Country ids"),
        company: z.string().optional().openapi({ description: "Company name contains" }),
        sector: many("Sector ids (their descendants match too)"),
        value: many("high, low or unknown"),
        sortby: z.string().optional().openapi({
          description: "triage_created, triage_modified, company__name (default -triage_created)",
        }),
      }),
    },
    responses: { 200: jsonResponse("A page of leads", paginatedSchema(lead)) },
  }),
  get: createRoute({
    method: "get",
    path: `${base}/{id}`,
    tags: ["investment lead"],
    summary: "One EYB lead, with its audit log",
    middleware: guard,
    request: { params: idParam },
    responses: { 200: jsonResponse("The lead", lead) },
  }),
  audit: auditRoute(`${base}/{id}`, { tag: "investment lead", middleware: guard }),
};

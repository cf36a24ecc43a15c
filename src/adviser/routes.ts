/**
 * v1 adviser routes, with the trailing slash of the original's DRF router (the only
 * API routes that have one): `GET /adviser/` and `GET /adviser/{id}/`.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { bearer } from "../auth/authenticate.ts";
import { crud } from "../auth/permissions.ts";
import { pageQuery, paginatedSchema } from "../http/pagination.ts";

export const Adviser = z.object({
  id: z.guid(),
  name: z.string(),
  is_active: z.boolean(),
  last_login: z.string().nullable(),
  first_name: z.string(),
  last_name: z.string(),
  email: z.string(),
  contact_email: z.string(),
  telephone_number: z.string(),
  dit_team: z.object({
    id: z.guid(),
    name: z.string(),
    disabled_on: z.string().nullable(),
    role: z.guid().nullable(),
    uk_region: z.guid().nullable(),
    country: z.guid().nullable(),
    tags: z.array(z.string()),
  }).nullable().openapi({ description: "The team at depth 1: related ids, not objects" }),
}).openapi("Adviser");

const listQuery = pageQuery.extend({
  autocomplete: z.string().optional().openapi({
    description: "Tokens, each a word prefix of first name, last name or team name",
  }),
  is_active: z.string().optional().openapi({ example: "true" }),
  dit_team__role: z.string().optional().openapi({ description: "Team role id" }),
  permissions__has: z.string().optional().openapi({ example: "company.add_company" }),
  sortby: z.string().optional().openapi({
    description: "first_name, last_name, dit_team__name (`-` for descending)",
  }),
});

const guards = [bearer, crud("company.advisor")];

export const listAdvisersRoute = createRoute({
  method: "get",
  path: "/adviser/",
  tags: ["adviser"],
  summary: "List advisers (needs company.view_advisor)",
  middleware: guards,
  security: [{ bearer: [] }],
  request: { query: listQuery },
  responses: {
    200: {
      description: "A page of advisers",
      content: { "application/json": { schema: paginatedSchema(Adviser) } },
    },
  },
});

export const getAdviserRoute = createRoute({
  method: "get",
  path: "/adviser/{id}/",
  tags: ["adviser"],
  summary: "One adviser (needs company.view_advisor)",
  middleware: guards,
  security: [{ bearer: [] }],
  request: { params: z.object({ id: z.guid() }) },
  responses: {
    200: { description: "The adviser", content: { "application/json": { schema: Adviser } } },
    404: { description: "No such adviser" },
  },
});

/** Routes and Zod schemas of `/v4/company-referral…` (CRUD on company_referral.companyreferral). */
import { createRoute, z } from "@hono/zod-openapi";
import { bearer } from "../auth/authenticate.ts";
import { crud, requireAll } from "../auth/permissions.ts";
import { InteractionV3 } from "../interaction/routes.ts";
import { pageQuery, paginatedSchema } from "../http/pagination.ts";
import {
  IdName,
  idParam,
  jsonBody,
  jsonResponse,
  nestedRef,
  nullableRef,
} from "../http/schemas.ts";

const tags = ["company-referral"];
const middleware = [bearer, crud("company_referral.companyreferral")];

/** Writable fields of CompanyReferralSerializer. */
export const referralBody = z.object({
  company: nestedRef(),
  contact: nullableRef().optional(),
  recipient: nestedRef(),
  subject: z.string().trim().min(1).max(255),
  notes: z.string().trim().min(1),
});
export type ReferralInput = z.output<typeof referralBody>;

const Adviser = z.object({
  id: z.string(),
  name: z.string(),
  contact_email: z.string(),
  dit_team: IdName.nullable(),
});

/** A referral as the original's CompanyReferralSerializer renders it. */
export const ReferralSchema = z.object({
  id: z.string(),
  company: IdName,
  completed_by: Adviser.nullable(),
  completed_on: z.string().nullable(),
  contact: IdName.nullable(),
  created_by: Adviser.nullable(),
  created_on: z.string().nullable(),
  interaction: z.object({ id: z.string(), subject: z.string() }).nullable(),
  notes: z.string(),
  recipient: Adviser,
  status: z.enum(["outstanding", "closed", "complete"]),
  subject: z.string(),
}).openapi("CompanyReferral");

export const listReferrals = createRoute({
  method: "get",
  path: "/v4/company-referral",
  tags,
  summary: "The caller's sent and received referrals",
  middleware,
  request: { query: pageQuery.extend({ sortby: z.string().optional() }) },
  responses: { 200: jsonResponse("A page of referrals", paginatedSchema(ReferralSchema)) },
});

export const createReferral = createRoute({
  method: "post",
  path: "/v4/company-referral",
  tags,
  summary: "Refer a company to another adviser",
  middleware,
  request: { body: jsonBody(referralBody) },
  responses: { 201: jsonResponse("The referral", ReferralSchema) },
});

export const referralDetail = createRoute({
  method: "get",
  path: "/v4/company-referral/{id}",
  tags,
  summary: "One referral",
  middleware,
  request: { params: idParam },
  responses: { 200: jsonResponse("The referral", ReferralSchema) },
});

export const completeReferral = createRoute({
  method: "post",
  path: "/v4/company-referral/{id}/complete",
  tags,
  summary: "Complete a referral: create its interaction (the v3 interaction body)",
  middleware: [bearer, requireAll("company_referral.change_companyreferral")],
  // The body is a v3 interaction's; it is validated once the referral's company is set.
  request: { params: idParam, body: jsonBody(z.record(z.string(), z.unknown())) },
  responses: { 201: jsonResponse("The interaction created", InteractionV3) },
});

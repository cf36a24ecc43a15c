/** Routes and Zod schemas of `/v3/interaction…` and `/v4/interaction…`. */
import { DRF_MESSAGES } from "../http/drf.ts";
import { notModifiedResponse } from "../http/cached.ts";
import { createRoute, z } from "@hono/zod-openapi";
import { bearer } from "../auth/authenticate.ts";
import { pageQuery, paginatedSchema } from "../http/pagination.ts";
import {
  IdName,
  idParam,
  jsonBody,
  jsonResponse,
  NestedAdviser,
  nestedRef,
  nullableRef,
  refList,
} from "../http/schemas.ts";
import { archiveRoutes } from "../core/archive.ts";
import {
  type ApiVersion,
  EXPORT_COUNTRY_STATUSES,
  KINDS,
  messages,
  parseAmount,
  parseInteractionDate,
  STATUSES,
  THEMES,
} from "./rules.ts";
import { interactionObjectScope, interactionPermission } from "./access.ts";

// Response schemas (named components of the OpenAPI document).

/** `{question id: {answer option id: {}}}` (the original's service_answers JSON). */
const ServiceAnswers = z.record(z.string(), z.record(z.string(), z.record(z.string(), z.unknown())))
  .nullable();

export const InteractionV3 = z.object({
  id: z.guid(),
  date: z.string(),
  kind: z.string(),
  event: IdName.nullable(),
  notes: z.string(),
  theme: z.string().nullable(),
  status: z.string(),
  company: IdName.nullable(),
  service: IdName.nullable(),
  subject: z.string(),
  archived: z.boolean(),
  contacts: z.array(z.object({
    id: z.guid(),
    name: z.string(),
    job_title: z.string().nullable(),
    last_name: z.string(),
    first_name: z.string(),
  })),
  is_event: z.boolean().nullable(),
  companies: z.array(IdName),
  created_by: NestedAdviser.nullable(),
  created_on: z.string().openapi({ format: "date-time" }).nullable(),
  archived_by: NestedAdviser.nullable(),
  archived_on: z.string().nullable(),
  modified_by: NestedAdviser.nullable(),
  modified_on: z.string().openapi({ format: "date-time" }).nullable(),
  company_export: z.object({
    id: z.guid(),
    title: z.string(),
  }).nullable(),
  archived_reason: z.string().nullable(),
  service_answers: ServiceAnswers,
  company_referral: z.unknown(),
  dit_participants: z.array(z.object({
    team: IdName.nullable(),
    adviser: NestedAdviser.nullable(),
  })),
  export_countries: z.array(z.object({ status: z.string(), country: IdName })),
  investment_project: IdName.nullable(),
  net_company_receipt: z.string().nullable(),
  grant_amount_offered: z.string().nullable(),
  communication_channel: IdName.nullable(),
  policy_feedback_notes: z.string(),
  service_delivery_status: IdName.nullable(),
  related_trade_agreements: z.array(IdName),
  were_countries_discussed: z.boolean().nullable(),
  large_capital_opportunity: IdName.nullable(),
  archived_documents_url_path: z.string(),
  was_policy_feedback_provided: z.boolean(),
}).openapi("InteractionV3");

export const Interaction = z.object({
  id: z.guid(),
  date: z.string(),
  kind: z.string(),
  event: IdName.nullable(),
  notes: z.string(),
  theme: z.string().nullable(),
  status: z.string(),
  company: IdName.nullable(),
  service: IdName.nullable(),
  subject: z.string(),
  archived: z.boolean(),
  contacts: z.array(z.object({
    id: z.guid(),
    name: z.string(),
    job_title: z.string().nullable(),
    last_name: z.string(),
    first_name: z.string(),
  })),
  is_event: z.boolean().nullable(),
  companies: z.array(IdName),
  created_by: NestedAdviser.nullable(),
  created_on: z.string().openapi({ format: "date-time" }).nullable(),
  archived_by: NestedAdviser.nullable(),
  archived_on: z.string().openapi({ format: "date-time" }).nullable(),
  modified_by: NestedAdviser.nullable(),
  modified_on: z.string().openapi({ format: "date-time" }).nullable(),
  company_export: z.object({
    id: z.guid(),
    title: z.string(),
  }).nullable(),
  archived_reason: z.string().nullable(),
  service_answers: ServiceAnswers,
  company_referral: z.unknown(),
  dit_participants: z.array(z.object({
    team: IdName.nullable(),
    adviser: NestedAdviser.nullable(),
  })),
  export_countries: z.array(z.object({
    status: z.string(),
    country: IdName,
  })),
  investment_project: IdName.nullable(),
  net_company_receipt: z.string().nullable(),
  export_barrier_notes: z.string(),
  export_barrier_types: z.array(IdName),
  grant_amount_offered: z.string().nullable(),
  communication_channel: IdName.nullable(),
  policy_feedback_notes: z.string(),
  service_delivery_status: IdName.nullable(),
  related_trade_agreements: z.array(IdName),
  were_countries_discussed: z.boolean().nullable(),
  large_capital_opportunity: IdName.nullable(),
  archived_documents_url_path: z.string(),
  has_related_trade_agreements: z.boolean().nullable(),
  helped_remove_export_barrier: z.boolean().nullable(),
  was_policy_feedback_provided: z.boolean(),
}).openapi("Interaction");

/** `YYYY-MM-DD` (or `YYYY/MM/DD`) → midnight UTC. */
const dateField = z.string().transform((value, ctx) => {
  const date = parseInteractionDate(value);
  if (!date) {
    ctx.addIssue({ code: "custom", message: messages.date_format });
    return z.NEVER;
  }
  return date;
}).openapi({ type: "string", format: "date", example: "2024-03-01" });

/** A non-negative money amount (19 digits, 2 decimals) → its decimal string. */
const amount = z.union([z.string(), z.number()], { error: "A valid number is required." })
  .transform((value, ctx) => {
    const parsed = parseAmount(value);
    if ("error" in parsed) {
      ctx.addIssue({ code: "custom", message: parsed.error });
      return z.NEVER;
    }
    return parsed.value;
  }).openapi({ type: "string", example: "1000.00" });

const participants = z.array(z.object({ adviser: nestedRef() })).superRefine((list, ctx) => {
  if (!list.length) {
    ctx.addIssue({
      code: "custom",
      path: ["non_field_errors"],
      message: "This list may not be empty.",
    });
  }
});

const exportCountries = z.array(z.object({
  country: nestedRef(),
  status: z.enum(EXPORT_COUNTRY_STATUSES),
}));

/** Writable fields of the v3 InteractionSerializer; read-only ones are ignored if sent. */
const v3Fields = {
  company: nestedRef(),
  companies: refList(),
  contacts: z.array(nestedRef()).min(1),
  event: nullableRef(),
  is_event: z.boolean().nullable(),
  status: z.enum(STATUSES),
  kind: z.enum(KINDS),
  date: dateField,
  dit_participants: participants,
  communication_channel: nullableRef(),
  grant_amount_offered: amount.nullable(),
  net_company_receipt: amount.nullable(),
  investment_project: nullableRef(),
  company_export: nullableRef(),
  large_capital_opportunity: nullableRef(),
  service: nullableRef(),
  service_answers: z.unknown().openapi({ type: "object" }),
  service_delivery_status: nullableRef(),
  subject: z.string().min(1),
  theme: z.enum(THEMES).nullable(),
  notes: z.string().max(10000),
  policy_feedback_notes: z.string(),
  was_policy_feedback_provided: z.boolean(),
  were_countries_discussed: z.boolean().nullable(),
  export_countries: exportCountries,
  related_trade_agreements: refList(),
};

/** InteractionSerializerV4 adds the export barrier and trade agreement flags. */
const v4Fields = {
  ...v3Fields,
  helped_remove_export_barrier: z.boolean().nullable(),
  export_barrier_types: refList(),
  export_barrier_notes: z.string(),
  has_related_trade_agreements: z.boolean().nullable(),
};

const v3Update = z.object(v3Fields).partial();
const v4Update = z.object(v4Fields).partial();
export type InteractionInput = z.output<typeof v4Update>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Either `company` or `companies`, never both: refused before any field is checked. */
function oneCompanyField<T extends z.ZodType>(schema: T) {
  return z.preprocess((body, ctx) => {
    if (isObject(body) && "company" in body && "companies" in body) {
      ctx.addIssue({ code: "custom", message: messages.company_or_companies, input: body });
    }
    return body;
  }, schema);
}

/** Create: the serializer's required fields, and `company` unless `companies` is sent. */
function createBody<T extends z.ZodRawShape>(fields: z.ZodObject<T>, required: string[]) {
  const mask = Object.fromEntries(required.map((f) => [f, true]));
  return oneCompanyField(
    fields.required(mask as never).refine(
      (body) => isObject(body) && ("company" in body || "companies" in body),
      {
        path: ["company"],
        message: DRF_MESSAGES.required,
        when: (payload) => isObject(payload.value),
      },
    ),
  );
}

const REQUIRED_ON_CREATE = [
  "contacts",
  "date",
  "dit_participants",
  "subject",
  "kind",
  "was_policy_feedback_provided",
];

export const bodies = {
  v3: { create: createBody(v3Update, REQUIRED_ON_CREATE), update: oneCompanyField(v3Update) },
  v4: {
    create: createBody(v4Update, [...REQUIRED_ON_CREATE, "related_trade_agreements"]),
    update: oneCompanyField(v4Update),
  },
};

const listQuery = pageQuery.extend({
  company_id: z.string().optional(),
  contacts__id: z.string().optional(),
  event_id: z.string().optional(),
  investment_project_id: z.string().optional(),
  large_capital_opportunity_id: z.string().optional(),
  company_export_id: z.string().optional(),
  sortby: z.string().optional().openapi({
    description: "company__name, created_on, date, first_name_of_first_contact, " +
      "last_name_of_first_contact, subject (default -date,-created_on)",
  }),
});

/** The routes of one API version. */
function versionRoutes(version: ApiVersion) {
  const tags = [`interaction (${version})`];
  const base = `/${version}/interaction`;
  const interaction = version === "v3" ? InteractionV3 : Interaction;
  const page = version === "v3" ? "PaginatedInteractionsV3" : "PaginatedInteractions";
  return {
    list: createRoute({
      method: "get",
      path: base,
      tags,
      summary: "List interactions (filters, sortby)",
      middleware: [bearer, interactionPermission("view")],
      request: { query: listQuery },
      responses: {
        200: jsonResponse("A page of interactions", paginatedSchema(interaction, page)),
      },
    }),
    create: createRoute({
      method: "post",
      path: base,
      tags,
      summary: "Record an interaction or service delivery",
      middleware: [bearer, interactionPermission("add")],
      request: { body: jsonBody(bodies[version].create) },
      responses: { 201: jsonResponse("The interaction", interaction) },
    }),
    get: createRoute({
      method: "get",
      path: `${base}/{id}`,
      tags,
      summary: "One interaction (with an ETag; `If-None-Match` gives 304)",
      middleware: [bearer, interactionPermission("view"), interactionObjectScope("view")],
      request: { params: idParam },
      responses: { 200: jsonResponse("The interaction", interaction), ...notModifiedResponse },
    }),
    update: createRoute({
      method: "patch",
      path: `${base}/{id}`,
      tags,
      summary: "Update an interaction (sent fields merged with the stored ones for the rules)",
      middleware: [bearer, interactionPermission("change"), interactionObjectScope("change")],
      request: { params: idParam, body: jsonBody(bodies[version].update) },
      responses: { 200: jsonResponse("The interaction", interaction) },
    }),
    archive: archiveRoutes(`${base}/{id}`, {
      schema: interaction,
      tag: tags[0],
      middleware: [bearer, interactionPermission("change"), interactionObjectScope("change")],
    }),
  };
}

export const interactionRoutes = { v3: versionRoutes("v3"), v4: versionRoutes("v4") };

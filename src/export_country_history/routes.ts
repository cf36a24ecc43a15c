/**
 * `POST /v4/search/export-country-history`, the company page's export tab: the original's
 * ExportCountryHistoryView, which searches export country history entries together with
 * interactions that discussed export countries. It needs both permissions.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { bearer } from "../auth/authenticate.ts";
import { requireAll } from "../auth/permissions.ts";
import { readOnly } from "../http/transaction.ts";
import { IdName, jsonResponse, NestedAdviser } from "../http/schemas.ts";
import {
  pageSchema,
  parseSortChoice,
  singleOrList,
  SortbyError,
  str,
  uuid,
} from "../search/app.ts";

const datetime = z.string().openapi({ format: "date-time" });

/** An export country history entry (the original's ExportCountryHistory document). */
const HistoryEntry = z.object({
  id: z.guid(),
  company: IdName,
  country: IdName,
  date: datetime.nullable(),
  history_date: datetime.nullable(),
  history_type: z.string(),
  history_user: IdName.nullable(),
  status: z.string(),
}).strict().openapi("ExportCountryHistoryEntry");

/** An interaction that discussed export countries, with the fields the view includes. */
const InteractionEntry = z.object({
  id: z.guid(),
  company: z.object({ id: z.guid(), name: z.string(), trading_names: z.array(z.string()) })
    .nullable(),
  date: datetime,
  contacts: z.array(NestedAdviser),
  dit_participants: z.array(
    z.object({ adviser: NestedAdviser.nullable(), team: IdName.nullable() }),
  ),
  export_countries: z.array(z.object({ country: IdName, status: z.string() })),
  kind: z.string(),
  service: IdName.nullable(),
  subject: z.string(),
}).strict().openapi("ExportCountryHistoryInteraction");

/** `date[:asc|desc]`, the one sort choice, validated with the other fields as DRF does. */
const sortby = z.string().transform((value, ctx) => {
  try {
    return parseSortChoice({ date: "date" }, value).order;
  } catch (error) {
    if (!(error instanceof SortbyError)) throw error;
    ctx.addIssue({ code: "custom", message: error.message });
    return z.NEVER;
  }
});

export const timelineBody = z.object({
  original_query: str().optional(),
  sortby: sortby.optional(),
  ...pageSchema,
  company: singleOrList(uuid()).optional(),
  country: singleOrList(uuid()).optional(),
});

export const searchExportCountryHistory = createRoute({
  method: "post",
  path: "/v4/search/export-country-history",
  tags: ["search"],
  summary: "A company's or country's export country history, with interactions about exports",
  middleware: [
    readOnly,
    bearer,
    requireAll("company.view_companyexportcountry", "interaction.view_all_interaction"),
  ] as const,
  request: {
    body: { required: false, content: { "application/json": { schema: timelineBody } } },
  },
  responses: {
    200: jsonResponse(
      "Matching history entries and interactions, newest first by default",
      z.object({
        count: z.number().int(),
        results: z.array(z.union([HistoryEntry, InteractionEntry])),
      }).openapi("ExportCountryHistorySearchResults"),
    ),
  },
});

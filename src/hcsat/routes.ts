/**
 * Routes and Zod schemas of HCSAT feedback (`/v4/hcsat`): any signed-in adviser may
 * send the "was this useful" answer, then add detail to it.
 */
import { fieldErrorsSchema } from "../http/contract.ts";
import { createRoute, z } from "@hono/zod-openapi";
import { bearer } from "../auth/authenticate.ts";
import { idParam, jsonBody, jsonResponse } from "../http/schemas.ts";

const tags = ["hcsat"];
const middleware = [bearer];

/** The detail fields (only on a PATCH of feedback that was not useful). */
export const DETAIL_FIELDS = [
  "did_not_find_what_i_wanted",
  "difficult_navigation",
  "lacks_feature",
  "unable_to_load",
  "inaccurate_information",
  "other_issues",
  "other_issues_detail",
  "improvement_suggestion",
] as const;

/** DRF's URLField: http(s) or ftp(s) with a host name. */
const urlField = z.string().max(255).refine((value) => {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return ["http:", "https:", "ftp:", "ftps:"].includes(url.protocol) &&
    (url.hostname === "localhost" || url.hostname.includes(".") || url.hostname.startsWith("["));
}, { message: "Enter a valid URL." });

export const feedbackBody = z.object({
  url: urlField,
  was_useful: z.boolean(),
  did_not_find_what_i_wanted: z.boolean().nullable(),
  difficult_navigation: z.boolean().nullable(),
  lacks_feature: z.boolean().nullable(),
  unable_to_load: z.boolean().nullable(),
  inaccurate_information: z.boolean().nullable(),
  other_issues: z.boolean().nullable(),
  other_issues_detail: z.string().nullable(),
  improvement_suggestion: z.string().nullable(),
}).partial();
export const createBody = feedbackBody.required({ url: true, was_useful: true });
export type FeedbackInput = z.output<typeof feedbackBody>;
export type Feedback = z.output<typeof feedbackSchema>;

export const feedbackSchema = z.object({
  id: z.guid(),
  url: z.string(),
  was_useful: z.boolean(),
  did_not_find_what_i_wanted: z.boolean().nullable(),
  difficult_navigation: z.boolean().nullable(),
  lacks_feature: z.boolean().nullable(),
  unable_to_load: z.boolean().nullable(),
  inaccurate_information: z.boolean().nullable(),
  other_issues: z.boolean().nullable(),
  other_issues_detail: z.string(),
  improvement_suggestion: z.string(),
  created_on: z.string(),
  modified_on: z.string(),
});

const detail = z.object({ detail: z.string() });

export const createFeedback = createRoute({
  method: "post",
  path: "/v4/hcsat",
  tags,
  summary: 'Send the "was this page useful" answer (no detail yet)',
  middleware,
  request: { body: jsonBody(createBody) },
  responses: {
    201: jsonResponse("The feedback", feedbackSchema),
    400: jsonResponse("Invalid feedback", fieldErrorsSchema),
    401: jsonResponse("Not signed in", detail),
  },
});

export const updateFeedback = createRoute({
  method: "patch",
  path: "/v4/hcsat/{id}",
  tags,
  summary: "Add detail to feedback that was not useful (url and was_useful stay as sent)",
  middleware,
  request: { params: idParam, body: jsonBody(feedbackBody) },
  responses: {
    200: jsonResponse("The feedback", feedbackSchema),
    400: jsonResponse("Invalid detail", fieldErrorsSchema),
    401: jsonResponse("Not signed in", detail),
    404: jsonResponse("No such feedback", detail),
  },
});

/**
 * The original's rules for company lists and pipeline items: choices, messages (verbatim)
 * and the checks PipelineItemSerializer runs after its fields parse.
 */
import { DRF_MESSAGES } from "../http/drf.ts";
import type { FieldErrors } from "../http/errors.ts";

export const PIPELINE_STATUSES = ["leads", "in_progress", "win"] as const;
/** PipelineItem.LikelihoodToWin: LOW, MEDIUM, HIGH. */
export const LIKELIHOODS = [1, 2, 3] as const;

export const messages = {
  archivedCompanyInList: "An archived company can't be added to a company list.",
  archivedCompanyInPipeline: "An archived company can't be added to the pipeline.",
  deleteNotArchived: "Only archived pipeline item can be deleted.",
  notUpdatable: "field not allowed to be update.",
  blank: DRF_MESSAGES.blank,
  required: DRF_MESSAGES.required,
  invalidUuid: (value: string) => `“${value}” is not a valid UUID.`,
  invalidChoice: DRF_MESSAGES.invalidChoiceValue,
  invalidModelChoice: DRF_MESSAGES.invalidChoice,
} as const;

/** Fields a PATCH may change (PipelineItemSerializer.validate); others are refused. */
/** Pipeline fields stored as they are sent (the rest are references). */
export const PIPELINE_SCALARS = [
  "name",
  "status",
  "potential_value",
  "likelihood_to_win",
  "expected_win_date",
  "archived",
  "archived_on",
  "archived_reason",
] as const;

const UPDATABLE = new Set<string>([...PIPELINE_SCALARS, "contacts", "sector"]);

/** Field-level checks: a blank name; an archived company (null when it does not exist). */
export function pipelineFieldErrors(
  input: { name?: string; company?: string },
  companyArchived: boolean | null,
): FieldErrors {
  const errors: FieldErrors = {};
  if (input.name === "") errors.name = [messages.blank];
  if (input.company !== undefined && companyArchived) {
    errors.company = [messages.archivedCompanyInPipeline];
  }
  return errors;
}

/** Object-level checks, run once the fields are valid. */
export function pipelineObjectErrors(
  input: Record<string, unknown>,
  create: boolean,
): FieldErrors {
  if (create) {
    return input.name === undefined || input.name === null || input.name === ""
      ? { non_field_errors: [messages.required] }
      : {};
  }
  const errors: FieldErrors = {};
  for (const field of Object.keys(input)) {
    if (input[field] !== undefined && !UPDATABLE.has(field)) {
      errors[field] = [messages.notUpdatable];
    }
  }
  return errors;
}

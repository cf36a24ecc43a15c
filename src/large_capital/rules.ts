/**
 * The original's large capital rules as pure functions (datahub/investment/
 * investor_profile/serializers.py, validate.py, opportunity/serializers.py): the
 * required-checks rules shared by profiles and opportunities, the blanking of the checks'
 * date and adviser when the checks need no detail, the incomplete-field lists, and the
 * defaults of a new opportunity.
 */
import type { FieldErrors } from "../http/errors.ts";

export const CHECKS = {
  cleared: "02d6fc9b-fbb9-4621-b247-d86f2487898e",
  issuesIdentified: "9beab8fc-1094-49b4-97d0-37bc7a9de631",
  notYetChecked: "81fafe5a-ed32-4f46-bdc5-2cafedf828e8",
  checksNotRequired: "e6f66f9d-ed12-4bfd-9dd0-ac7e44f35034",
};
const NEED_DETAIL = [CHECKS.cleared, CHECKS.issuesIdentified];
const NO_DETAIL = [CHECKS.notYetChecked, CHECKS.checksNotRequired];

export const OPPORTUNITY_DEFAULTS = {
  type: "c064e66a-a6bc-4ad6-9a88-0bdd69519f55",
  status: "1386d4f4-732d-44b9-af8e-dffe7dd07d7b",
};

export const messages = {
  checksOn: "Enter the date of the most recent checks",
  checksBy: "Enter the person responsible for the most recent checks",
  checksValue: "Enter a value for required checks conducted",
  checksWithinYear: "Date of most recent checks must be within the last 12 months",
  companyCannotChange: "Investor company can not be updated",
  companyHasProfile: "Investor company already has large capital investor profile",
};

export interface ChecksValues {
  required_checks_conducted?: string | null;
  required_checks_conducted_on?: string | null;
  required_checks_conducted_by?: string | null;
}

const blank = (v: unknown) => v === null || v === undefined || v === "";

/** `YYYY-MM-DD` of a date shifted by whole years (29 February → 28 February). */
function yearsBefore(today: string, years: number): string {
  const [y, m, d] = today.split("-").map(Number);
  const day = m === 2 && d === 29 ? 28 : d;
  return `${String(y - years).padStart(4, "0")}-${String(m).padStart(2, "0")}-${
    String(day).padStart(2, "0")
  }`;
}

/**
 * The RulesBasedValidator of RequiredChecksConductedSerializer: `sent` is the request's
 * fields, `stored` the current values (null when creating), `today` as `YYYY-MM-DD`.
 */
export function requiredChecksErrors(
  sent: ChecksValues,
  stored: ChecksValues | null,
  today: string,
): FieldErrors {
  const errors: Record<string, string[]> = {};
  const add = (field: string, message: string) => (errors[field] ??= []).push(message);
  const value = (field: keyof ChecksValues) =>
    field in sent ? sent[field] ?? null : stored?.[field] ?? null;
  const updating = (field: keyof ChecksValues) =>
    stored !== null && field in sent && (sent[field] ?? null) !== (stored[field] ?? null);
  const checks = value("required_checks_conducted");
  const needsDetail = checks !== null && NEED_DETAIL.includes(checks);

  if (updating("required_checks_conducted") && needsDetail) {
    if (!("required_checks_conducted_on" in sent) || blank(sent.required_checks_conducted_on)) {
      add("required_checks_conducted_on", messages.checksOn);
    }
    if (!("required_checks_conducted_by" in sent) || blank(sent.required_checks_conducted_by)) {
      add("required_checks_conducted_by", messages.checksBy);
    }
  }
  if (
    (!blank(value("required_checks_conducted_by")) ||
      !blank(value("required_checks_conducted_on"))) && blank(checks)
  ) {
    add("required_checks_conducted", messages.checksValue);
  }
  if (updating("required_checks_conducted_on") && needsDetail) {
    const on = sent.required_checks_conducted_on;
    if (!on || on > today || on <= yearsBefore(today, 1)) {
      add("required_checks_conducted_on", messages.checksWithinYear);
    }
  }
  return errors;
}

/** Checks that need no detail blank the checks' date and adviser (on update, as the original). */
export function blankedCheckDetails(sent: ChecksValues): ChecksValues {
  const checks = sent.required_checks_conducted;
  if (checks && NO_DETAIL.includes(checks)) {
    return { required_checks_conducted_on: null, required_checks_conducted_by: null };
  }
  return {};
}

/** The fields of `fields` that are null, "" or an empty list in the rendered object. */
export function incompleteFields(object: Record<string, unknown>, fields: string[]): string[] {
  return fields.filter((field) => {
    const v = object[field];
    return v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0);
  });
}

export const PROFILE_SECTIONS = {
  incomplete_details_fields: [
    "investor_type",
    "investable_capital",
    "global_assets_under_management",
    "investor_description",
    "required_checks_conducted",
  ],
  incomplete_requirements_fields: [
    "deal_ticket_sizes",
    "investment_types",
    "minimum_return_rate",
    "time_horizons",
    "construction_risks",
    "minimum_equity_percentage",
    "desired_deal_roles",
    "restrictions",
    "asset_classes_of_interest",
  ],
  incomplete_location_fields: [
    "uk_region_locations",
    "notes_on_locations",
    "other_countries_being_considered",
  ],
};

export const OPPORTUNITY_SECTIONS = {
  incomplete_details_fields: [
    "description",
    "uk_region_locations",
    "promoters",
    "required_checks_conducted",
    "lead_dit_relationship_manager",
    "asset_classes",
    "opportunity_value",
    "construction_risks",
  ],
  incomplete_requirements_fields: [
    "total_investment_sought",
    "current_investment_secured",
    "investment_types",
    "estimated_return_rate",
    "time_horizons",
  ],
};

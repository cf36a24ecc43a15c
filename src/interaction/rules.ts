/**
 * The original's interaction validation as pure functions (datahub/interaction/
 * serializers.py, validators.py): the rules-based cross-field table per API version,
 * contacts belonging to the companies, the complete→draft ban, service answers,
 * duplicate advisers and export countries, the theme that cannot be unset, and the
 * date and decimal parsing of the fields. Nothing here touches the database: callers
 * pass the stored row and the facts they looked up, so every rule is testable alone.
 */
import { DRF_MESSAGES } from "../http/drf.ts";
import type { FieldErrors } from "../http/errors.ts";

export type ApiVersion = "v3" | "v4";

export const KINDS = ["interaction", "service_delivery"] as const;
export const STATUSES = ["draft", "complete"] as const;
export const THEMES = [
  "export",
  "investment",
  "large_capital_opportunity",
  "trade_agreement",
  "domestic",
  "other",
] as const;
export const EXPORT_COUNTRY_STATUSES = [
  "not_interested",
  "currently_exporting",
  "future_interest",
] as const;

/** metadata_exportbarriertype "Other": choosing it makes export_barrier_notes required. */
export const EXPORT_BARRIER_OTHER = "8ef83315-2b0f-4d5e-98da-a16f8b2217a6";

/** The serializer's messages, keyed as its `default_error_messages`. */
export const messages = {
  required: DRF_MESSAGES.required,
  invalid_for_investment: "This value can't be selected for investment interactions.",
  invalid_for_non_service_delivery: "This field is only valid for service deliveries.",
  invalid_for_service_delivery: "This field is not valid for service deliveries.",
  invalid_for_non_interaction: "This field is only valid for interactions.",
  invalid_for_non_event: "This field is only valid for event service deliveries.",
  invalid_when_no_policy_feedback:
    "This field is only valid when policy feedback has been provided.",
  invalid_when_no_related_trade_agreement:
    "This field is only valid when there are related trade agreements.",
  too_many_contacts_for_event_service_delivery:
    "Only one contact can be provided for event service deliveries.",
  cannot_unset_theme: "A theme can't be removed once set.",
  invalid_when_no_countries_discussed: "This field is only valid when countries were discussed.",
  invalid_when_no_helped_remove_export_barrier:
    "This field is only valid when an interaction helped remove an export barrier",
  invalid_when_no_other_selected:
    'This field is only valid when the export barrier type is "Other"',
  invalid_for_non_export_theme: "Company Export is only valid for Export theme.",
  company_or_companies: "Only either a company or companies can be provided.",
  contacts_company: "The interaction contacts must belong to the specified company.",
  status_change: "The status of a complete interaction cannot change.",
  duplicate_export_country: "A country that was discussed cannot be entered in multiple fields.",
  duplicate_adviser: "You cannot add the same adviser more than once.",
  service_not_leaf: "This field is valid for services without children services.",
  investment_project_not_associated:
    "You don't have permission to add an interaction for this investment project.",
  answers_invalid_format: "Answers have invalid format.",
  answers_not_required: "Answers not required for given service value.",
  question_does_not_relate: "This question does not relate to selected service.",
  answer_option_not_valid: "The selected answer option is not valid for this question.",
  only_one_answer: "Only one answer can be selected for this question.",
  date_format: "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DD.",
} as const;

export interface ExportCountryInput {
  country: string;
  status: string;
}

/**
 * The values the cross-field rules read: each is the sent value when the request has
 * the field, else the stored one (the original's DataCombiner).
 */
export interface Facts {
  creating: boolean;
  kind: string | null;
  status: string | null;
  theme: string | null;
  communication_channel: string | null;
  service: string | null;
  investment_project: string | null;
  company_export: string | null;
  /** Virtual: sent as is, else (stored) `event is not null` for service deliveries. */
  is_event: boolean | null;
  event: string | null;
  service_delivery_status: string | null;
  was_policy_feedback_provided: boolean | null;
  policy_feedback_notes: string | null;
  contacts: string[];
  were_countries_discussed: boolean | null;
  export_countries: ExportCountryInput[] | null;
  has_related_trade_agreements: boolean | null;
  related_trade_agreements: string[];
  helped_remove_export_barrier: boolean | null;
  export_barrier_types: string[];
  export_barrier_notes: string | null;
}

type Field = keyof Omit<Facts, "creating">;

/** Python truthiness of a JSON-ish value. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return value !== null && value !== undefined && value !== false && value !== "" &&
    value !== 0;
}

/** The original's `is_blank`: None, "" or an empty sequence (False is not blank). */
export function isBlank(value: unknown): boolean {
  return value === null || value === undefined || value === "" ||
    (Array.isArray(value) && value.length === 0);
}

interface Rule {
  error: keyof typeof messages;
  /** Each check names the field that gets the message when it fails. */
  checks: [Field, (value: unknown) => boolean][];
  when: (f: Facts) => boolean;
}

const falsy = (v: unknown) => !truthy(v);
const notBlank = (v: unknown) => !isBlank(v);
const isInteraction = (f: Facts) => f.kind === "interaction";
const isServiceDelivery = (f: Facts) => f.kind === "service_delivery";
const countriesTheme = (f: Facts) => f.theme === "export" || f.theme === "other";
const otherBarrier = (f: Facts) => f.export_barrier_types.includes(EXPORT_BARRIER_OTHER);

const rule = (
  error: Rule["error"],
  checks: Rule["checks"],
  when: Rule["when"],
): Rule => ({ error, checks, when });

const R = {
  channelRequired: rule(
    "required",
    [["communication_channel", truthy]],
    (f) => isInteraction(f) && f.status === "complete",
  ),
  serviceRequired: rule("required", [["service", truthy]], (f) => f.status === "complete"),
  investmentKind: rule(
    "invalid_for_investment",
    [["kind", (v) => v === "interaction"]],
    (f) => f.theme === "investment",
  ),
  projectForInteractions: rule(
    "invalid_for_non_interaction",
    [["investment_project", falsy]],
    isServiceDelivery,
  ),
  channelNotForDeliveries: rule(
    "invalid_for_service_delivery",
    [["communication_channel", falsy]],
    isServiceDelivery,
  ),
  deliveryOnlyFields: rule(
    "invalid_for_non_service_delivery",
    [["is_event", isBlank], ["event", isBlank], ["service_delivery_status", isBlank]],
    isInteraction,
  ),
  companyExportTheme: rule(
    "invalid_for_non_export_theme",
    [["company_export", falsy]],
    (f) => f.theme !== "export",
  ),
  policyNotesForbidden: rule(
    "invalid_when_no_policy_feedback",
    [["policy_feedback_notes", falsy]],
    (f) => !truthy(f.was_policy_feedback_provided),
  ),
  policyNotesRequired: rule(
    "required",
    [["policy_feedback_notes", notBlank]],
    (f) => truthy(f.was_policy_feedback_provided),
  ),
  tradeAgreementsRequired: rule(
    "required",
    [["related_trade_agreements", truthy]],
    (f) =>
      truthy(f.has_related_trade_agreements) &&
      ["export", "trade_agreement", "other"].includes(f.theme ?? ""),
  ),
  tradeAgreementsForbidden: rule(
    "invalid_when_no_related_trade_agreement",
    [["related_trade_agreements", falsy]],
    (f) => !truthy(f.has_related_trade_agreements),
  ),
  isEventRequired: rule("required", [["is_event", notBlank]], isServiceDelivery),
  oneContactForEvents: rule(
    "too_many_contacts_for_event_service_delivery",
    [["contacts", (v) => (v as string[]).length <= 1]],
    (f) => truthy(f.is_event),
  ),
  noCountriesForInvestment: rule(
    "invalid_for_investment",
    [["were_countries_discussed", falsy], ["export_countries", falsy]],
    (f) => f.theme === "investment",
  ),
  countriesDiscussedRequired: rule(
    "required",
    [["were_countries_discussed", notBlank]],
    (f) => f.creating && countriesTheme(f),
  ),
  exportCountriesRequired: rule(
    "required",
    [["export_countries", notBlank]],
    (f) => truthy(f.were_countries_discussed) && countriesTheme(f),
  ),
  exportCountriesForbidden: rule(
    "invalid_when_no_countries_discussed",
    [["export_countries", isBlank]],
    (f) => f.creating && !truthy(f.were_countries_discussed) && countriesTheme(f),
  ),
  eventRequired: rule(
    "required",
    [["event", truthy]],
    (f) => truthy(f.is_event) && isServiceDelivery(f),
  ),
  eventForbidden: rule(
    "invalid_for_non_event",
    [["event", falsy]],
    (f) => !truthy(f.is_event) && isServiceDelivery(f),
  ),
  barrierTypesRequired: rule(
    "required",
    [["export_barrier_types", notBlank]],
    (f) => truthy(f.helped_remove_export_barrier),
  ),
  barrierNotesRequired: rule("required", [["export_barrier_notes", truthy]], otherBarrier),
  barrierFieldsForbidden: rule(
    "invalid_when_no_helped_remove_export_barrier",
    [["export_barrier_types", falsy], ["export_barrier_notes", falsy]],
    (f) => !truthy(f.helped_remove_export_barrier),
  ),
  barrierNotesOnlyForOther: rule(
    "invalid_when_no_other_selected",
    [["export_barrier_notes", falsy]],
    (f) => !otherBarrier(f),
  ),
};

/** The RulesBasedValidator tables of InteractionSerializer (v3) and …V4, in order. */
const RULES: Record<ApiVersion, Rule[]> = {
  v3: [
    R.channelRequired,
    R.serviceRequired,
    R.investmentKind,
    R.projectForInteractions,
    R.channelNotForDeliveries,
    R.deliveryOnlyFields,
    R.companyExportTheme,
    R.policyNotesForbidden,
    R.policyNotesRequired,
    R.isEventRequired,
    R.oneContactForEvents,
    R.noCountriesForInvestment,
    R.countriesDiscussedRequired,
    R.exportCountriesRequired,
    R.exportCountriesForbidden,
    R.eventRequired,
    R.eventForbidden,
  ],
  v4: [
    R.channelRequired,
    R.serviceRequired,
    R.investmentKind,
    R.projectForInteractions,
    R.companyExportTheme,
    R.channelNotForDeliveries,
    R.deliveryOnlyFields,
    R.policyNotesForbidden,
    R.policyNotesRequired,
    R.tradeAgreementsRequired,
    R.tradeAgreementsForbidden,
    R.isEventRequired,
    R.oneContactForEvents,
    R.noCountriesForInvestment,
    R.exportCountriesRequired,
    R.exportCountriesForbidden,
    R.eventRequired,
    R.eventForbidden,
    R.barrierTypesRequired,
    R.barrierNotesRequired,
    R.barrierFieldsForbidden,
    R.barrierNotesOnlyForOther,
  ],
};

/** Errors of the version's cross-field rules; empty when all pass. */
export function crossFieldErrors(version: ApiVersion, facts: Facts): FieldErrors {
  const errors: Record<string, string[]> = {};
  for (const r of RULES[version]) {
    if (!r.when(facts)) continue;
    for (const [field, ok] of r.checks) {
      if (!ok(facts[field])) (errors[field] ??= []).push(messages[r.error]);
    }
  }
  return errors;
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && new Set(a).size === new Set([...a, ...b]).size;

/** What ContactsBelongToCompanyValidator compares; `sent` fields are undefined when absent. */
export interface ContactCompanyCheck {
  stored: { company: string | null; companies: string[]; contacts: string[] } | null;
  sent: { company?: string; companies?: string[]; contacts?: string[] };
  /** The company id of each contact of the combined list (null for none). */
  companyOfContact: (contactId: string) => string | null;
}

/** The contacts-belong-to-company message, or null when they do (or nothing changed). */
export function contactsCompanyError(check: ContactCompanyCheck): string | null {
  const { stored, sent } = check;
  const companyChanged = !stored || (sent.company !== undefined && sent.company !== stored.company);
  const companiesChanged = !stored ||
    (sent.companies !== undefined && !sameSet(sent.companies, stored.companies));
  const contactsChanged = !stored ||
    (sent.contacts !== undefined && !sameSet(sent.contacts, stored.contacts));
  if (!companyChanged && !companiesChanged && !contactsChanged) return null;
  const company = sent.company !== undefined ? sent.company : stored?.company ?? null;
  const companies = companyChanged && company
    ? [company]
    : sent.companies ?? stored?.companies ?? [];
  const contacts = sent.contacts ?? stored?.contacts ?? [];
  const foreign = contacts.some((id) => {
    const owner = check.companyOfContact(id);
    return owner === null || !companies.includes(owner);
  });
  return foreign ? messages.contacts_company : null;
}

/** A complete interaction can never change status (StatusChangeValidator). */
export function statusChangeError(
  storedStatus: string | null,
  combinedStatus: string | null,
): string | null {
  if (storedStatus === "complete" && combinedStatus !== storedStatus) {
    return messages.status_change;
  }
  return null;
}

/** A theme, once set, cannot be unset. */
export function themeErrors(storedTheme: string | null, combinedTheme: string | null) {
  return storedTheme && !combinedTheme ? { theme: [messages.cannot_unset_theme] } : null;
}

/** The same country twice in the sent export countries (DuplicateExportCountryValidator). */
export function duplicateExportCountryError(sent: ExportCountryInput[] | undefined) {
  if (!sent?.length) return null;
  const countries = sent.map((c) => c.country);
  return new Set(countries).size < countries.length ? messages.duplicate_export_country : null;
}

/**
 * Per-participant errors when an adviser appears twice (one object per item, `{}` for
 * the fine ones), or null.
 */
export function duplicateAdviserErrors(advisers: string[]): FieldErrors[] | null {
  const counts = new Map<string, number>();
  for (const a of advisers) counts.set(a, (counts.get(a) ?? 0) + 1);
  if (counts.size === advisers.length) return null;
  return advisers.map((a): FieldErrors =>
    counts.get(a)! > 1 ? { adviser: [messages.duplicate_adviser] } : {}
  );
}

/**
 * ServiceAnswersValidator: `questions` maps each question of the chosen service to its
 * answer option ids (empty map when there is no service or it asks nothing). Errors are
 * keyed by `service_answers`, or by question / option id as the original does.
 */
export function serviceAnswerErrors(
  questions: ReadonlyMap<string, ReadonlySet<string>>,
  answers: unknown,
): FieldErrors | null {
  const present = answers !== null && answers !== undefined;
  const isObject = typeof answers === "object" && !Array.isArray(answers);
  if (present && !isObject) return { service_answers: [messages.answers_invalid_format] };
  if (!questions.size && truthy(answers) && Object.keys(answers as object).length) {
    return { service_answers: [messages.answers_not_required] };
  }
  const given = present ? answers as Record<string, unknown> : {};
  if (questions.size && !Object.keys(given).length) {
    return { service_answers: [messages.required] };
  }
  if (!present) return null;
  const errors: Record<string, string[]> = {};
  const add = (key: string, message: string) => (errors[key] ??= []).push(message);
  for (const id of questions.keys()) if (!(id in given)) add(id, messages.required);
  for (const id of Object.keys(given)) {
    if (!questions.has(id)) add(id, messages.question_does_not_relate);
  }
  for (const [id, options] of questions) {
    if (!(id in given)) continue;
    const value = given[id];
    const chosen = Array.isArray(value)
      ? value.map(String)
      : value && typeof value === "object"
      ? Object.keys(value)
      : [];
    if (chosen.length === 0) add(id, messages.required);
    else if (chosen.length > 1) add(id, messages.only_one_answer);
    else if (!options.has(chosen[0].toLowerCase())) {
      add(chosen[0], messages.answer_option_not_valid);
    }
  }
  return Object.keys(errors).length ? errors : null;
}

const DATE_RE = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/;

/**
 * The interaction `date`: `YYYY-MM-DD` (month and day may be unpadded, as Python's
 * strptime allows) or `YYYY/MM/DD`, as midnight UTC; null when not a real date.
 */
export function parseInteractionDate(value: string): Date | null {
  const m = DATE_RE.exec(value.trim());
  if (!m || m[0].includes("-") && m[0].includes("/")) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date;
}

/**
 * A DRF DecimalField(max_digits=19, decimal_places=2, min_value=0) value as a string,
 * or the field's message.
 */
export function parseAmount(value: string | number): { value: string } | { error: string } {
  const text = String(value).trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    return { error: "A valid number is required." };
  }
  const n = Number(text);
  if (!Number.isFinite(n)) return { error: "A valid number is required." };
  const plain = /[eE]/.test(text) ? n.toFixed(20).replace(/0+$/, "").replace(/\.$/, "") : text;
  const unsigned = plain.replace(/^[+-]/, "");
  const [whole, fraction = ""] = unsigned.split(".");
  const wholeDigits = whole.replace(/^0+/, "").length;
  const decimals = fraction.replace(/0+$/, "").length;
  if (wholeDigits + decimals > 19) {
    return { error: "Ensure that there are no more than 19 digits in total." };
  }
  if (decimals > 2) return { error: "Ensure that there are no more than 2 decimal places." };
  if (wholeDigits > 17) {
    return { error: "Ensure that there are no more than 17 digits before the decimal point." };
  }
  if (n < 0) return { error: "Ensure this value is greater than or equal to 0." };
  return { value: plain };
}

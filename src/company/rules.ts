/**
 * Company validation as the original's CompanySerializer runs it, in the same order and
 * words: field checks (references, nested addresses, website, headquarters links) all
 * together, then the class-level validators one at a time (the first failing one
 * answers), then the cross-field check of headquarter type against global headquarters.
 * PATCH checks combine the sent data with the stored row (DRF's DataCombiner).
 */
import { DRF_MESSAGES } from "../http/drf.ts";
import { type FieldErrors, mergeErrors, ValidationError } from "../http/errors.ts";
import type { AddressInput, CompanyInput } from "./routes.ts";

export const UNITED_KINGDOM = "80756b9a-5d95-e211-a939-e4115bead28a";
export const UNITED_STATES = "81756b9a-5d95-e211-a939-e4115bead28a";
export const CANADA = "5daf72a6-5d95-e211-a939-e4115bead28a";
export const GLOBAL_HQ = "43281c5e-92a4-4794-867b-b4d5f801e6f3";
export const UK_ESTABLISHMENT = "b0730fc6-fcce-4071-bdab-ba8de4f4fc98";
/** "Tier D - International Trade Adviser Accounts": the regional account manager tier. */
export const TIER_D_ITA = "1929c808-99b4-4abf-a891-45f2e187b410";

/** Fields sourced from D&B: read-only (silently ignored) once a company has a DUNS number. */
export const DNB_READ_ONLY = [
  "name",
  "trading_names",
  "company_number",
  "vat_number",
  "business_type",
  "employee_range",
  "turnover_range",
  "address",
  "registered_address",
] as const;

export const messages = {
  ukEstablishmentPrefix: "This must be a valid UK establishment number, beginning with BR.",
  ukEstablishmentCharacters:
    "This field can only contain the letters A to Z and numbers (no symbols, punctuation or spaces).",
  globalHqNotGlobalHq: "Company to be linked as global headquarters must be a global headquarters.",
  globalHqIsSelf: "Global headquarters cannot point to itself.",
  globalHqHasSubsidiaries: "Subsidiaries have to be unlinked before changing headquarter type.",
  subsidiaryCannotBeGlobalHq: "A company cannot both be and have a global headquarters.",
  ukEstablishmentNotInUk: "A UK establishment (branch of non-UK company) must be in the UK.",
  leadAdviserOnSubsidiary: "A lead adviser can't be set on a subsidiary of a One List company.",
  leadAdviserOtherTier: "A lead adviser can't be set for companies on this One List tier.",
  leadAdviserRemoveOtherTier:
    "A lead adviser can't be removed from companies on this One List tier.",
  // The missing space is the original's.
  cannotRemoveLeadIta:
    "It`s not possible to remove a lead ITA from a company usingOne List admin functionality",
  subsidiaryOnOneList: "A subsidiary cannot be on One List.",
  tierOnlyByIta: "A company can only have this One List tier assigned by ITA.",
  tierChangedOnlyByIta: "A company on this One List tier can only be changed by ITA.",
  duplicateAdviser: "You cannot add the same adviser more than once.",
  duplicateExportCountry: "You cannot enter the same country in multiple fields.",
  invalidUrl: "Enter a valid URL.",
};

/** The stored values a rule may fall back on (the columns of the company being edited). */
export type Stored = Record<string, unknown>;

const blank = (v: unknown) =>
  v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0);

/** Address parts → the column suffixes of `prefix` ("address" / "registered_address"). */
export const ADDRESS_COLUMNS = {
  line_1: "1",
  line_2: "2",
  town: "town",
  county: "county",
  postcode: "postcode",
  area: "area_id",
  country: "country_id",
} as const;

/**
 * The nested AddressSerializer's checks: US and Canadian addresses need an area, then a
 * postcode (each reported alone, as those validators raise), then line 1, town and
 * country of the address as it will be stored. An optional address is checked only when
 * some part of it is set.
 */
export function addressErrors(
  prefix: "address" | "registered_address",
  sent: AddressInput,
  stored: Stored | null,
  required: boolean,
): FieldErrors | null {
  if ((sent.country === UNITED_STATES || sent.country === CANADA)) {
    if (!sent.area) return { [`${prefix}_area`]: [DRF_MESSAGES.required] };
    if (!sent.postcode) return { [`${prefix}_postcode`]: [DRF_MESSAGES.required] };
  }
  const value = (part: keyof typeof ADDRESS_COLUMNS) =>
    part in sent ? sent[part] : stored?.[`${prefix}_${ADDRESS_COLUMNS[part]}`];
  const parts = Object.keys(ADDRESS_COLUMNS) as (keyof typeof ADDRESS_COLUMNS)[];
  if (!required && parts.every((p) => blank(value(p)))) return null;
  const errors: FieldErrors = {};
  for (const part of ["line_1", "town", "country"] as const) {
    if (blank(value(part))) errors[part] = [DRF_MESSAGES.required];
  }
  return Object.keys(errors).length ? errors : null;
}

/** Django's URLValidator in short: a scheme, then a host with a dot (or localhost). */
export function websiteError(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    if (!["http:", "https:", "ftp:", "ftps:"].includes(url.protocol)) return messages.invalidUrl;
    if (!url.hostname.includes(".") && url.hostname !== "localhost") return messages.invalidUrl;
    if (/\s/.test(value)) return messages.invalidUrl;
    return null;
  } catch {
    return messages.invalidUrl;
  }
}

/** RelaxedURLField: a URL without a scheme is taken as http://. */
export const withScheme = (value: string | null | undefined) =>
  value && !value.includes("://") ? `http://${value}` : value;

/** Facts from the database the field checks need. */
export interface CompanyFacts {
  /** Headquarter type of the requested global headquarters (undefined: not requested). */
  globalHqType?: string | null;
  /** The stored company is a global HQ with subsidiaries. */
  hasSubsidiaries: boolean;
}

/**
 * Field-level checks (reported together): addresses, website, global headquarters link,
 * and leaving the global HQ type while subsidiaries point here.
 */
export function fieldErrors(
  input: CompanyInput,
  stored: { id: string; headquarter_type_id: string | null } | null,
  facts: CompanyFacts,
): FieldErrors {
  const errors: FieldErrors = {};
  if (input.address) {
    const e = addressErrors("address", input.address, stored as Stored | null, true);
    if (e) mergeErrors(errors, { address: e });
  }
  if (input.registered_address !== undefined) {
    const sent = input.registered_address ?? blankAddress();
    const e = addressErrors("registered_address", sent, stored as Stored | null, false);
    if (e) mergeErrors(errors, { registered_address: e });
  }
  const website = websiteError(withScheme(input.website));
  if (website) errors.website = [website];
  if (input.global_headquarters) {
    if (stored && input.global_headquarters === stored.id) {
      errors.global_headquarters = [messages.globalHqIsSelf];
    } else if (facts.globalHqType !== undefined && facts.globalHqType !== GLOBAL_HQ) {
      errors.global_headquarters = [messages.globalHqNotGlobalHq];
    }
  }
  if (
    stored && input.headquarter_type !== undefined &&
    stored.headquarter_type_id !== input.headquarter_type &&
    stored.headquarter_type_id === GLOBAL_HQ && facts.hasSubsidiaries
  ) {
    errors.headquarter_type = [messages.globalHqHasSubsidiaries];
  }
  return errors;
}

/** What a `registered_address: null` resets the parts to. */
export function blankAddress(): Required<AddressInput> {
  return { line_1: "", line_2: "", town: "", county: "", postcode: "", area: null, country: null };
}

/**
 * The class-level validators, in the original's order; throws the first that fails.
 * `combined(field)` is the sent value, else the stored one (references as ids).
 */
export function checkCompanyValidators(
  input: CompanyInput,
  stored: Stored | null,
  combined: (field: string) => unknown,
) {
  // RequiredUnlessAlreadyBlankValidator('sector', 'business_type')
  const required: FieldErrors = {};
  for (const field of ["sector", "business_type"] as const) {
    if (stored && blank(stored[`${field}_id`])) continue;
    if (stored && !(field in input)) continue;
    if (blank(input[field])) required[field] = [DRF_MESSAGES.required];
  }
  if (Object.keys(required).length) throw new ValidationError(required);

  if (combined("business_type") === UK_ESTABLISHMENT) {
    const number = combined("company_number") as string | null;
    const errors: string[] = [];
    if (!number) errors.push(DRF_MESSAGES.required);
    if (number && /[^A-Z0-9]/.test(number)) errors.push(messages.ukEstablishmentCharacters);
    if (number && !number.startsWith("BR")) errors.push(messages.ukEstablishmentPrefix);
    if (errors.length) throw new ValidationError({ company_number: errors });
  }

  const country = combined("address_country");
  const location: FieldErrors = {};
  if (country === UNITED_KINGDOM && !combined("uk_region")) {
    location.uk_region = [DRF_MESSAGES.required];
  }
  if (combined("business_type") === UK_ESTABLISHMENT && country !== UNITED_KINGDOM) {
    location.address_country = [messages.ukEstablishmentNotInUk];
  }
  if (Object.keys(location).length) throw new ValidationError(location);

  if (
    ("global_headquarters" in input || "headquarter_type" in input) &&
    combined("headquarter_type") === GLOBAL_HQ && combined("global_headquarters")
  ) {
    throw new ValidationError({ headquarter_type: [messages.subsidiaryCannotBeGlobalHq] });
  }
}

/**
 * What Hawk clients (Market Access) see of a company: the original's
 * PublicCompanySerializer, the v4 company without personal data.
 */
export const PUBLIC_COMPANY_FIELDS = [
  "address",
  "archived",
  "archived_on",
  "archived_reason",
  "business_type",
  "company_number",
  "created_on",
  "description",
  "duns_number",
  "employee_range",
  "export_experience_category",
  "export_to_countries",
  "future_interest_countries",
  "global_headquarters",
  "headquarter_type",
  "id",
  "is_number_of_employees_estimated",
  "is_turnover_estimated",
  "modified_on",
  "name",
  "number_of_employees",
  "one_list_group_tier",
  "reference_code",
  "registered_address",
  "sector",
  "trading_names",
  "transfer_reason",
  "transferred_on",
  "transferred_to",
  "turnover",
  "turnover_gbp",
  "turnover_range",
  "uk_based",
  "uk_region",
  "vat_number",
  "website",
  "export_segment",
  "export_sub_segment",
] as const;

/** Public-view fields the company search document does not hold. */
const NOT_IN_SEARCH_DOCUMENT: readonly string[] = [
  "is_number_of_employees_estimated",
  "is_turnover_estimated",
  "number_of_employees",
  "one_list_group_tier",
  "transfer_reason",
  "transferred_on",
  "transferred_to",
  "turnover",
  "turnover_gbp",
];

/** The public company search's fields: the public view as the search document has it. */
export const PUBLIC_SEARCH_FIELDS = [
  ...PUBLIC_COMPANY_FIELDS.filter((field) => !NOT_IN_SEARCH_DOCUMENT.includes(field)),
  "is_global_ultimate",
];

/**
 * The Expand Your Business records Data Flow exports, validated and mapped to lead
 * columns as the original's CreateEYBLead{Triage,User,Marketing}Serializer do: triage and
 * user records are camelCase under `object`, marketing ones flat. Lookups (sector, UK
 * region, country) are passed in, so the rules stay free of SQL. A bad record gives its
 * errors, in DRF's words, and is skipped.
 */

export type Component = "triage" | "user" | "marketing";
export type LeadColumns = Record<string, unknown>;
export type RecordResult = { columns: LeadColumns; hashedUuid: string } | {
  errors: Record<string, string[]>;
};

export interface Lookups {
  /** The first sector whose segment is `segment` (case-insensitive), disabled ones included. */
  sectorBySegment(segment: string): Promise<string | null>;
  /** Whether a UK region of that name exists (case-insensitive). */
  regionExists(name: string): Promise<boolean>;
  /** The UK region of exactly that name. */
  regionByName(name: string): Promise<string | null>;
  /** The country of an ISO 3166 alpha-2 code. */
  countryByIso2(code: string): Promise<string | null>;
}

const REQUIRED = "This field is required.";
const BLANK = "This field may not be blank.";
const NULL = "This field may not be null.";
const NOT_SET = "Not set";

/** Python's str.title(): each run of letters capitalised. */
export const pythonTitle = (text: string) =>
  text.replace(/[A-Za-z]+/g, (w) => w[0].toUpperCase() + w.slice(1).toLowerCase());

type Errors = Record<string, string[]>;

/** A required CharField. */
function required(record: Record<string, unknown>, key: string, errors: Errors): string {
  const value = record[key];
  if (value === undefined) errors[key] = [REQUIRED];
  else if (value === null) errors[key] = [NULL];
  else if (String(value).trim() === "") errors[key] = [BLANK];
  else return String(value).trim();
  return "";
}

/** An optional CharField that may be null or blank: `""` for either. */
const text = (record: Record<string, unknown>, key: string) => {
  const value = record[key];
  return value === undefined || value === null ? "" : String(value).trim();
};

const DRF_DATETIME = "Datetime has wrong format. Use one of these formats instead: " +
  "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].";

function datetime(record: Record<string, unknown>, key: string, errors: Errors): string | null {
  const value = required(record, key, errors);
  if (!value) return null;
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(value) || Number.isNaN(Date.parse(value))) {
    errors[key] = [DRF_DATETIME];
    return null;
  }
  return value;
}

const TRUE = new Set([true, "true", "True", "TRUE", "1", 1, "yes", "y", "on"]);
const FALSE = new Set([false, "false", "False", "FALSE", "0", 0, "no", "n", "off"]);

/** A BooleanField that may be null (`""` is null, as the user serializer maps it). */
function bool(record: Record<string, unknown>, key: string, errors: Errors): boolean | null {
  const value = record[key];
  if (value === undefined || value === null || value === "") return null;
  if (TRUE.has(value as string)) return true;
  if (FALSE.has(value as string)) return false;
  errors[key] = ["Must be a valid boolean."];
  return null;
}

const result = (errors: Errors, hashedUuid: string, columns: LeadColumns): RecordResult =>
  Object.keys(errors).length ? { errors } : { hashedUuid, columns };

async function triage(record: Record<string, unknown>, lookups: Lookups): Promise<RecordResult> {
  const errors: Errors = {};
  const hashedUuid = required(record, "hashedUuid", errors);
  const created = datetime(record, "created", errors);
  const modified = datetime(record, "modified", errors);
  required(record, "sector", errors);
  const segments = ["sector", "sectorSub", "sectorSubSub"].map((k) =>
    record[k] === undefined || record[k] === null ? null : String(record[k])
  );
  const location = record.location;
  if (typeof location === "string" && location.trim() !== "") {
    let name = pythonTitle(location.replaceAll("_", " "));
    if (name === "Yorkshire And Humber") name = "Yorkshire and The Humber";
    if (!await lookups.regionExists(name)) {
      errors.location = [`UK Region "${location}" does not exist.`];
    }
  }
  const intent = record.intent;
  if (intent !== undefined && intent !== null && !Array.isArray(intent)) {
    errors.intent = [`Expected a list of items but got type "${typeof intent}".`];
  }
  if (Object.keys(errors).length) return { errors };
  // The selected segment is the last one given (the original's parent check has no effect).
  const name = segments.filter((s) => s !== null).join(" : ");
  const selected = name.split(" : ").at(-1) ?? "";
  const sector = await lookups.sectorBySegment(selected);
  if (!sector) return { errors: { non_field_errors: [`Sector "${name}" does not exist.`] } };
  return result(errors, hashedUuid, {
    triage_hashed_uuid: hashedUuid,
    triage_created: created,
    triage_modified: modified,
    sector_id: sector,
    sector_segments: segments,
    intent: Array.isArray(intent) ? intent.map(String) : [],
    intent_other: text(record, "intentOther"),
    proposed_investment_region_id: typeof location === "string"
      ? await lookups.regionByName(pythonTitle(location))
      : null,
    proposed_investment_city: text(record, "locationCity"),
    proposed_investment_location_none: bool(record, "locationNone", errors),
    hiring: text(record, "hiring"),
    spend: text(record, "spend"),
    spend_other: text(record, "spendOther"),
    is_high_value: bool(record, "isHighValue", errors),
  });
}

async function user(record: Record<string, unknown>, lookups: Lookups): Promise<RecordResult> {
  const errors: Errors = {};
  const hashedUuid = required(record, "hashedUuid", errors);
  const created = datetime(record, "created", errors);
  const modified = datetime(record, "modified", errors);
  const companyName = required(record, "companyName", errors);
  const address1 = required(record, "addressLine1", errors);
  const town = required(record, "town", errors);
  const email = required(record, "email", errors);
  const location = required(record, "companyLocation", errors);
  const country = location ? await lookups.countryByIso2(location.toUpperCase()) : null;
  if (location && !country) {
    errors.companyLocation = [
      `Company location/country ISO2 code "${location.toUpperCase()}" does not exist.`,
    ];
  }
  return result(errors, hashedUuid, {
    user_hashed_uuid: hashedUuid,
    user_created: created,
    user_modified: modified,
    company_name: companyName,
    duns_number: text(record, "dunsNumber") || null,
    address_1: address1,
    address_2: text(record, "addressLine2"),
    address_town: town,
    address_county: text(record, "county"),
    address_country_id: country,
    address_postcode: text(record, "postcode"),
    company_website: text(record, "companyWebsite"),
    full_name: text(record, "fullName") || NOT_SET,
    role: text(record, "role"),
    email,
    telephone_number: text(record, "telephoneNumber"),
    agree_terms: bool(record, "agreeTerms", errors),
    agree_info_email: bool(record, "agreeInfoEmail", errors),
    landing_timeframe: text(record, "landingTimeframe"),
  });
}

function marketing(record: Record<string, unknown>): RecordResult {
  const errors: Errors = {};
  const hashedUuid = required(record, "hashed_uuid", errors);
  return result(errors, hashedUuid, {
    marketing_hashed_uuid: hashedUuid,
    utm_name: text(record, "name"),
    utm_medium: text(record, "medium"),
    utm_source: text(record, "source"),
    utm_content: text(record, "content"),
  });
}

/** The record a line of the component's export holds (triage and user nest it). */
export function recordOfLine(component: Component, line: Record<string, unknown>) {
  const record = component === "marketing" ? line : line.object;
  return (record && typeof record === "object" ? record : {}) as Record<string, unknown>;
}

/** Validates and maps one record of a component. */
export function mapRecord(
  component: Component,
  record: Record<string, unknown>,
  lookups: Lookups,
): Promise<RecordResult> {
  if (component === "triage") return triage(record, lookups);
  if (component === "user") return user(record, lookups);
  return Promise.resolve(marketing(record));
}

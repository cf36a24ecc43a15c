/**
 * D&B rules, as the original's datahub/dnb_api (utils.py, serializers.py, constants.py):
 * DUNS number checks, the mapping of a dnb-service company to Data Hub's company fields
 * and its validation, the columns a D&B update may touch, and the family tree built
 * from D&B's hierarchy members annotated with what Data Hub knows of each.
 */
import { type FieldErrors, mergeErrors } from "../http/errors.ts";
import { addressErrors, websiteError, withScheme } from "../company/rules.ts";
import type { CompanyColumns } from "../company/queries.ts";
import type { DnbCompany, FamilyTreeMember } from "./client.ts";

/** The company fields a D&B update refreshes (the original's ALL_DNB_UPDATED_SERIALIZER_FIELDS). */
export const DNB_UPDATED_FIELDS = [
  "name",
  "trading_names",
  "address",
  "number_of_employees",
  "is_number_of_employees_estimated",
  "turnover",
  "is_turnover_estimated",
  "global_ultimate_duns_number",
  "company_number",
  "is_out_of_business",
] as const;
export type DnbField = (typeof DNB_UPDATED_FIELDS)[number];

/** The fields of the company-create answer (the original's DNBCompanySerializer). */
export const DNB_COMPANY_FIELDS = [
  "id",
  "reference_code",
  "name",
  "trading_names",
  "uk_based",
  "company_number",
  "vat_number",
  "duns_number",
  "created_on",
  "modified_on",
  "archived",
  "archived_documents_url_path",
  "archived_on",
  "archived_reason",
  "archived_by",
  "description",
  "transferred_by",
  "transferred_on",
  "transferred_to",
  "transfer_reason",
  "website",
  "business_type",
  "one_list_group_tier",
  "contacts",
  "employee_range",
  "number_of_employees",
  "is_number_of_employees_estimated",
  "export_to_countries",
  "future_interest_countries",
  "headquarter_type",
  "one_list_group_global_account_manager",
  "global_headquarters",
  "sector",
  "turnover_range",
  "turnover",
  "is_turnover_estimated",
  "uk_region",
  "export_experience_category",
  "address",
  "registered_address",
  "pending_dnb_investigation",
  "export_potential",
  "great_profile_status",
  "is_global_ultimate",
  "global_ultimate_duns_number",
  "dnb_modified_on",
  "export_countries",
  "export_segment",
  "export_sub_segment",
  "is_out_of_business",
] as const;

const DUNS_LENGTH = 9;

/**
 * A DUNS number as the original's CharField(min 9, max 9, integer_validator) checks it:
 * every failing validator reports (integer first, then the length).
 */
export function dunsErrors(value: unknown, options: { allowBlank?: boolean } = {}): string[] {
  if (value === undefined) return ["This field is required."];
  if (value === null) return ["This field may not be null."];
  if (typeof value !== "string" && typeof value !== "number") return ["Not a valid string."];
  const text = String(value).trim();
  if (text === "") return options.allowBlank ? [] : ["This field may not be blank."];
  const errors: string[] = [];
  if (!/^-?\d+$/.test(text)) errors.push("Enter a valid integer.");
  if (text.length > DUNS_LENGTH) {
    errors.push(`Ensure this field has no more than ${DUNS_LENGTH} characters.`);
  }
  if (text.length < DUNS_LENGTH) {
    errors.push(`Ensure this field has at least ${DUNS_LENGTH} characters.`);
  }
  return errors;
}

export const dunsExists = (duns: string) =>
  `Company with duns_number: ${duns} already exists in DataHub.`;
export const dunsUnknown = (duns: string) =>
  `Company with duns_number: ${duns} does not exists in DataHub.`;

/** An address as Data Hub stores it: parts, then the area and country ids. */
export interface FormattedAddress {
  line_1: string;
  line_2: string;
  town: string;
  county: string;
  postcode: string;
  area: string | null;
  country: string | null;
}

/** A dnb-service company in Data Hub's terms (the original's `format_dnb_company`). */
export interface FormattedCompany {
  name: unknown;
  trading_names: unknown;
  duns_number: unknown;
  address: FormattedAddress;
  registered_address: FormattedAddress | null;
  uk_based: boolean;
  company_number: unknown;
  number_of_employees: unknown;
  is_number_of_employees_estimated: unknown;
  turnover: unknown;
  is_turnover_estimated: unknown;
  website: string;
  is_out_of_business: unknown;
  global_ultimate_duns_number: unknown;
}

/** Reference data the mapping looks up: a country by ISO code, an area by name. */
export interface Lookups {
  country(isoCode: string): Promise<string | null>;
  area(countryId: string, name: string): Promise<string | null>;
}

const text = (value: unknown) => (value === null || value === undefined ? "" : String(value));

async function extractAddress(
  dnb: DnbCompany,
  prefix: "address" | "registered_address",
  lookups: Lookups,
): Promise<FormattedAddress> {
  const iso = dnb[`${prefix}_country`];
  const country = iso ? await lookups.country(String(iso)) : null;
  const areaName = dnb[`${prefix}_area_name`];
  const area = country && areaName ? await lookups.area(country, String(areaName)) : null;
  return {
    line_1: text(dnb[`${prefix}_line_1`]),
    line_2: text(dnb[`${prefix}_line_2`]),
    town: text(dnb[`${prefix}_town`]),
    county: text(dnb[`${prefix}_county`]),
    postcode: text(dnb[`${prefix}_postcode`]),
    country,
    area,
  };
}

/**
 * Maps a dnb-service record to company fields. Turnover in another currency than USD is
 * dropped (Data Hub keeps USD); a registered address missing a required part is none.
 */
export async function formatDnbCompany(
  dnb: DnbCompany,
  lookups: Lookups,
  log: (event: string, fields: Record<string, unknown>) => void = () => {},
): Promise<FormattedCompany> {
  const registrations = Array.isArray(dnb.registration_numbers) ? dnb.registration_numbers : [];
  const numbers = new Map<string, unknown>();
  for (const reg of registrations as Record<string, unknown>[]) {
    numbers.set(String(reg?.registration_type), reg?.registration_number ?? null);
  }
  const currency = dnb.annual_sales_currency;
  let turnover = dnb.annual_sales;
  let turnoverEstimated = dnb.is_annual_sales_estimated;
  if (currency && currency !== "USD") {
    log("D&B did not have USD turnover", { duns_number: dnb.duns_number, currency });
    turnover = undefined;
    turnoverEstimated = undefined;
  }
  const registered = await extractAddress(dnb, "registered_address", lookups);
  const registeredComplete = registered.line_1 && registered.town && registered.country;
  return {
    name: dnb.primary_name ?? null,
    trading_names: dnb.trading_names ?? null,
    duns_number: dnb.duns_number ?? null,
    address: await extractAddress(dnb, "address", lookups),
    registered_address: registeredComplete ? registered : null,
    uk_based: dnb.address_country === "GB",
    company_number: numbers.get("uk_companies_house_number") ?? null,
    number_of_employees: dnb.employee_number ?? null,
    is_number_of_employees_estimated: dnb.is_employees_number_estimated ?? null,
    turnover: turnover ?? null,
    is_turnover_estimated: turnoverEstimated ?? null,
    website: dnb.domain ? `http://${dnb.domain}` : "",
    is_out_of_business: "is_out_of_business" in dnb ? dnb.is_out_of_business : false,
    global_ultimate_duns_number: dnb.global_ultimate_duns_number || "",
  };
}

/** DRF IntegerField: an integer, or a number/string holding one (`1.0` too). */
function integerValue(value: unknown): number | undefined {
  const raw = typeof value === "number" || typeof value === "string"
    ? String(value).trim().replace(/\.0*$/, "")
    : "";
  return /^[+-]?\d+$/.test(raw) ? Number(raw) : undefined;
}

function textErrors(value: unknown, options: { nullable: boolean; blank: boolean }) {
  if (value === null || value === undefined) {
    return options.nullable ? [] : ["This field may not be null."];
  }
  if (typeof value !== "string" && typeof value !== "number") return ["Not a valid string."];
  const trimmed = String(value).trim();
  if (!trimmed && !options.blank) return ["This field may not be blank."];
  if (trimmed.length > 255) return ["Ensure this field has no more than 255 characters."];
  return [];
}

function booleanErrors(value: unknown, nullable: boolean) {
  if (value === null || value === undefined) return nullable ? [] : ["This field may not be null."];
  return typeof value === "boolean" ? [] : ["Must be a valid boolean."];
}

/**
 * The checks of the original's DNBCompanySerializer on the mapped record, limited to
 * `fields` for a partial update (plus the DUNS number on create).
 */
export function companyErrors(
  company: FormattedCompany,
  fields: readonly string[] | "all",
): FieldErrors {
  const wanted = (field: string) => fields === "all" || fields.includes(field);
  const errors: FieldErrors = {};
  const add = (field: string, messages: string[]) => {
    if (wanted(field) && messages.length) errors[field] = messages;
  };
  add("name", textErrors(company.name, { nullable: false, blank: false }));
  if (company.trading_names === null) add("trading_names", ["This field may not be null."]);
  else if (!Array.isArray(company.trading_names)) {
    add("trading_names", [
      `Expected a list of items but got type "${typeof company.trading_names}".`,
    ]);
  }
  if (fields === "all") add("duns_number", dunsErrors(company.duns_number));
  add(
    "global_ultimate_duns_number",
    dunsErrors(company.global_ultimate_duns_number, {
      allowBlank: true,
    }),
  );
  add("company_number", textErrors(company.company_number, { nullable: true, blank: true }));
  for (const field of ["number_of_employees", "turnover"] as const) {
    const value = company[field];
    if (value === null) continue;
    const n = integerValue(value);
    if (n === undefined) add(field, ["A valid integer is required."]);
    else if (field === "number_of_employees" && n < 0) {
      add(field, ["Ensure this value is greater than or equal to 0."]);
    }
  }
  for (const field of ["is_number_of_employees_estimated", "is_turnover_estimated"] as const) {
    add(field, booleanErrors(company[field], true));
  }
  add("is_out_of_business", booleanErrors(company.is_out_of_business, true));
  if (wanted("address")) {
    const e = addressErrors("address", company.address, null, true);
    if (e) mergeErrors(errors, { address: e });
  }
  if (fields === "all" && company.registered_address) {
    const e = addressErrors("registered_address", company.registered_address, null, false);
    if (e) mergeErrors(errors, { registered_address: e });
  }
  if (fields === "all") {
    const website = websiteError(withScheme(company.website));
    if (website) errors.website = [website];
  }
  return errors;
}

function addressColumns(prefix: string, address: FormattedAddress | null): CompanyColumns {
  const a = address ?? {
    line_1: "",
    line_2: "",
    town: "",
    county: "",
    postcode: "",
    area: null,
    country: null,
  };
  return {
    [`${prefix}_1`]: a.line_1,
    [`${prefix}_2`]: a.line_2,
    [`${prefix}_town`]: a.town,
    [`${prefix}_county`]: a.county,
    [`${prefix}_postcode`]: a.postcode,
    [`${prefix}_area_id`]: a.area,
    [`${prefix}_country_id`]: a.country,
  };
}

const nullableInteger = (value: unknown) => {
  const n = integerValue(value);
  return n === undefined ? null : String(n);
};

/** The columns of `fields` (validated) for a company write. */
export function companyColumns(
  company: FormattedCompany,
  fields: readonly string[] | "all",
): CompanyColumns {
  const wanted = (field: string) => fields === "all" || fields.includes(field);
  const columns: CompanyColumns = {};
  const set = (field: string, value: CompanyColumns[string]) => {
    if (wanted(field)) columns[field] = value;
  };
  set("name", String(company.name).trim());
  set("trading_names", (company.trading_names as unknown[]).map((n) => String(n).trim()));
  set("company_number", company.company_number === null ? null : String(company.company_number));
  set("number_of_employees", nullableInteger(company.number_of_employees));
  set(
    "is_number_of_employees_estimated",
    company.is_number_of_employees_estimated as boolean | null,
  );
  set("turnover", nullableInteger(company.turnover));
  set("is_turnover_estimated", company.is_turnover_estimated as boolean | null);
  set("global_ultimate_duns_number", String(company.global_ultimate_duns_number).trim());
  // Data Hub keeps "not out of business" as false where D&B says nothing.
  set("is_out_of_business", company.is_out_of_business === true);
  if (wanted("address")) Object.assign(columns, addressColumns("address", company.address));
  if (fields === "all") {
    columns.duns_number = String(company.duns_number).trim();
    columns.website = company.website;
    Object.assign(columns, addressColumns("registered_address", company.registered_address));
  }
  return columns;
}

/** The revision comment of a D&B update, as the original's `update_company_from_dnb`. */
export const updateComment = (descriptor: string) =>
  descriptor ? `Updated from D&B [${descriptor}]` : "Updated from D&B";

// ---------------------------------------------------------------------------------------
// Family trees

/** What Data Hub knows of a company in a family tree (fields of its search document). */
export interface TreeDetails {
  id: string;
  name: string;
  duns_number: string;
  uk_region: unknown;
  address: unknown;
  registered_address: unknown;
  sector: unknown;
  latest_interaction_date: string | null;
  archived: boolean;
  one_list_tier: unknown;
  number_of_employees: number | null;
  headquarter_type: unknown;
  is_out_of_business: boolean;
}

export interface TreeNode {
  duns_number: string;
  name: unknown;
  id: string | null;
  hierarchy: unknown;
  uk_region: unknown;
  address: unknown;
  registered_address: unknown;
  sector: unknown;
  latest_interaction_date: string | null;
  archived: boolean;
  number_of_employees: unknown;
  one_list_tier: unknown;
  trading_names: string[];
  headquarter_type: unknown;
  is_out_of_business: boolean;
  subsidiaries?: TreeNode[];
}

type Linkage = { hierarchyLevel?: unknown; parent?: { duns?: unknown } | null } | undefined;

const parentOf = (member: FamilyTreeMember): string | null => {
  const parent = (member.corporateLinkage as Linkage)?.parent?.duns;
  return typeof parent === "string" && parent ? parent : null;
};

function employees(member: FamilyTreeMember): unknown {
  const value = member.numberOfEmployees;
  if (Array.isArray(value)) return (value[0] as { value?: unknown } | undefined)?.value ?? null;
  return value ?? null;
}

function toNode(member: FamilyTreeMember, details: TreeDetails | undefined): TreeNode {
  const tradeStyles = Array.isArray(member.tradeStyleNames) ? member.tradeStyleNames : [];
  const fromDnb = employees(member);
  return {
    duns_number: member.duns,
    name: details ? details.name : member.primaryName ?? null,
    id: details?.id ?? null,
    hierarchy: (member.corporateLinkage as Linkage)?.hierarchyLevel ?? null,
    uk_region: details?.uk_region ?? null,
    address: details?.address ?? null,
    registered_address: details?.registered_address ?? null,
    sector: details?.sector ?? null,
    latest_interaction_date: details?.latest_interaction_date ?? null,
    archived: details?.archived ?? false,
    number_of_employees: details && !fromDnb ? details.number_of_employees : fromDnb,
    one_list_tier: details?.one_list_tier ?? null,
    trading_names: tradeStyles.map((t) => String((t as { name?: unknown }).name)),
    headquarter_type: details ? details.headquarter_type : member.headquarterType ?? null,
    is_out_of_business: details?.is_out_of_business ?? false,
  };
}

/**
 * The requested company goes first among its siblings: it swaps places with the first
 * of them, as the original swaps the two rows.
 */
function requestedFirst(members: FamilyTreeMember[], duns: string): FamilyTreeMember[] {
  const list = [...members];
  const index = list.findIndex((m) => m.duns === duns);
  if (index < 0) return list;
  const parent = parentOf(list[index]);
  const first = list.findIndex((m) => parentOf(m) === parent);
  if (first >= 0 && first !== index) [list[first], list[index]] = [list[index], list[first]];
  return list;
}

/**
 * The nested tree from the global ultimate down (`subsidiaries` only where there are
 * some), each member with Data Hub's details of the company with its DUNS number.
 */
export function companyTree(
  members: FamilyTreeMember[],
  duns: string,
  details: Map<string, TreeDetails>,
): TreeNode | Record<string, never> {
  const single = members.length === 1;
  const ordered = requestedFirst(members, duns);
  const known = new Set(ordered.map((m) => m.duns));
  const children = new Map<string, FamilyTreeMember[]>();
  const roots: FamilyTreeMember[] = [];
  for (const member of ordered) {
    const parent = single ? null : parentOf(member);
    if (parent && known.has(parent) && parent !== member.duns) {
      children.set(parent, [...(children.get(parent) ?? []), member]);
    } else {
      roots.push(member);
    }
  }
  if (!roots.length) return {};
  const seen = new Set<string>();
  const build = (member: FamilyTreeMember): TreeNode => {
    seen.add(member.duns);
    const node = toNode(member, details.get(member.duns));
    const below = (children.get(member.duns) ?? []).filter((m) => !seen.has(m.duns));
    if (below.length) node.subsidiaries = below.map(build);
    return node;
  };
  return build(roots[0]);
}

/**
 * DUNS numbers related to `duns` in the tree: its parents (nearest first) and its
 * subsidiaries (depth first), as the original's bigtree ancestors and descendants.
 */
export function relatedDuns(
  members: FamilyTreeMember[],
  duns: string,
  include: { parents: boolean; subsidiaries: boolean },
): string[] {
  const single = members.length === 1;
  const parents = new Map<string, string | null>();
  const children = new Map<string, string[]>();
  for (const member of members) {
    const parent = single ? null : parentOf(member);
    parents.set(member.duns, parent);
    if (parent) children.set(parent, [...(children.get(parent) ?? []), member.duns]);
  }
  if (!parents.has(duns)) return [];
  const related: string[] = [];
  const seen = new Set([duns]);
  if (include.parents) {
    for (let p = parents.get(duns); p && !seen.has(p); p = parents.get(p) ?? null) {
      seen.add(p);
      related.push(p);
    }
  }
  if (include.subsidiaries) {
    const walk = (node: string) => {
      for (const child of children.get(node) ?? []) {
        if (seen.has(child)) continue;
        seen.add(child);
        related.push(child);
        walk(child);
      }
    };
    walk(duns);
  }
  return related;
}

/**
 * A family-tree member from one company found by DUNS (the reduced tree's walk up the
 * parents), as the original's `format_company_for_family_tree`.
 */
export function memberFromCompany(company: DnbCompany, level: number): FamilyTreeMember {
  const parent = company.parent_duns_number ? String(company.parent_duns_number) : null;
  return {
    duns: String(company.duns_number),
    primaryName: company.primary_name ?? null,
    corporateLinkage: { hierarchyLevel: level, parent: parent ? { duns: parent } : null },
  };
}

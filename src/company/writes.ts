/**
 * The company's write paths, as its serializers and views run them: every check against
 * the sent data and the stored row, the mapping to columns, the write with its stamps,
 * and the recorded version and change-feed rows. Handlers only parse and respond.
 */
import type { Db } from "../db/pool.ts";
import {
  ApiError,
  type FieldErrors,
  mergeErrors,
  nonFieldError,
  ValidationError,
} from "../http/errors.ts";
import { missingReferences, type Reference, referencesOf } from "../core/references.ts";
import {
  creationStamps,
  modificationStamps,
  recordWrite,
  type WriteMeta,
} from "../core/tracking.ts";
import type { AddressInput, CompanyInput } from "./routes.ts";
import * as q from "./queries.ts";
import {
  ADDRESS_COLUMNS,
  blankAddress,
  checkCompanyValidators,
  DNB_READ_ONLY,
  fieldErrors,
  messages,
  TIER_D_ITA,
  withScheme,
} from "./rules.ts";

/** Reference fields of the company body → the table each points at. */
const REF_TABLES = {
  business_type: "metadata_businesstype",
  employee_range: "metadata_employeerange",
  headquarter_type: "metadata_headquartertype",
  global_headquarters: "company_company",
  sector: "metadata_sector",
  turnover_range: "metadata_turnoverrange",
  uk_region: "metadata_ukregion",
  export_experience_category: "company_exportexperiencecategory",
} as const;
const SCALARS = [
  "name",
  "trading_names",
  "company_number",
  "vat_number",
  "description",
  "export_segment",
  "export_sub_segment",
  "strategy",
] as const;

function references(input: CompanyInput): Reference[] {
  const refs = referencesOf(input, REF_TABLES);
  for (const prefix of ["address", "registered_address"] as const) {
    const address = input[prefix];
    if (address?.area) {
      refs.push({ path: [prefix, "area"], table: "metadata_administrativearea", id: address.area });
    }
    if (address?.country) {
      refs.push({ path: [prefix, "country"], table: "metadata_country", id: address.country });
    }
  }
  return refs;
}

function addressColumns(
  prefix: "address" | "registered_address",
  sent: AddressInput,
  create: boolean,
) {
  const parts = create ? { ...blankAddress(), ...sent } : sent;
  const columns: q.CompanyColumns = {};
  for (const [part, suffix] of Object.entries(ADDRESS_COLUMNS)) {
    const value = parts[part as keyof AddressInput];
    if (value !== undefined) columns[`${prefix}_${suffix}`] = value;
  }
  return columns;
}

function toColumns(input: CompanyInput, create: boolean): q.CompanyColumns {
  const columns: q.CompanyColumns = {};
  for (const field of SCALARS) {
    if (input[field] !== undefined) columns[field] = input[field] as string | string[] | null;
  }
  if (input.website !== undefined) columns.website = withScheme(input.website) ?? null;
  for (const field of Object.keys(REF_TABLES) as (keyof typeof REF_TABLES)[]) {
    if (input[field] !== undefined) columns[`${field}_id`] = input[field];
  }
  if (input.address) Object.assign(columns, addressColumns("address", input.address, create));
  if (input.registered_address !== undefined) {
    const sent = input.registered_address ?? blankAddress();
    Object.assign(columns, addressColumns("registered_address", sent, create));
  }
  return columns;
}

/** Runs every check of the serializer against the sent data and the stored row. */
async function validate(db: Db, input: CompanyInput, stored: q.CompanyRow | null) {
  const errors: FieldErrors = await missingReferences(db, references(input));
  const globalHqType = input.global_headquarters
    ? await q.headquarterTypeOf(db, input.global_headquarters)
    : undefined;
  const hasSubsidiaries = stored ? await q.hasSubsidiaries(db, stored.id) : false;
  mergeErrors(errors, fieldErrors(input, stored, { globalHqType, hasSubsidiaries }));
  if (Object.keys(errors).length) throw new ValidationError(errors);

  const storedValues = (stored ?? {}) as Record<string, unknown>;
  const combined = (field: string): unknown => {
    if (field === "address_country") {
      if (input.address && "country" in input.address) return input.address.country;
      return storedValues.address_country_id ?? null;
    }
    if (field in input) return input[field as keyof CompanyInput];
    return storedValues[`${field}_id`] ?? storedValues[field] ?? null;
  };
  checkCompanyValidators(input, stored as Record<string, unknown> | null, combined);
}

/** Creates a company from a validated body; returns its id. */
export async function createCompany(db: Db, input: CompanyInput, meta: WriteMeta) {
  await validate(db, input, null);
  const id = await q.insertCompany(db, {
    ...toColumns(input, true),
    ...creationStamps(meta),
    pending_dnb_investigation: true,
  });
  await recordWrite(db, q.companyEntity, id, meta);
  return id;
}

/** Applies a PATCH; D&B-sourced fields are ignored once the company has a DUNS number. */
export async function updateCompany(
  db: Db,
  stored: q.CompanyRow,
  sent: CompanyInput,
  meta: WriteMeta,
) {
  const input: CompanyInput = { ...sent };
  if (stored.duns_number) { for (const field of DNB_READ_ONLY) delete input[field]; }
  await validate(db, input, stored);
  await q.updateCompany(db, stored.id, { ...toColumns(input, false), ...modificationStamps(meta) });
  await recordWrite(db, q.companyEntity, stored.id, meta);
}

/** Refuses to unarchive a company whose data was transferred to another record. */
export function checkUnarchivable(stored: q.CompanyRow | null) {
  if (!stored?.transferred_to_id) return;
  const reason = stored.transfer_reason === "duplicate"
    ? "Duplicate record"
    : stored.transfer_reason;
  throw nonFieldError(
    "This record is no longer in use and its data has been transferred to another " +
      `record for the following reason: ${reason}.`,
  );
}

/** A One List change: the account owner and tier to set. */
export interface OneListChange {
  owner: string | null;
  tier: string | null;
}

/** Writes a One List change and records it. */
export async function applyOneListChange(
  db: Db,
  id: string,
  change: OneListChange,
  meta: WriteMeta,
) {
  await q.updateCompany(db, id, {
    one_list_account_owner_id: change.owner,
    one_list_tier_id: change.tier,
    ...modificationStamps(meta),
  });
  await recordWrite(db, q.companyEntity, id, meta);
}

/** May a regional account manager be set on this company? */
export async function checkRegionalAccountManager(db: Db, stored: q.CompanyRow) {
  if (stored.global_headquarters_id) {
    const hq = await q.lockCompany(db, stored.global_headquarters_id);
    if (hq?.one_list_tier_id) throw nonFieldError(messages.leadAdviserOnSubsidiary);
  }
  if (stored.one_list_tier_id && stored.one_list_tier_id !== TIER_D_ITA) {
    throw nonFieldError(messages.leadAdviserOtherTier);
  }
}

/** The regional account manager a caller names, checked; the change to make. */
export async function regionalAccountManager(
  db: Db,
  stored: q.CompanyRow,
  manager: string,
): Promise<OneListChange> {
  const missing = await missingReferences(db, [
    { path: ["regional_account_manager"], table: "company_advisor", id: manager },
  ]);
  if (Object.keys(missing).length) throw new ValidationError(missing);
  await checkRegionalAccountManager(db, stored);
  return { owner: manager, tier: TIER_D_ITA };
}

/** Removing the account manager is only for Tier D (ITA) accounts. */
export function removeAccountManager(stored: q.CompanyRow): OneListChange {
  if (stored.one_list_tier_id && stored.one_list_tier_id !== TIER_D_ITA) {
    throw nonFieldError(messages.leadAdviserRemoveOtherTier);
  }
  return { owner: null, tier: null };
}

/** The tier and global account manager a caller assigns, checked; the change to make. */
export async function oneListTier(
  db: Db,
  stored: q.CompanyRow,
  body: { one_list_tier: string; global_account_manager: string },
): Promise<OneListChange> {
  const errors = await missingReferences(db, [
    { path: ["one_list_tier"], table: "company_onelisttier", id: body.one_list_tier },
    { path: ["global_account_manager"], table: "company_advisor", id: body.global_account_manager },
  ]);
  if (!errors.one_list_tier && body.one_list_tier === TIER_D_ITA) {
    errors.one_list_tier = [messages.tierOnlyByIta];
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);
  if (stored.global_headquarters_id) throw nonFieldError(messages.subsidiaryOnOneList);
  if (stored.one_list_tier_id === TIER_D_ITA) throw nonFieldError(messages.tierChangedOnlyByIta);
  return { owner: body.global_account_manager, tier: body.one_list_tier };
}

/** Leaving the One List is refused for Tier D (ITA) accounts. */
export function removeFromOneList(stored: q.CompanyRow): OneListChange {
  if (stored.one_list_tier_id === TIER_D_ITA) throw nonFieldError(messages.cannotRemoveLeadIta);
  return { owner: null, tier: null };
}

/**
 * Replaces the One List core team. Errors are a list serializer's: one object per item,
 * `{}` for the valid ones.
 */
export async function replaceCoreTeam(
  db: Db,
  id: string,
  members: { adviser: string }[],
  meta: WriteMeta,
) {
  const itemErrors = await Promise.all(
    members.map((m) =>
      missingReferences(db, [{ path: ["adviser"], table: "company_advisor", id: m.adviser }])
    ),
  );
  if (!itemErrors.some((e) => Object.keys(e).length)) {
    const counts = new Map<string, number>();
    for (const m of members) counts.set(m.adviser, (counts.get(m.adviser) ?? 0) + 1);
    members.forEach((m, i) => {
      if (counts.get(m.adviser)! > 1) itemErrors[i] = { adviser: [messages.duplicateAdviser] };
    });
  }
  if (itemErrors.some((e) => Object.keys(e).length)) {
    throw new ApiError(400, { core_team_members: itemErrors });
  }
  await q.replaceCoreTeam(db, id, members.map((m) => m.adviser));
  await recordWrite(db, q.companyEntity, id, meta);
}

/** Replaces the company's export countries (the export tab's PATCH). */
export async function replaceExportCountries(
  db: Db,
  id: string,
  items: q.ExportCountry[],
  meta: WriteMeta,
) {
  const itemErrors = await Promise.all(
    items.map((item) =>
      missingReferences(db, [{ path: ["country"], table: "metadata_country", id: item.country }])
    ),
  );
  if (itemErrors.some((e) => Object.keys(e).length)) {
    throw new ApiError(400, { export_countries: itemErrors });
  }
  if (new Set(items.map((i) => i.country)).size < items.length) {
    throw nonFieldError(messages.duplicateExportCountry);
  }
  await q.replaceExportCountries(db, id, items, { by: meta.userId, at: meta.at });
  await recordWrite(db, q.companyEntity, id, meta);
}

/**
 * great.gov.uk export enquiries (datahub/company_activity/tasks/ingest_great_data): every
 * hour the newest file (by key) under the data-flow bucket's ExportGreatContactFormData
 * prefix is ingested unless it was, each form not ingested yet becoming a
 * GreatExportEnquiry. Its company is the one with the form's Companies House number, else
 * of its business name, else that of the one contact matching the form's person, else a
 * new UK company (with a contact); its contact is the one contact matching the person,
 * else a new primary one. Countries and sectors that match nothing are logged and left
 * empty. The file is all or nothing (one transaction).
 */
import type { AppDeps } from "../deps.ts";
import type { Db, TransactionSql } from "../db/pool.ts";
import { dataFlowJobs } from "../ingest/data_flow.ts";
import { recordWrite, systemWriteMeta, type WriteMeta } from "../core/tracking.ts";
import { companyEntity, insertIngestedCompany } from "../company/queries.ts";
import { contactEntity, insertIngestedContact } from "../contact/queries.ts";
import * as q from "./queries.ts";

export const GREAT_PREFIX = "data-flow/exports/ExportGreatContactFormData/";

type Json = Record<string, unknown>;
type Lookups = Awaited<ReturnType<typeof q.greatLookups>>;

/** Python's `str()` of a JSON value. */
const pyStr = (value: unknown): string =>
  value === null || value === undefined
    ? "None"
    : typeof value === "boolean"
    ? (value ? "True" : "False")
    : typeof value === "object"
    ? JSON.stringify(value)
    : String(value);

/** `validate_company_registration_number`: longer than 10 characters is no number. */
export const registrationNumber = (value: unknown): string | null => {
  const text = pyStr(value);
  return text.length > 10 ? null : text;
};

/** "yes" / "no" (any case, trimmed) as a boolean, anything else null. */
export const yesNo = (value: unknown): boolean | null => {
  if (typeof value !== "string") return null;
  const v = value.trim().toLowerCase();
  return v === "yes" ? true : v === "no" ? false : null;
};

/** great.gov.uk's company sizes ("50-249", "500plus") as Data Hub's employee ranges. */
export const employeeRangeName = (employees: unknown): string | null => {
  if (!employees || typeof employees !== "string") return null;
  return employees.includes("-")
    ? employees.split("-").join(" to ")
    : employees.replaceAll("plus", "+");
};

/** `data.get(key, '')`: the value when present (even null), else blank. */
const get = (obj: Json, key: string, fallback: unknown = "") => key in obj ? obj[key] : fallback;
/** A text column that may not be null: a null value is stored blank. */
const text = (obj: Json, key: string) => (get(obj, key) ?? "") as string;

function person(data: Json) {
  return {
    first_name: (get(data, "first_name") ?? "") as string,
    last_name: (get(data, "last_name") ?? "") as string,
    telephone: (data.uk_telephone_number ?? "") as string,
    email: (data.email ?? "") as string,
  };
}

function countryOf(
  deps: AppDeps,
  lookups: Lookups,
  code: unknown,
  formId: unknown,
): string | null {
  if (!code || code === "notspecificcountry" || typeof code !== "string") return null;
  const normalised = code.split(/\s+/).filter(Boolean).join(" ");
  const country = lookups.countries.get(normalised);
  if (!country) {
    deps.log.error(`Could not match country with iso code: ${normalised}, for form: ${formId}`);
  }
  return country?.id ?? null;
}

function sectorOf(deps: AppDeps, lookups: Lookups, segment: unknown, formId: unknown) {
  if (!segment) return null;
  const sector = lookups.sectors.get(String(segment));
  if (!sector) deps.log.error(`Could not match sector: ${segment}, for form: ${formId}`);
  return sector?.id ?? null;
}

async function createContact(
  deps: AppDeps,
  tx: Db,
  data: Json,
  companyId: string,
  formId: unknown,
  meta: WriteMeta,
) {
  const p = person(data);
  const id = await insertIngestedContact(tx, {
    company_id: companyId,
    first_name: p.first_name,
    last_name: p.last_name,
    job_title: get(data, "job_title") as string | null,
    full_telephone_number: text(data, "uk_telephone_number"),
    email: text(data, "email"),
    source: "great",
  }, meta.at);
  await recordWrite(tx, contactEntity, id, meta);
  deps.log.info(
    `Could not match contact for Great Export Enquiry: ${formId}.` +
      `Created new contact with id: ${id}.`,
  );
  return id;
}

async function companyOf(
  deps: AppDeps,
  tx: Db,
  lookups: Lookups,
  data: Json,
  formId: unknown,
  meta: WriteMeta,
): Promise<string> {
  const number = registrationNumber(data.company_registration_number);
  const byNumber = number ? await q.companyByNumber(tx, number) : null;
  if (byNumber) return byNumber;
  const name = data.business_name;
  const byName = name ? await q.companyByName(tx, String(name)) : null;
  if (byName) return byName;
  const contact = await q.soleContactMatching(tx, person(data));
  if (contact?.company_id) return contact.company_id;
  const businessType = data.type;
  const employeeRange = employeeRangeName(data.number_of_employees);
  const id = await insertIngestedCompany(tx, {
    name: text(data, "business_name"),
    company_number: registrationNumber(get(data, "company_registration_number")),
    business_type_id: lookups.businessTypes.find((t) =>
      t.name.replaceAll(" ", "").toLowerCase() === businessType
    )?.id ?? null,
    employee_range_id: employeeRange ? lookups.employeeRanges.get(employeeRange)?.id ?? null : null,
    address_postcode: text(data, "business_postcode"),
    address_country_id: lookups.countries.get("GB")?.id ?? null,
    source: "great",
  }, meta.at);
  await recordWrite(tx, companyEntity, id, meta);
  deps.log.info(
    `Could not match company for Great Export Enquiry: ${formId}.` +
      `Created new company with id: ${id}.`,
  );
  await createContact(deps, tx, data, id, formId, meta);
  return id;
}

/** Ingests one form (`json_to_model`); returns the enquiry's id. */
export async function ingestGreatForm(
  deps: AppDeps,
  tx: Db,
  lookups: Lookups,
  form: Json,
  meta: WriteMeta,
): Promise<string> {
  const metaPart = (get(form, "meta", {}) ?? {}) as Json;
  const sender = (get(metaPart, "sender", {}) ?? {}) as Json;
  const data = (get(form, "data", {}) ?? {}) as Json;
  const formId = form.id;
  const actor = (get(form, "actor", {}) ?? {}) as Json;
  const actorId = actor.id ? String(actor.id).split(":").at(-1) : null;
  const markets: string[] = [];
  for (const code of (get(data, "markets", []) ?? []) as unknown[]) {
    const country = countryOf(deps, lookups, code, formId);
    if (country) markets.push(country);
  }
  const companyId = await companyOf(deps, tx, lookups, data, formId, meta);
  const contact = await q.soleContactMatching(tx, person(data));
  const contactId = contact?.id ?? await createContact(deps, tx, data, companyId, formId, meta);
  const created = form.created_at;
  const columns: Json = {
    form_id: Number(formId),
    url: pyStr(form.url || ""),
    // A datetime without an offset is UTC (Django's USE_TZ).
    form_created_at: typeof created === "string" && !/(Z|[+-]\d{2}(:?\d{2})?)$/.test(created)
      ? `${created}Z`
      : created,
    submission_type: text(form, "submission_type"),
    submission_action: text(form, "submission_action"),
    company_id: companyId,
    contact_id: contactId,
    meta_sender_ip_address: text(metaPart, "sender_ip_address"),
    meta_sender_country_id: countryOf(deps, lookups, sender.country_code ?? null, formId),
    meta_sender_email_address: text(metaPart, "sender_email_address"),
    meta_subject: text(metaPart, "subject"),
    meta_full_name: text(metaPart, "full_name"),
    meta_subdomain: text(metaPart, "subdomain"),
    meta_action_name: text(metaPart, "action_name"),
    meta_service_name: text(metaPart, "service_name"),
    meta_spam_control: text(metaPart, "spam_control"),
    meta_email_address: text(metaPart, "email_address"),
    data_search: text(data, "search"),
    data_enquiry: text(data, "enquiry"),
    data_find_out_about: text(data, "find_out_about"),
    data_sector_primary_id: sectorOf(deps, lookups, data.sector_primary, formId),
    data_sector_secondary_id: sectorOf(deps, lookups, data.sector_secondary, formId),
    data_sector_tertiary_id: sectorOf(deps, lookups, data.sector_tertiary, formId),
    data_sector_primary_other: text(data, "sector_primary_other"),
    data_triage_journey: text(data, "triage_journey"),
    data_received_support: yesNo(data.received_support),
    data_product_or_service_1: text(data, "product_or_service_1"),
    data_product_or_service_2: text(data, "product_or_service_2"),
    data_product_or_service_3: text(data, "product_or_service_3"),
    data_product_or_service_4: text(data, "product_or_service_4"),
    data_product_or_service_5: text(data, "product_or_service_5"),
    data_about_your_experience: text(data, "about_your_experience"),
    data_contacted_gov_departments: yesNo(data.contacted_gov_departments),
    data_help_us_further: yesNo(data.help_us_further),
    data_help_us_improve: text(data, "help_us_improve"),
    actor_type: String(actor.type ?? "").split(":").at(-1),
    actor_id: actorId === null ? null : Number(actorId),
    actor_dit_email_address: get(actor, "dit:emailAddress"),
    actor_dit_is_blacklisted: actor["dit:isBlacklisted"] ?? null,
    actor_dit_is_whitelisted: actor["dit:isWhitelisted"] ?? null,
    actor_dit_blacklisted_reason: pyStr(actor["dit:blackListedReason"] || ""),
  };
  const id = await q.insertGreatExportEnquiry(tx, columns, markets);
  await recordWrite(tx, q.greatExportEnquiryEntity, id, meta);
  return id;
}

/** Ingests a file's forms (in the object's transaction), skipping those already ingested. */
export async function ingestGreatForms(
  deps: AppDeps,
  tx: TransactionSql,
  forms: Json[],
): Promise<{ created: number; skipped: number }> {
  const meta = systemWriteMeta(deps);
  const existing = await q.ingestedGreatFormIds(tx);
  const lookups = await q.greatLookups(tx);
  const counts = { created: 0, skipped: 0 };
  for (const form of forms) {
    if (existing.has(Number(form.id))) {
      counts.skipped++;
      continue;
    }
    await ingestGreatForm(deps, tx, lookups, form, meta);
    counts.created++;
  }
  return counts;
}

/** The original schedules the identification hourly (`company_activity_identification_task`). */
export const {
  identification: greatIdentificationJob,
  ingestion: greatIngestionJob,
} = dataFlowJobs({
  name: "company_activity.great_export_enquiry",
  label: "great export enquiry",
  prefix: GREAT_PREFIX,
  newestByKey: true,
  timeoutMs: 7_200_000,
  ingest: ingestGreatForms,
});

/**
 * Export wins' four datasets for Data Workspace (datahub/dataset/export_wins/views.py):
 * advisers, breakdowns, HVCs and the wins themselves, keyed on their legacy ids where the
 * original is. Wins migrated from the legacy service are left out unless the
 * `export-wins-legacy-dataset` feature flag is on or the client asks `?legacy_data=true`.
 */
import { z } from "@hono/zod-openapi";
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";
import { col, type Dataset, day, of, treePath, ts } from "../dataset/dataset.ts";
import { ValidationError } from "../http/errors.ts";
import { UUID_RE } from "../http/drf.ts";

const LEGACY_FLAG = "export-wins-legacy-dataset";
/** HVCs from this legacy id on were made after the legacy service (EXPORT_WINS_LEGACY_ID_START_VALUE). */
const LEGACY_ID_START = 2_000_000;

const legacyFlagOn = (sql: Db) =>
  sql`exists (select 1 from feature_flag_featureflag f
    where f.code = ${LEGACY_FLAG} and f.is_active)`;

const legacyParams = {
  legacy_data: "`true` to include wins migrated from the legacy service",
};

/** The original's filters of the advisers and breakdowns: migrated wins, `?win_id=`. */
function winFilter(sql: Db, param: (name: string) => string | undefined): Fragment {
  const legacy = (param("legacy_data") ?? "false").toLowerCase() === "true";
  const winId = param("win_id");
  if (winId && !UUID_RE.test(winId)) {
    throw new ValidationError({ win_id: [`“${winId}” is not a valid UUID.`] });
  }
  const migrated = legacy ? sql`true` : sql`(w.migrated_on is null or ${legacyFlagOn(sql)})`;
  return winId ? sql`${migrated} and t.win_id = ${winId}::uuid` : migrated;
}

/** A person's name as Django's Concat(first, ' ', last): nulls read as ''. */
const concatName = (sql: Db, alias: string) =>
  sql`coalesce(${sql(alias)}.first_name, '') || ' ' || coalesce(${sql(alias)}.last_name, '')`;

export const exportWinsAdvisersDataset: Dataset = {
  name: "export-wins-advisers-dataset",
  summary: "Export wins' advisers",
  row: z.object({
    created_on: col.datetime(),
    win__id: col.uuid(),
    location: col.text(),
    hq_team_display: col.text(),
    team_type_display: col.text(),
    id: col.int(),
    name: col.text(),
    hq_team: col.text(),
    team_type: col.text(),
  }),
  from: (sql) => sql`export_win_winadviser t join export_win_win w on w.id = t.win_id`,
  joins: {
    hq: ["export_win_hqteamregionorpost", "hq_team_id"],
    team_type: ["export_win_teamtype", "team_type_id"],
    adviser: ["company_advisor", "adviser_id"],
  },
  select: (sql) => ({
    created_on: ts(sql, "created_on"),
    win__id: sql`t.win_id`,
    hq_team_display: of(sql, "hq"),
    team_type_display: of(sql, "team_type"),
    id: sql`t.legacy_id`,
    name: sql`case when w.migrated_on is not null and t.adviser_id is null then t.name
      else ${concatName(sql, "adviser")} end`,
    hq_team: of(sql, "hq", "export_win_id"),
    team_type: of(sql, "team_type", "export_win_id"),
  }),
  params: { ...legacyParams, win_id: "Only the rows of this win" },
  where: winFilter,
};

export const exportWinsBreakdownsDataset: Dataset = {
  name: "export-wins-breakdowns-dataset",
  summary: "Export wins' breakdowns",
  row: z.object({
    created_on: col.datetime(),
    win__id: col.uuid(),
    value: col.int(),
    breakdown_type: col.text(),
    id: col.int(),
    year: col.int(),
  }),
  from: (sql) => sql`export_win_breakdown t join export_win_win w on w.id = t.win_id`,
  joins: { breakdown_type: ["export_win_breakdowntype", "type_id"] },
  select: (sql) => ({
    created_on: ts(sql, "created_on"),
    win__id: sql`t.win_id`,
    breakdown_type: of(sql, "breakdown_type"),
    id: sql`t.legacy_id`,
    // The financial year (April to March) the win was in, plus the breakdown's year - 1.
    year: sql`(extract(year from w.date)::int
      - case when extract(month from w.date) >= 4 then 0 else 1 end + t.year - 1)`,
  }),
  params: { ...legacyParams, win_id: "Only the rows of this win" },
  where: winFilter,
};

export const exportWinsHvcDataset: Dataset = {
  name: "export-wins-hvc-dataset",
  summary: "Export wins' HVCs",
  row: z.object({
    campaign_id: col.text(),
    financial_year: col.int(),
    name: col.text(),
    id: col.int(),
  }),
  from: (sql) => sql`export_win_hvc t`,
  select: (sql) => ({ id: sql`t.legacy_id` }),
  // The original orders by its `id` annotation, which is the legacy id.
  ordering: [{ column: "legacy_id", type: "bigint" }],
  params: { exclude_legacy: "`true` for the HVCs made after the legacy service only" },
  where: (sql, param) =>
    param("exclude_legacy") === "true"
      ? sql`(t.legacy_id >= ${LEGACY_ID_START} or ${legacyFlagOn(sql)})`
      : null,
};

/** A rating's export-win id (a number) once the customer has responded, else null. */
const rating = (sql: Db, column: string) =>
  sql`case when cr.responded_on is not null then (select case
      when r.export_win_id ~ '^-?[0-9]{1,9}$' then r.export_win_id::int end
    from export_win_rating r where r.id = cr.${sql(column)}) end`;
/** A yes/no answer of the customer once they have responded, else null. */
const answer = (sql: Db, column: string) =>
  sql`case when cr.responded_on is not null then cr.${sql(column)} end`;
/** A migrated win's own column, or else the value from Data Hub's records. */
const migratedOr = (sql: Db, column: string, otherwise: Fragment) =>
  sql`case when t.migrated_on is not null then t.${sql(column)} else ${otherwise} end`;
/** The name of a row of a small table that `cr` or `t` points at. */
const nameOf = (sql: Db, table: string, ref: Fragment) =>
  sql`(select r.name from ${sql(table)} r where r.id = ${ref})`;
/** The first of the win's contacts (by id), as the original's `customer_details`. */
const customer = (sql: Db, key: "name" | "email" | "job_title") =>
  sql`(select ${
    key === "name" ? concatName(sql, "k") : sql`k.${sql(key)}`
  } from export_win_win_company_contacts x join company_contact k on k.id = x.contact_id
    where x.win_id = t.id order by k.id limit 1)`;
/** Names of a win's many-to-many rows in their order (`[]` without any). */
const orderedNames = (sql: Db, through: string, column: string, table: string) =>
  sql`array(select r.name from ${sql(through)} x join ${sql(table)} r on r.id = x.${sql(column)}
    where x.win_id = t.id order by r."order", r.id)`;

/** `create_columns_with_index`: a list as `<key>_1_display` … (at least `min` of them). */
function indexedColumns(row: Record<string, unknown>, list: string, key: string, min: number) {
  const values = (row[list] as unknown[] | null) ?? [];
  delete row[list];
  for (let i = 0; i < Math.max(values.length, min); i++) {
    row[`${key}_${i + 1}_display`] = values[i] ?? null;
  }
}

/** The original's `_enrich_data` of a win row. */
function renderWin(row: Record<string, unknown>): Record<string, unknown> {
  indexedColumns(row, "associated_programmes", "associated_programme", 5);
  indexedColumns(row, "types_of_support", "type_of_support", 3);
  for (const column of ["audit", "confirmation__other_marketing_source"]) {
    if (row[column] === "") row[column] = null;
  }
  if (row.export_wins_export_experience_display) {
    row.export_experience_display = row.export_wins_export_experience_display;
  }
  delete row.export_wins_export_experience_display;
  return row;
}

const winColumns = {
  created_on: col.datetime(),
  id: col.uuid(),
  audit: col.text(),
  business_type: col.text(),
  date: col.date(),
  description: col.text(),
  has_hvo_specialist_involvement: col.bool(),
  is_e_exported: col.bool(),
  is_line_manager_confirmed: col.bool(),
  is_personally_confirmed: col.bool(),
  is_prosperity_fund_related: col.bool(),
  line_manager_name: col.text(),
  name_of_customer: col.text(),
  name_of_export: col.text(),
  other_official_email_address: col.text(),
  total_expected_export_value: col.int(),
  total_expected_non_export_value: col.int(),
  total_expected_odi_value: col.int(),
  migrated_on: col.datetime(),
  data_hub_company_id: col.uuid(),
  created: col.datetime(),
  business_potential_display: col.text(),
  confirmation_last_export: col.text(),
  confirmation_marketing_source: col.text(),
  confirmation_portion_without_help: col.text(),
  country_name: col.text(),
  customer_location_display: col.text(),
  export_experience_display: col.text(),
  goods_vs_services_display: col.text(),
  hq_team_display: col.text(),
  hvo_programme_display: col.text(),
  sector_display: col.text(),
  team_type_display: col.text(),
  num_notifications: col.int(),
  customer_email_date: col.datetime(),
  complete: col.bool(),
  company_name: col.text(),
  confirmation__access_to_contacts: col.int(),
  confirmation__access_to_information: col.int(),
  confirmation__agree_with_win: col.bool(),
  confirmation__case_study_willing: col.bool(),
  confirmation__comments: col.text(),
  confirmation__company_was_at_risk_of_not_exporting: col.bool(),
  confirmation__created: col.datetime(),
  confirmation__developed_relationships: col.int(),
  confirmation__gained_confidence: col.int(),
  confirmation__has_enabled_expansion_into_existing_market: col.bool(),
  confirmation__has_enabled_expansion_into_new_market: col.bool(),
  confirmation__has_explicit_export_plans: col.bool(),
  confirmation__has_increased_exports_as_percent_of_turnover: col.bool(),
  confirmation__improved_profile: col.int(),
  confirmation__interventions_were_prerequisite: col.bool(),
  confirmation__involved_state_enterprise: col.bool(),
  confirmation__name: col.text(),
  confirmation__other_marketing_source: col.text(),
  confirmation__our_support: col.int(),
  confirmation__overcame_problem: col.int(),
  confirmation__support_improved_speed: col.bool(),
  country: col.text(),
  hvc: col.text(),
  user__email: col.text(),
  user__name: col.text(),
  lead_officer_email_address: col.text(),
  lead_officer_name: col.text(),
};

export const exportWinsWinDataset: Dataset = {
  name: "export-wins-win-dataset",
  summary: "Export wins",
  row: z.object({
    ...winColumns,
    customer_email_address: col.text(),
    customer_job_title: col.text(),
    customer_name: col.text(),
    cdms_reference: col.text(),
    ...Object.fromEntries(
      [1, 2, 3, 4, 5].map((n) => [`associated_programme_${n}_display`, col.text()]),
    ),
    ...Object.fromEntries([1, 2, 3].map((n) => [`type_of_support_${n}_display`, col.text()])),
  }),
  enrich: {
    read: [
      ...Object.keys(winColumns),
      "associated_programmes",
      "types_of_support",
      "export_wins_export_experience_display",
      "customer_email_address",
      "customer_job_title",
      "customer_name",
      "cdms_reference",
    ],
    render: renderWin,
  },
  from: (sql) => sql`export_win_win t left join export_win_customerresponse cr on cr.win_id = t.id`,
  joins: {
    company: ["company_company", "company_id"],
    adviser: ["company_advisor", "adviser_id"],
    lead_officer: ["company_advisor", "lead_officer_id"],
    country: ["metadata_country", "country_id"],
    hvc: ["export_win_hvc", "hvc_id"],
  },
  select: (sql) => ({
    created_on: ts(sql, "created_on"),
    date: day(sql, "date"),
    migrated_on: ts(sql, "migrated_on"),
    data_hub_company_id: sql`t.company_id`,
    created: ts(sql, "created_on"),
    business_potential_display: nameOf(
      sql,
      "export_win_businesspotential",
      sql`t.business_potential_id`,
    ),
    confirmation_last_export: nameOf(sql, "export_win_experience", sql`cr.last_export_id`),
    confirmation_marketing_source: nameOf(
      sql,
      "export_win_marketingsource",
      sql`cr.marketing_source_id`,
    ),
    confirmation_portion_without_help: nameOf(
      sql,
      "export_win_withoutoursupport",
      sql`cr.expected_portion_without_help_id`,
    ),
    country_name: of(sql, "country"),
    customer_location_display: nameOf(
      sql,
      "export_win_winukregion",
      sql`t.customer_location_id`,
    ),
    export_experience_display: nameOf(
      sql,
      "company_exportexperience",
      sql`t.export_experience_id`,
    ),
    goods_vs_services_display: nameOf(
      sql,
      "export_win_expectedvaluerelation",
      sql`t.goods_vs_services_id`,
    ),
    hq_team_display: nameOf(sql, "export_win_hqteamregionorpost", sql`t.hq_team_id`),
    hvo_programme_display: nameOf(sql, "export_win_hvoprogrammes", sql`t.hvo_programme_id`),
    sector_display: treePath(sql, "metadata_sector", "sector_id"),
    team_type_display: nameOf(sql, "export_win_teamtype", sql`t.team_type_id`),
    num_notifications: sql`(select count(*)::int from export_win_customerresponsetoken k
      where k.customer_response_id = cr.id)`,
    customer_email_date: sql`(select api_datetime(min(k.created_on))
      from export_win_customerresponsetoken k where k.customer_response_id = cr.id)`,
    complete: sql`case when t.migrated_on is null then exists (
        select 1 from export_win_customerresponsetoken k where k.customer_response_id = cr.id)
      else t.complete end`,
    company_name: migratedOr(sql, "company_name", of(sql, "company")),
    // The original reads `our_support` here too.
    confirmation__access_to_contacts: rating(sql, "our_support_id"),
    confirmation__access_to_information: rating(sql, "access_to_information_id"),
    confirmation__agree_with_win: sql`cr.agree_with_win`,
    confirmation__case_study_willing: answer(sql, "case_study_willing"),
    confirmation__comments: sql`cr.comments`,
    confirmation__company_was_at_risk_of_not_exporting: answer(
      sql,
      "company_was_at_risk_of_not_exporting",
    ),
    confirmation__created: sql`api_datetime(cr.responded_on)`,
    confirmation__developed_relationships: rating(sql, "developed_relationships_id"),
    confirmation__gained_confidence: rating(sql, "gained_confidence_id"),
    confirmation__has_enabled_expansion_into_existing_market: answer(
      sql,
      "has_enabled_expansion_into_existing_market",
    ),
    confirmation__has_enabled_expansion_into_new_market: answer(
      sql,
      "has_enabled_expansion_into_new_market",
    ),
    confirmation__has_explicit_export_plans: answer(sql, "has_explicit_export_plans"),
    confirmation__has_increased_exports_as_percent_of_turnover: answer(
      sql,
      "has_increased_exports_as_percent_of_turnover",
    ),
    confirmation__improved_profile: rating(sql, "improved_profile_id"),
    confirmation__interventions_were_prerequisite: answer(
      sql,
      "interventions_were_prerequisite",
    ),
    confirmation__involved_state_enterprise: answer(sql, "involved_state_enterprise"),
    confirmation__name: migratedOr(sql, "customer_name", customer(sql, "name")),
    confirmation__other_marketing_source: sql`cr.other_marketing_source`,
    confirmation__our_support: rating(sql, "our_support_id"),
    confirmation__overcame_problem: rating(sql, "overcame_problem_id"),
    confirmation__support_improved_speed: answer(sql, "support_improved_speed"),
    country: of(sql, "country", "iso_alpha2_code"),
    hvc: sql`coalesce(hvc.campaign_id, '') || coalesce(hvc.financial_year::text, '')`,
    user__email: migratedOr(sql, "adviser_email_address", of(sql, "adviser", "contact_email")),
    user__name: migratedOr(sql, "adviser_name", concatName(sql, "adviser")),
    lead_officer_email_address: migratedOr(
      sql,
      "lead_officer_email_address",
      of(sql, "lead_officer", "contact_email"),
    ),
    lead_officer_name: migratedOr(sql, "lead_officer_name", concatName(sql, "lead_officer")),
    associated_programmes: orderedNames(
      sql,
      "export_win_win_associated_programme",
      "associatedprogramme_id",
      "export_win_associatedprogramme",
    ),
    types_of_support: orderedNames(
      sql,
      "export_win_win_type_of_support",
      "supporttype_id",
      "export_win_supporttype",
    ),
    export_wins_export_experience_display: sql`(select c.name
      from export_win_experiencecategories c
      where c.export_experience_id = t.export_experience_id order by c.id limit 1)`,
    customer_email_address: migratedOr(sql, "customer_email_address", customer(sql, "email")),
    customer_job_title: migratedOr(sql, "customer_job_title", customer(sql, "job_title")),
    customer_name: migratedOr(sql, "customer_name", customer(sql, "name")),
    cdms_reference: sql`case when t.cdms_reference = '' then company.company_number
      else t.cdms_reference end`,
  }),
  params: legacyParams,
  where: (sql, param) =>
    (param("legacy_data") ?? "false").toLowerCase() === "true"
      ? null
      : sql`(t.migrated_on is null or ${legacyFlagOn(sql)})`,
};

export const exportWinDatasets = [
  exportWinsAdvisersDataset,
  exportWinsBreakdownsDataset,
  exportWinsHvcDataset,
  exportWinsWinDataset,
];

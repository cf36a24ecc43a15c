/**
 * Companies' datasets for Data Workspace: companies (with their One List core team and
 * turnover in pounds), their export countries, and the history of those.
 */
import { z } from "@hono/zod-openapi";
import { col, type Dataset, of, treePath, ts } from "../dataset/dataset.ts";

export const companiesDataset: Dataset = {
  name: "companies-dataset",
  summary: "Companies",
  row: z.object({
    address_1: col.text(),
    address_2: col.text(),
    address_county: col.text(),
    address_country__name: col.text(),
    address_postcode: col.text(),
    address_area__name: col.text(),
    address_town: col.text(),
    archived: col.bool(),
    archived_on: col.datetime(),
    archived_reason: col.text(),
    business_type__name: col.text(),
    company_number: col.text(),
    created_by_id: col.uuid(),
    created_on: col.datetime(),
    description: col.text(),
    duns_number: col.text(),
    export_experience_category__name: col.text(),
    global_headquarters_id: col.uuid(),
    global_ultimate_duns_number: col.text(),
    headquarter_type__name: col.text(),
    id: col.uuid(),
    is_number_of_employees_estimated: col.bool(),
    is_turnover_estimated: col.bool(),
    modified_on: col.datetime(),
    name: col.text(),
    number_of_employees: col.int(),
    one_list_account_owner_id: col.uuid(),
    one_list_tier__name: col.text(),
    one_list_core_team_advisers: col.uuids(),
    reference_code: col.text(),
    registered_address_1: col.text(),
    registered_address_2: col.text(),
    registered_address_country__name: col.text(),
    registered_address_county: col.text(),
    registered_address_postcode: col.text(),
    registered_address_area__name: col.text(),
    registered_address_town: col.text(),
    sector_name: col.text(),
    export_segment: col.text(),
    export_sub_segment: col.text(),
    trading_names: col.texts(),
    turnover: col.int(),
    uk_region__name: col.text(),
    vat_number: col.text(),
    website: col.text(),
    is_out_of_business: col.bool(),
    strategy: col.text(),
    turnover_gbp: col.number(),
  }),
  from: (sql) => sql`company_company t`,
  joins: {
    address_country: ["metadata_country", "address_country_id"],
    address_area: ["metadata_administrativearea", "address_area_id"],
    business_type: ["metadata_businesstype", "business_type_id"],
    export_experience_category: [
      "company_exportexperiencecategory",
      "export_experience_category_id",
    ],
    headquarter_type: ["metadata_headquartertype", "headquarter_type_id"],
    one_list_tier: ["company_onelisttier", "one_list_tier_id"],
    registered_address_country: ["metadata_country", "registered_address_country_id"],
    registered_address_area: ["metadata_administrativearea", "registered_address_area_id"],
    uk_region: ["metadata_ukregion", "uk_region_id"],
  },
  select: (sql) => ({
    address_country__name: of(sql, "address_country"),
    address_area__name: of(sql, "address_area"),
    archived_on: ts(sql, "archived_on"),
    business_type__name: of(sql, "business_type"),
    created_on: ts(sql, "created_on"),
    export_experience_category__name: of(sql, "export_experience_category"),
    headquarter_type__name: of(sql, "headquarter_type"),
    modified_on: ts(sql, "modified_on"),
    one_list_tier__name: of(sql, "one_list_tier"),
    // ArrayAgg over a left join: [null] for a company without a core team, as the original.
    one_list_core_team_advisers: sql`(select array_agg(m.adviser_id)
      from (select 1) one left join company_onelistcoreteammember m on m.company_id = t.id)`,
    registered_address_country__name: of(sql, "registered_address_country"),
    registered_address_area__name: of(sql, "registered_address_area"),
    sector_name: treePath(sql, "metadata_sector", "sector_id"),
    uk_region__name: of(sql, "uk_region"),
    turnover_gbp: sql`t.turnover * (select r.exchange_rate from metadata_exchangerate r
      where r.from_currency_code = 'USD' and r.to_currency_code = 'GBP'
      order by r.created_on desc limit 1)`,
  }),
  updatedSince: "modified_on",
};

const exportCountryRow = {
  id: col.uuid(),
  company_id: col.uuid(),
  country__name: col.text(),
  country__iso_alpha2_code: col.text(),
};

export const companyExportCountryDataset: Dataset = {
  name: "company-export-country-dataset",
  summary: "Companies' export countries and their status",
  row: z.object({
    ...exportCountryRow,
    created_on: col.datetime(),
    modified_on: col.datetime(),
    status: col.text(),
  }),
  from: (sql) => sql`company_companyexportcountry t`,
  joins: {
    country: ["metadata_country", "country_id"],
  },
  select: (sql) => ({
    country__name: of(sql, "country"),
    country__iso_alpha2_code: of(sql, "country", "iso_alpha2_code"),
    created_on: ts(sql, "created_on"),
    modified_on: ts(sql, "modified_on"),
  }),
  updatedSince: "modified_on",
};

export const companyExportCountryHistoryDataset: Dataset = {
  name: "company-export-country-history-dataset",
  summary: "The history of companies' export countries",
  row: z.object({
    ...exportCountryRow,
    history_date: col.datetime(),
    history_id: col.uuid(),
    history_type: col.text(),
    status: col.text(),
  }),
  from: (sql) => sql`company_companyexportcountryhistory t`,
  joins: {
    country: ["metadata_country", "country_id"],
  },
  select: (sql) => ({
    country__name: of(sql, "country"),
    country__iso_alpha2_code: of(sql, "country", "iso_alpha2_code"),
    history_date: ts(sql, "history_date"),
  }),
  ordering: [
    { column: "history_date", type: "timestamptz" },
    { column: "history_id", type: "uuid" },
  ],
};

export const companyDatasets = [
  companiesDataset,
  companyExportCountryDataset,
  companyExportCountryHistoryDataset,
];

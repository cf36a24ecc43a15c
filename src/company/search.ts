/**
 * The company search app (`POST /v4/search/company`, its CSV export, the Hawk variant
 * `/v4/public/search/company` and global search): the original's
 * `datahub/search/company` document, filters, sort choices and export, declared once.
 *
 * Documents are built in one query per batch. A company's document embeds its group's
 * One List global account manager and core team (from the global headquarters), so a
 * company write also re-indexes its subsidiaries, as the original's signals do.
 */
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";
import {
  bool,
  type Condition,
  defineSearchApp,
  descends,
  type FilterSpec,
  ids,
  match,
  partialText,
  queryBuilder,
  range,
  singleOrList,
  type SortTerm,
  str,
  uuid,
} from "../search/app.ts";
import {
  address,
  adviserIdOnly,
  boolean,
  date,
  englishText,
  idName,
  integer,
  keyword,
  normalizedKeyword,
  notIndexed,
  person,
  postcode,
  sector,
  text,
  textKeywordTrigram,
  textWithTrigram,
} from "../search/mapping.ts";
import { documentDatetime, jsonObject } from "../core/render.ts";
import { joinedAdviser, joinedRef, sectorDocuments } from "../search/joined.ts";
import { PUBLIC_SEARCH_FIELDS, UNITED_KINGDOM } from "./rules.ts";
import { IdName, NestedAdviser } from "../http/schemas.ts";
import { z } from "@hono/zod-openapi";

// Response schemas (named components of the OpenAPI document).

export const CompanySearchResult = z.object({
  id: z.guid(),
  name: z.string(),
  sector: z.object({
    id: z.guid(),
    name: z.string(),
    ancestors: z.array(z.object({
      id: z.guid(),
    })),
  }).nullable(),
  address: z.object({
    area: IdName.nullable(),
    town: z.string(),
    county: z.string(),
    line_1: z.string(),
    line_2: z.string(),
    country: IdName.nullable(),
    postcode: z.string(),
  }).nullable(),
  adviser: z.array(NestedAdviser),
  website: z.string().nullable(),
  archived: z.boolean(),
  has_name: z.boolean(),
  uk_based: z.boolean().nullable(),
  uk_region: IdName.nullable(),
  created_on: z.string().openapi({ format: "date-time" }).nullable(),
  vat_number: z.string(),
  archived_by: NestedAdviser.nullable(),
  archived_on: z.string().openapi({ format: "date-time" }).nullable(),
  description: z.string().nullable(),
  duns_number: z.string().nullable(),
  modified_on: z.string().openapi({ format: "date-time" }).nullable(),
  business_type: IdName.nullable(),
  one_list_tier: IdName.nullable(),
  trading_names: z.array(z.string()),
  company_number: z.string().nullable(),
  employee_range: IdName.nullable(),
  export_segment: z.string(),
  reference_code: z.string(),
  turnover_range: IdName.nullable(),
  archived_reason: z.string().nullable(),
  headquarter_type: IdName.nullable(),
  export_sub_segment: z.string(),
  is_global_ultimate: z.boolean(),
  registered_address: z.object({
    area: IdName.nullable(),
    town: z.string(),
    county: z.string(),
    line_1: z.string(),
    line_2: z.string(),
    country: IdName.nullable(),
    postcode: z.string(),
  }).nullable(),
  export_to_countries: z.array(IdName),
  global_headquarters: IdName.nullable(),
  number_of_employees: z.number().int().nullable(),
  latest_interaction_date: z.string().openapi({ format: "date-time" }).nullable(),
  future_interest_countries: z.array(IdName),
  export_experience_category: IdName.nullable(),
  global_ultimate_duns_number: z.string().nullable(),
  one_list_group_global_account_manager: NestedAdviser.nullable(),
}).openapi("CompanySearchResult");

/** `HeadquarterType.ghq`: filtering on it also finds D&B global ultimates. */
export const GLOBAL_HQ = "43281c5e-92a4-4794-867b-b4d5f801e6f3";

/**
 * The date of the company's latest interaction (those whose legacy `company` it is, as
 * the original's `interactions` relation). Interaction writes re-index the company
 * (registered in src/interaction/search.ts).
 */
export const latestInteractionDate = (sql: Db, companyId: Fragment): Fragment =>
  sql`(select max(i.date) from interaction_interaction i where i.company_id = ${companyId})`;

/** A sector as search documents embed it: `{id, name, ancestors: [{id}]}` (root first). */
export function sectorDocument(sql: Db, id: Fragment): Fragment {
  return sql`(select jsonb_build_object('id', s.id, 'name', s.name, 'ancestors',
      (select coalesce(jsonb_agg(jsonb_build_object('id', a.id) order by a.lft), '[]'::jsonb)
       from metadata_sector a
       where a.tree_id = s.tree_id and a.lft < s.lft and a.rght > s.rght))
    from metadata_sector s where s.id = ${id})`;
}

/** The full path of a sector (`A : B : C`), from its tree's segments. */
export function sectorPath(sql: Db, id: Fragment): Fragment {
  return sql`(select string_agg(a.segment, ' : ' order by a.lft)
    from metadata_sector s join metadata_sector a
      on a.tree_id = s.tree_id and a.lft <= s.lft and a.rght >= s.rght
    where s.id = ${id})`;
}

/**
 * `uk_postcode`: a postcode, area, district or sector matched whole, as the original's
 * postcode search analyzer reads it (lower case; a full postcode sent without its space
 * spaced as "W1A 1AA") against the tokens its index analyzer keeps.
 */
const ukPostcodeMatch = match(
  ["uk_address_postcode_tokens", "uk_registered_address_postcode_tokens"],
  singleOrList(str()),
);
const ukPostcode: FilterSpec = {
  ...ukPostcodeMatch,
  condition: (value, context) =>
    ukPostcodeMatch.condition(
      (value as string[]).map((v) =>
        v.toLowerCase().replace(
          /^([a-z]{1,2})([0-9][a-z]|[0-9]{1,2})([0-9])([a-z]{2})$/,
          "$1$2 $3$4",
        )
      ),
      context,
    ),
};

/** An address of the company `c` (`address`, `registered_address`), areas and countries joined. */
function joinedAddress(db: Db, prefix: "address" | "registered_address"): Fragment {
  const col = (suffix: string) => db(`c.${prefix}_${suffix}`);
  return db`case when ${col("1")} = '' and ${col("2")} = '' and ${col("town")} = ''
      and ${col("county")} = '' and ${col("postcode")} = '' and ${col("area_id")} is null
      and ${col("country_id")} is null then null
    else jsonb_build_object('line_1', ${col("1")}, 'line_2', ${col("2")},
      'town', ${col("town")}, 'county', ${col("county")}, 'postcode', ${col("postcode")},
      'area', ${joinedRef(db, `${prefix}_area`)},
      'country', ${joinedRef(db, `${prefix}_country`)}) end`;
}

/**
 * Documents of these companies (the original's `Company` search model), in one
 * set-based query: references are joins, lists are aggregated per batch and joined.
 */
function companyDocumentsQuery(db: Db, wanted: string[]): Fragment {
  const ukBased = db`coalesce(c.address_country_id = ${UNITED_KINGDOM}::uuid, false)`;
  const doc = jsonObject(db, [
    ["id", db`c.id`],
    ["archived", db`c.archived`],
    ["archived_by", joinedAdviser(db, "archived_by")],
    ["archived_on", documentDatetime(db, db`c.archived_on`)],
    ["archived_reason", db`c.archived_reason`],
    ["business_type", joinedRef(db, "business_type")],
    ["company_number", db`c.company_number`],
    ["created_on", documentDatetime(db, db`c.created_on`)],
    ["description", db`c.description`],
    ["employee_range", joinedRef(db, "employee_range")],
    ["export_experience_category", joinedRef(db, "export_experience_category")],
    ["export_to_countries", db`coalesce(ec.currently_exporting, '[]'::jsonb)`],
    ["future_interest_countries", db`coalesce(ec.future_interest, '[]'::jsonb)`],
    ["global_headquarters", joinedRef(db, "ghq")],
    ["headquarter_type", joinedRef(db, "headquarter_type")],
    ["has_name", db`c.name <> ''`],
    ["modified_on", documentDatetime(db, db`c.modified_on`)],
    ["name", db`c.name`],
    ["reference_code", db`c.reference_code`],
    ["sector", db`sector.doc`],
    ["address", joinedAddress(db, "address")],
    ["registered_address", joinedAddress(db, "registered_address")],
    ["one_list_group_global_account_manager", joinedAdviser(db, "account_manager")],
    ["adviser", db`coalesce(team.advisers, '[]'::jsonb)`],
    ["trading_names", db`to_jsonb(c.trading_names)`],
    ["turnover_range", joinedRef(db, "turnover_range")],
    ["uk_region", joinedRef(db, "uk_region")],
    ["uk_based", ukBased],
    ["uk_address_postcode", db`case when ${ukBased} then c.address_postcode else '' end`],
    [
      "uk_registered_address_postcode",
      db`case when ${ukBased} then c.registered_address_postcode else '' end`,
    ],
    [
      "uk_address_postcode_tokens",
      db`case when ${ukBased} then uk_postcode_tokens(c.address_postcode) else '[]' end`,
    ],
    [
      "uk_registered_address_postcode_tokens",
      db`case when ${ukBased} then uk_postcode_tokens(c.registered_address_postcode)
        else '[]' end`,
    ],
    ["vat_number", db`c.vat_number`],
    ["duns_number", db`c.duns_number`],
    ["website", db`c.website`],
    ["latest_interaction_date", documentDatetime(db, db`latest.date`)],
    ["export_segment", db`c.export_segment`],
    ["export_sub_segment", db`c.export_sub_segment`],
    ["one_list_tier", joinedRef(db, "one_list_tier")],
    ["number_of_employees", db`c.number_of_employees`],
    ["global_ultimate_duns_number", db`nullif(c.global_ultimate_duns_number, '')`],
    [
      "is_global_ultimate",
      db`coalesce(c.duns_number <> '' and c.duns_number = c.global_ultimate_duns_number, false)`,
    ],
  ]);
  const countries = (status: string) =>
    db`coalesce(jsonb_agg(jsonb_build_object('id', m.id, 'name', m.name) order by m.name, m.id)
      filter (where e.status = ${status}), '[]'::jsonb)`;
  // The batch's own rows and per-row lists are index probes (lateral), whatever the
  // planner thinks of the batch's size; references to small tables are hash joins.
  return db`
    with sector as materialized (${sectorDocuments(db)})
    select ${doc} as doc
    from unnest(${wanted}::uuid[]) as w(id)
    cross join lateral (select * from company_company where id = w.id) c
    left join lateral (
      select * from company_company where id = coalesce(c.global_headquarters_id, c.id)
    ) g on true
    left join lateral (
      select ${countries("currently_exporting")} as currently_exporting,
        ${countries("future_interest")} as future_interest
      from company_companyexportcountry e join metadata_country m on m.id = e.country_id
      where e.company_id = c.id
    ) ec on true
    left join lateral (
      select jsonb_agg(${joinedAdviser(db, "a")} order by a.first_name, a.last_name, a.id)
        as advisers
      from company_onelistcoreteammember m join company_advisor a on a.id = m.adviser_id
      where m.company_id = g.id and m.adviser_id is distinct from g.one_list_account_owner_id
    ) team on true
    left join lateral (
      select max(i.date) as date from interaction_interaction i where i.company_id = c.id
    ) latest on true
    left join company_advisor archived_by on archived_by.id = c.archived_by_id
    left join company_advisor account_manager on account_manager.id = g.one_list_account_owner_id
    left join metadata_businesstype business_type on business_type.id = c.business_type_id
    left join metadata_employeerange employee_range on employee_range.id = c.employee_range_id
    left join company_exportexperiencecategory export_experience_category
      on export_experience_category.id = c.export_experience_category_id
    left join lateral (
      select id, name from company_company where id = c.global_headquarters_id
    ) ghq on true
    left join metadata_headquartertype headquarter_type
      on headquarter_type.id = c.headquarter_type_id
    left join metadata_turnoverrange turnover_range on turnover_range.id = c.turnover_range_id
    left join metadata_ukregion uk_region on uk_region.id = c.uk_region_id
    left join company_onelisttier one_list_tier on one_list_tier.id = c.one_list_tier_id
    left join metadata_administrativearea address_area on address_area.id = c.address_area_id
    left join metadata_country address_country on address_country.id = c.address_country_id
    left join metadata_administrativearea registered_address_area
      on registered_address_area.id = c.registered_address_area_id
    left join metadata_country registered_address_country
      on registered_address_country.id = c.registered_address_country_id
    left join sector on sector.id = c.sector_id`;
}

/**
 * `headquarter_type` (ids or null for "none"); as the original, asking for the global
 * HQ type also finds companies that are D&B global ultimates.
 */
const headquarterType: FilterSpec = {
  fields: ["headquarter_type.id", "is_global_ultimate"],
  schema: singleOrList(uuid().nullable()),
  condition: (value) => {
    const values = value as (string | null)[];
    const conditions: Condition[] = values.map((v) =>
      v === null ? { exists: "headquarter_type", present: false } : {
        match: "headquarter_type.id",
        value: v,
      }
    );
    if (values.includes(GLOBAL_HQ)) conditions.push({ match: "is_global_ultimate", value: true });
    return conditions.length === 1 ? conditions[0] : { or: conditions };
  },
};

/** `ORDER BY` of an export: the sortby's column (indexed field → SQL), then id. */
export function exportOrder(
  db: Db,
  sort: SortTerm | null,
  columns: Record<string, Fragment>,
  id: Fragment,
): Fragment {
  const column = sort ? columns[sort.field] : undefined;
  if (!column) return db`order by ${id}`;
  return db`order by ${column} ${sort!.order === "desc" ? db`desc` : db`asc`}, ${id}`;
}

/** The original's `SearchCompanyExportAPIView` rows. */
async function companyExportRows(
  db: Db,
  wanted: string[],
  sort: SortTerm | null,
  context: { frontendBaseUrl: string },
) {
  const countries = (status: string) =>
    db`(select string_agg(m.name, ', ' order by m.name)
      from company_companyexportcountry e join metadata_country m on m.id = e.country_id
      where e.company_id = c.id and e.status = ${status})`;
  return await db`
    select c.name,
      concat(${`${context.frontendBaseUrl}/companies/`}::text, c.id) as link,
      ${sectorPath(db, db`c.sector_id`)} as sector_name,
      country.name as address_country__name,
      area.name as address_area__name,
      region.name as uk_region__name,
      ${countries("currently_exporting")} as export_to_countries_list,
      ${countries("future_interest")} as future_interest_countries_list,
      c.archived,
      c.created_on,
      case when c.number_of_employees is not null then c.number_of_employees::text
           else employees.name end as number_of_employees_value,
      case when c.turnover is not null then '$' || c.turnover::text
           else turnover.name end as turnover_value,
      upper(hq.name) as upper_headquarter_type_name
    from company_company c
    left join metadata_country country on country.id = c.address_country_id
    left join metadata_administrativearea area on area.id = c.address_area_id
    left join metadata_ukregion region on region.id = c.uk_region_id
    left join metadata_employeerange employees on employees.id = c.employee_range_id
    left join metadata_turnoverrange turnover on turnover.id = c.turnover_range_id
    left join metadata_headquartertype hq on hq.id = c.headquarter_type_id
    where c.id = any(${wanted}::uuid[])
    ${
    exportOrder(db, sort, {
      "name.keyword": db`c.name`,
      modified_on: db`c.modified_on`,
      latest_interaction_date: latestInteractionDate(db, db`c.id`),
    }, db`c.id`)
  }`;
}

/** `{id, name, trading_names}` of a company (the original's `company_dict`). */
export const companyDocument = (db: Db, id: Fragment): Fragment =>
  db`(select jsonb_build_object('id', co.id, 'name', co.name,
      'trading_names', to_jsonb(co.trading_names))
    from company_company co where co.id = ${id})`;

export const companySearchApp = defineSearchApp({
  result: CompanySearchResult,
  name: "company",
  path: "/v4/search/company",
  plural: "Companies",
  table: "company_company",
  global: true,
  viewPermissions: ["company.view_company"],
  mapping: {
    id: keyword(),
    archived: boolean(),
    archived_by: person(),
    archived_on: date(),
    archived_reason: text(),
    business_type: idName(),
    company_number: normalizedKeyword(),
    created_on: date(),
    description: englishText(),
    employee_range: idName(),
    export_experience_category: idName(),
    export_to_countries: idName(),
    future_interest_countries: idName(),
    global_headquarters: idName(),
    headquarter_type: idName(),
    has_name: boolean(),
    modified_on: date(),
    name: textKeywordTrigram(),
    reference_code: normalizedKeyword(),
    sector: sector(),
    address: address(),
    registered_address: address(),
    one_list_group_global_account_manager: adviserIdOnly(),
    adviser: adviserIdOnly(),
    trading_names: textWithTrigram(),
    turnover_range: idName(),
    uk_region: idName(),
    uk_based: boolean(),
    uk_address_postcode: postcode(),
    uk_registered_address_postcode: postcode(),
    // What the postcode analyzer indexes for each (migration 0101), so both backends
    // match areas and districts whole.
    uk_address_postcode_tokens: keyword(),
    uk_registered_address_postcode_tokens: keyword(),
    vat_number: notIndexed(keyword()),
    duns_number: keyword(),
    website: text(),
    latest_interaction_date: date(),
    export_segment: text(),
    export_sub_segment: text(),
    one_list_tier: idName(),
    number_of_employees: integer(),
    global_ultimate_duns_number: keyword(),
    is_global_ultimate: boolean(),
  },
  searchFields: [
    "id",
    "name",
    "name.trigram",
    "company_number",
    "trading_names",
    "trading_names.trigram",
    "reference_code",
    "sector.name",
    "address.line_1.trigram",
    "address.line_2.trigram",
    "address.town.trigram",
    "address.county.trigram",
    "address.area.name.trigram",
    "address.postcode",
    "address.country.name.trigram",
    "registered_address.line_1.trigram",
    "registered_address.line_2.trigram",
    "registered_address.town.trigram",
    "registered_address.county.trigram",
    "registered_address.area.name.trigram",
    "registered_address.postcode",
    "registered_address.country.name.trigram",
    "export_segment",
    "export_sub_segment",
  ],
  primaryTextFields: ["name", "trading_names"],
  filters: {
    id: ids("id"),
    archived: match("archived", bool()),
    headquarter_type: headquarterType,
    has_name: match("has_name", bool()),
    is_global_ultimate: match("is_global_ultimate", bool()),
    name: partialText("name", "trading_names"),
    sector_descends: descends(["sector"], { table: "metadata_sector", parentColumn: "parent_id" }),
    country: ids(["address.country.id", "registered_address.country.id"]),
    area: ids(["address.area.id", "registered_address.area.id"]),
    uk_based: match("uk_based", bool()),
    uk_region: ids("uk_region.id"),
    export_to_countries: ids("export_to_countries.id"),
    future_interest_countries: ids("future_interest_countries.id"),
    one_list_group_global_account_manager: ids("one_list_group_global_account_manager.id"),
    latest_interaction_date_after: range("latest_interaction_date", "gte"),
    latest_interaction_date_before: range("latest_interaction_date", "lte"),
    uk_postcode: ukPostcode,
    export_segment: match("export_segment", singleOrList(str())),
    export_sub_segment: match("export_sub_segment", singleOrList(str())),
    one_list_tier: ids("one_list_tier.id"),
    duns_number: match("duns_number", singleOrList(str())),
    company_number: match("company_number", singleOrList(str())),
    adviser: ids("adviser.id"),
  },
  sortby: {
    modified_on: "modified_on",
    name: "name.keyword",
    latest_interaction_date: "latest_interaction_date",
  },
  excludeFromResults: [
    "uk_address_postcode",
    "uk_registered_address_postcode",
    "uk_address_postcode_tokens",
    "uk_registered_address_postcode_tokens",
  ],
  ...queryBuilder(companyDocumentsQuery),
  export: {
    path: "/v4/search/company/export",
    permission: "company.export_company",
    columns: {
      name: "Name",
      link: "Link",
      sector_name: "Sector",
      address_country__name: "Country",
      address_area__name: "Area",
      uk_region__name: "UK region",
      export_to_countries_list: "Countries exported to",
      future_interest_countries_list: "Countries of interest",
      archived: "Archived",
      created_on: "Date created",
      number_of_employees_value: "Number of employees",
      turnover_value: "Annual turnover",
      upper_headquarter_type_name: "Headquarter type",
    },
    rows: companyExportRows,
  },
  publicSearch: {
    path: "/v4/public/search/company",
    scope: "public_company",
    filters: ["archived", "name"],
    fields: PUBLIC_SEARCH_FIELDS,
  },
});

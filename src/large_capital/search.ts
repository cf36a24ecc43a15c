/**
 * The large capital search apps (`POST /v4/search/large-investor-profile`,
 * `/v4/search/large-capital-opportunity`, each with its CSV export; neither is in global
 * search): the original's documents, filters, sort choices and export columns.
 */
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";
import {
  defineSearchApp,
  type FilterSpec,
  ids,
  match,
  number,
  partialText,
  range,
  type SearchDocument,
  type SortTerm,
  str,
} from "../search/app.ts";
import {
  boolean,
  companyRef,
  date,
  englishText,
  idNameNotIndexed,
  keyword,
  long,
  normalizedKeyword,
  object,
  person,
  text,
  textWithTrigram,
  trigramText,
} from "../search/mapping.ts";
import { Decimal } from "../search/csv.ts";
import { adviserName, datetime, jsonObject } from "../core/render.ts";
import { exportOrder } from "../company/search.ts";
import { type EntitySpec, opportunitySpec, profileSpec } from "./queries.ts";

/** `{id, first_name, last_name, name, dit_team}` of an adviser (`dit_team` `{}` without one). */
const personDoc = (db: Db, id: Fragment) =>
  db`(select jsonb_build_object('id', a.id, 'first_name', a.first_name,
      'last_name', a.last_name, 'name', ${adviserName(db, "a")},
      'dit_team', coalesce((select jsonb_build_object('id', t.id, 'name', t.name)
        from metadata_team t where t.id = a.dit_team_id), '{}'::jsonb))
    from company_advisor a where a.id = ${id})`;

const idNameOf = (db: Db, spec: EntitySpec, field: string) =>
  db`(select jsonb_build_object('id', r.id, 'name', r.name) from ${
    db(spec.foreignKeys[field])
  } r where r.id = ${db(`o.${field}_id`)})`;

/** `[{id, name}]` of an M2M set (`[{id, name, trading_names}]` for companies). */
function listOf(db: Db, spec: EntitySpec, field: string): Fragment {
  const m = spec.m2m[field];
  const item = m.ref === "company_company"
    ? db`jsonb_build_object('id', r.id, 'name', r.name, 'trading_names', to_jsonb(r.trading_names))`
    : m.ref === "company_advisor"
    ? personDoc(db, db`r.id`)
    : db`jsonb_build_object('id', r.id, 'name', r.name)`;
  return db`(select coalesce(jsonb_agg(${item} order by j.id), '[]'::jsonb)
    from ${db(m.table)} j join ${db(m.ref)} r on r.id = j.${db(m.target)}
    where j.${db(spec.source)} = o.id)`;
}

/** Comma-joined names of an M2M set (the original's string_agg subqueries). */
function namesOf(db: Db, spec: EntitySpec, field: string, order?: Fragment): Fragment {
  const m = spec.m2m[field];
  const name = m.ref === "company_advisor" ? adviserName(db, "r") : db`r.name`;
  return db`(select string_agg(${name}, ', ' ${order ?? db``}) from ${db(m.table)} j
    join ${db(m.ref)} r on r.id = j.${db(m.target)} where j.${db(spec.source)} = o.id)`;
}

const refName = (db: Db, spec: EntitySpec, field: string) =>
  db`(select r.name from ${db(spec.foreignKeys[field])} r where r.id = ${db(`o.${field}_id`)})`;
const fullName = (db: Db, column: string) =>
  db`(select ${adviserName(db, "a")} from company_advisor a where a.id = ${db(`o.${column}`)})`;

async function profileDocuments(db: Db, wanted: string[]): Promise<SearchDocument[]> {
  const s = profileSpec;
  const doc = jsonObject(db, [
    ["id", db`o.id`],
    [
      "investor_company",
      db`(select jsonb_build_object('id', c.id, 'name', c.name,
          'trading_names', to_jsonb(c.trading_names))
        from company_company c where c.id = o.investor_company_id)`,
    ],
    [
      "country_of_origin",
      db`(select jsonb_build_object('id', m.id, 'name', m.name) from company_company c
        join metadata_country m on m.id = c.address_country_id where c.id = o.investor_company_id)`,
    ],
    ["asset_classes_of_interest", listOf(db, s, "asset_classes_of_interest")],
    ["created_by", personDoc(db, db`o.created_by_id`)],
    ["investor_type", idNameOf(db, s, "investor_type")],
    ["global_assets_under_management", db`o.global_assets_under_management`],
    ["investable_capital", db`o.investable_capital`],
    ["required_checks_conducted", idNameOf(db, s, "required_checks_conducted")],
    ["deal_ticket_sizes", listOf(db, s, "deal_ticket_sizes")],
    ["investment_types", listOf(db, s, "investment_types")],
    ["minimum_return_rate", idNameOf(db, s, "minimum_return_rate")],
    ["time_horizons", listOf(db, s, "time_horizons")],
    ["restrictions", listOf(db, s, "restrictions")],
    ["construction_risks", listOf(db, s, "construction_risks")],
    ["minimum_equity_percentage", idNameOf(db, s, "minimum_equity_percentage")],
    ["desired_deal_roles", listOf(db, s, "desired_deal_roles")],
    ["uk_region_locations", listOf(db, s, "uk_region_locations")],
    ["other_countries_being_considered", listOf(db, s, "other_countries_being_considered")],
    ["investor_description", db`o.investor_description`],
    ["notes_on_locations", db`o.notes_on_locations`],
    ["created_on", datetime(db, db`o.created_on`)],
    ["modified_on", datetime(db, db`o.modified_on`)],
  ]);
  const rows = await db<{ doc: SearchDocument }[]>`
    select ${doc} as doc from ${db(s.table)} o where o.id = any(${wanted}::uuid[])`;
  return rows.map((r) => r.doc);
}

async function opportunityDocuments(db: Db, wanted: string[]): Promise<SearchDocument[]> {
  const s = opportunitySpec;
  const doc = jsonObject(db, [
    ["id", db`o.id`],
    ["name", db`o.name`],
    ["type", idNameOf(db, s, "type")],
    ["description", db`o.description`],
    ["uk_region_locations", listOf(db, s, "uk_region_locations")],
    ["promoters", listOf(db, s, "promoters")],
    ["required_checks_conducted", idNameOf(db, s, "required_checks_conducted")],
    ["required_checks_conducted_by", personDoc(db, db`o.required_checks_conducted_by_id`)],
    ["required_checks_conducted_on", db`to_char(o.required_checks_conducted_on, 'YYYY-MM-DD')`],
    ["lead_dit_relationship_manager", personDoc(db, db`o.lead_dit_relationship_manager_id`)],
    ["other_dit_contacts", listOf(db, s, "other_dit_contacts")],
    ["asset_classes", listOf(db, s, "asset_classes")],
    ["opportunity_value_type", idNameOf(db, s, "opportunity_value_type")],
    ["opportunity_value", db`o.opportunity_value::bigint`],
    ["construction_risks", listOf(db, s, "construction_risks")],
    ["total_investment_sought", db`o.total_investment_sought::bigint`],
    ["current_investment_secured", db`o.current_investment_secured::bigint`],
    ["investment_types", listOf(db, s, "investment_types")],
    ["estimated_return_rate", idNameOf(db, s, "estimated_return_rate")],
    ["time_horizons", listOf(db, s, "time_horizons")],
    ["investment_projects", listOf(db, s, "investment_projects")],
    ["status", idNameOf(db, s, "status")],
    ["sources_of_funding", listOf(db, s, "sources_of_funding")],
    ["dit_support_provided", db`o.dit_support_provided`],
    ["reasons_for_abandonment", listOf(db, s, "reasons_for_abandonment")],
    ["created_by", personDoc(db, db`o.created_by_id`)],
    ["created_on", datetime(db, db`o.created_on`)],
    ["modified_on", datetime(db, db`o.modified_on`)],
  ]);
  const rows = await db<{ doc: SearchDocument }[]>`
    select ${doc} as doc from ${db(s.table)} o where o.id = any(${wanted}::uuid[])`;
  return rows.map((r) => r.doc);
}

const integerRange = (field: string, bound: "gte" | "lte"): FilterSpec => ({
  ...range(field, bound, "number"),
  schema: number().refine(Number.isInteger, { message: "A valid integer is required." }),
});

async function profileExportRows(
  db: Db,
  wanted: string[],
  sort: SortTerm | null,
  context: { frontendBaseUrl: string },
) {
  const s = profileSpec;
  return await db`
    select o.created_on, o.id::text,
      concat(${`${context.frontendBaseUrl}/companies/`}::text, o.investor_company_id,
        '/investments/large-capital-profile') as link,
      c.name as investor_company__name,
      ${refName(db, s, "investor_type")} as investor_type__name,
      o.investable_capital, o.global_assets_under_management, o.investor_description,
      ${refName(db, s, "required_checks_conducted")} as required_checks_conducted__name,
      ${fullName(db, "required_checks_conducted_by_id")} as required_checks_conducted_by_name,
      o.required_checks_conducted_on,
      ${namesOf(db, s, "deal_ticket_sizes")} as deal_ticket_sizes_names,
      ${namesOf(db, s, "asset_classes_of_interest")} as asset_classes_of_interest_names,
      ${namesOf(db, s, "investment_types")} as investment_types_names,
      ${refName(db, s, "minimum_return_rate")} as minimum_return_rate__name,
      ${namesOf(db, s, "time_horizons")} as time_horizons_names,
      ${namesOf(db, s, "restrictions")} as restrictions_names,
      ${namesOf(db, s, "construction_risks")} as construction_risks_names,
      ${refName(db, s, "minimum_equity_percentage")} as minimum_equity_percentage__name,
      ${namesOf(db, s, "desired_deal_roles")} as desired_deal_roles_names,
      ${namesOf(db, s, "uk_region_locations")} as uk_region_locations_names,
      ${namesOf(db, s, "other_countries_being_considered")}
        as other_countries_being_considered_names,
      o.notes_on_locations, o.modified_on
    from ${db(s.table)} o join company_company c on c.id = o.investor_company_id
    where o.id = any(${wanted}::uuid[])
    ${
    exportOrder(db, sort, {
      created_on: db`o.created_on`,
      modified_on: db`o.modified_on`,
      "investor_company.name.keyword": db`lower(c.name)`,
      global_assets_under_management: db`o.global_assets_under_management`,
      investable_capital: db`o.investable_capital`,
    }, db`o.id`)
  }`;
}

async function opportunityExportRows(
  db: Db,
  wanted: string[],
  sort: SortTerm | null,
  context: { frontendBaseUrl: string },
) {
  const s = opportunitySpec;
  const rows = await db`
    select o.created_on, ${fullName(db, "created_by_id")} as created_by_name, o.id::text,
      concat(${`${context.frontendBaseUrl}/investments/large-capital-opportunity/`}::text, o.id)
        as link,
      o.name, o.description, ${refName(db, s, "type")} as type__name,
      ${refName(db, s, "status")} as status__name,
      ${namesOf(db, s, "uk_region_locations")} as uk_region_locations_names,
      ${namesOf(db, s, "promoters")} as promoter_names,
      ${fullName(db, "lead_dit_relationship_manager_id")} as lead_dit_relationship_manager_name,
      ${
    namesOf(db, s, "other_dit_contacts", db`order by r.first_name, r.last_name`)
  } as other_dit_contact_names,
      ${refName(db, s, "required_checks_conducted")} as required_checks_conducted__name,
      ${fullName(db, "required_checks_conducted_by_id")} as required_checks_conducted_by_name,
      o.required_checks_conducted_on,
      ${namesOf(db, s, "asset_classes")} as asset_class_names,
      ${refName(db, s, "opportunity_value_type")} as opportunity_value_type__name,
      o.opportunity_value::text,
      ${namesOf(db, s, "construction_risks")} as construction_risks_names,
      o.total_investment_sought::text, o.current_investment_secured::text,
      ${namesOf(db, s, "investment_types")} as investment_type_names,
      ${refName(db, s, "estimated_return_rate")} as estimated_return_rate__name,
      ${namesOf(db, s, "time_horizons")} as time_horizons_names,
      ${namesOf(db, s, "sources_of_funding")} as sources_of_funding_names,
      o.dit_support_provided,
      ${namesOf(db, s, "reasons_for_abandonment")} as reasons_for_abandonment_names,
      o.modified_on
    from ${db(s.table)} o where o.id = any(${wanted}::uuid[])
    ${
    exportOrder(db, sort, {
      created_on: db`o.created_on`,
      modified_on: db`o.modified_on`,
      "name.keyword": db`lower(o.name)`,
    }, db`o.id`)
  }`;
  const decimal = (v: unknown) => (v === null || v === undefined ? null : new Decimal(String(v)));
  return rows.map((row) => ({
    ...row,
    opportunity_value: decimal(row.opportunity_value),
    total_investment_sought: decimal(row.total_investment_sought),
    current_investment_secured: decimal(row.current_investment_secured),
  }));
}

const personWithTeam = () => person({ team: true });

export const profileSearchApp = defineSearchApp({
  name: "large-investor-profile",
  path: "/v4/search/large-investor-profile",
  plural: "Large capital investor profiles",
  table: profileSpec.table,
  global: false,
  viewPermissions: ["investor_profile.view_largecapitalinvestorprofile"],
  mapping: {
    id: keyword(),
    investor_company: companyRef(),
    country_of_origin: object({ id: keyword(), name: textWithTrigram() }),
    asset_classes_of_interest: idNameNotIndexed(),
    created_by: personWithTeam(),
    investor_type: idNameNotIndexed(),
    global_assets_under_management: long(),
    investable_capital: long(),
    required_checks_conducted: idNameNotIndexed(),
    deal_ticket_sizes: idNameNotIndexed(),
    investment_types: idNameNotIndexed(),
    minimum_return_rate: idNameNotIndexed(),
    time_horizons: idNameNotIndexed(),
    restrictions: idNameNotIndexed(),
    construction_risks: idNameNotIndexed(),
    minimum_equity_percentage: idNameNotIndexed(),
    desired_deal_roles: idNameNotIndexed(),
    uk_region_locations: idNameNotIndexed(),
    other_countries_being_considered: object({ id: keyword(), name: textWithTrigram() }),
    investor_description: englishText(),
    notes_on_locations: englishText(),
    created_on: date(),
    modified_on: date(),
  },
  searchFields: [],
  primaryTextFields: [],
  filters: {
    id: ids("id"),
    asset_classes_of_interest: ids("asset_classes_of_interest.id"),
    country_of_origin: ids("country_of_origin.id"),
    investor_company: ids("investor_company.id"),
    investor_company_name: partialText("investor_company.name", "investor_company.trading_names"),
    created_by: ids("created_by.id"),
    investor_type: ids("investor_type.id"),
    investable_capital_start: integerRange("investable_capital", "gte"),
    investable_capital_end: integerRange("investable_capital", "lte"),
    global_assets_under_management_start: integerRange("global_assets_under_management", "gte"),
    global_assets_under_management_end: integerRange("global_assets_under_management", "lte"),
    required_checks_conducted: ids("required_checks_conducted.id"),
    deal_ticket_size: ids("deal_ticket_sizes.id"),
    investment_type: ids("investment_types.id"),
    minimum_return_rate: ids("minimum_return_rate.id"),
    time_horizon: ids("time_horizons.id"),
    restriction: ids("restrictions.id"),
    construction_risk: ids("construction_risks.id"),
    minimum_equity_percentage: ids("minimum_equity_percentage.id"),
    desired_deal_role: ids("desired_deal_roles.id"),
    uk_region_location: ids("uk_region_locations.id"),
    other_countries_being_considered: ids("other_countries_being_considered.id"),
    created_on_before: range("created_on", "lte"),
    created_on_after: range("created_on", "gte"),
  },
  sortby: {
    created_on: "created_on",
    modified_on: "modified_on",
    "investor_company.name": "investor_company.name.keyword",
    global_assets_under_management: "global_assets_under_management",
    investable_capital: "investable_capital",
  },
  build: profileDocuments,
  export: {
    path: "/v4/search/large-investor-profile/export",
    permission: "investor_profile.export_largecapitalinvestorprofile",
    columns: {
      created_on: "Date created",
      id: "Data Hub profile reference",
      link: "Data Hub link",
      investor_company__name: "Investor company",
      investor_type__name: "Investor type",
      investable_capital: "Investable capital",
      global_assets_under_management: "Global assets under management",
      investor_description: "Investor description",
      required_checks_conducted__name: "Required checks conducted",
      required_checks_conducted_by_name: "Required checks conducted by",
      required_checks_conducted_on: "Required checks conducted on",
      deal_ticket_sizes_names: "Deal ticket sizes",
      asset_classes_of_interest_names: "Asset classes of interest",
      investment_types_names: "Investment types",
      minimum_return_rate__name: "Minimum return rate",
      time_horizons_names: "Time horizons",
      restrictions_names: "Restrictions",
      construction_risks_names: "Construction risks",
      minimum_equity_percentage__name: "Minimum equity percentage",
      desired_deal_roles_names: "Desired deal roles",
      uk_region_locations_names: "UK regions of interest",
      other_countries_being_considered_names: "Other countries being considered",
      notes_on_locations: "Notes on locations",
      modified_on: "Date last modified",
    },
    rows: profileExportRows,
  },
});

export const opportunitySearchApp = defineSearchApp({
  name: "large-capital-opportunity",
  path: "/v4/search/large-capital-opportunity",
  plural: "Large capital opportunities",
  table: opportunitySpec.table,
  global: false,
  viewPermissions: ["opportunity.view_largecapitalopportunity"],
  mapping: {
    id: keyword(),
    name: text({ keyword: normalizedKeyword(), trigram: trigramText() }),
    type: idNameNotIndexed(),
    description: text({ keyword: normalizedKeyword(), trigram: trigramText() }),
    uk_region_locations: idNameNotIndexed(),
    promoters: companyRef(),
    required_checks_conducted: idNameNotIndexed(),
    required_checks_conducted_by: personWithTeam(),
    required_checks_conducted_on: date(),
    lead_dit_relationship_manager: personWithTeam(),
    other_dit_contacts: personWithTeam(),
    asset_classes: idNameNotIndexed(),
    opportunity_value_type: idNameNotIndexed(),
    opportunity_value: long(),
    construction_risks: idNameNotIndexed(),
    total_investment_sought: long(),
    current_investment_secured: long(),
    investment_types: idNameNotIndexed(),
    estimated_return_rate: idNameNotIndexed(),
    time_horizons: idNameNotIndexed(),
    investment_projects: idNameNotIndexed(),
    status: idNameNotIndexed(),
    sources_of_funding: idNameNotIndexed(),
    dit_support_provided: boolean(),
    reasons_for_abandonment: idNameNotIndexed(),
    created_by: personWithTeam(),
    created_on: date(),
    modified_on: date(),
  },
  searchFields: [],
  primaryTextFields: [],
  filters: {
    id: ids("id"),
    name: match(["name", "name.trigram"], str()),
    created_by: ids("created_by.id"),
    type: ids("type.id"),
    status: ids("status.id"),
    uk_region_location: ids("uk_region_locations.id"),
    promoter: ids("promoters.id"),
    promoter_name: partialText("promoters.name", "promoters.trading_names"),
    lead_dit_relationship_manager: ids("lead_dit_relationship_manager.id"),
    required_checks_conducted: ids("required_checks_conducted.id"),
    required_checks_conducted_by: ids("required_checks_conducted_by.id"),
    asset_class: ids("asset_classes.id"),
    opportunity_value_start: integerRange("opportunity_value", "gte"),
    opportunity_value_end: integerRange("opportunity_value", "lte"),
    opportunity_value_type: ids("opportunity_value_type.id"),
    construction_risk: ids("construction_risks.id"),
    total_investment_sought_start: integerRange("total_investment_sought", "gte"),
    total_investment_sought_end: integerRange("total_investment_sought", "lte"),
    current_investment_secured_start: integerRange("current_investment_secured", "gte"),
    current_investment_secured_end: integerRange("current_investment_secured", "lte"),
    investment_type: ids("investment_types.id"),
    estimated_return_rate: ids("estimated_return_rate.id"),
    time_horizon: ids("time_horizons.id"),
    created_on_before: range("created_on", "lte"),
    created_on_after: range("created_on", "gte"),
  },
  sortby: { created_on: "created_on", modified_on: "modified_on", name: "name.keyword" },
  build: opportunityDocuments,
  export: {
    path: "/v4/search/large-capital-opportunity/export",
    permission: "opportunity.export_largecapitalopportunity",
    columns: {
      created_on: "Date created",
      created_by_name: "Created by",
      id: "Data Hub opportunity reference",
      link: "Data Hub link",
      name: "Name",
      description: "Description",
      type__name: "Type",
      status__name: "Status",
      uk_region_locations_names: "UK region locations",
      promoter_names: "Promoters",
      lead_dit_relationship_manager_name: "Lead DIT relationship manager",
      other_dit_contact_names: "Other DIT contacts",
      required_checks_conducted__name: "Required checks conducted",
      required_checks_conducted_by_name: "Required checks conducted by",
      required_checks_conducted_on: "Required checks conducted on",
      asset_class_names: "Asset classes",
      opportunity_value_type__name: "Opportunity value type",
      opportunity_value: "Opportunity value",
      construction_risks_names: "Construction risks",
      total_investment_sought: "Total investment sought",
      current_investment_secured: "Current investment secured",
      investment_type_names: "Investment types",
      estimated_return_rate__name: "Estimated return rate",
      time_horizons_names: "Time horizons",
      sources_of_funding_names: "Sources of funding",
      dit_support_provided: "DIT support provided",
      funding_supporting_details: "Funding supporting details",
      reasons_for_abandonment_names: "Reasons for abandonment",
      why_abandoned: "Why abandoned",
      why_suspended: "Why suspended",
      modified_on: "Date last modified",
    },
    rows: opportunityExportRows,
  },
});

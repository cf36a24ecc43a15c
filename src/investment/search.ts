/**
 * The investment project search app (`POST /v3/search/investment_project`, its CSV
 * export and global search): the original's `datahub/search/investment` document,
 * filters (with the financial-year filters), sort choices, association scope and export;
 * `show_summary` is in search_options.ts.
 */
import type { Db } from "../db/pool.ts";
import { type Fragment, joinFragments } from "../db/fragments.ts";
import {
  type Condition,
  defineSearchApp,
  descends,
  type FilterSpec,
  ids,
  match,
  queryBuilder,
  range,
  singleOrList,
  type SortTerm,
  str,
} from "../search/app.ts";
import {
  boolean,
  date,
  double,
  englishText,
  idName,
  idNamePartial,
  integer,
  keyword,
  long,
  normalizedKeyword,
  notIndexed,
  object,
  person,
  sector,
  text,
  trigramText,
} from "../search/mapping.ts";
import { Decimal } from "../search/csv.ts";
import { hasPermission } from "../auth/caller.ts";
import { adviserName, documentDatetime, jsonObject } from "../core/render.ts";
import { joinedAdviser, joinedRef, sectorDocuments } from "../search/joined.ts";
import { exportOrder, sectorPath } from "../company/search.ts";
import { FOREIGN_KEYS, M2M, type M2MField, projectCode } from "./queries.ts";
import { CONDITIONAL, IDS, REQUIRED_AFTER, STAGES } from "./rules.ts";
import { investmentSearchOptions } from "./search_options.ts";
import { relativesFlag, withRelatives } from "../dnb/related.ts";
import { z } from "zod";

/** `{id, name}` list of an M2M field of the project `p`, by link id (a lateral body). */
const idNameList = (db: Db, field: M2MField) => {
  const m = M2M[field];
  return db`select coalesce(jsonb_agg(jsonb_build_object('id', r.id, 'name', r.name)
      order by j.id), '[]'::jsonb) as list
    from ${db(m.table)} j join ${db(m.ref)} r on r.id = j.${db(m.target)}
    where j.investmentproject_id = p.id`;
};

/** `{id, first_name, last_name, name, dit_team}` of the joined adviser (`{}` without a team). */
const joinedPerson = (db: Db, alias: string) =>
  db`(${joinedAdviser(db, alias)} || jsonb_build_object('dit_team',
    coalesce(${joinedRef(db, `${alias}_team`)}, '{}'::jsonb)))`;

/** The adviser `alias` and their team, left-joined by the adviser id `id`. */
const adviserJoin = (db: Db, alias: string, id: Fragment) =>
  db`left join company_advisor ${db(alias)} on ${db(alias)}.id = ${id}
    left join metadata_team ${db(`${alias}_team`)}
      on ${db(`${alias}_team`)}.id = ${db(alias)}.dit_team_id`;

const dateOf = (db: Db, column: string) => db`to_char(${db(`p.${column}`)}, 'YYYY-MM-DD')`;

/**
 * `incomplete_fields` in SQL: the rules of rules.ts (`stageErrors` for the next stage), in
 * their order, over the project's columns. A field is incomplete as `field_incomplete`
 * says (null, "" or an empty list); each conditional rule's condition is below.
 */
const RULE_CONDITIONS: Record<string, (db: Db) => Fragment> = {
  referral_source_activity_event: (db) =>
    db`p.referral_source_activity_id = ${IDS.activityEvent}::uuid`,
  other_business_activity: (db) =>
    db`exists (select 1 from ${db(M2M.business_activities.table)} j
      where j.investmentproject_id = p.id
        and j.${db(M2M.business_activities.target)} = ${IDS.businessActivityOther}::uuid)`,
  referral_source_activity_marketing: (db) =>
    db`p.referral_source_activity_id = ${IDS.activityMarketing}::uuid`,
  referral_source_activity_website: (db) =>
    db`p.referral_source_activity_id = ${IDS.activityWebsite}::uuid`,
  fdi_type: (db) => db`p.investment_type_id = ${IDS.investmentTypeFdi}::uuid`,
  total_investment: (db) => db`p.client_cannot_provide_total_investment is not true`,
  competitor_countries: (db) => db`p.client_considering_other_countries is true`,
  uk_region_locations: (db) => db`p.allow_blank_possible_uk_regions is false`,
  address_1: (db) => db`p.site_address_is_company_address is not null`,
  address_town: (db) => db`p.site_address_is_company_address is not null`,
  address_postcode: (db) => db`p.site_address_is_company_address is not null`,
  foreign_equity_investment: (db) => db`p.client_cannot_provide_foreign_investment is not true`,
  average_salary: (db) => db`coalesce(p.number_new_jobs, 0) <> 0`,
  associated_non_fdi_r_and_d_project: (db) => db`p.non_fdi_r_and_d_budget is true`,
};
for (const [field] of CONDITIONAL) {
  if (!RULE_CONDITIONS[field]) throw new Error(`investment search: no SQL rule for ${field}`);
}

function incompleteFields(db: Db): Fragment {
  const missing = (field: string) =>
    field in M2M
      ? db`not exists (select 1 from ${db(M2M[field as M2MField].table)} j
          where j.investmentproject_id = p.id)`
      : field in FOREIGN_KEYS
      ? db`${db(`p.${field}_id`)} is null`
      : db`nullif(${db(`p.${field}`)}::text, '') is null`;
  const order = db`(case p.stage_id ${
    Object.values(STAGES).reduce(
      (a, s) => db`${a} when ${s.id}::uuid then ${s.order}::int`,
      db``,
    )
  } else ${STAGES.prospect.order}::int end + 100)`;
  const checks = [
    ...REQUIRED_AFTER.map(([field, from]) =>
      db`case when s.next >= ${from}::int and ${missing(field)} then ${field} end`
    ),
    ...CONDITIONAL.map(([field, , , from]) =>
      db`case when s.next >= ${from}::int and ${RULE_CONDITIONS[field](db)} and ${missing(field)}
        then ${field} end`
    ),
  ];
  return db`(select to_jsonb(array_remove(array[${joinFragments(db, checks)}]::text[], null))
    from (select ${order} as next) s)`;
}

/**
 * Documents of these projects (the original's `InvestmentProject` search model), in one
 * set-based query: references to small tables are joins, lists are lateral aggregates.
 */
function projectDocumentsQuery(db: Db, wanted: string[]): Fragment {
  const col = (column: string) => db`${db(`p.${column}`)}`;
  const doc = jsonObject(db, [
    ["id", db`p.id`],
    ["actual_land_date", dateOf(db, "actual_land_date")],
    ["actual_uk_regions", db`actual_uk_regions.list`],
    ["address_1", col("address_1")],
    ["address_2", col("address_2")],
    ["address_town", col("address_town")],
    ["address_postcode", col("address_postcode")],
    ["approved_commitment_to_invest", col("approved_commitment_to_invest")],
    ["approved_fdi", col("approved_fdi")],
    ["approved_good_value", col("approved_good_value")],
    ["approved_high_value", col("approved_high_value")],
    ["approved_landed", col("approved_landed")],
    ["approved_non_fdi", col("approved_non_fdi")],
    ["allow_blank_estimated_land_date", col("allow_blank_estimated_land_date")],
    ["allow_blank_possible_uk_regions", col("allow_blank_possible_uk_regions")],
    ["anonymous_description", col("anonymous_description")],
    ["archived", col("archived")],
    ["archived_by", joinedAdviser(db, "archived_by")],
    ["archived_on", documentDatetime(db, db`p.archived_on`)],
    ["archived_reason", col("archived_reason")],
    [
      "associated_non_fdi_r_and_d_project",
      db`case when ap.id is null then null else jsonb_build_object('id', ap.id,
        'name', ap.name, 'project_code', ${projectCode(db, "ap")}) end`,
    ],
    ["average_salary", joinedRef(db, "average_salary")],
    ["business_activities", db`business_activities.list`],
    ["client_cannot_provide_foreign_investment", col("client_cannot_provide_foreign_investment")],
    ["client_cannot_provide_total_investment", col("client_cannot_provide_total_investment")],
    ["client_contacts", db`client_contacts.list`],
    ["client_relationship_manager", joinedPerson(db, "crm")],
    ["client_requirements", col("client_requirements")],
    ["comments", col("comments")],
    ["country_investment_originates_from", joinedRef(db, "origin_country")],
    ["country_lost_to", joinedRef(db, "country_lost_to")],
    ["created_on", documentDatetime(db, db`p.created_on`)],
    ["created_by", joinedPerson(db, "created_by")],
    ["date_abandoned", dateOf(db, "date_abandoned")],
    ["date_lost", dateOf(db, "date_lost")],
    ["delivery_partners", db`delivery_partners.list`],
    ["description", col("description")],
    ["estimated_land_date", dateOf(db, "estimated_land_date")],
    ["export_revenue", col("export_revenue")],
    ["fdi_type", joinedRef(db, "fdi_type")],
    ["fdi_value", joinedRef(db, "fdi_value")],
    ["foreign_equity_investment", db`p.foreign_equity_investment::float8`],
    ["government_assistance", col("government_assistance")],
    ["incomplete_fields", incompleteFields(db)],
    ["intermediate_company", joinedRef(db, "intermediate_company")],
    ["investor_company", joinedRef(db, "investor")],
    ["investor_company_country", joinedRef(db, "investor_country")],
    ["investment_type", joinedRef(db, "investment_type")],
    ["investor_type", joinedRef(db, "investor_type")],
    ["level_of_involvement", joinedRef(db, "level_of_involvement")],
    ["likelihood_to_land", joinedRef(db, "likelihood_to_land")],
    ["project_assurance_adviser", joinedPerson(db, "assurance")],
    ["project_manager", joinedPerson(db, "manager")],
    ["name", col("name")],
    ["new_tech_to_uk", col("new_tech_to_uk")],
    ["non_fdi_r_and_d_budget", col("non_fdi_r_and_d_budget")],
    ["number_new_jobs", col("number_new_jobs")],
    ["number_safeguarded_jobs", col("number_safeguarded_jobs")],
    ["modified_on", documentDatetime(db, db`p.modified_on`)],
    ["project_arrived_in_triage_on", dateOf(db, "project_arrived_in_triage_on")],
    ["project_code", projectCode(db, "p")],
    ["proposal_deadline", dateOf(db, "proposal_deadline")],
    ["other_business_activity", col("other_business_activity")],
    ["quotable_as_public_case_study", col("quotable_as_public_case_study")],
    ["r_and_d_budget", col("r_and_d_budget")],
    ["reason_abandoned", col("reason_abandoned")],
    ["reason_delayed", col("reason_delayed")],
    ["reason_lost", col("reason_lost")],
    ["referral_source_activity", joinedRef(db, "referral_activity")],
    ["referral_source_activity_event", col("referral_source_activity_event")],
    ["referral_source_activity_marketing", joinedRef(db, "referral_marketing")],
    ["referral_source_activity_website", joinedRef(db, "referral_website")],
    ["referral_source_adviser", joinedAdviser(db, "referral_adviser")],
    ["sector", db`sector.doc`],
    ["site_decided", col("site_decided")],
    ["site_address_is_company_address", col("site_address_is_company_address")],
    ["some_new_jobs", col("some_new_jobs")],
    ["specific_programmes", db`specific_programmes.list`],
    ["stage", joinedRef(db, "stage")],
    ["status", col("status")],
    ["team_members", db`team_members.list`],
    ["total_investment", db`p.total_investment::float8`],
    ["uk_company", joinedRef(db, "uk_company")],
    ["uk_company_decided", col("uk_company_decided")],
    ["uk_region_locations", db`uk_region_locations.list`],
    ["will_new_jobs_last_two_years", col("will_new_jobs_last_two_years")],
    [
      "level_of_involvement_simplified",
      db`(case when p.level_of_involvement_id is null then 'unspecified'
        when p.level_of_involvement_id = ${IDS.noInvolvement}::uuid then 'not_involved'
        else 'involved' end)`,
    ],
    [
      "latest_interaction",
      db`case when latest.id is null then null else jsonb_build_object('id', latest.id,
        'date', ${documentDatetime(db, db`latest.date`)}, 'subject', latest.subject) end`,
    ],
    ["gross_value_added", db`p.gross_value_added::float8`],
    ["one_list_group_global_account_manager", joinedAdviser(db, "account_manager")],
  ]);
  const ref = (table: string, alias: string, column: string) =>
    db`left join ${db(table)} ${db(alias)} on ${db(alias)}.id = ${db(`p.${column}`)}`;
  const list = (field: M2MField) => db`cross join lateral (${idNameList(db, field)}) ${db(field)}`;
  // The batch's own rows, companies and per-row lists are index probes (lateral); the
  // references to small tables are hash joins.
  return db`
    with sector as materialized (${sectorDocuments(db)})
    select ${doc} as doc
    from unnest(${wanted}::uuid[]) as w(id)
    cross join lateral (select * from investment_investmentproject where id = w.id) p
    ${list("actual_uk_regions")}
    ${list("business_activities")}
    ${list("delivery_partners")}
    ${list("specific_programmes")}
    ${list("uk_region_locations")}
    cross join lateral (
      select coalesce(jsonb_agg(jsonb_build_object('id', ct.id, 'first_name', ct.first_name,
          'last_name', ct.last_name, 'name', ${adviserName(db, "ct")}) order by j.id),
          '[]'::jsonb) as list
      from investment_investmentproject_client_contacts j
      join company_contact ct on ct.id = j.contact_id where j.investmentproject_id = p.id
    ) client_contacts
    cross join lateral (
      select coalesce(jsonb_agg(${joinedPerson(db, "member")} order by tm.id), '[]'::jsonb)
        as list
      from investment_investmentprojectteammember tm
      ${adviserJoin(db, "member", db`tm.adviser_id`)}
      where tm.investment_project_id = p.id
    ) team_members
    left join lateral (
      select i.id, i.date, i.subject from interaction_interaction i
      where i.investment_project_id = p.id order by i.date desc, i.created_on desc limit 1
    ) latest on true
    left join lateral (
      select id, name, address_country_id, global_headquarters_id, one_list_account_owner_id
      from company_company where id = p.investor_company_id
    ) investor on true
    left join lateral (
      select one_list_account_owner_id from company_company
      where id = investor.global_headquarters_id
    ) investor_hq on true
    left join lateral (
      select id, name from company_company where id = p.intermediate_company_id
    ) intermediate_company on true
    left join lateral (
      select id, name from company_company where id = p.uk_company_id
    ) uk_company on true
    left join lateral (
      select id, name, cdms_project_code from investment_investmentproject
      where id = p.associated_non_fdi_r_and_d_project_id
    ) ap on true
    left join metadata_country investor_country
      on investor_country.id = investor.address_country_id
    left join company_advisor account_manager on account_manager.id =
      coalesce(investor_hq.one_list_account_owner_id, investor.one_list_account_owner_id)
    left join company_advisor archived_by on archived_by.id = p.archived_by_id
    left join company_advisor referral_adviser on referral_adviser.id = p.referral_source_adviser_id
    ${adviserJoin(db, "crm", db`p.client_relationship_manager_id`)}
    ${adviserJoin(db, "created_by", db`p.created_by_id`)}
    ${adviserJoin(db, "assurance", db`p.project_assurance_adviser_id`)}
    ${adviserJoin(db, "manager", db`p.project_manager_id`)}
    ${ref("metadata_salaryrange", "average_salary", "average_salary_id")}
    ${ref("metadata_country", "origin_country", "country_investment_originates_from_id")}
    ${ref("metadata_country", "country_lost_to", "country_lost_to_id")}
    ${ref("metadata_fditype", "fdi_type", "fdi_type_id")}
    ${ref("metadata_fdivalue", "fdi_value", "fdi_value_id")}
    ${ref("metadata_investmenttype", "investment_type", "investment_type_id")}
    ${ref("investment_investortype", "investor_type", "investor_type_id")}
    ${ref("investment_involvement", "level_of_involvement", "level_of_involvement_id")}
    ${ref("investment_likelihoodtoland", "likelihood_to_land", "likelihood_to_land_id")}
    ${ref("metadata_referralsourceactivity", "referral_activity", "referral_source_activity_id")}
    ${
    ref(
      "metadata_referralsourcemarketing",
      "referral_marketing",
      "referral_source_activity_marketing_id",
    )
  }
    ${
    ref("metadata_referralsourcewebsite", "referral_website", "referral_source_activity_website_id")
  }
    ${ref("metadata_investmentprojectstage", "stage", "stage_id")}
    left join sector on sector.id = p.sector_id`;
}

/** One financial year (1 April to 31 March) as a range on a date field. */
const financialYear = (field: string, start: number): Condition => ({
  and: [
    { range: field, gte: `${start}-04-01` },
    { range: field, lte: `${start + 1}-03-31` },
  ],
});

/** Landed (or expected to land) in the year: actual land date, else the estimated one. */
const landedIn = (start: number): Condition => ({
  or: [
    {
      and: [financialYear("estimated_land_date", start), {
        exists: "actual_land_date",
        present: false,
      }],
    },
    financialYear("actual_land_date", start),
  ],
});

const NON_PROSPECT = [STAGES.assignPm.id, STAGES.active.id, STAGES.verifyWin.id, STAGES.won.id];

const years = () =>
  singleOrList(z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)], {
    error: "A valid integer is required.",
  }));

/** `financial_year_start`: non-prospects by land date, prospects from their creation. */
const financialYearStart: FilterSpec = {
  fields: ["estimated_land_date", "actual_land_date", "created_on", "stage.id"],
  schema: years(),
  condition: (value) => {
    const starts = value as number[];
    if (!starts.length) return { none: true };
    return {
      or: starts.map((start): Condition => ({
        or: [
          {
            and: [landedIn(start), {
              or: NON_PROSPECT.map((id) => ({ match: "stage.id", value: id })),
            }],
          },
          {
            and: [{ range: "created_on", lte: `${start}-04-01` }, {
              match: "stage.id",
              value: STAGES.prospect.id,
            }],
          },
        ],
      })),
    };
  },
};

const landDateFinancialYearStart: FilterSpec = {
  fields: ["estimated_land_date", "actual_land_date"],
  schema: years(),
  condition: (value) => {
    const starts = value as number[];
    return starts.length ? { or: starts.map(landedIn) } : { none: true };
  },
};

const INVOLVEMENT = z.enum(["unspecified", "not_involved", "involved"], {
  error: (issue) => `"${String(issue.input)}" is not a valid choice.`,
});

/** The original's `SearchInvestmentExportAPIView` rows. */
async function projectExportRows(
  db: Db,
  wanted: string[],
  sort: SortTerm | null,
  context: { frontendBaseUrl: string },
) {
  const name = (table: string, column: Fragment) =>
    db`(select r.name from ${db(table)} r where r.id = ${column})`;
  const adviserFull = (column: Fragment) =>
    db`(select ${adviserName(db, "a")} from company_advisor a where a.id = ${column})`;
  const names = (field: M2MField) => {
    const m = M2M[field];
    return db`(select string_agg(r.name, ', ') from ${db(m.table)} j
      join ${db(m.ref)} r on r.id = j.${db(m.target)} where j.investmentproject_id = p.id)`;
  };
  const rows = await db`
    select p.created_on, ${projectCode(db, "p")} as computed_project_code, p.name,
      ic.name as investor_company__name, ic.address_town as investor_company__address_town,
      ${name("metadata_administrativearea", db`ic.address_area_id`)}
        as investor_company__address_area__name,
      ${name("metadata_country", db`p.country_investment_originates_from_id`)}
        as country_investment_originates_from__name,
      ${name("metadata_investmenttype", db`p.investment_type_id`)} as investment_type__name,
      initcap(p.status) as status_name,
      ${name("metadata_investmentprojectstage", db`p.stage_id`)} as stage__name,
      concat(${`${context.frontendBaseUrl}/investments/projects/`}::text, p.id) as link,
      p.actual_land_date, p.estimated_land_date,
      ${name("metadata_fdivalue", db`p.fdi_value_id`)} as fdi_value__name,
      ${sectorPath(db, db`p.sector_id`)} as sector_name,
      (select max(i.date) from interaction_interaction i where i.investment_project_id = p.id)
        as date_of_latest_interaction,
      ${adviserFull(db`p.project_manager_id`)} as project_manager_name,
      ${adviserFull(db`p.client_relationship_manager_id`)} as client_relationship_manager_name,
      ${
    adviserFull(db`(case when ic.global_headquarters_id is not null then
        (select hq.one_list_account_owner_id from company_company hq
         where hq.id = ic.global_headquarters_id) else ic.one_list_account_owner_id end)`)
  } as investor_company_global_account_manager,
      ${adviserFull(db`p.project_assurance_adviser_id`)} as project_assurance_adviser_name,
      (select string_agg(${adviserName(db, "a")}, ', ' order by a.first_name, a.last_name)
       from investment_investmentprojectteammember tm join company_advisor a on a.id = tm.adviser_id
       where tm.investment_project_id = p.id) as team_member_names,
      ${names("delivery_partners")} as delivery_partner_names,
      ${names("uk_region_locations")} as uk_region_location_names,
      ${names("actual_uk_regions")} as actual_uk_region_names,
      ${names("specific_programmes")} as specific_programme_names,
      ${name("metadata_referralsourceactivity", db`p.referral_source_activity_id`)}
        as referral_source_activity__name,
      ${name("metadata_referralsourcewebsite", db`p.referral_source_activity_website_id`)}
        as referral_source_activity_website__name,
      p.total_investment::text, p.number_new_jobs,
      ${name("metadata_salaryrange", db`p.average_salary_id`)} as average_salary__name,
      p.number_safeguarded_jobs,
      ${name("investment_involvement", db`p.level_of_involvement_id`)}
        as level_of_involvement__name,
      p.r_and_d_budget, p.non_fdi_r_and_d_budget, p.new_tech_to_uk,
      ${name("investment_likelihoodtoland", db`p.likelihood_to_land_id`)}
        as likelihood_to_land__name,
      ${name("metadata_fditype", db`p.fdi_type_id`)} as fdi_type__name,
      p.foreign_equity_investment::text,
      (select g.multiplier::text from investment_gvamultiplier g where g.id = p.gva_multiplier_id)
        as gva_multiplier__multiplier,
      p.gross_value_added::text
    from investment_investmentproject p
    left join company_company ic on ic.id = p.investor_company_id
    where p.id = any(${wanted}::uuid[])
    ${
    exportOrder(db, sort, {
      created_on: db`p.created_on`,
      estimated_land_date: db`p.estimated_land_date`,
      "name.keyword": db`lower(p.name)`,
      "stage.name": name("metadata_investmentprojectstage", db`p.stage_id`),
      modified_on: db`p.modified_on`,
    }, db`p.id`)
  }`;
  const decimal = (v: unknown) => (v === null || v === undefined ? null : new Decimal(String(v)));
  return rows.map((row) => ({
    ...row,
    total_investment: decimal(row.total_investment),
    foreign_equity_investment: decimal(row.foreign_equity_investment),
    gva_multiplier__multiplier: decimal(row.gva_multiplier__multiplier),
    gross_value_added: decimal(row.gross_value_added),
  }));
}

const personWithTeam = () => person({ team: true });

export const investmentSearchApp = defineSearchApp({
  name: "investment_project",
  path: "/v3/search/investment_project",
  options: investmentSearchOptions,
  otherErrors: { 502: "dnb-service failed while finding the company's relatives" },
  plural: "Investment projects",
  table: "investment_investmentproject",
  global: true,
  viewPermissions: [
    "investment.view_all_investmentproject",
    "investment.view_associated_investmentproject",
  ],
  mapping: {
    id: keyword(),
    actual_land_date: date(),
    actual_uk_regions: idName(),
    address_1: text(),
    address_2: text(),
    address_town: normalizedKeyword(),
    address_postcode: text(),
    approved_commitment_to_invest: boolean(),
    approved_fdi: boolean(),
    approved_good_value: boolean(),
    approved_high_value: boolean(),
    approved_landed: boolean(),
    approved_non_fdi: boolean(),
    allow_blank_estimated_land_date: notIndexed(boolean()),
    allow_blank_possible_uk_regions: notIndexed(boolean()),
    anonymous_description: englishText(),
    archived: boolean(),
    archived_by: person(),
    archived_on: date(),
    archived_reason: text(),
    associated_non_fdi_r_and_d_project: object({
      id: keyword(),
      name: text(),
      project_code: keyword(),
    }),
    average_salary: idName(),
    business_activities: idName(),
    client_cannot_provide_foreign_investment: boolean(),
    client_cannot_provide_total_investment: boolean(),
    client_contacts: person(),
    client_relationship_manager: personWithTeam(),
    client_requirements: notIndexed(text()),
    comments: englishText(),
    country_investment_originates_from: idName(),
    country_lost_to: object({ id: notIndexed(keyword()), name: notIndexed(text()) }),
    created_on: date(),
    created_by: personWithTeam(),
    date_abandoned: date(),
    date_lost: date(),
    delivery_partners: idName(),
    description: englishText(),
    estimated_land_date: date(),
    export_revenue: boolean(),
    fdi_type: idName(),
    fdi_value: idName(),
    foreign_equity_investment: double(),
    government_assistance: boolean(),
    incomplete_fields: text(),
    intermediate_company: idName(),
    investor_company: idNamePartial(),
    investor_company_country: idName(),
    investment_type: idName(),
    investor_type: idName(),
    level_of_involvement: idName(),
    likelihood_to_land: idName(),
    project_assurance_adviser: personWithTeam(),
    project_manager: personWithTeam(),
    name: text({ keyword: normalizedKeyword(), trigram: trigramText() }),
    new_tech_to_uk: boolean(),
    non_fdi_r_and_d_budget: boolean(),
    number_new_jobs: integer(),
    number_safeguarded_jobs: long(),
    modified_on: date(),
    project_arrived_in_triage_on: date(),
    project_code: { ...normalizedKeyword(), fields: { trigram: trigramText() } },
    proposal_deadline: date(),
    other_business_activity: notIndexed(text()),
    quotable_as_public_case_study: boolean(),
    r_and_d_budget: boolean(),
    reason_abandoned: notIndexed(text()),
    reason_delayed: notIndexed(text()),
    reason_lost: notIndexed(text()),
    referral_source_activity: idName(),
    referral_source_activity_event: normalizedKeyword(),
    referral_source_activity_marketing: idName(),
    referral_source_activity_website: idName(),
    referral_source_adviser: object({
      id: notIndexed(keyword()),
      first_name: notIndexed(text()),
      last_name: notIndexed(text()),
      name: notIndexed(text()),
    }),
    sector: sector(),
    site_decided: boolean(),
    site_address_is_company_address: boolean(),
    some_new_jobs: boolean(),
    specific_programmes: idName(),
    stage: idName(),
    status: normalizedKeyword(),
    team_members: personWithTeam(),
    total_investment: double(),
    uk_company: idNamePartial(),
    uk_company_decided: boolean(),
    uk_region_locations: idName(),
    will_new_jobs_last_two_years: boolean(),
    level_of_involvement_simplified: keyword(),
    latest_interaction: object({ id: keyword(), date: date(), subject: text() }),
    gross_value_added: double(),
    one_list_group_global_account_manager: person(),
  },
  searchFields: [
    "id",
    "name",
    "name.trigram",
    "uk_company.name",
    "uk_company.name.trigram",
    "investor_company.name",
    "investor_company.name.trigram",
    "project_code",
    "sector.name",
  ],
  primaryTextFields: ["name", "project_code"],
  filters: {
    adviser: ids([
      "client_relationship_manager.id",
      "one_list_group_global_account_manager.id",
      "project_assurance_adviser.id",
      "project_manager.id",
      "team_members.id",
    ]),
    client_relationship_manager: ids("client_relationship_manager.id"),
    country_investment_originates_from: ids("country_investment_originates_from.id"),
    created_on_after: range("created_on", "gte"),
    created_on_before: range("created_on", "lte"),
    estimated_land_date_after: range("estimated_land_date", "gte"),
    estimated_land_date_before: range("estimated_land_date", "lte"),
    actual_land_date_after: range("actual_land_date", "gte"),
    actual_land_date_before: range("actual_land_date", "lte"),
    investment_type: ids("investment_type.id"),
    investor_company: withRelatives(ids("investor_company.id")),
    include_parent_companies: relativesFlag,
    include_subsidiary_companies: relativesFlag,
    investor_company_country: ids([
      "investor_company_country.id",
      "country_investment_originates_from.id",
    ]),
    sector: ids("sector.id"),
    sector_descends: descends(["sector"], { table: "metadata_sector", parentColumn: "parent_id" }),
    stage: ids("stage.id"),
    status: match("status", singleOrList(str())),
    uk_region_location: ids("uk_region_locations.id"),
    level_of_involvement_simplified: match(
      "level_of_involvement_simplified",
      singleOrList(INVOLVEMENT),
    ),
    likelihood_to_land: ids("likelihood_to_land.id"),
    gross_value_added_start: {
      ...range("gross_value_added", "gte", "number"),
      schema: z.number({ error: "A valid integer is required." }).int().min(0),
    },
    gross_value_added_end: {
      ...range("gross_value_added", "lte", "number"),
      schema: z.number({ error: "A valid integer is required." }).int().min(0),
    },
    name: match(["name", "name.trigram"], singleOrList(str())),
    project_code: match(["project_code", "project_code.trigram"], singleOrList(str())),
    one_list_group_global_account_manager: ids("one_list_group_global_account_manager.id"),
    financial_year_start: financialYearStart,
    land_date_financial_year_start: landDateFinancialYearStart,
  },
  sortby: {
    created_on: "created_on",
    estimated_land_date: "estimated_land_date",
    name: "name.keyword",
    "stage.name": "stage.name",
    modified_on: "modified_on",
  },
  ...queryBuilder(projectDocumentsQuery),
  scope(caller) {
    if (caller.kind !== "adviser") return { none: true };
    if (hasPermission(caller, "investment.view_all_investmentproject")) return null;
    const team = caller.adviser.ditTeamId;
    if (!team) return { none: true };
    return {
      or: [
        "created_by",
        "client_relationship_manager",
        "project_manager",
        "project_assurance_adviser",
        "team_members",
      ].map((field) => ({ match: `${field}.dit_team.id`, value: team })),
    };
  },
  export: {
    path: "/v3/search/investment_project/export",
    permission: "investment.export_investmentproject",
    columns: {
      created_on: "Date created",
      computed_project_code: "Project reference",
      name: "Project name",
      investor_company__name: "Investor company",
      investor_company__address_town: "Investor company town or city",
      investor_company__address_area__name: "Investor company area",
      country_investment_originates_from__name: "Country of origin",
      investment_type__name: "Investment type",
      status_name: "Status",
      stage__name: "Stage",
      link: "Link",
      actual_land_date: "Actual land date",
      estimated_land_date: "Estimated land date",
      fdi_value__name: "FDI value",
      sector_name: "Sector",
      date_of_latest_interaction: "Date of latest interaction",
      project_manager_name: "Project manager",
      client_relationship_manager_name: "Client relationship manager",
      investor_company_global_account_manager: "Global account manager",
      project_assurance_adviser_name: "Project assurance adviser",
      team_member_names: "Other team members",
      delivery_partner_names: "Delivery partners",
      uk_region_location_names: "Possible UK regions",
      actual_uk_region_names: "Actual UK regions",
      specific_programme_names: "Specific investment programmes",
      referral_source_activity__name: "Referral source activity",
      referral_source_activity_website__name: "Referral source activity website",
      total_investment: "Total investment",
      number_new_jobs: "New jobs",
      average_salary__name: "Average salary of new jobs",
      number_safeguarded_jobs: "Safeguarded jobs",
      level_of_involvement__name: "Level of involvement",
      r_and_d_budget: "R&D budget",
      non_fdi_r_and_d_budget: "Associated non-FDI R&D project",
      new_tech_to_uk: "New to world tech",
      likelihood_to_land__name: "Likelihood to land",
      fdi_type__name: "FDI type",
      foreign_equity_investment: "Foreign equity investment",
      gva_multiplier__multiplier: "GVA multiplier",
      gross_value_added: "GVA",
    },
    rows: projectExportRows,
  },
});

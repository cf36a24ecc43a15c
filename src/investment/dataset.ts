/**
 * Investment projects' datasets for Data Workspace: the projects flattened
 * (`investment-projects-dataset`), and the SPI report's service performance dates per
 * project (`investment-projects-activity-dataset`, the original's SPIReportFormatter rows:
 * unset values are `""`, datetimes as Python's isoformat).
 */
import { z } from "@hono/zod-openapi";
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";
import { col, type Dataset, day, num, of, treePath, ts } from "../dataset/dataset.ts";
import { projectCode } from "./queries.ts";
import { STAGES } from "./rules.ts";

/** Names of a project's M2M rows, ordered by name; null when there are none. */
const names = (sql: Db, through: string, column: string, table: string) =>
  sql`(select array_agg(r.name order by r.name)
    from ${sql(through)} x join ${sql(table)} r on r.id = x.${sql(column)}
    where x.investmentproject_id = t.id)`;

/** An ArrayAgg over a left join of the project's rows, as the original: [null] when none. */
const leftJoinAgg = (sql: Db, value: Fragment, order: Fragment, from: Fragment) =>
  sql`(select array_agg(${value} order by ${order}) from (select 1) one left join ${from})`;

/** The full sector name of a company the project names. */
const companySector = (sql: Db, column: string) =>
  sql`(select string_agg(a.segment, ' : ' order by a.lft)
    from company_company c join metadata_sector s on s.id = c.sector_id
      join metadata_sector a on a.tree_id = s.tree_id and a.lft <= s.lft and a.rght >= s.rght
    where c.id = t.${sql(column)})`;

export const investmentProjectsDataset: Dataset = {
  name: "investment-projects-dataset",
  summary: "Investment projects",
  row: z.object({
    actual_land_date: col.date(),
    actual_uk_region_names: col.texts(),
    address_1: col.text(),
    address_2: col.text(),
    address_town: col.text(),
    address_postcode: col.text(),
    anonymous_description: col.text(),
    associated_non_fdi_r_and_d_project_id: col.uuid(),
    average_salary__name: col.text(),
    business_activity_names: col.texts(),
    client_relationship_manager_id: col.uuid(),
    client_requirements: col.text(),
    client_contact_ids: col.uuids(),
    client_contact_names: col.texts(),
    client_contact_emails: col.texts(),
    competing_countries: col.texts(),
    country_investment_originates_from_id: col.uuid(),
    country_investment_originates_from__name: col.text(),
    created_by_id: col.uuid(),
    created_on: col.datetime(),
    delivery_partner_names: col.texts(),
    description: col.text(),
    estimated_land_date: col.date(),
    export_revenue: col.bool(),
    fdi_type__name: col.text(),
    fdi_value__name: col.text(),
    foreign_equity_investment: col.number(),
    government_assistance: col.bool(),
    gross_value_added: col.number(),
    gva_multiplier__multiplier: col.number(),
    id: col.uuid(),
    investment_type__name: col.text(),
    investor_company_id: col.uuid(),
    investor_company_sector: col.text(),
    investor_type__name: col.text(),
    level_of_involvement_name: col.text(),
    likelihood_to_land__name: col.text(),
    modified_by_id: col.uuid(),
    modified_on: col.datetime(),
    name: col.text(),
    new_tech_to_uk: col.bool(),
    non_fdi_r_and_d_budget: col.bool(),
    number_new_jobs: col.int(),
    number_safeguarded_jobs: col.int(),
    other_business_activity: col.text(),
    project_arrived_in_triage_on: col.date(),
    project_assurance_adviser_id: col.uuid(),
    project_first_moved_to_won: col.datetime(),
    project_manager_id: col.uuid(),
    project_reference: col.text(),
    proposal_deadline: col.date(),
    r_and_d_budget: col.bool(),
    referral_source_activity__name: col.text(),
    referral_source_activity_marketing__name: col.text(),
    referral_source_activity_website__name: col.text(),
    sector_name: col.text(),
    specific_programme_names: col.texts(),
    stage__name: col.text(),
    status: col.text(),
    strategic_driver_names: col.texts(),
    team_member_ids: col.uuids(),
    total_investment: col.number(),
    uk_company_id: col.uuid(),
    uk_company_sector: col.text(),
    uk_region_location_names: col.texts(),
    eyb_lead_ids: col.uuids(),
  }),
  from: (sql) => sql`investment_investmentproject t`,
  joins: {
    average_salary: ["metadata_salaryrange", "average_salary_id"],
    country_investment_originates_from: [
      "metadata_country",
      "country_investment_originates_from_id",
    ],
    fdi_type: ["metadata_fditype", "fdi_type_id"],
    fdi_value: ["metadata_fdivalue", "fdi_value_id"],
    gva_multiplier: ["investment_gvamultiplier", "gva_multiplier_id"],
    investment_type: ["metadata_investmenttype", "investment_type_id"],
    investor_type: ["investment_investortype", "investor_type_id"],
    level_of_involvement: ["investment_involvement", "level_of_involvement_id"],
    likelihood_to_land: ["investment_likelihoodtoland", "likelihood_to_land_id"],
    referral_source_activity: ["metadata_referralsourceactivity", "referral_source_activity_id"],
    referral_source_activity_marketing: [
      "metadata_referralsourcemarketing",
      "referral_source_activity_marketing_id",
    ],
    referral_source_activity_website: [
      "metadata_referralsourcewebsite",
      "referral_source_activity_website_id",
    ],
    stage: ["metadata_investmentprojectstage", "stage_id"],
  },
  select: (sql) => {
    const contacts = sql`investment_investmentproject_client_contacts x
      join company_contact k on k.id = x.contact_id on x.investmentproject_id = t.id`;
    return {
      actual_land_date: day(sql, "actual_land_date"),
      actual_uk_region_names: names(
        sql,
        "investment_investmentproject_actual_uk_regions",
        "ukregion_id",
        "metadata_ukregion",
      ),
      average_salary__name: of(sql, "average_salary"),
      business_activity_names: names(
        sql,
        "investment_investmentproject_business_activities",
        "investmentbusinessactivity_id",
        "metadata_investmentbusinessactivity",
      ),
      client_contact_ids: leftJoinAgg(sql, sql`k.id`, sql`k.id`, contacts),
      // Django's Concat reads a missing name as "".
      client_contact_names: leftJoinAgg(
        sql,
        sql`coalesce(k.first_name, '') || ' ' || coalesce(k.last_name, '')`,
        sql`k.first_name, k.last_name`,
        contacts,
      ),
      client_contact_emails: leftJoinAgg(sql, sql`k.email`, sql`k.email`, contacts),
      competing_countries: leftJoinAgg(
        sql,
        sql`c.name`,
        sql`c.name`,
        sql`investment_investmentproject_competitor_countries x
          join metadata_country c on c.id = x.country_id on x.investmentproject_id = t.id`,
      ),
      country_investment_originates_from__name: of(sql, "country_investment_originates_from"),
      created_on: ts(sql, "created_on"),
      delivery_partner_names: names(
        sql,
        "investment_investmentproject_delivery_partners",
        "investmentdeliverypartner_id",
        "investment_investmentdeliverypartner",
      ),
      estimated_land_date: day(sql, "estimated_land_date"),
      fdi_type__name: of(sql, "fdi_type"),
      fdi_value__name: of(sql, "fdi_value"),
      foreign_equity_investment: num(sql, "foreign_equity_investment"),
      gross_value_added: num(sql, "gross_value_added"),
      gva_multiplier__multiplier: sql`gva_multiplier.multiplier::float8`,
      investment_type__name: of(sql, "investment_type"),
      investor_company_sector: companySector(sql, "investor_company_id"),
      investor_type__name: of(sql, "investor_type"),
      level_of_involvement_name: sql`coalesce(level_of_involvement.name, '')`,
      likelihood_to_land__name: of(sql, "likelihood_to_land"),
      modified_on: ts(sql, "modified_on"),
      project_arrived_in_triage_on: day(sql, "project_arrived_in_triage_on"),
      project_first_moved_to_won: sql`(select api_datetime(l.created_on)
        from investment_investmentprojectstagelog l
        where l.investment_project_id = t.id and l.stage_id = ${STAGES.won.id}
        order by l.created_on limit 1)`,
      project_reference: projectCode(sql, "t"),
      proposal_deadline: day(sql, "proposal_deadline"),
      referral_source_activity__name: of(sql, "referral_source_activity"),
      referral_source_activity_marketing__name: of(sql, "referral_source_activity_marketing"),
      referral_source_activity_website__name: of(sql, "referral_source_activity_website"),
      sector_name: treePath(sql, "metadata_sector", "sector_id"),
      specific_programme_names: names(
        sql,
        "investment_investmentproject_specific_programmes",
        "specificprogramme_id",
        "investment_specificprogramme",
      ),
      stage__name: of(sql, "stage"),
      strategic_driver_names: names(
        sql,
        "investment_investmentproject_strategic_drivers",
        "investmentstrategicdriver_id",
        "metadata_investmentstrategicdriver",
      ),
      team_member_ids: leftJoinAgg(
        sql,
        sql`m.adviser_id`,
        sql`m.id`,
        sql`investment_investmentprojectteammember m on m.investment_project_id = t.id`,
      ),
      total_investment: num(sql, "total_investment"),
      uk_company_sector: companySector(sql, "uk_company_id"),
      uk_region_location_names: names(
        sql,
        "investment_investmentproject_uk_region_locations",
        "ukregion_id",
        "metadata_ukregion",
      ),
      eyb_lead_ids: sql`(select array_agg(x.eyblead_id order by x.eyblead_id)
        from investment_lead_eyblead_investment_projects x
        where x.investmentproject_id = t.id)`,
    };
  },
  updatedSince: "modified_on",
};

/** The SPI report's services (datahub/investment/project/report/spi.py). */
const SPI1_END_SERVICES = [
  "73ceedc1-c139-4bdf-9e47-17b1bae488da", // requested more information
  "4f142041-2b9d-4776-ace8-22612260eae6", // confirmed prospect
  "2591b204-8a31-4824-a93b-d7a03dca8cb5", // assigned to IST-CMC
  "c579b89b-d49d-4926-a6a4-0a1459cd25cb", // assigned to IST-SAS
  "38a67092-f485-4ea1-8a1a-402b949d2d13", // assigned to HQ
  "48e6bc3e-56c5-4bdc-a718-093614547d73", // transferred to LEP
  "05c8175a-abf5-4cc6-af34-bcee8699fd4b", // transferred to DA
  "c707f81d-ae66-490a-98f5-575438944c43", // transferred to L&P
];
const SPI2_START_SERVICES = [
  "2591b204-8a31-4824-a93b-d7a03dca8cb5",
  "c579b89b-d49d-4926-a6a4-0a1459cd25cb",
];
const SPI5_END_SERVICES = ["79824229-fd87-483f-b929-8f2b9531492b"]; // IST aftercare offered
const NEW_INVESTOR = "e6a01052-8c36-4a32-b5b9-fc2be4b34408";

/** A datetime as Python's isoformat() writes an aware UTC one (`+00:00`). */
const isoformat = (sql: Db, value: Fragment) => sql`(left(api_datetime(${value}), -1) || '+00:00')`;

/** The earliest of the project's interactions with one of `services`: `column` of it, or "". */
const earliestSpi = (sql: Db, services: string[], column: (i: Fragment) => Fragment) =>
  sql`coalesce((select ${column(sql`i`)} from interaction_interaction i
    where i.investment_project_id = t.id and i.service_id = any(${services}::uuid[])
    order by i.created_on limit 1), '')`;

/** Whether the project manager is in an Investment Services Team (SPI 2 and 5 need one). */
const istManaged = (sql: Db) =>
  sql`exists (select 1 from company_advisor pm join metadata_team pt on pt.id = pm.dit_team_id
    where pm.id = t.project_manager_id and 'investment_services_team' = any(pt.tags))`;

export const investmentProjectsActivityDataset: Dataset = {
  name: "investment-projects-activity-dataset",
  summary: "Investment projects' SPI report",
  row: z.object({
    investment_project_id: col.uuid(),
    enquiry_processed: col.text(),
    enquiry_type: col.text(),
    enquiry_processed_by_id: col.text(),
    assigned_to_ist: col.text(),
    project_manager_assigned: col.text(),
    project_manager_assigned_by_id: col.text(),
    project_moved_to_won: col.text(),
    aftercare_offered_on: col.text(),
    propositions: z.array(z.object({
      deadline: z.string(),
      status: z.string(),
      modified_on: z.string(),
      adviser_id: z.string(),
    })),
  }),
  from: (sql) => sql`investment_investmentproject t`,
  select: (sql) => {
    const spi5 = sql`${istManaged(sql)} and t.investor_type_id = ${NEW_INVESTOR}`;
    return {
      investment_project_id: sql`t.id`,
      enquiry_processed: earliestSpi(
        sql,
        SPI1_END_SERVICES,
        (i) => isoformat(sql, sql`${i}.created_on`),
      ),
      enquiry_type: earliestSpi(
        sql,
        SPI1_END_SERVICES,
        (i) =>
          sql`(select string_agg(a.segment, ' : ' order by a.lft)
            from metadata_service s join metadata_service a
              on a.tree_id = s.tree_id and a.lft <= s.lft and a.rght >= s.rght
            where s.id = ${i}.service_id)`,
      ),
      enquiry_processed_by_id: earliestSpi(
        sql,
        SPI1_END_SERVICES,
        (i) => sql`${i}.created_by_id::text`,
      ),
      assigned_to_ist: earliestSpi(
        sql,
        SPI2_START_SERVICES,
        (i) => isoformat(sql, sql`${i}.created_on`),
      ),
      project_manager_assigned: sql`case when ${istManaged(sql)} then
        coalesce(${isoformat(sql, sql`t.project_manager_first_assigned_on`)}, '') else '' end`,
      project_manager_assigned_by_id: sql`case when ${istManaged(sql)}
        and t.project_manager_first_assigned_on is not null
        then coalesce(t.project_manager_first_assigned_by_id::text, '') else '' end`,
      project_moved_to_won: sql`case when ${spi5} then coalesce((select ${
        isoformat(sql, sql`l.created_on`)
      }
        from investment_investmentprojectstagelog l
        where l.investment_project_id = t.id and l.stage_id = ${STAGES.won.id}
        order by l.created_on limit 1), '') else '' end`,
      aftercare_offered_on: sql`case when ${spi5} then ${
        earliestSpi(sql, SPI5_END_SERVICES, (i) => isoformat(sql, sql`${i}.created_on`))
      } else '' end`,
      propositions: sql`(select coalesce(jsonb_agg(jsonb_build_object(
          'deadline', to_char(pr.deadline, 'YYYY-MM-DD'),
          'status', pr.status,
          'modified_on', case when pr.status = 'ongoing' then ''
            else coalesce(${isoformat(sql, sql`pr.modified_on`)}, '') end,
          'adviser_id', pr.adviser_id) order by pr.created_on), '[]'::jsonb)
        from proposition_proposition pr where pr.investment_project_id = t.id)`,
    };
  },
};

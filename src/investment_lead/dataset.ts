/**
 * Expand Your Business leads as a Data Workspace dataset (`expand-your-business-dataset`):
 * the lead's columns with its references as ids, and the ids of the projects it led to.
 * Paged by (modified_on, created_on) as the original, with the id as tie-breaker so rows
 * sharing both stamps are neither skipped nor repeated.
 */
import { z } from "@hono/zod-openapi";
import { col, type Dataset, ts } from "../dataset/dataset.ts";

export const eybLeadsDataset: Dataset = {
  name: "expand-your-business-dataset",
  summary: "Expand Your Business leads",
  row: z.object({
    id: col.uuid(),
    modified_on: col.datetime(),
    triage_hashed_uuid: col.text(),
    triage_created: col.datetime(),
    triage_modified: col.datetime(),
    sector: col.uuid(),
    sector_segments: col.texts(),
    intent: col.texts(),
    intent_other: col.text(),
    proposed_investment_region: col.uuid(),
    proposed_investment_city: col.text(),
    proposed_investment_location_none: col.bool(),
    hiring: col.text(),
    spend: col.text(),
    spend_other: col.text(),
    is_high_value: col.bool(),
    user_hashed_uuid: col.text(),
    user_created: col.datetime(),
    user_modified: col.datetime(),
    company_name: col.text(),
    duns_number: col.text(),
    address_1: col.text(),
    address_2: col.text(),
    address_town: col.text(),
    address_county: col.text(),
    address_country: col.uuid(),
    address_postcode: col.text(),
    company_website: col.text(),
    full_name: col.text(),
    role: col.text(),
    email: col.text(),
    telephone_number: col.text(),
    agree_terms: col.bool(),
    agree_info_email: col.bool(),
    landing_timeframe: col.text(),
    company: col.uuid(),
    investment_project_ids: col.uuids(),
    marketing_hashed_uuid: col.text(),
    utm_name: col.text(),
    utm_source: col.text(),
    utm_medium: col.text(),
    utm_content: col.text(),
  }),
  from: (sql) => sql`investment_lead_eyblead t`,
  select: (sql) => ({
    modified_on: ts(sql, "modified_on"),
    triage_created: ts(sql, "triage_created"),
    triage_modified: ts(sql, "triage_modified"),
    sector: sql`t.sector_id`,
    proposed_investment_region: sql`t.proposed_investment_region_id`,
    user_created: ts(sql, "user_created"),
    user_modified: ts(sql, "user_modified"),
    address_country: sql`t.address_country_id`,
    company: sql`t.company_id`,
    investment_project_ids: sql`(select coalesce(array_agg(p.id order by p.name, p.id), '{}')
      from investment_lead_eyblead_investment_projects x
      join investment_investmentproject p on p.id = x.investmentproject_id
      where x.eyblead_id = t.id)`,
  }),
  ordering: [
    { column: "modified_on", type: "timestamptz" },
    { column: "created_on", type: "timestamptz" },
    { column: "id", type: "uuid" },
  ],
};

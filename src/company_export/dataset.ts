/** Export pipeline items' dataset for Data Workspace. */
import { z } from "@hono/zod-openapi";
import { col, type Dataset, day, num, of, treePath, ts } from "../dataset/dataset.ts";

export const companyExportDataset: Dataset = {
  name: "company-export-dataset",
  summary: "Company exports (the export pipeline)",
  row: z.object({
    created_on: col.datetime(),
    modified_on: col.datetime(),
    created_by_id: col.uuid(),
    modified_by_id: col.uuid(),
    archived: col.bool(),
    archived_on: col.datetime(),
    archived_reason: col.text(),
    archived_by_id: col.uuid(),
    id: col.uuid(),
    company_id: col.uuid(),
    company_name: col.text(),
    title: col.text(),
    owner_id: col.uuid(),
    estimated_export_value_years__name: col.text(),
    estimated_export_value_amount: col.number(),
    estimated_win_date: col.date(),
    destination_country__name: col.text(),
    destination_country__iso_alpha2_code: col.text(),
    export_potential: col.text(),
    status: col.text(),
    exporter_experience__name: col.text(),
    notes: col.text(),
    sector_name: col.text(),
    contact_ids: col.uuids(),
    team_member_ids: col.uuids(),
  }),
  from: (sql) => sql`company_companyexport t`,
  joins: {
    company: ["company_company", "company_id"],
    estimated_export_value_years: ["company_exportyear", "estimated_export_value_years_id"],
    destination_country: ["metadata_country", "destination_country_id"],
    exporter_experience: ["company_exportexperience", "exporter_experience_id"],
  },
  select: (sql) => ({
    created_on: ts(sql, "created_on"),
    modified_on: ts(sql, "modified_on"),
    archived_on: ts(sql, "archived_on"),
    company_name: of(sql, "company"),
    estimated_export_value_years__name: of(sql, "estimated_export_value_years"),
    estimated_export_value_amount: num(sql, "estimated_export_value_amount"),
    estimated_win_date: day(sql, "estimated_win_date"),
    destination_country__name: of(sql, "destination_country"),
    destination_country__iso_alpha2_code: of(sql, "destination_country", "iso_alpha2_code"),
    exporter_experience__name: of(sql, "exporter_experience"),
    sector_name: treePath(sql, "metadata_sector", "sector_id"),
    // get_array_agg_subquery: null when there are none.
    contact_ids: sql`(select array_agg(x.contact_id order by c.created_on)
      from company_companyexport_contacts x join company_contact c on c.id = x.contact_id
      where x.companyexport_id = t.id)`,
    team_member_ids: sql`(select array_agg(x.advisor_id order by a.date_joined)
      from company_companyexport_team_members x join company_advisor a on a.id = x.advisor_id
      where x.companyexport_id = t.id)`,
  }),
  updatedSince: "modified_on",
};

/**
 * Investment projects written straight to their tables, for the tests of domains that
 * only read them (tasks, reminders): the columns those read, and a `DHP-` project code.
 */
import type { Sql } from "../../src/db/pool.ts";

const FDI = "3e143372-496c-4d1e-8278-6fdd3da9b48b";
export const PROJECT_STAGE = {
  prospect: "8a320cc9-ae2e-443e-9d26-2f36452c2ced",
  active: "7606cc19-20da-4b74-aba1-2cec0d753ad8",
};

export interface ProjectRow {
  name: string;
  investorCompanyId?: string | null;
  stageId?: string;
  status?: string;
  estimatedLandDate?: string | null;
  createdOn?: string;
  projectManagerId?: string | null;
  assuranceAdviserId?: string | null;
  clientRelationshipManagerId?: string | null;
  referralSourceAdviserId?: string | null;
}

export async function insertProject(sql: Sql, p: ProjectRow): Promise<string> {
  const [{ id }] = await sql<{ id: string }[]>`
    insert into investment_investmentproject (name, description, investment_type_id,
      investor_company_id, stage_id, status, estimated_land_date, created_on, modified_on,
      project_manager_id, project_assurance_adviser_id, client_relationship_manager_id,
      referral_source_adviser_id)
    values (${p.name}, 'A project', ${FDI}, ${p.investorCompanyId ?? null},
      ${p.stageId ?? PROJECT_STAGE.active}, ${p.status ?? "ongoing"},
      ${p.estimatedLandDate ?? null}, ${p.createdOn ?? "2020-01-01T00:00:00Z"},
      ${p.createdOn ?? "2020-01-01T00:00:00Z"}, ${p.projectManagerId ?? null},
      ${p.assuranceAdviserId ?? null}, ${p.clientRelationshipManagerId ?? null},
      ${p.referralSourceAdviserId ?? null})
    returning id::text`;
  await sql`insert into investment_investmentprojectcode (project_id) values (${id})`;
  return id;
}

/** The project's `DHP-…` code. */
export async function projectCodeOf(sql: Sql, id: string): Promise<string> {
  const [{ code }] = await sql<{ code: string }[]>`
    select 'DHP-' || lpad(id::text, 8, '0') as code from investment_investmentprojectcode
    where project_id = ${id}`;
  return code;
}

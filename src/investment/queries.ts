/**
 * All SQL of investment projects: the response JSON (built in SQL, the serializer's
 * fields in its order), the list with its filters and sort terms, team association
 * (the `*_associated_*` permissions), the writes (row, M2M sets, project code, stage
 * log, notes), team members and the GVA multiplier lookup. Companies, contacts and
 * advisers are only named here.
 */
import type { Db } from "../db/pool.ts";
import { insertRow, replaceLinks, updateRow } from "../db/rows.ts";
import { type Fragment, joinFragments, where } from "../db/fragments.ts";
import { adviser, adviserName, datetime, documentsById, jsonObject, ref } from "../core/render.ts";
import { adviserRef, type VersionedEntity } from "../core/versions.ts";
import { orderBy, parseSortby, type SortChoices } from "../http/sortby.ts";
import { listKeys } from "../http/pagination.ts";
import type { PageVersions } from "../core/cache_version.ts";
import { autocompletePatterns } from "../http/filter_values.ts";
import type { AdviserActivity, CompanyInUse } from "../core/housekeeping.ts";
import { leadName } from "../investment_lead/queries.ts";

/** M2M fields: field → join table, its target column and the target's table. */
export const M2M = {
  specific_programmes: {
    table: "investment_investmentproject_specific_programmes",
    target: "specificprogramme_id",
    ref: "investment_specificprogramme",
  },
  client_contacts: {
    table: "investment_investmentproject_client_contacts",
    target: "contact_id",
    ref: "company_contact",
  },
  business_activities: {
    table: "investment_investmentproject_business_activities",
    target: "investmentbusinessactivity_id",
    ref: "metadata_investmentbusinessactivity",
  },
  competitor_countries: {
    table: "investment_investmentproject_competitor_countries",
    target: "country_id",
    ref: "metadata_country",
  },
  uk_region_locations: {
    table: "investment_investmentproject_uk_region_locations",
    target: "ukregion_id",
    ref: "metadata_ukregion",
  },
  actual_uk_regions: {
    table: "investment_investmentproject_actual_uk_regions",
    target: "ukregion_id",
    ref: "metadata_ukregion",
  },
  delivery_partners: {
    table: "investment_investmentproject_delivery_partners",
    target: "investmentdeliverypartner_id",
    ref: "investment_investmentdeliverypartner",
  },
  strategic_drivers: {
    table: "investment_investmentproject_strategic_drivers",
    target: "investmentstrategicdriver_id",
    ref: "metadata_investmentstrategicdriver",
  },
} as const;
export type M2MField = keyof typeof M2M;

/** Single references of the body → the table each points at. */
export const FOREIGN_KEYS = {
  investment_type: "metadata_investmenttype",
  stage: "metadata_investmentprojectstage",
  likelihood_to_land: "investment_likelihoodtoland",
  country_lost_to: "metadata_country",
  country_investment_originates_from: "metadata_country",
  investor_company: "company_company",
  investor_type: "investment_investortype",
  intermediate_company: "company_company",
  level_of_involvement: "investment_involvement",
  client_relationship_manager: "company_advisor",
  referral_source_adviser: "company_advisor",
  referral_source_activity: "metadata_referralsourceactivity",
  referral_source_activity_website: "metadata_referralsourcewebsite",
  referral_source_activity_marketing: "metadata_referralsourcemarketing",
  fdi_type: "metadata_fditype",
  sector: "metadata_sector",
  fdi_value: "metadata_fdivalue",
  average_salary: "metadata_salaryrange",
  associated_non_fdi_r_and_d_project: "investment_investmentproject",
  uk_company: "company_company",
  project_manager: "company_advisor",
  project_assurance_adviser: "company_advisor",
  project_manager_request_status: "investment_projectmanagerrequeststatus",
} as const;

const contactName = (sql: Db) =>
  sql`concat_ws(' ', nullif(r.first_name, ''), nullif(r.last_name, ''))`;

/** How projects are versioned (audit): foreign keys named, M2M sets as name lists. */
export const projectEntity: VersionedEntity = {
  entity: "investment_project",
  table: "investment_investmentproject",
  foreignKeys: {
    ...Object.fromEntries(
      Object.entries(FOREIGN_KEYS).map(([field, table]) => [
        `${field}_id`,
        table === "company_advisor" ? adviserRef : { table },
      ]),
    ),
    archived_by_id: adviserRef,
    gva_multiplier_id: { table: "investment_gvamultiplier", name: (sql) => sql`r.id::text` },
    project_manager_first_assigned_by_id: adviserRef,
  },
  manyToMany: Object.fromEntries(
    Object.entries(M2M).map(([field, m]) => [field, {
      table: m.table,
      source: "investmentproject_id",
      target: m.target,
      ref: m.ref === "company_contact" ? { table: m.ref, name: contactName } : { table: m.ref },
    }]),
  ),
};

/** Team members are versioned on their own, as the original registers them. */
export const teamMemberEntity: VersionedEntity = {
  entity: "investment_project_team_member",
  table: "investment_investmentprojectteammember",
  foreignKeys: {
    adviser_id: adviserRef,
    investment_project_id: { table: "investment_investmentproject" },
  },
};

const date = (sql: Db, column: Fragment) => sql`to_char(${column}, 'YYYY-MM-DD')`;

/** `DHP-00000001` from the serial, unless the project has a CDMS code. */
export const projectCode = (sql: Db, alias: string) =>
  sql`coalesce(${sql(alias)}.cdms_project_code, (select 'DHP-' || lpad(pc.id::text,
    greatest(8, length(pc.id::text)), '0') from investment_investmentprojectcode pc
    where pc.project_id = ${sql(alias)}.id))`;

/** `{name, id}` list of an M2M field of the project aliased `p`. */
function m2mJson(sql: Db, field: M2MField): Fragment {
  const m = M2M[field];
  const name = m.ref === "company_contact" ? contactName(sql) : sql`r.name`;
  return sql`(select coalesce(jsonb_agg(jsonb_build_object('name', ${name}, 'id', r.id)
      order by j.id), '[]'::jsonb)
    from ${sql(m.table)} j join ${sql(m.ref)} r on r.id = j.${sql(m.target)}
    where j.investmentproject_id = p.id)`;
}

const teamOf = (sql: Db, adviserId: Fragment) =>
  sql`(select jsonb_build_object('name', t.name, 'id', t.id) from company_advisor a
    join metadata_team t on t.id = a.dit_team_id where a.id = ${adviserId})`;

/** The project aliased `p` as IProjectSerializer renders it (computed fields aside). */
export function projectJson(sql: Db): Fragment {
  const fk = (field: keyof typeof FOREIGN_KEYS) =>
    ref(sql, FOREIGN_KEYS[field], sql`p.${sql(`${field}_id`)}`);
  const adv = (column: string) => adviser(sql, sql`p.${sql(column)}`);
  const col = (column: string) => sql`p.${sql(column)}`;
  const pairs: [string, Fragment | null][] = [
    ["id", sql`p.id`],
    ["name", col("name")],
    ["project_code", projectCode(sql, "p")],
    ["description", col("description")],
    ["anonymous_description", col("anonymous_description")],
    ["allow_blank_estimated_land_date", col("allow_blank_estimated_land_date")],
    ["estimated_land_date", date(sql, sql`p.estimated_land_date`)],
    ["actual_land_date", date(sql, sql`p.actual_land_date`)],
    ["quotable_as_public_case_study", col("quotable_as_public_case_study")],
    ["likelihood_to_land", fk("likelihood_to_land")],
    ["priority", col("priority")],
    ["approved_commitment_to_invest", col("approved_commitment_to_invest")],
    ["approved_fdi", col("approved_fdi")],
    ["approved_good_value", col("approved_good_value")],
    ["approved_high_value", col("approved_high_value")],
    ["approved_landed", col("approved_landed")],
    ["approved_non_fdi", col("approved_non_fdi")],
    ["investment_type", fk("investment_type")],
    ["stage", fk("stage")],
    ["status", col("status")],
    ["reason_delayed", col("reason_delayed")],
    ["reason_abandoned", col("reason_abandoned")],
    ["date_abandoned", date(sql, sql`p.date_abandoned`)],
    ["reason_lost", col("reason_lost")],
    ["date_lost", date(sql, sql`p.date_lost`)],
    ["country_lost_to", fk("country_lost_to")],
    ["investor_company", fk("investor_company")],
    ["investor_type", fk("investor_type")],
    [
      "investor_company_country",
      sql`(select jsonb_build_object('name', m.name, 'id', m.id) from company_company c
        join metadata_country m on m.id = c.address_country_id where c.id = p.investor_company_id)`,
    ],
    ["intermediate_company", fk("intermediate_company")],
    ["level_of_involvement", fk("level_of_involvement")],
    ["specific_programmes", m2mJson(sql, "specific_programmes")],
    ["client_contacts", m2mJson(sql, "client_contacts")],
    ["client_relationship_manager", adv("client_relationship_manager_id")],
    ["client_relationship_manager_team", teamOf(sql, sql`p.client_relationship_manager_id`)],
    ["referral_source_adviser", adv("referral_source_adviser_id")],
    ["referral_source_activity", fk("referral_source_activity")],
    ["referral_source_activity_website", fk("referral_source_activity_website")],
    ["referral_source_activity_marketing", fk("referral_source_activity_marketing")],
    ["referral_source_activity_event", col("referral_source_activity_event")],
    ["fdi_type", fk("fdi_type")],
    ["sector", fk("sector")],
    ["business_activities", m2mJson(sql, "business_activities")],
    ["other_business_activity", col("other_business_activity")],
    ["archived", col("archived")],
    ["archived_documents_url_path", col("archived_documents_url_path")],
    ["archived_on", datetime(sql, sql`p.archived_on`)],
    ["archived_reason", col("archived_reason")],
    ["archived_by", adv("archived_by_id")],
    [
      "created_by",
      sql`(select jsonb_build_object('name', ${adviserName(sql, "a")},
          'contact_email', a.contact_email, 'dit_team', ${
        ref(sql, "metadata_team", sql`a.dit_team_id`)
      },
          'id', a.id) from company_advisor a where a.id = p.created_by_id)`,
    ],
    ["created_on", datetime(sql, sql`p.created_on`)],
    ["modified_on", datetime(sql, sql`p.modified_on`)],
    ["comments", col("comments")],
    ["country_investment_originates_from", fk("country_investment_originates_from")],
    [
      "level_of_involvement_simplified",
      sql`(case when p.level_of_involvement_id is null then 'unspecified'
        when p.level_of_involvement_id = '945f13e9-9a27-4921-8d2d-8daf5a4c59a8'
        then 'not_involved' else 'involved' end)`,
    ],
    ["gross_value_added", sql`p.gross_value_added::text`],
    [
      "gva_multiplier",
      sql`(select jsonb_build_object('id', g.id,
          'sector_classification_gva_multiplier', g.sector_classification_gva_multiplier)
        from investment_gvamultiplier g where g.id = p.gva_multiplier_id)`,
    ],
    ["fdi_value", fk("fdi_value")],
    ["total_investment", sql`p.total_investment::text`],
    ["foreign_equity_investment", sql`p.foreign_equity_investment::text`],
    ["government_assistance", col("government_assistance")],
    ["some_new_jobs", col("some_new_jobs")],
    ["number_new_jobs", col("number_new_jobs")],
    ["will_new_jobs_last_two_years", col("will_new_jobs_last_two_years")],
    ["actual_average_salary", col("actual_average_salary")],
    ["average_salary", fk("average_salary")],
    ["number_safeguarded_jobs", col("number_safeguarded_jobs")],
    ["r_and_d_budget", col("r_and_d_budget")],
    ["non_fdi_r_and_d_budget", col("non_fdi_r_and_d_budget")],
    [
      "associated_non_fdi_r_and_d_project",
      sql`(select jsonb_build_object('name', ap.name, 'project_code', ${projectCode(sql, "ap")},
          'id', ap.id)
        from investment_investmentproject ap where ap.id = p.associated_non_fdi_r_and_d_project_id)`,
    ],
    ["new_tech_to_uk", col("new_tech_to_uk")],
    ["export_revenue", col("export_revenue")],
    ["client_cannot_provide_total_investment", col("client_cannot_provide_total_investment")],
    ["client_cannot_provide_foreign_investment", col("client_cannot_provide_foreign_investment")],
    ["client_requirements", col("client_requirements")],
    ["site_decided", col("site_decided")],
    ["site_address_is_company_address", col("site_address_is_company_address")],
    ["address_1", col("address_1")],
    ["address_2", col("address_2")],
    ["address_town", col("address_town")],
    ["address_postcode", col("address_postcode")],
    ["competitor_countries", m2mJson(sql, "competitor_countries")],
    ["allow_blank_possible_uk_regions", col("allow_blank_possible_uk_regions")],
    ["uk_region_locations", m2mJson(sql, "uk_region_locations")],
    ["actual_uk_regions", m2mJson(sql, "actual_uk_regions")],
    ["delivery_partners", m2mJson(sql, "delivery_partners")],
    ["strategic_drivers", m2mJson(sql, "strategic_drivers")],
    ["client_considering_other_countries", col("client_considering_other_countries")],
    ["uk_company_decided", col("uk_company_decided")],
    [
      "uk_company",
      sql`(select jsonb_build_object('name', c.name, 'address_1', c.address_1,
          'address_2', c.address_2, 'address_town', c.address_town,
          'address_postcode', c.address_postcode, 'id', c.id)
        from company_company c where c.id = p.uk_company_id)`,
    ],
    ["project_manager_requested_on", datetime(sql, sql`p.project_manager_requested_on`)],
    ["project_manager_request_status", fk("project_manager_request_status")],
    ["project_manager", adv("project_manager_id")],
    ["project_assurance_adviser", adv("project_assurance_adviser_id")],
    ["project_manager_team", teamOf(sql, sql`p.project_manager_id`)],
    ["project_assurance_team", teamOf(sql, sql`p.project_assurance_adviser_id`)],
    [
      "team_members",
      sql`(select coalesce(jsonb_agg(jsonb_build_object(
          'adviser', ${adviser(sql, sql`tm.adviser_id`)}, 'role', tm.role) order by tm.id),
          '[]'::jsonb)
        from investment_investmentprojectteammember tm where tm.investment_project_id = p.id)`,
    ],
    ["project_arrived_in_triage_on", date(sql, sql`p.project_arrived_in_triage_on`)],
    ["proposal_deadline", date(sql, sql`p.proposal_deadline`)],
    [
      "stage_log",
      sql`(select coalesce(jsonb_agg(jsonb_build_object(
          'stage', ${ref(sql, "metadata_investmentprojectstage", sql`sl.stage_id`)},
          'created_on', ${datetime(sql, sql`sl.created_on`)}) order by sl.created_on, sl.id),
          '[]'::jsonb)
        from investment_investmentprojectstagelog sl where sl.investment_project_id = p.id)`,
    ],
    [
      "eyb_leads",
      sql`(select coalesce(jsonb_agg(jsonb_build_object('name', ${leadName(sql, "el")},
          'id', el.id) order by j.id), '[]'::jsonb)
        from investment_lead_eyblead_investment_projects j
        join investment_lead_eyblead el on el.id = j.eyblead_id
        where j.investmentproject_id = p.id)`,
    ],
  ];
  return jsonObject(sql, pairs);
}

export type ProjectJson = Record<string, unknown>;

export async function findProject(db: Db, id: string): Promise<ProjectJson | null> {
  const [row] = await db<{ project: ProjectJson }[]>`
    select ${projectJson(db)} as project from investment_investmentproject p where p.id = ${id}`;
  return row?.project ?? null;
}

/**
 * Whether the project aliased `alias` is associated with the team: its creator, client
 * relationship manager, project manager, assurance adviser or a team member is in it.
 */
export function associatedWithTeam(sql: Db, alias: string, teamId: string): Fragment {
  const p = sql(alias);
  return sql`(exists (select 1 from company_advisor a where a.dit_team_id = ${teamId}
      and a.id in (${p}.created_by_id, ${p}.client_relationship_manager_id,
        ${p}.project_manager_id, ${p}.project_assurance_adviser_id))
    or exists (select 1 from investment_investmentprojectteammember tm
      join company_advisor a on a.id = tm.adviser_id
      where tm.investment_project_id = ${p}.id and a.dit_team_id = ${teamId}))`;
}

/** Whether the project is associated with the team (for item routes). */
export async function projectAssociated(db: Db, id: string, teamId: string): Promise<boolean> {
  const rows = await db`select 1 from investment_investmentproject p
    where p.id = ${id} and ${associatedWithTeam(db, "p", teamId)}`;
  return rows.length > 0;
}

export async function projectExists(db: Db, id: string): Promise<boolean> {
  return (await db`select 1 from investment_investmentproject where id = ${id}`).length > 0;
}

export function projectSortChoices(sql: Db): SortChoices {
  return {
    actual_land_date: "p.actual_land_date",
    created_on: "p.created_on",
    estimated_land_date: "p.estimated_land_date",
    modified_on: "p.modified_on",
    name: "p.name",
    priority: "p.priority",
    stage: sql`(select s."order" from metadata_investmentprojectstage s where s.id = p.stage_id)`,
    status: "p.status",
    total_investment: "p.total_investment",
    gross_value_added: "p.gross_value_added",
  };
}

export async function listProjects(
  db: Db,
  options: {
    scope: Fragment;
    investorCompanyId?: string;
    autocomplete?: string;
    sortby: string | undefined;
    page: { limit: number; offset: number };
    /** Cache versions to read with the page's ids (see `listKeys`). */
    versions?: PageVersions;
  },
) {
  const conditions: Fragment[] = [options.scope];
  if (options.investorCompanyId) {
    conditions.push(db`p.investor_company_id = ${options.investorCompanyId}`);
  }
  for (const pattern of autocompletePatterns(options.autocomplete ?? "")) {
    conditions.push(db`p.name ~* ${pattern}`);
  }
  const choices = projectSortChoices(db);
  const terms = parseSortby(options.sortby, choices, ["-created_on"]);
  const { count, keys, versions } = await listKeys(db, {
    from: db`investment_investmentproject p`,
    key: "p.id",
    where: where(db, conditions),
    order: orderBy(db, terms, choices, "p.id"),
    page: options.page,
    versions: options.versions,
  });
  return { count, ids: keys, versions };
}

/** The projects of `ids` that exist. */
export async function findProjects(db: Db, ids: string[]): Promise<ProjectJson[]> {
  const texts = await documentsById(db, {
    json: projectJson(db),
    table: "investment_investmentproject",
    alias: "p",
    ids,
  });
  return [...texts.values()].map((text) => JSON.parse(text) as ProjectJson);
}

/** The stored project as validation needs it beyond its rendering, locked for the write. */
export interface StoredProject {
  id: string;
  stage_id: string;
  status: string;
  project_manager_id: string | null;
  project_assurance_adviser_id: string | null;
  project_manager_requested_on: Date | null;
  country_investment_originates_from_id: string | null;
  investment_type_id: string;
  fdi_type_id: string | null;
  sector_id: string | null;
  foreign_equity_investment: string | null;
  number_new_jobs: number | null;
  business_activities: string[];
}

export async function lockProject(db: Db, id: string): Promise<StoredProject | null> {
  const [row] = await db<StoredProject[]>`
    select p.id, p.stage_id, p.status, p.project_manager_id, p.project_assurance_adviser_id,
      p.project_manager_requested_on, p.country_investment_originates_from_id,
      p.investment_type_id, p.fdi_type_id, p.sector_id, p.foreign_equity_investment::text,
      p.number_new_jobs,
      (select coalesce(array_agg(j.investmentbusinessactivity_id::text order by j.id), '{}')
       from investment_investmentproject_business_activities j
       where j.investmentproject_id = p.id) as business_activities
    from investment_investmentproject p where p.id = ${id} for update`;
  return row ?? null;
}

/**
 * The investor company's address country (the project's country of origin): null when
 * it has none, undefined when the company does not exist.
 */
export async function companyCountry(
  db: Db,
  companyId: string,
): Promise<string | null | undefined> {
  const [row] = await db<{ id: string | null }[]>`
    select address_country_id as id from company_company where id = ${companyId}`;
  return row ? row.id : undefined;
}

/** The latest GVA multiplier of the sector (by financial year), or null. */
export async function latestGvaMultiplier(db: Db, sectorId: string) {
  const [row] = await db<{ id: string; classification: string; multiplier: string }[]>`
    select id, sector_classification_gva_multiplier as classification, multiplier::text
    from investment_gvamultiplier where sector_id = ${sectorId}
    order by financial_year desc limit 1`;
  return row ?? null;
}

export const insertProject = (db: Db, columns: Record<string, unknown>) =>
  insertRow(db, "investment_investmentproject", columns);

export const updateProject = (db: Db, id: string, columns: Record<string, unknown>) =>
  updateRow(db, "investment_investmentproject", id, columns);

/** Replaces an M2M set; kept members keep their link (and so their order). */
export async function replaceM2M(db: Db, id: string, field: M2MField, ids: string[]) {
  const { table, target } = M2M[field];
  await replaceLinks(db, { table, source: "investmentproject_id", target }, id, ids);
}

/** Makes the project's EYB leads exactly `ids` (the link is kept on the lead's side). */
export async function replaceLeads(db: Db, id: string, ids: string[]) {
  await replaceLinks(
    db,
    {
      table: "investment_lead_eyblead_investment_projects",
      source: "investmentproject_id",
      target: "eyblead_id",
    },
    id,
    ids,
  );
}

export async function insertProjectCode(db: Db, projectId: string) {
  await db`insert into investment_investmentprojectcode (project_id) values (${projectId})`;
}

export async function logStage(db: Db, projectId: string, stageId: string, at: Date) {
  await db`insert into investment_investmentprojectstagelog
    (investment_project_id, stage_id, created_on) values (${projectId}, ${stageId}, ${at})`;
}

/** A note (investment activity) tied to the revision the same write recorded last. */
export async function insertNote(
  db: Db,
  projectId: string,
  note: { text: string; activityType: string },
  meta: { userId: string | null; at: Date },
) {
  await db`insert into investment_investmentactivity
    (created_on, modified_on, created_by_id, modified_by_id, text, activity_type_id,
     investment_project_id, revision_id)
    values (${meta.at}, ${meta.at}, ${meta.userId}, ${meta.userId}, ${note.text},
      ${note.activityType}, ${projectId},
      (select v.revision_id from reversion_version v
       where v.entity = 'investment_project' and v.object_id = ${projectId}
       order by v.id desc limit 1))`;
}

/** `note` of each audit entry: the activity recorded with its revision, or null. */
export async function notesOfVersions(db: Db, versionIds: number[]) {
  const rows = await db<{ version_id: number; note: Record<string, unknown> }[]>`
    select v.id as version_id, jsonb_build_object('id', ia.id, 'text', ia.text,
      'activity_type', ${ref(db, "investment_investmentactivitytype", db`ia.activity_type_id`)},
      'created_by', ${adviser(db, db`ia.created_by_id`)},
      'created_on', ${datetime(db, db`ia.created_on`)},
      'modified_on', ${datetime(db, db`ia.modified_on`)},
      'modified_by', ${adviser(db, db`ia.modified_by_id`)}) as note
    from reversion_version v join investment_investmentactivity ia
      on ia.revision_id = v.revision_id
    where v.id = any(${versionIds}::int[])`;
  return new Map(rows.map((r) => [r.version_id, r.note]));
}

// ---------------------------------------------------------------- team members

export function teamMemberJson(sql: Db): Fragment {
  return sql`jsonb_build_object(
    'investment_project', (select jsonb_build_object('name', ip.name, 'id', ip.id)
      from investment_investmentproject ip where ip.id = tm.investment_project_id),
    'adviser', ${adviser(sql, sql`tm.adviser_id`)}, 'role', tm.role)`;
}

export async function teamMembers(db: Db, projectId: string) {
  const rows = await db<{ member: Record<string, unknown> }[]>`
    select ${teamMemberJson(db)} as member from investment_investmentprojectteammember tm
    where tm.investment_project_id = ${projectId} order by tm.id`;
  return rows.map((r) => r.member);
}

export async function findTeamMember(db: Db, projectId: string, adviserId: string) {
  const [row] = await db<{ id: number; member: Record<string, unknown> }[]>`
    select tm.id, ${teamMemberJson(db)} as member from investment_investmentprojectteammember tm
    where tm.investment_project_id = ${projectId} and tm.adviser_id = ${adviserId}`;
  return row ?? null;
}

/** Adds or updates a member; returns its row id. */
export async function upsertTeamMember(
  db: Db,
  projectId: string,
  adviserId: string,
  role: string,
): Promise<string> {
  const [row] = await db<{ id: number }[]>`
    insert into investment_investmentprojectteammember (investment_project_id, adviser_id, role)
    values (${projectId}, ${adviserId}, ${role})
    on conflict (investment_project_id, adviser_id) do update set role = excluded.role
    returning id`;
  return String(row.id);
}

export async function deleteTeamMembers(db: Db, projectId: string, keep: string[] = []) {
  await db`delete from investment_investmentprojectteammember
    where investment_project_id = ${projectId} and not (adviser_id = any(${keep}::uuid[]))`;
}

export async function deleteTeamMember(db: Db, projectId: string, adviserId: string) {
  await db`delete from investment_investmentprojectteammember
    where investment_project_id = ${projectId} and adviser_id = ${adviserId}`;
}

// ---------------------------------------------------------------- housekeeping

/**
 * Advisers named by a project modified since `since` (any of its adviser fields), and
 * every team member whatever the date, as the original's deactivation rule reads them.
 */
export const projectAdviserActivity: AdviserActivity = (db, since) =>
  db`
  select unnest(array[p.created_by_id, p.modified_by_id, p.archived_by_id,
    p.client_relationship_manager_id, p.project_manager_id,
    p.project_manager_first_assigned_by_id, p.referral_source_adviser_id,
    p.project_assurance_adviser_id]) as adviser_id
  from investment_investmentproject p where p.modified_on >= ${since}
  union all
  select tm.adviser_id from investment_investmentprojectteammember tm`;

/** Companies investing in an ongoing project stay (automatic archive rule). */
export const companiesWithProjects: CompanyInUse = (db) =>
  db`
  select investor_company_id as company_id from investment_investmentproject
  where status = 'ongoing' and investor_company_id is not null`;

/** The projects naming this contact among their client contacts (their documents embed it). */
export async function projectIdsOfContact(db: Db, contactId: string): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    select investmentproject_id::text as id from investment_investmentproject_client_contacts
    where contact_id = ${contactId}`;
  return rows.map((r) => r.id);
}

/** Projects whose documents name the company (its name is embedded). */
export async function projectIdsOfCompany(db: Db, companyId: string): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    select id::text from investment_investmentproject
    where ${
    joinFragments(db, [
      db`investor_company_id = ${companyId}`,
      db`intermediate_company_id = ${companyId}`,
      db`uk_company_id = ${companyId}`,
    ], "or")
  }`;
  return rows.map((r) => r.id);
}

/** `{name, project_code, id}` of the project `id` names, or null (NestedInvestmentProjectField). */
export const projectLinkJson = (sql: Db, id: Fragment): Fragment =>
  sql`(select jsonb_build_object('name', lp.name, 'project_code', ${projectCode(sql, "lp")},
      'id', lp.id) from investment_investmentproject lp where lp.id = ${id})`;

/** Interactions of a project (their search documents embed its name and sector). */
export async function interactionIdsOfProject(db: Db, projectId: string): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    select id::text from interaction_interaction where investment_project_id = ${projectId}`;
  return rows.map((r) => r.id);
}

/** The project an interaction belongs to (its document shows the latest interaction). */
export async function projectOfInteraction(db: Db, interactionId: string): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    select investment_project_id::text as id from interaction_interaction
    where id = ${interactionId} and investment_project_id is not null`;
  return rows.map((r) => r.id);
}

/**
 * The investor company's last won project for the search summary (the original's
 * `get_latest_won`): the latest move to Won in the stage log, else the newest project at
 * Won; `last_changed` is that moment.
 */
export async function latestWonProject(db: Db, companyId: string, wonStageId: string) {
  const [row] = await db<{ id: string; name: string; last_changed: string }[]>`
    select * from (
      (select p.id, p.name, api_datetime(l.created_on) as last_changed, 1 as source
        from investment_investmentprojectstagelog l
        join investment_investmentproject p on p.id = l.investment_project_id
        where l.stage_id = ${wonStageId} and p.investor_company_id = ${companyId}
        order by l.created_on desc limit 1)
      union all
      (select p.id, p.name, api_datetime(p.created_on), 2 from investment_investmentproject p
        where p.stage_id = ${wonStageId} and p.investor_company_id = ${companyId}
        order by p.created_on desc limit 1)
    ) won order by source limit 1`;
  return row ? { id: row.id, name: row.name, last_changed: row.last_changed } : null;
}

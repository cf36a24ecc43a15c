/**
 * All SQL of the export pipeline: the response JSON (built in SQL), the caller's list with
 * its filters, the owners of the caller's exports, and writes. Other domains that link to
 * an export (interactions) render, name and check it through the exports at the end.
 */
import type { Db } from "../db/pool.ts";
import { insertRow, updateRow } from "../db/rows.ts";
import { type Fragment, where } from "../db/fragments.ts";
import { adviserName, datetime, jsonObject, ref } from "../core/render.ts";
import { adviserRef, type RefTable, sectorRef, type VersionedEntity } from "../core/versions.ts";
import { orderBy, type SortChoices, type SortTerm } from "../http/sortby.ts";
import { listPage, type Page } from "../http/pagination.ts";

export const companyExportEntity: VersionedEntity = {
  entity: "company_export",
  table: "company_companyexport",
  foreignKeys: {
    company_id: { table: "company_company" },
    owner_id: adviserRef,
    estimated_export_value_years_id: { table: "company_exportyear" },
    destination_country_id: { table: "metadata_country" },
    sector_id: sectorRef,
    exporter_experience_id: { table: "company_exportexperience" },
    archived_by_id: adviserRef,
  },
  manyToMany: {
    team_members: {
      table: "company_companyexport_team_members",
      source: "companyexport_id",
      target: "advisor_id",
      ref: adviserRef,
    },
    contacts: {
      table: "company_companyexport_contacts",
      source: "companyexport_id",
      target: "contact_id",
      ref: {
        table: "company_contact",
        name: (sql) => sql`concat_ws(' ', nullif(r.first_name, ''), nullif(r.last_name, ''))`,
      },
    },
  },
};

/** The export aliased `e` as CompanyExportSerializer (`fields = '__all__'`) renders it. */
function exportJson(sql: Db): Fragment {
  return jsonObject(sql, [
    ["id", sql`e.id`],
    ["company", ref(sql, "company_company", sql`e.company_id`)],
    [
      "owner",
      sql`(select jsonb_build_object('name', ${adviserName(sql, "a")},
          'first_name', a.first_name, 'last_name', a.last_name,
          'dit_team', ${ref(sql, "metadata_team", sql`a.dit_team_id`)}, 'id', a.id)
        from company_advisor a where a.id = e.owner_id)`,
    ],
    [
      "team_members",
      sql`(select coalesce(jsonb_agg(jsonb_build_object('name', ${adviserName(sql, "a")},
          'id', a.id) order by t.id), '[]'::jsonb)
        from company_companyexport_team_members t join company_advisor a on a.id = t.advisor_id
        where t.companyexport_id = e.id)`,
    ],
    [
      "contacts",
      sql`(select coalesce(jsonb_agg(jsonb_build_object('name', ${adviserName(sql, "ct")},
          'email', ct.email, 'id', ct.id) order by x.id), '[]'::jsonb)
        from company_companyexport_contacts x join company_contact ct on ct.id = x.contact_id
        where x.companyexport_id = e.id)`,
    ],
    ["destination_country", ref(sql, "metadata_country", sql`e.destination_country_id`)],
    ["sector", ref(sql, "metadata_sector", sql`e.sector_id`)],
    ["exporter_experience", ref(sql, "company_exportexperience", sql`e.exporter_experience_id`)],
    ["estimated_win_date", sql`to_char(e.estimated_win_date, 'YYYY-MM-DD')`],
    ["estimated_export_value_amount", sql`e.estimated_export_value_amount::text`],
    [
      "estimated_export_value_years",
      ref(sql, "company_exportyear", sql`e.estimated_export_value_years_id`),
    ],
    ["export_potential", sql`e.export_potential`],
    ["created_on", datetime(sql, sql`e.created_on`)],
    ["modified_on", datetime(sql, sql`e.modified_on`)],
    ["archived", sql`e.archived`],
    ["archived_on", datetime(sql, sql`e.archived_on`)],
    ["archived_reason", sql`e.archived_reason`],
    ["title", sql`e.title`],
    ["status", sql`e.status`],
    ["notes", sql`e.notes`],
    ["created_by", sql`e.created_by_id`],
    ["modified_by", sql`e.modified_by_id`],
    ["archived_by", sql`e.archived_by_id`],
  ]);
}

export const exportSortChoices: SortChoices = {
  company__name: "co.name",
  estimated_win_date: "e.estimated_win_date",
  estimated_export_value_amount: "e.estimated_export_value_amount",
  created_on: "e.created_on",
  title: "e.title",
};

export interface ExportFilters {
  archived?: boolean;
  destinationCountry?: string;
  owner?: string;
  sector?: string;
  winDateAfter?: string;
  winDateBefore?: string;
  exportPotential?: string[];
  status?: string[];
  teamMembers?: string[];
}

/** Exports the adviser owns or is a team member of (alias `e`). */
const involving = (db: Db, adviserId: string) =>
  db`(e.owner_id = ${adviserId} or exists(select 1 from company_companyexport_team_members t
    where t.companyexport_id = e.id and t.advisor_id = ${adviserId}))`;

export async function listExports(
  db: Db,
  options: { adviserId: string; filters: ExportFilters; sort: SortTerm[]; page: Page },
) {
  const f = options.filters;
  const conditions = [involving(db, options.adviserId)];
  if (f.archived !== undefined) conditions.push(db`e.archived = ${f.archived}`);
  if (f.destinationCountry) {
    conditions.push(db`e.destination_country_id = ${f.destinationCountry}`);
  }
  if (f.owner) conditions.push(db`e.owner_id = ${f.owner}`);
  if (f.sector) conditions.push(db`e.sector_id = ${f.sector}`);
  if (f.winDateAfter) conditions.push(db`e.estimated_win_date >= ${f.winDateAfter}::date`);
  if (f.winDateBefore) conditions.push(db`e.estimated_win_date <= ${f.winDateBefore}::date`);
  if (f.exportPotential?.length) {
    conditions.push(db`e.export_potential = any(${f.exportPotential}::text[])`);
  }
  if (f.status?.length) conditions.push(db`e.status = any(${f.status}::text[])`);
  if (f.teamMembers?.length) {
    conditions.push(db`exists(select 1 from company_companyexport_team_members t
      where t.companyexport_id = e.id and t.advisor_id = any(${f.teamMembers}::uuid[]))`);
  }
  const whereClause = where(db, conditions);
  const { count, rows } = await listPage<{ export: Record<string, unknown> }>(db, {
    select: db`${exportJson(db)} as export`,
    from: db`company_companyexport e`,
    joins: db`join company_company co on co.id = e.company_id`,
    key: "e.id",
    where: whereClause,
    order: orderBy(db, options.sort, exportSortChoices, "e.id"),
    page: options.page,
  });
  return { count, results: rows.map((r) => r.export) };
}

export async function findExport(db: Db, id: string) {
  const [row] = await db<{ export: Record<string, unknown> }[]>`
    select ${exportJson(db)} as export from company_companyexport e where e.id = ${id}`;
  return row?.export ?? null;
}

export async function lockExport(db: Db, id: string): Promise<boolean> {
  const rows = await db`select 1 from company_companyexport where id = ${id} for update`;
  return rows.length > 0;
}

export type ExportColumns = Record<string, string | number | boolean | Date | null>;

export function insertExport(db: Db, columns: ExportColumns): Promise<string> {
  return insertRow(db, "company_companyexport", columns);
}

export function updateExport(db: Db, id: string, columns: ExportColumns): Promise<void> {
  return updateRow(db, "company_companyexport", id, columns);
}

/** Replaces the export's team members (`advisor_id`) or contacts (`contact_id`). */
export async function replaceMembers(
  db: Db,
  id: string,
  field: "team_members" | "contacts",
  ids: string[],
) {
  const m2m = companyExportEntity.manyToMany![field];
  await db`delete from ${db(m2m.table)} where companyexport_id = ${id}`;
  if (!ids.length) return;
  const rows = ids.map((member) => ({ companyexport_id: id, [m2m.target]: member }));
  await db`insert into ${db(m2m.table)} ${db(rows, "companyexport_id", m2m.target)}`;
}

/**
 * The owners of the exports the adviser owns or is a team member of, as the original's
 * AdviserSerializer (depth 1) renders them: the team in full, its references as ids.
 */
export async function ownersOfExports(db: Db, adviserId: string) {
  const rows = await db<{ owner: Record<string, unknown> }[]>`
    select ${
    jsonObject(db, [
      ["id", db`a.id`],
      ["name", adviserName(db, "a")],
      ["is_active", db`a.is_active`],
      ["last_login", datetime(db, db`a.last_login`)],
      ["first_name", db`a.first_name`],
      ["last_name", db`a.last_name`],
      ["email", db`a.email`],
      ["contact_email", db`a.contact_email`],
      ["telephone_number", db`a.telephone_number`],
      [
        "dit_team",
        db`(select jsonb_build_object('id', t.id, 'disabled_on', ${
          datetime(db, db`t.disabled_on`)
        }, 'name', t.name, 'tags', to_jsonb(t.tags), 'role', t.role_id,
            'uk_region', t.uk_region_id, 'country', t.country_id)
          from metadata_team t where t.id = a.dit_team_id)`,
      ],
    ])
  } as owner
    from company_advisor a
    where a.id in (select e.owner_id from company_companyexport e where ${involving(db, adviserId)})
    order by a.first_name, a.last_name, a.id`;
  return rows.map((r) => r.owner);
}

/** The ids among `ids` that are rows of `table` (for django-filter's choice checks). */
export async function existingIds(db: Db, table: string, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db<{ id: string }[]>`
    select id::text as id from ${db(table)} where id = any(${ids}::uuid[])`;
  return new Set(rows.map((r) => r.id));
}

/** An export as other objects' versions name it: by its title (the model's `__str__`). */
export const companyExportRef: RefTable = {
  table: "company_companyexport",
  name: (sql) => sql`r.title`,
};

/** `{title, id}` of the export with id `id`, or null (the original's NestedCompanyExportField). */
export function exportLinkJson(sql: Db, id: Fragment): Fragment {
  return sql`(select jsonb_build_object('title', x.title, 'id', x.id)
    from company_companyexport x where x.id = ${id})`;
}

/** Whether an export with this id exists (archived or not). */
export async function exportExists(db: Db, id: string): Promise<boolean> {
  return (await db`select 1 from company_companyexport where id = ${id}`).length > 0;
}

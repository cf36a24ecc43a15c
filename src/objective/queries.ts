/**
 * All SQL of company objectives: the response JSON (built in SQL), the per-company list
 * and counts, and writes.
 */
import type { Db } from "../db/pool.ts";
import { insertRow, updateRow } from "../db/rows.ts";
import { type Fragment, where } from "../db/fragments.ts";
import { adviser, datetime, jsonObject, ref } from "../core/render.ts";
import { adviserRef, type VersionedEntity } from "../core/versions.ts";
import { orderBy, type SortChoices, type SortTerm } from "../http/sortby.ts";
import { listPage, type Page } from "../http/pagination.ts";

/** Objectives are versioned, as the original registers Objective with reversion. */
export const objectiveEntity: VersionedEntity = {
  entity: "objective",
  table: "company_objective",
  foreignKeys: {
    company_id: { table: "company_company" },
    archived_by_id: adviserRef,
  },
};

/** The objective aliased `o` as ObjectiveV4Serializer renders it. */
function objectiveJson(sql: Db): Fragment {
  return jsonObject(sql, [
    ["id", sql`o.id`],
    ["subject", sql`o.subject`],
    ["detail", sql`o.detail`],
    ["target_date", sql`to_char(o.target_date, 'YYYY-MM-DD')`],
    ["company", ref(sql, "company_company", sql`o.company_id`)],
    ["has_blocker", sql`o.has_blocker`],
    ["blocker_description", sql`o.blocker_description`],
    ["progress", sql`o.progress`],
    ["archived", sql`o.archived`],
    ["archived_on", datetime(sql, sql`o.archived_on`)],
    ["archived_reason", sql`o.archived_reason`],
    ["archived_by", adviser(sql, sql`o.archived_by_id`)],
    ["created_on", datetime(sql, sql`o.created_on`)],
    ["modified_on", datetime(sql, sql`o.modified_on`)],
    ["modified_by", adviser(sql, sql`o.modified_by_id`)],
  ]);
}

export const objectiveSortChoices: SortChoices = { target_date: "o.target_date" };

export async function listObjectives(
  db: Db,
  options: { companyId: string; archived?: boolean; sort: SortTerm[]; page: Page },
) {
  const conditions = [db`o.company_id = ${options.companyId}`];
  if (options.archived !== undefined) conditions.push(db`o.archived = ${options.archived}`);
  const whereClause = where(db, conditions);
  const { count, rows } = await listPage<{ objective: Record<string, unknown> }>(db, {
    select: db`${objectiveJson(db)} as objective`,
    from: db`company_objective o`,
    key: "o.id",
    where: whereClause,
    order: orderBy(db, options.sort, objectiveSortChoices, "o.id"),
    page: options.page,
  });
  return { count, results: rows.map((r) => r.objective) };
}

/** `{archived_count, not_archived_count}` of a company's objectives. */
export async function countObjectives(db: Db, companyId: string) {
  const [row] = await db<{ archived_count: number; not_archived_count: number }[]>`
    select count(*) filter (where archived)::int as archived_count,
           count(*) filter (where not archived)::int as not_archived_count
    from company_objective where company_id = ${companyId}`;
  return row;
}

export async function findObjective(db: Db, id: string) {
  const [row] = await db<{ objective: Record<string, unknown> }[]>`
    select ${objectiveJson(db)} as objective from company_objective o where o.id = ${id}`;
  return row?.objective ?? null;
}

export async function lockObjective(db: Db, id: string): Promise<boolean> {
  const rows = await db`select 1 from company_objective where id = ${id} for update`;
  return rows.length > 0;
}

export type ObjectiveColumns = Record<string, string | number | boolean | Date | null>;

export function insertObjective(db: Db, columns: ObjectiveColumns): Promise<string> {
  return insertRow(db, "company_objective", columns);
}

export function updateObjective(db: Db, id: string, columns: ObjectiveColumns): Promise<void> {
  return updateRow(db, "company_objective", id, columns);
}

/**
 * All SQL of propositions (`proposition_proposition`): the response JSON, the lists
 * (per project and across projects) with their filters and sort terms, the writes, and
 * the JSON of their documents (`proposition_propositiondocument`).
 */
import type { Db } from "../db/pool.ts";
import { type Fragment, where } from "../db/fragments.ts";
import { adviser, datetime, jsonObject } from "../core/render.ts";
import { orderBy, parseSortby } from "../http/sortby.ts";
import { listPage } from "../http/pagination.ts";
import { projectLinkJson } from "../investment/queries.ts";
import { documentStateFields } from "../documents/kit.ts";

/** The proposition aliased `pr` as PropositionSerializer renders it. */
export function propositionJson(sql: Db): Fragment {
  return jsonObject(sql, [
    ["id", sql`pr.id`],
    ["investment_project", projectLinkJson(sql, sql`pr.investment_project_id`)],
    ["adviser", adviser(sql, sql`pr.adviser_id`)],
    ["deadline", sql`to_char(pr.deadline, 'YYYY-MM-DD')`],
    ["status", sql`pr.status`],
    ["name", sql`pr.name`],
    ["scope", sql`pr.scope`],
    ["details", sql`pr.details`],
    ["created_on", datetime(sql, sql`pr.created_on`)],
    ["created_by", adviser(sql, sql`pr.created_by_id`)],
    ["modified_on", datetime(sql, sql`pr.modified_on`)],
    ["modified_by", adviser(sql, sql`pr.modified_by_id`)],
  ]);
}

export type PropositionJson = Record<string, unknown>;

export async function findProposition(
  db: Db,
  id: string,
  projectId?: string,
): Promise<PropositionJson | null> {
  const [row] = await db<{ proposition: PropositionJson }[]>`
    select ${propositionJson(db)} as proposition from proposition_proposition pr
    where pr.id = ${id} ${projectId ? db`and pr.investment_project_id = ${projectId}` : db``}`;
  return row?.proposition ?? null;
}

export interface PropositionFilters {
  projectId?: string;
  adviserId?: string;
  status?: string;
}

const CHOICES = { deadline: "pr.deadline", created_on: "pr.created_on" };

export async function listPropositions(
  db: Db,
  options: {
    filters: PropositionFilters;
    sortby?: string;
    page: { limit: number; offset: number };
  },
) {
  const f = options.filters;
  const conditions: Fragment[] = [];
  if (f.projectId) conditions.push(db`pr.investment_project_id = ${f.projectId}`);
  if (f.adviserId) conditions.push(db`pr.adviser_id = ${f.adviserId}`);
  if (f.status) conditions.push(db`pr.status = ${f.status}`);
  const terms = parseSortby(options.sortby, CHOICES, ["-deadline", "-created_on"]);
  const { count, rows } = await listPage<{ proposition: PropositionJson }>(db, {
    select: db`${propositionJson(db)} as proposition`,
    from: db`proposition_proposition pr`,
    key: "pr.id",
    where: where(db, conditions),
    order: orderBy(db, terms, CHOICES, "pr.id"),
    page: options.page,
  });
  return { count, results: rows.map((r) => r.proposition) };
}

export async function insertProposition(
  db: Db,
  values: {
    projectId: string;
    adviserId: string;
    deadline: string;
    name: string;
    scope: string;
    by: string | null;
    at: Date;
  },
): Promise<string> {
  const [{ id }] = await db<{ id: string }[]>`
    insert into proposition_proposition (investment_project_id, adviser_id, deadline, name,
      scope, created_on, modified_on, created_by_id, modified_by_id)
    values (${values.projectId}, ${values.adviserId}, ${values.deadline}, ${values.name},
      ${values.scope}, ${values.at}, ${values.at}, ${values.by}, ${values.by})
    returning id`;
  return id;
}

/** The status of a proposition of the project, locked for a change; null when none. */
export async function lockProposition(db: Db, id: string, projectId: string) {
  const [row] = await db<{ status: string }[]>`
    select status from proposition_proposition
    where id = ${id} and investment_project_id = ${projectId} for update`;
  return row ?? null;
}

export async function setStatus(
  db: Db,
  id: string,
  change: { status: string; details: string; by: string | null; at: Date },
) {
  await db`update proposition_proposition set status = ${change.status},
    details = ${change.details}, modified_by_id = ${change.by}, modified_on = ${change.at}
    where id = ${id}`;
}

export async function adviserExists(db: Db, id: string): Promise<boolean> {
  return (await db`select 1 from company_advisor where id = ${id}`).length > 0;
}

/** Whether the proposition exists and belongs to the project. */
export async function propositionOfProject(db: Db, id: string, projectId: string) {
  const rows = await db`select 1 from proposition_proposition
    where id = ${id} and investment_project_id = ${projectId}`;
  return rows.length > 0;
}

/** Whether the proposition has a virus-scanned document (completing needs one). */
export async function hasScannedDocument(db: Db, id: string): Promise<boolean> {
  const rows = await db`select 1 from proposition_propositiondocument d
    join documents_document sd on sd.id = d.document_id
    where d.proposition_id = ${id} and sd.status = 'virus_scanned' limit 1`;
  return rows.length > 0;
}

/** A proposition document aliased `d` as PropositionDocumentSerializer renders it. */
export function propositionDocumentJson(sql: Db): Fragment {
  return jsonObject(sql, [
    ["id", sql`d.id`],
    ["created_by", adviser(sql, sql`d.created_by_id`)],
    ["created_on", datetime(sql, sql`d.created_on`)],
    ["original_filename", sql`d.original_filename`],
    [
      "url",
      sql`(select format('/v3/investment/%s/proposition/%s/document/%s/download',
        dp.investment_project_id, dp.id, d.id)
        from proposition_proposition dp where dp.id = d.proposition_id)`,
    ],
    ...documentStateFields(sql, sql`d.document_id`),
  ]);
}

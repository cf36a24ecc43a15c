/**
 * All SQL of generic documents (`/v4/document/`): the response JSON as the original's
 * GenericDocumentRetrieveSerializer renders it (built in SQL), the list, and writes of
 * the generic row and its SharePoint or uploadable document.
 */
import type { Db } from "../db/pool.ts";
import { type Fragment, where } from "../db/fragments.ts";
import { adviserName, datetime, jsonObject } from "../core/render.ts";
import { listPage, type Page } from "../http/pagination.ts";
import { orderBy, type SortChoices, type SortTerm } from "../http/sortby.ts";
import { insertRow } from "../db/rows.ts";
import { STATUS_LABELS } from "../documents/kit.ts";

export const SHAREPOINT = "documents.sharepointdocument";
export const UPLOADABLE = "documents.uploadabledocument";
export const DOCUMENT_TYPES = [SHAREPOINT, UPLOADABLE] as const;

/**
 * Objects a document may relate to (`app_label.model` → table with `id` and `name`):
 * companies, as the original serialises only those.
 */
export const RELATED_OBJECT_TYPES: Record<string, string> = {
  "company.company": "company_company",
};

/** `{id, name, email}` of an adviser, or null (NestedRelatedField with name and email). */
function adviserWithEmail(sql: Db, id: Fragment): Fragment {
  return sql`(select jsonb_build_object('id', a.id, 'name', ${adviserName(sql, "a")},
      'email', a.email) from company_advisor a where a.id = ${id})`;
}

function sharePointJson(sql: Db): Fragment {
  return jsonObject(sql, [
    ["id", sql`s.id`],
    ["created_by", adviserWithEmail(sql, sql`s.created_by_id`)],
    ["modified_by", adviserWithEmail(sql, sql`s.modified_by_id`)],
    ["created_on", datetime(sql, sql`s.created_on`)],
    ["modified_on", datetime(sql, sql`s.modified_on`)],
    ["archived", sql`s.archived`],
    ["archived_on", datetime(sql, sql`s.archived_on`)],
    ["archived_reason", sql`s.archived_reason`],
    ["title", sql`s.title`],
    ["url", sql`s.url`],
    ["archived_by", sql`s.archived_by_id`],
  ]);
}

/** The stored document's status label (`get_status_display()`). */
const labels = (sql: Db) => {
  const whens = Object.entries(STATUS_LABELS)
    .map(([status, label]) => sql`when ${status} then ${label}`)
    .reduce((acc, part) => sql`${acc} ${part}`);
  return sql`(case sd.status ${whens} end)`;
};

function uploadableJson(sql: Db): Fragment {
  return jsonObject(sql, [
    ["id", sql`u.id`],
    ["original_filename", sql`u.original_filename`],
    ["title", sql`u.title`],
    ["created_by", adviserWithEmail(sql, sql`u.created_by_id`)],
    ["created_on", datetime(sql, sql`u.created_on`)],
    ["modified_by", adviserWithEmail(sql, sql`u.modified_by_id`)],
    ["modified_on", datetime(sql, sql`u.modified_on`)],
    ["status", labels(sql)],
  ]);
}

function relatedObjectJson(sql: Db): Fragment {
  const cases = Object.entries(RELATED_OBJECT_TYPES).map(([type, table]) =>
    sql`when ${type} then (select jsonb_build_object('id', r.id, 'name', r.name)
      from ${sql(table)} r where r.id = g.related_object_id)`
  );
  const whens = cases.reduce((acc, part) => sql`${acc} ${part}`);
  return sql`(case g.related_object_type ${whens} end)`;
}

/** The generic document aliased `g`. */
function genericJson(sql: Db): Fragment {
  return jsonObject(sql, [
    ["id", sql`g.id`],
    ["created_by", adviserWithEmail(sql, sql`g.created_by_id`)],
    ["modified_by", adviserWithEmail(sql, sql`g.modified_by_id`)],
    [
      "document",
      sql`(case g.document_type
        when ${SHAREPOINT} then (select ${sharePointJson(sql)}
          from documents_sharepointdocument s where s.id = g.document_object_id)
        when ${UPLOADABLE} then (select ${uploadableJson(sql)}
          from documents_uploadabledocument u join documents_document sd on sd.id = u.document_id
          where u.id = g.document_object_id)
      end)`,
    ],
    ["related_object", relatedObjectJson(sql)],
    ["created_on", datetime(sql, sql`g.created_on`)],
    ["modified_on", datetime(sql, sql`g.modified_on`)],
    ["archived", sql`g.archived`],
    ["archived_on", datetime(sql, sql`g.archived_on`)],
    ["archived_reason", sql`g.archived_reason`],
    ["document_object_id", sql`g.document_object_id`],
    ["related_object_id", sql`g.related_object_id`],
    ["archived_by", sql`g.archived_by_id`],
    ["document_type", sql`g.document_type`],
    ["related_object_type", sql`g.related_object_type`],
  ]);
}

export const genericDocumentSortChoices: SortChoices = { created_on: "g.created_on" };

export async function listGenericDocuments(
  db: Db,
  options: { relatedObjectId?: string; sort: SortTerm[]; page: Page },
) {
  const conditions = [db`not g.archived`];
  if (options.relatedObjectId) {
    conditions.push(db`g.related_object_id = ${options.relatedObjectId}`);
  }
  const { count, rows } = await listPage<{ document: Record<string, unknown> }>(db, {
    select: db`${genericJson(db)} as document`,
    from: db`documents_genericdocument g`,
    key: "g.id",
    where: where(db, conditions),
    order: orderBy(db, options.sort, genericDocumentSortChoices, "g.id"),
    page: options.page,
  });
  return { count, results: rows.map((r) => r.document) };
}

/** A live (not archived) generic document as JSON, or null. */
export async function findGenericDocument(db: Db, id: string) {
  const [row] = await db<{ document: Record<string, unknown> }[]>`
    select ${genericJson(db)} as document from documents_genericdocument g
    where g.id = ${id} and not g.archived`;
  return row?.document ?? null;
}

export interface GenericDocumentRow {
  id: string;
  document_type: string;
  document_object_id: string;
  /** The stored document of an uploadable document (null for other types). */
  stored_document_id: string | null;
}

/** A live generic document's type and targets, locked for the request's write. */
export async function lockGenericDocument(db: Db, id: string, forUpdate: boolean) {
  const lock = forUpdate ? db`for update of g` : db``;
  const [row] = await db<GenericDocumentRow[]>`
    select g.id, g.document_type, g.document_object_id, u.document_id as stored_document_id
    from documents_genericdocument g
    left join documents_uploadabledocument u
      on g.document_type = ${UPLOADABLE} and u.id = g.document_object_id
    where g.id = ${id} and not g.archived ${lock}`;
  return row ?? null;
}

/** Whether the object a document relates to exists. */
export async function relatedObjectExists(db: Db, type: string, id: string): Promise<boolean> {
  const rows = await db`select 1 from ${db(RELATED_OBJECT_TYPES[type])} where id = ${id}`;
  return rows.length > 0;
}

interface Stamp {
  at: Date;
  by: string | null;
}
const stamps = ({ at, by }: Stamp) => ({
  created_on: at,
  modified_on: at,
  created_by_id: by,
  modified_by_id: by,
});

export function insertSharePointDocument(
  db: Db,
  data: { title: string; url: string },
  stamp: Stamp,
): Promise<string> {
  return insertRow(db, "documents_sharepointdocument", { ...data, ...stamps(stamp) });
}

export function insertUploadableDocument(
  db: Db,
  data: { title: string; original_filename: string; document_id: string },
  stamp: Stamp,
): Promise<string> {
  return insertRow(db, "documents_uploadabledocument", { ...data, ...stamps(stamp) });
}

export function insertGenericDocument(
  db: Db,
  data: {
    document_type: string;
    document_object_id: string;
    related_object_type: string;
    related_object_id: string;
  },
  stamp: Stamp,
): Promise<string> {
  return insertRow(db, "documents_genericdocument", { ...data, ...stamps(stamp) });
}

/**
 * All SQL of contacts: the response JSON (built in SQL, also embedded in company
 * responses through `contactsOfCompanyJson`), lists, reads for validation and writes.
 */
import type { Db } from "../db/pool.ts";
import { givenColumns, insertRow, updateRow } from "../db/rows.ts";
import { cachedFragments, type Fragment, where } from "../db/fragments.ts";
import { adviser, adviserName, datetime, documentsById, jsonObject, ref } from "../core/render.ts";
import { administrativeAreaRef, adviserRef, type VersionedEntity } from "../core/versions.ts";
import { orderBy, type SortChoices, type SortTerm } from "../http/sortby.ts";
import { listPage } from "../http/pagination.ts";
import type { AdviserActivity } from "../core/housekeeping.ts";

/** How contacts are versioned (and named in other entities' audit logs). */
export const contactEntity: VersionedEntity = {
  entity: "contact",
  table: "company_contact",
  foreignKeys: {
    title_id: { table: "metadata_title" },
    company_id: { table: "company_company" },
    adviser_id: adviserRef,
    address_country_id: { table: "metadata_country" },
    address_area_id: administrativeAreaRef,
    archived_by_id: adviserRef,
    transferred_to_id: {
      table: "company_contact",
      name: (sql) => sql`concat_ws(' ', nullif(r.first_name, ''), nullif(r.last_name, ''))`,
    },
    transferred_by_id: adviserRef,
  },
};

export interface ContactView {
  /** Include `archived_documents_url_path` (company.view_contact_document). */
  documents: boolean;
}

/** The contact aliased `ct` as ContactSerializer renders it: built once per view. */
export const contactJson: (sql: Db, view: ContactView) => Fragment = cachedFragments(
  (view: ContactView) => String(view.documents),
  (sql, view) => buildContactJson(sql, view),
);

function buildContactJson(sql: Db, view: ContactView): Fragment {
  const pairs: [string, Fragment | null][] = [
    ["id", sql`ct.id`],
    ["title", ref(sql, "metadata_title", sql`ct.title_id`)],
    ["first_name", sql`ct.first_name`],
    ["last_name", sql`ct.last_name`],
    ["name", adviserName(sql, "ct")],
    ["job_title", sql`ct.job_title`],
    ["company", ref(sql, "company_company", sql`ct.company_id`)],
    ["adviser", adviser(sql, sql`ct.adviser_id`)],
    ["primary", sql`ct."primary"`],
    ["full_telephone_number", sql`ct.full_telephone_number`],
    ["email", sql`ct.email`],
    ["valid_email", sql`ct.valid_email`],
    ["address_same_as_company", sql`ct.address_same_as_company`],
    ["address_1", sql`ct.address_1`],
    ["address_2", sql`ct.address_2`],
    ["address_town", sql`ct.address_town`],
    ["address_county", sql`ct.address_county`],
    ["address_country", ref(sql, "metadata_country", sql`ct.address_country_id`)],
    ["address_postcode", sql`ct.address_postcode`],
    ["notes", sql`ct.notes`],
    ["archived", sql`ct.archived`],
    ["archived_on", datetime(sql, sql`ct.archived_on`)],
    ["archived_reason", sql`ct.archived_reason`],
    ["archived_by", adviser(sql, sql`ct.archived_by_id`)],
    ["created_on", datetime(sql, sql`ct.created_on`)],
    ["modified_on", datetime(sql, sql`ct.modified_on`)],
    ["address_area", ref(sql, "metadata_administrativearea", sql`ct.address_area_id`)],
    ["consent_data", sql`ct.consent_data`],
    ["consent_data_last_modified", datetime(sql, sql`ct.consent_data_last_modified`)],
    // The original builds this from CONSENT_DATA_MANAGEMENT_URL, which is not configured here.
    ["consent_data_management_url", null],
  ];
  if (view.documents) {
    pairs.push(["archived_documents_url_path", sql`ct.archived_documents_url_path`]);
  }
  return jsonObject(sql, pairs);
}

/** The contacts of the company whose id is `companyId`, as a JSON array (oldest first). */
export function contactsOfCompanyJson(sql: Db, companyId: Fragment, view: ContactView): Fragment {
  return sql`(select coalesce(jsonb_agg(${contactJson(sql, view)} order by ct.created_on, ct.id),
    '[]'::jsonb) from company_contact ct where ct.company_id = ${companyId})`;
}

/** Ids of a company's contacts (their search documents embed the company). */
export async function contactIdsOfCompany(db: Db, companyId: string): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    select id from company_contact where company_id = ${companyId}`;
  return rows.map((r) => r.id);
}

/** The documents of the contacts of `ids` in `view`, as JSON text by id. */
export const contactTexts = (db: Db, ids: string[], view: ContactView) =>
  documentsById(db, { json: contactJson(db, view), table: "company_contact", alias: "ct", ids });

export async function findContact(db: Db, id: string, view: ContactView) {
  const [row] = await db<{ contact: Record<string, unknown> }[]>`
    select ${contactJson(db, view)} as contact from company_contact ct where ct.id = ${id}`;
  return row?.contact ?? null;
}

/** `sortby` names: any field the serializer renders (references sort by their id). */
export const contactSortChoices: SortChoices = Object.fromEntries([
  ...[
    "id",
    "first_name",
    "last_name",
    "job_title",
    "primary",
    "full_telephone_number",
    "email",
    "valid_email",
    "address_same_as_company",
    "address_1",
    "address_2",
    "address_town",
    "address_county",
    "address_postcode",
    "notes",
    "archived",
    "archived_documents_url_path",
    "archived_on",
    "archived_reason",
    "created_on",
    "modified_on",
    "consent_data_last_modified",
  ].map((f) => [f, `ct.${f}`]),
  ...["title", "company", "adviser", "address_country", "address_area", "archived_by"].map((
    f,
  ) => [f, `ct.${f}_id`]),
  ["name", "ct.first_name"],
]);

export interface ContactFilters {
  companyId?: string;
  email?: string;
  archived?: boolean;
}

export async function listContacts(
  db: Db,
  options: {
    filters: ContactFilters;
    sort: SortTerm[];
    page: { limit: number; offset: number };
    view: ContactView;
  },
) {
  const { filters } = options;
  const conditions: Fragment[] = [];
  if (filters.companyId) conditions.push(db`ct.company_id = ${filters.companyId}`);
  if (filters.email !== undefined) conditions.push(db`ct.email = ${filters.email}`);
  if (filters.archived !== undefined) conditions.push(db`ct.archived = ${filters.archived}`);
  const whereClause = where(db, conditions);
  const { count, rows } = await listPage<{ contact: Record<string, unknown> }>(db, {
    select: db`${contactJson(db, options.view)} as contact`,
    from: db`company_contact ct`,
    key: "ct.id",
    where: whereClause,
    order: orderBy(db, options.sort, contactSortChoices, "ct.id"),
    page: options.page,
  });
  return { count, results: rows.map((r) => r.contact) };
}

/** The stored columns validation needs, locked for the update. */
export interface ContactRow {
  id: string;
  archived: boolean;
  email: string;
  company_id: string | null;
  address_same_as_company: boolean;
  address_1: string | null;
  address_2: string | null;
  address_town: string | null;
  address_county: string | null;
  address_postcode: string | null;
  address_country_id: string | null;
  address_area_id: string | null;
}

export async function lockContact(db: Db, id: string): Promise<ContactRow | null> {
  const [row] = await db<ContactRow[]>`
    select id, archived, email, company_id, address_same_as_company, address_1, address_2,
           address_town, address_county, address_postcode, address_country_id, address_area_id
    from company_contact where id = ${id} for update`;
  return row ?? null;
}

/** Whether a contact with `email` exists at the company. */
export async function emailTakenAt(db: Db, email: string, companyId: string): Promise<boolean> {
  const rows = await db`
    select 1 from company_contact where email = ${email} and company_id = ${companyId} limit 1`;
  return rows.length > 0;
}

export type ContactColumns = Record<string, string | boolean | Date | null>;

export function insertContact(db: Db, columns: ContactColumns): Promise<string> {
  return insertRow(db, "company_contact", columns);
}

export function updateContact(db: Db, id: string, columns: ContactColumns): Promise<void> {
  return updateRow(db, "company_contact", id, columns);
}

/** Advisers who created, changed, archived or own a contact since `since`. */
export const contactAdviserActivity: AdviserActivity = (db, since) =>
  db`
  select unnest(array[created_by_id, modified_by_id, archived_by_id, adviser_id]) as adviser_id
  from company_contact where modified_on >= ${since}`;

/**
 * Archives, as the system, up to `limit` live contacts of archived companies with the
 * original's reason naming the company; returns the ids.
 */
export async function archiveContactsOfArchivedCompanies(
  db: Db,
  options: { at: Date; limit: number; simulate: boolean },
): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    select ct.id::text as id from company_contact ct
    join company_company c on c.id = ct.company_id
    where not ct.archived and c.archived
    order by ct.id limit ${options.limit}
    for update of ct skip locked`;
  const ids = rows.map((r) => r.id);
  if (!options.simulate && ids.length) {
    await db`
      update company_contact ct
      set archived = true, archived_on = ${options.at}, archived_by_id = null,
          archived_reason = 'Record was automatically archived due to the company "' || c.name || '" being archived'
      from company_company c
      where c.id = ct.company_id and ct.id = any(${ids}::uuid[])`;
  }
  return ids;
}

/** A primary contact created by an ingestion (Stova attendees, great.gov.uk, EYB leads). */
export async function insertIngestedContact(
  db: Db,
  columns: {
    company_id: string;
    email: string;
    first_name: string;
    last_name: string;
    source: string;
    job_title?: string | null;
    full_telephone_number?: string;
    address_same_as_company?: boolean;
  },
  at: Date,
): Promise<string> {
  return await insertRow(db, "company_contact", {
    ...givenColumns(columns),
    primary: true,
    created_on: at,
    modified_on: at,
  });
}

/**
 * All SQL of company lists and pipeline items: response JSON built in SQL, the lists with
 * their filters, reads for validation and writes. Every read is scoped to the owning
 * adviser, so another adviser's list or item is indistinguishable from a missing one.
 */
import type { Db } from "../db/pool.ts";
import { insertRow, updateRow } from "../db/rows.ts";
import { type Fragment, where } from "../db/fragments.ts";
import { adviserName, datetime, jsonObject } from "../core/render.ts";
import { adviserRef, sectorRef, type VersionedEntity } from "../core/versions.ts";
import { orderBy, type SortChoices, type SortTerm } from "../http/sortby.ts";
import { listPage, type Page } from "../http/pagination.ts";
import { latestInteractionOfCompany } from "../interaction/queries.ts";

const contactRef = {
  table: "company_contact",
  name: (sql: Db) => sql`concat_ws(' ', nullif(r.first_name, ''), nullif(r.last_name, ''))`,
};

/** List items are versioned as the original's CompanyListItem. */
export const companyListItemEntity: VersionedEntity = {
  entity: "company_list_item",
  table: "company_list_companylistitem",
  foreignKeys: {
    list_id: { table: "company_list_companylist" },
    company_id: { table: "company_company" },
  },
};

export const pipelineItemEntity: VersionedEntity = {
  entity: "pipeline_item",
  table: "company_list_pipelineitem",
  foreignKeys: {
    company_id: { table: "company_company" },
    adviser_id: adviserRef,
    sector_id: sectorRef,
    archived_by_id: adviserRef,
  },
  manyToMany: {
    contacts: {
      table: "company_list_pipelineitem_contacts",
      source: "pipelineitem_id",
      target: "contact_id",
      ref: contactRef,
    },
  },
};

// ---------------------------------------------------------------------------------------
// Company lists

/** The list aliased `l` as CompanyListSerializer renders it (`item_count` optional). */
function listJson(sql: Db, withCount = true): Fragment {
  const pairs: [string, Fragment][] = [
    ["id", sql`l.id`],
    ["name", sql`l.name`],
    ["created_on", datetime(sql, sql`l.created_on`)],
  ];
  if (withCount) {
    pairs.push([
      "item_count",
      sql`(select count(*)::int from company_list_companylistitem i where i.list_id = l.id)`,
    ]);
  }
  return jsonObject(sql, pairs);
}

/** Any serializer field sorts (DRF's OrderingFilter without `ordering_fields`). */
export const listSortChoices: SortChoices = {
  id: "l.id",
  name: "l.name",
  created_on: "l.created_on",
  item_count: "ic.n",
};

export async function listCompanyLists(
  db: Db,
  options: { adviserId: string; companyId?: string; sort: SortTerm[]; page: Page },
) {
  const conditions = [db`l.adviser_id = ${options.adviserId}`];
  if (options.companyId) {
    conditions.push(db`exists(select 1 from company_list_companylistitem i
      where i.list_id = l.id and i.company_id = ${options.companyId})`);
  }
  const whereClause = where(db, conditions);
  const sort = options.sort.length ? options.sort : [
    { name: "name", descending: false },
    { name: "created_on", descending: false },
  ];
  const { count, rows } = await listPage<{ list: Record<string, unknown> }>(db, {
    select: db`${listJson(db)} as list`,
    from: db`company_list_companylist l`,
    joins: db`cross join lateral (select count(*) as n from company_list_companylistitem i
      where i.list_id = l.id) ic`,
    key: "l.id",
    where: whereClause,
    order: orderBy(db, sort, listSortChoices, "l.id"),
    page: options.page,
  });
  return { count, results: rows.map((r) => r.list) };
}

/** One of the adviser's lists, or null (also when it belongs to someone else). */
export async function findCompanyList(
  db: Db,
  id: string,
  adviserId: string,
  options: { itemCount?: boolean } = {},
) {
  const [row] = await db<{ list: Record<string, unknown> }[]>`
    select ${listJson(db, options.itemCount ?? true)} as list from company_list_companylist l
    where l.id = ${id} and l.adviser_id = ${adviserId}`;
  return row?.list ?? null;
}

/** Whether the list exists and is the adviser's, locking it for the request's write. */
export async function ownsList(db: Db, id: string, adviserId: string): Promise<boolean> {
  const rows = await db`
    select 1 from company_list_companylist where id = ${id} and adviser_id = ${adviserId}
    for update`;
  return rows.length > 0;
}

export async function insertCompanyList(
  db: Db,
  row: { name: string; adviserId: string; at: Date },
): Promise<string> {
  const [{ id }] = await db<{ id: string }[]>`
    insert into company_list_companylist
      (name, adviser_id, created_on, modified_on, created_by_id, modified_by_id)
    values (${row.name}, ${row.adviserId}, ${row.at}, ${row.at}, ${row.adviserId},
            ${row.adviserId})
    returning id`;
  return id;
}

export async function renameCompanyList(
  db: Db,
  id: string,
  change: { name?: string; by: string; at: Date },
) {
  await db`
    update company_list_companylist
    set name = coalesce(${change.name ?? null}, name), modified_on = ${change.at},
        modified_by_id = ${change.by}
    where id = ${id}`;
}

/** Deletes a list and its items; returns the ids of the items that went with it. */
export async function deleteCompanyList(db: Db, id: string): Promise<string[]> {
  const items = await db<{ id: string }[]>`
    delete from company_list_companylistitem where list_id = ${id} returning id`;
  await db`delete from company_list_companylist where id = ${id}`;
  return items.map((i) => i.id);
}

// ---------------------------------------------------------------------------------------
// Company list items

/** Whether the company exists and is archived; null when it does not exist. */
export async function companyArchived(db: Db, companyId: string): Promise<boolean | null> {
  const [row] = await db<{ archived: boolean }[]>`
    select archived from company_company where id = ${companyId}`;
  return row ? row.archived : null;
}

/**
 * The item aliased `i` as CompanyListItemSerializer renders it, with its company's latest
 * interaction joined laterally as `li` (from the interaction domain; null when none).
 */
function itemJson(sql: Db): Fragment {
  return jsonObject(sql, [
    [
      "company",
      sql`(select jsonb_build_object('archived', c.archived, 'name', c.name,
          'trading_names', to_jsonb(c.trading_names), 'id', c.id)
        from company_company c where c.id = i.company_id)`,
    ],
    ["created_on", datetime(sql, sql`i.created_on`)],
    ["latest_interaction", sql`li.json`],
  ]);
}

/** `sortby` names of list items: the serializer's sortable fields. */
export const itemSortChoices: SortChoices = {
  company: "i.company_id",
  created_on: "i.created_on",
};

export async function listItems(
  db: Db,
  options: { listId: string; sort: SortTerm[]; page: Page },
) {
  // By default companies with the most recent interaction first, those without any last
  // (the original orders by how long ago it was, then its newest creation, then its id).
  const order = options.sort.length
    ? orderBy(db, options.sort, itemSortChoices, "i.id")
    : db`order by li.date desc nulls last, li.created_on desc, li.id, i.id`;
  const { count, rows } = await listPage<{ item: Record<string, unknown> }>(db, {
    select: db`${itemJson(db)} as item`,
    from: db`company_list_companylistitem i`,
    joins: db`left join lateral ${latestInteractionOfCompany(db, db`i.company_id`)} li on true`,
    key: "i.id",
    where: db`where i.list_id = ${options.listId}`,
    order,
    page: options.page,
  });
  return { count, results: rows.map((r) => r.item) };
}

/** Whether the company `companyId` is on any of the adviser's lists (autocomplete ranks by it). */
export function onAdviserLists(sql: Db, companyId: Fragment, adviserId: string): Fragment {
  return sql`exists(select 1 from company_list_companylistitem li
    join company_list_companylist cl on cl.id = li.list_id
    where li.company_id = ${companyId} and cl.adviser_id = ${adviserId})`;
}

/** Adds the company to the list unless it is there already; the new item's id, or null. */
export async function addItem(
  db: Db,
  row: { listId: string; companyId: string; by: string; at: Date },
): Promise<string | null> {
  const [inserted] = await db<{ id: string }[]>`
    insert into company_list_companylistitem
      (list_id, company_id, created_on, modified_on, created_by_id, modified_by_id)
    values (${row.listId}, ${row.companyId}, ${row.at}, ${row.at}, ${row.by}, ${row.by})
    on conflict (list_id, company_id) do nothing
    returning id`;
  return inserted?.id ?? null;
}

/** Removes the company from the list; the removed item's id, or null if it was not there. */
export async function removeItem(db: Db, listId: string, companyId: string) {
  const [removed] = await db<{ id: string }[]>`
    delete from company_list_companylistitem
    where list_id = ${listId} and company_id = ${companyId} returning id`;
  return removed?.id ?? null;
}

// ---------------------------------------------------------------------------------------
// Pipeline items

/** The item aliased `p` as PipelineItemSerializer renders it. */
function pipelineJson(sql: Db): Fragment {
  return jsonObject(sql, [
    ["id", sql`p.id`],
    [
      "company",
      sql`(select jsonb_build_object('name', c.name, 'turnover', c.turnover,
          'export_potential', c.export_potential, 'id', c.id)
        from company_company c where c.id = p.company_id)`,
    ],
    ["name", sql`p.name`],
    ["status", sql`p.status`],
    ["created_on", datetime(sql, sql`p.created_on`)],
    ["modified_on", datetime(sql, sql`p.modified_on`)],
    [
      "contacts",
      sql`(select coalesce(jsonb_agg(jsonb_build_object('id', ct.id,
          'name', ${adviserName(sql, "ct")}) order by ct.id), '[]'::jsonb)
        from company_list_pipelineitem_contacts pc
        join company_contact ct on ct.id = pc.contact_id
        where pc.pipelineitem_id = p.id)`,
    ],
    [
      "sector",
      sql`(select jsonb_build_object('id', s.id, 'segment', s.segment)
        from metadata_sector s where s.id = p.sector_id)`,
    ],
    ["potential_value", sql`p.potential_value::text`],
    ["likelihood_to_win", sql`p.likelihood_to_win`],
    ["expected_win_date", sql`to_char(p.expected_win_date, 'YYYY-MM-DD')`],
    ["archived", sql`p.archived`],
    ["archived_on", datetime(sql, sql`p.archived_on`)],
    ["archived_reason", sql`p.archived_reason`],
  ]);
}

export const pipelineSortChoices: SortChoices = {
  created_on: "p.created_on",
  modified_on: "p.modified_on",
  name: "p.name",
};

export interface PipelineFilters {
  status?: string;
  companyId?: string;
  archived?: boolean;
}

export async function listPipelineItems(
  db: Db,
  options: { adviserId: string; filters: PipelineFilters; sort: SortTerm[]; page: Page },
) {
  const { filters } = options;
  const conditions = [db`p.adviser_id = ${options.adviserId}`];
  if (filters.status !== undefined) conditions.push(db`p.status = ${filters.status}`);
  if (filters.companyId !== undefined) conditions.push(db`p.company_id = ${filters.companyId}`);
  if (filters.archived !== undefined) conditions.push(db`p.archived = ${filters.archived}`);
  const whereClause = where(db, conditions);
  const { count, rows } = await listPage<{ item: Record<string, unknown> }>(db, {
    select: db`${pipelineJson(db)} as item`,
    from: db`company_list_pipelineitem p`,
    key: "p.id",
    where: whereClause,
    order: orderBy(db, options.sort, pipelineSortChoices, "p.id"),
    page: options.page,
  });
  return { count, results: rows.map((r) => r.item) };
}

/** One of the adviser's pipeline items, or null (also when it is someone else's). */
export async function findPipelineItem(db: Db, id: string, adviserId: string) {
  const [row] = await db<{ item: Record<string, unknown> }[]>`
    select ${pipelineJson(db)} as item from company_list_pipelineitem p
    where p.id = ${id} and p.adviser_id = ${adviserId}`;
  return row?.item ?? null;
}

/** The adviser's pipeline item's archived flag, locked for the write; null when not theirs. */
export async function lockPipelineItem(
  db: Db,
  id: string,
  adviserId: string,
): Promise<{ archived: boolean } | null> {
  const [row] = await db<{ archived: boolean }[]>`
    select archived from company_list_pipelineitem
    where id = ${id} and adviser_id = ${adviserId} for update`;
  return row ?? null;
}

export type PipelineColumns = Record<string, string | number | boolean | Date | null>;

export function insertPipelineItem(db: Db, columns: PipelineColumns): Promise<string> {
  return insertRow(db, "company_list_pipelineitem", columns);
}

export function updatePipelineItem(db: Db, id: string, columns: PipelineColumns): Promise<void> {
  return updateRow(db, "company_list_pipelineitem", id, columns);
}

/** Replaces the item's contacts with `contactIds`. */
export async function replacePipelineContacts(db: Db, id: string, contactIds: string[]) {
  await db`delete from company_list_pipelineitem_contacts where pipelineitem_id = ${id}`;
  if (!contactIds.length) return;
  const rows = contactIds.map((contact_id) => ({ pipelineitem_id: id, contact_id }));
  await db`insert into company_list_pipelineitem_contacts
    ${db(rows, "pipelineitem_id", "contact_id")}`;
}

export async function deletePipelineItem(db: Db, id: string) {
  await db`delete from company_list_pipelineitem where id = ${id}`;
}

/** All SQL of OMIS orders: the response JSON (built in SQL), checks, and writes. */
import type { Db } from "../db/pool.ts";
import { insertRow, updateRow } from "../db/rows.ts";
import type { Fragment } from "../db/fragments.ts";
import { adviser, adviserName, datetime, jsonObject, ref } from "../core/render.ts";
import { adviserRef, type VersionedEntity } from "../core/versions.ts";
import type { AssigneeJson, OrderJson, SubscriberJson } from "./routes.ts";
import type { OrderStatus } from "./rules.ts";

/** Orders are versioned, as the original registers Order with reversion. */
export const orderEntity: VersionedEntity = {
  entity: "order",
  table: "order_order",
  foreignKeys: {
    company_id: { table: "company_company" },
    contact_id: {
      table: "company_contact",
      name: (sql) => sql`concat_ws(' ', nullif(r.first_name, ''), nullif(r.last_name, ''))`,
    },
    primary_market_id: { table: "metadata_country" },
    sector_id: { table: "metadata_sector" },
    uk_region_id: { table: "metadata_ukregion" },
    billing_address_country_id: { table: "metadata_country" },
    completed_by_id: adviserRef,
    cancelled_by_id: adviserRef,
    cancellation_reason_id: { table: "order_cancellationreason" },
  },
  manyToMany: {
    service_types: {
      table: "order_order_service_types",
      source: "order_id",
      target: "servicetype_id",
      ref: { table: "order_servicetype" },
    },
  },
};

const text = (sql: Db, column: string): [string, Fragment] => [column, sql`o.${sql(column)}`];

/** The order aliased `o` as OrderSerializer renders it. */
function orderJson(sql: Db): Fragment {
  return jsonObject(sql, [
    ["id", sql`o.id`],
    text(sql, "reference"),
    text(sql, "status"),
    ["created_on", datetime(sql, sql`o.created_on`)],
    ["created_by", adviser(sql, sql`o.created_by_id`)],
    ["modified_on", datetime(sql, sql`o.modified_on`)],
    ["modified_by", adviser(sql, sql`o.modified_by_id`)],
    ["company", ref(sql, "company_company", sql`o.company_id`)],
    [
      "contact",
      sql`(select jsonb_build_object('name',
          concat_ws(' ', nullif(r.first_name, ''), nullif(r.last_name, '')), 'id', r.id)
        from company_contact r where r.id = o.contact_id)`,
    ],
    ["primary_market", ref(sql, "metadata_country", sql`o.primary_market_id`)],
    ["sector", ref(sql, "metadata_sector", sql`o.sector_id`)],
    ["uk_region", ref(sql, "metadata_ukregion", sql`o.uk_region_id`)],
    [
      "service_types",
      sql`coalesce((select jsonb_agg(jsonb_build_object('name', s.name, 'id', s.id)
          order by s."order", s.name)
        from order_order_service_types os join order_servicetype s on s.id = os.servicetype_id
        where os.order_id = o.id), '[]'::jsonb)`,
    ],
    text(sql, "description"),
    text(sql, "contacts_not_to_approach"),
    text(sql, "contact_email"),
    text(sql, "contact_phone"),
    text(sql, "product_info"),
    text(sql, "further_info"),
    text(sql, "existing_agents"),
    text(sql, "permission_to_approach_contacts"),
    ["delivery_date", sql`to_char(o.delivery_date, 'YYYY-MM-DD')`],
    text(sql, "po_number"),
    text(sql, "discount_value"),
    text(sql, "vat_status"),
    text(sql, "vat_number"),
    text(sql, "vat_verified"),
    text(sql, "net_cost"),
    text(sql, "subtotal_cost"),
    text(sql, "vat_cost"),
    text(sql, "total_cost"),
    text(sql, "billing_company_name"),
    text(sql, "billing_contact_name"),
    text(sql, "billing_email"),
    text(sql, "billing_phone"),
    text(sql, "billing_address_1"),
    text(sql, "billing_address_2"),
    text(sql, "billing_address_town"),
    text(sql, "billing_address_county"),
    text(sql, "billing_address_postcode"),
    ["billing_address_country", ref(sql, "metadata_country", sql`o.billing_address_country_id`)],
    text(sql, "archived_documents_url_path"),
    ["paid_on", datetime(sql, sql`o.paid_on`)],
    ["completed_by", adviser(sql, sql`o.completed_by_id`)],
    ["completed_on", datetime(sql, sql`o.completed_on`)],
    ["cancelled_by", adviser(sql, sql`o.cancelled_by_id`)],
    ["cancelled_on", datetime(sql, sql`o.cancelled_on`)],
    ["cancellation_reason", ref(sql, "order_cancellationreason", sql`o.cancellation_reason_id`)],
  ]);
}

export async function findOrder(db: Db, id: string): Promise<OrderJson | null> {
  const [row] = await db<{ order: OrderJson }[]>`
    select ${orderJson(db)} as order from order_order o where o.id = ${id}`;
  return row?.order ?? null;
}

/** The stored columns a write compares and combines with the body. */
export interface OrderRow {
  id: string;
  status: OrderStatus;
  created_on: Date;
  company_id: string;
  contact_id: string;
  service_type_ids: string[];
  [column: string]: unknown;
}

/** The order's row, locked for the request's write, with its service type ids. */
export async function lockOrder(db: Db, id: string): Promise<OrderRow | null> {
  const [row] = await db<OrderRow[]>`
    select o.*, to_char(o.delivery_date, 'YYYY-MM-DD') as delivery_date,
      array(select servicetype_id::text from order_order_service_types
            where order_id = o.id) as service_type_ids
    from order_order o where o.id = ${id} for update`;
  return row ?? null;
}

export async function referenceTaken(db: Db, reference: string): Promise<boolean> {
  const rows = await db`select 1 from order_order where reference = ${reference}`;
  return rows.length > 0;
}

/** The contact's company, or undefined when the contact does not exist. */
export async function contactCompany(db: Db, contactId: string) {
  const [row] = await db<{ company_id: string | null }[]>`
    select company_id from company_contact where id = ${contactId}`;
  return row ? row.company_id : undefined;
}

export async function companyUkRegion(db: Db, companyId: string): Promise<string | null> {
  const [row] = await db<{ uk_region_id: string | null }[]>`
    select uk_region_id from company_company where id = ${companyId}`;
  return row?.uk_region_id ?? null;
}

/** The OMIS market of a country: its name and when (if ever) it was disabled. */
export async function findMarket(db: Db, countryId: string) {
  const [row] = await db<{ name: string; disabled_on: Date | null; market: boolean }[]>`
    select c.name, m.disabled_on, m.country_id is not null as market
    from metadata_country c left join omis_market_market m on m.country_id = c.id
    where c.id = ${countryId}`;
  return row ?? null;
}

/** Names of the given service types disabled at `on`, in the given order. */
export async function disabledServiceTypes(db: Db, ids: string[], on: Date): Promise<string[]> {
  const rows = await db<{ id: string; name: string }[]>`
    select id::text, name from order_servicetype
    where id = any(${ids}::uuid[]) and disabled_on is not null and disabled_on <= ${on}`;
  const names = new Map(rows.map((r) => [r.id, r.name]));
  return ids.filter((id) => names.has(id)).map((id) => names.get(id)!);
}

export type OrderColumns = Record<string, unknown>;

export function insertOrder(db: Db, columns: OrderColumns): Promise<string> {
  return insertRow(db, "order_order", columns);
}

export function updateOrder(db: Db, id: string, columns: OrderColumns): Promise<void> {
  return updateRow(db, "order_order", id, columns);
}

export async function setServiceTypes(db: Db, orderId: string, ids: string[]) {
  await db`delete from order_order_service_types where order_id = ${orderId}`;
  if (!ids.length) return;
  await db`
    insert into order_order_service_types (order_id, servicetype_id)
    select ${orderId}, unnest(${ids}::uuid[])`;
}

/** The order's subscribed advisers, oldest subscription first (SubscribedAdviserSerializer). */
export async function listSubscribers(db: Db, orderId: string): Promise<SubscriberJson[]> {
  const rows = await db<{ adviser: SubscriberJson }[]>`
    select jsonb_build_object('id', a.id, 'first_name', a.first_name, 'last_name', a.last_name,
      'name', ${adviserName(db, "a")},
      'dit_team', (select jsonb_build_object('id', t.id, 'name', t.name,
          'uk_region', ${ref(db, "metadata_ukregion", db`t.uk_region_id`)})
        from metadata_team t where t.id = a.dit_team_id)) as adviser
    from order_ordersubscriber s join company_advisor a on a.id = s.adviser_id
    where s.order_id = ${orderId}
    order by s.created_on, s.id`;
  return rows.map((r) => r.adviser);
}

/** The ids among `ids` that are advisers. */
export async function existingAdvisers(db: Db, ids: string[]): Promise<Set<string>> {
  const rows = await db<{ id: string }[]>`
    select id::text from company_advisor where id = any(${ids}::uuid[])`;
  return new Set(rows.map((r) => r.id));
}

/**
 * Keeps the subscribers still listed, removes the others, adds the new ones (a microsecond
 * apart, in the list's order, as the original creates them one by one).
 */
export async function replaceSubscribers(
  db: Db,
  orderId: string,
  adviserIds: string[],
  by: string | null,
  at: Date,
) {
  await db`
    delete from order_ordersubscriber
    where order_id = ${orderId} and not (adviser_id = any(${adviserIds}::uuid[]))`;
  await db`
    insert into order_ordersubscriber
      (order_id, adviser_id, created_on, modified_on, created_by_id, modified_by_id)
    select ${orderId}, a.id, ${at}::timestamptz + (a.n - 1) * interval '1 microsecond',
      ${at}::timestamptz + (a.n - 1) * interval '1 microsecond', ${by}, ${by}
    from unnest(${adviserIds}::uuid[]) with ordinality as a(id, n)
    order by a.n
    on conflict (order_id, adviser_id) do nothing`;
}

/** The stored assignees of an order, for the assignee list's write. */
export interface AssigneeRow {
  id: string;
  adviser_id: string;
  estimated_time: number;
  actual_time: number | null;
  is_lead: boolean;
}

export function listAssigneeRows(db: Db, orderId: string): Promise<AssigneeRow[]> {
  return db<AssigneeRow[]>`
    select id::text, adviser_id::text, estimated_time, actual_time, is_lead
    from order_orderassignee where order_id = ${orderId} order by created_on, id`;
}

/** OrderAssigneeSerializer's output, oldest assignment first. */
export async function listAssignees(db: Db, orderId: string): Promise<AssigneeJson[]> {
  const rows = await db<{ assignee: AssigneeJson }[]>`
    select jsonb_build_object('adviser', ${adviser(db, db`oa.adviser_id`)},
      'estimated_time', oa.estimated_time, 'actual_time', oa.actual_time,
      'is_lead', oa.is_lead) as assignee
    from order_orderassignee oa where oa.order_id = ${orderId}
    order by oa.created_on, oa.id`;
  return rows.map((r) => r.assignee);
}

/**
 * Adds an assignee with the adviser's team and that team's country (kept if the adviser
 * later moves); `offset` microseconds keep a batch in the list's order.
 */
export async function insertAssignee(
  db: Db,
  orderId: string,
  item: {
    adviser: string;
    estimated_time?: number;
    actual_time?: number | null;
    is_lead?: boolean;
  },
  by: string | null,
  at: Date,
  offset: number,
) {
  await db`
    insert into order_orderassignee (order_id, adviser_id, team_id, country_id, estimated_time,
      actual_time, is_lead, created_on, modified_on, created_by_id, modified_by_id)
    select ${orderId}, a.id, a.dit_team_id, t.country_id, ${item.estimated_time ?? 0},
      ${item.actual_time ?? null}, ${item.is_lead ?? false},
      ${at}::timestamptz + ${offset} * interval '1 microsecond',
      ${at}::timestamptz + ${offset} * interval '1 microsecond', ${by}, ${by}
    from company_advisor a left join metadata_team t on t.id = a.dit_team_id
    where a.id = ${item.adviser}`;
}

export function updateAssignee(db: Db, id: string, columns: OrderColumns): Promise<void> {
  return updateRow(db, "order_orderassignee", id, columns);
}

export async function deleteAssignee(db: Db, id: string) {
  await db`delete from order_orderassignee where id = ${id}`;
}

/** Whether some assignee of the order has no actual time (it cannot be completed). */
export async function assigneeWithoutActualTime(db: Db, orderId: string): Promise<boolean> {
  const rows = await db`
    select 1 from order_orderassignee where order_id = ${orderId} and actual_time is null limit 1`;
  return rows.length > 0;
}

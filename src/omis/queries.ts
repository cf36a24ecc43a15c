/** All SQL of OMIS orders: the response JSON (built in SQL), checks, and writes. */
import type { Db } from "../db/pool.ts";
import { insertRow, updateRow } from "../db/rows.ts";
import type { Fragment } from "../db/fragments.ts";
import { adviser, adviserName, datetime, jsonObject, ref } from "../core/render.ts";
import { adviserRef, type VersionedEntity } from "../core/versions.ts";
import type {
  AssigneeJson,
  InvoiceJson,
  OrderJson,
  PaymentJson,
  PublicQuoteJson,
  QuoteJson,
  SubscriberJson,
} from "./routes.ts";
import type { PublicOrderJson } from "./public_routes.ts";
import type { OrderStatus } from "./rules.ts";
import type { Pricing, PricingInput } from "./pricing.ts";

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

/** A contact's name as the original's Contact.name: first and last name, blanks dropped. */
const contactName = (sql: Db, alias: string) =>
  sql`concat_ws(' ', nullif(${sql(alias)}.first_name, ''), nullif(${sql(alias)}.last_name, ''))`;

/** `{name, id}` of a contact, or null. */
const contactRef = (sql: Db, id: Fragment) =>
  sql`(select jsonb_build_object('name', ${contactName(sql, "r")}, 'id', r.id)
    from company_contact r where r.id = ${id})`;

const text = (sql: Db, column: string, alias = "o"): [string, Fragment] => [
  column,
  sql`${sql(alias)}.${sql(column)}`,
];

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
      contactRef(sql, sql`o.contact_id`),
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

/** The advisers subscribed to the order. */
export async function subscriberIds(db: Db, orderId: string): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    select adviser_id::text as id from order_ordersubscriber where order_id = ${orderId}`;
  return rows.map((r) => r.id);
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

// ---- pricing, quotes, invoices, payments, payment gateway sessions ----

/** The hourly rate every order uses unless it names another (the original's default). */
export const DEFAULT_HOURLY_RATE = "7e1ca5c3-dc5a-e511-9d3c-e4115bead28a";

/** What the pricing of an order is computed from, and its stored pricing. */
export async function pricingInput(db: Db, orderId: string) {
  const [row] = await db<(PricingInput & Pricing)[]>`
    select o.vat_status, o.vat_verified, o.vat_number, o.discount_value,
      o.net_cost, o.subtotal_cost, o.vat_cost, o.total_cost,
      (select coalesce(sum(estimated_time), 0)::int from order_orderassignee
        where order_id = o.id) as estimated_time,
      coalesce(r.rate_value, 0) as rate_value, coalesce(r.vat_value, 0)::text as vat_value
    from order_order o
    left join omis_order_hourlyrate r on r.id = coalesce(o.hourly_rate_id, ${DEFAULT_HOURLY_RATE})
    where o.id = ${orderId}`;
  return row;
}

/** What generating a quote checks and writes into its text. */
export interface QuoteFacts {
  reference: string;
  description: string;
  delivery_date: string | null;
  subtotal_cost: number;
  primary_market_id: string | null;
  service_types: number;
  assignees: number;
  leads: number;
  estimated_time: number;
  active_quote: boolean;
  company_name: string;
  /** [line 1, line 2, county, town, postcode, country] of the registered address, then the trading one. */
  registered_address: (string | null)[];
  address: (string | null)[];
  contact_name: string;
  contact_email: string;
  lead_assignee_name: string | null;
}

export async function quoteFacts(db: Db, orderId: string): Promise<QuoteFacts> {
  const address = (prefix: string) => {
    const column = (suffix: string) => db`c.${db(`${prefix}_${suffix}`)}`;
    return db`array[${column("1")}, ${column("2")}, ${column("county")}, ${column("town")},
      ${column("postcode")},
      (select name from metadata_country where id = ${column("country_id")})]`;
  };
  const [row] = await db<QuoteFacts[]>`
    select o.reference, o.description, to_char(o.delivery_date, 'YYYY-MM-DD') as delivery_date,
      o.subtotal_cost, o.primary_market_id,
      (select count(*)::int from order_order_service_types where order_id = o.id)
        as service_types,
      (select count(*)::int from order_orderassignee where order_id = o.id) as assignees,
      (select count(*)::int from order_orderassignee where order_id = o.id and is_lead)
        as leads,
      (select coalesce(sum(estimated_time), 0)::int from order_orderassignee
        where order_id = o.id) as estimated_time,
      exists (select 1 from omis_quote_quote q where q.id = o.quote_id and q.cancelled_on is null)
        as active_quote,
      c.name as company_name,
      ${address("registered_address")} as registered_address,
      ${address("address")} as address,
      ${contactName(db, "ct")} as contact_name,
      coalesce(nullif(o.contact_email, ''), ct.email, '') as contact_email,
      (select ${adviserName(db, "a")} from order_orderassignee oa
        join company_advisor a on a.id = oa.adviser_id
        where oa.order_id = o.id and oa.is_lead order by oa.created_on, oa.id limit 1)
        as lead_assignee_name
    from order_order o
    join company_company c on c.id = o.company_id
    join company_contact ct on ct.id = o.contact_id
    where o.id = ${orderId}`;
  return row;
}

export async function quoteReferenceTaken(db: Db, reference: string): Promise<boolean> {
  const rows = await db`select 1 from omis_quote_quote where reference = ${reference}`;
  return rows.length > 0;
}

/** The newest terms and conditions, if any. */
export async function latestTerms(db: Db): Promise<{ id: string; content: string } | null> {
  const [row] = await db<{ id: string; content: string }[]>`
    select id, content from omis_quote_termsandconditions order by created_on desc limit 1`;
  return row ?? null;
}

export function insertQuote(db: Db, columns: OrderColumns): Promise<string> {
  return insertRow(db, "omis_quote_quote", columns);
}

export function updateQuote(db: Db, id: string, columns: OrderColumns): Promise<void> {
  return updateRow(db, "omis_quote_quote", id, columns);
}

/** Cancels a quote not cancelled yet. */
export async function cancelQuote(db: Db, id: string, by: string | null, at: Date) {
  await db`
    update omis_quote_quote set cancelled_on = ${at}, cancelled_by_id = ${by}, modified_on = ${at}
    where id = ${id} and cancelled_on is null`;
}

/** QuoteSerializer's output (PublicQuoteSerializer's without the people). */
export async function findQuote(
  db: Db,
  quoteId: string,
  audience: "internal" | "public",
): Promise<QuoteJson | PublicQuoteJson> {
  const people = audience === "internal"
    ? db`'created_by', ${adviser(db, db`q.created_by_id`)},
        'cancelled_by', ${adviser(db, db`q.cancelled_by_id`)},
        'accepted_by', ${contactRef(db, db`q.accepted_by_id`)},`
    : db``;
  const [row] = await db<{ quote: QuoteJson }[]>`
    select jsonb_build_object(${people}
      'created_on', ${datetime(db, db`q.created_on`)},
      'cancelled_on', ${datetime(db, db`q.cancelled_on`)},
      'accepted_on', ${datetime(db, db`q.accepted_on`)},
      'expires_on', to_char(q.expires_on, 'YYYY-MM-DD'),
      'content', q.content,
      'terms_and_conditions', coalesce(t.content, '')) as quote
    from omis_quote_quote q
    left join omis_quote_termsandconditions t on t.id = q.terms_and_conditions_id
    where q.id = ${quoteId}`;
  return row.quote;
}

/**
 * `YYYYMMDD` + a 4-digit sequence of the rows of `table` created that day (the original's
 * generate_datetime_based_reference); `skip` tries the next numbers when one is taken.
 */
export async function datetimeReference(
  db: Db,
  table: "omis_invoice_invoice" | "omis_payment_payment",
  column: "invoice_number" | "reference",
  at: Date,
): Promise<string> {
  const day = at.toISOString().slice(0, 10);
  const prefix = day.replaceAll("-", "");
  const [{ count }] = await db<{ count: number }[]>`
    select count(*)::int as count from ${db(table)}
    where (created_on at time zone 'UTC')::date = ${day}::date`;
  for (let n = count + 1; n <= count + 10; n++) {
    const reference = `${prefix}${String(n).padStart(4, "0")}`;
    const taken = await db`select 1 from ${db(table)} where ${db(column)} = ${reference}`;
    if (!taken.length) return reference;
  }
  throw new Error("Cannot generate random reference");
}

/** The DBT invoicing details every invoice carries (the original's invoice constants). */
const DBT = {
  company: "Department for Business and Trade",
  address1: "Old Admiralty Building",
  address2: "Admiralty Place",
  town: "London",
  county: "",
  postcode: "SW1A 2DY",
  country: "80756b9a-5d95-e211-a939-e4115bead28a",
  vatNumber: "888 850455",
};

/**
 * A new invoice snapshotting the order (billing details, VAT and pricing) with its payment
 * due date, linked as the order's current invoice.
 */
export async function createInvoice(
  db: Db,
  orderId: string,
  invoiceNumber: string,
  paymentDueDate: string,
  at: Date,
) {
  await db`
    with invoice as (
      insert into omis_invoice_invoice (created_on, modified_on, invoice_number, po_number,
        order_reference, billing_company_name, billing_address_1, billing_address_2,
        billing_address_town, billing_address_county, billing_address_postcode,
        billing_address_country_id, invoice_company_name, invoice_address_1, invoice_address_2,
        invoice_address_town, invoice_address_county, invoice_address_postcode,
        invoice_address_country_id, invoice_vat_number, payment_due_date, contact_email,
        vat_status, vat_number, vat_verified, net_cost, subtotal_cost, vat_cost, total_cost)
      select ${at}, ${at}, ${invoiceNumber}, o.po_number, o.reference, o.billing_company_name,
        o.billing_address_1, o.billing_address_2, o.billing_address_town,
        o.billing_address_county, o.billing_address_postcode, o.billing_address_country_id,
        ${DBT.company}, ${DBT.address1}, ${DBT.address2}, ${DBT.town}, ${DBT.county},
        ${DBT.postcode}, ${DBT.country}, ${DBT.vatNumber}, ${paymentDueDate}::date,
        coalesce(nullif(o.contact_email, ''), ct.email, ''), o.vat_status, o.vat_number,
        o.vat_verified, o.net_cost, o.subtotal_cost, o.vat_cost, o.total_cost
      from order_order o join company_contact ct on ct.id = o.contact_id
      where o.id = ${orderId}
      returning id
    )
    update order_order set invoice_id = (select id from invoice) where id = ${orderId}`;
}

/** InvoiceSerializer's output. */
export async function findInvoice(db: Db, invoiceId: string): Promise<InvoiceJson> {
  const [row] = await db<{ invoice: InvoiceJson }[]>`
    select ${
    jsonObject(db, [
      ["created_on", datetime(db, db`i.created_on`)],
      text(db, "invoice_number", "i"),
      text(db, "invoice_company_name", "i"),
      text(db, "invoice_address_1", "i"),
      text(db, "invoice_address_2", "i"),
      text(db, "invoice_address_town", "i"),
      text(db, "invoice_address_county", "i"),
      text(db, "invoice_address_postcode", "i"),
      ["invoice_address_country", ref(db, "metadata_country", db`i.invoice_address_country_id`)],
      text(db, "invoice_vat_number", "i"),
      ["payment_due_date", db`to_char(i.payment_due_date, 'YYYY-MM-DD')`],
      text(db, "billing_contact_name", "i"),
      text(db, "billing_company_name", "i"),
      text(db, "billing_address_1", "i"),
      text(db, "billing_address_2", "i"),
      text(db, "billing_address_county", "i"),
      text(db, "billing_address_postcode", "i"),
      text(db, "billing_address_town", "i"),
      ["billing_address_country", ref(db, "metadata_country", db`i.billing_address_country_id`)],
      text(db, "po_number", "i"),
      text(db, "vat_status", "i"),
      text(db, "vat_number", "i"),
      text(db, "vat_verified", "i"),
      text(db, "net_cost", "i"),
      text(db, "subtotal_cost", "i"),
      text(db, "vat_cost", "i"),
      text(db, "total_cost", "i"),
    ])
  } as invoice
    from omis_invoice_invoice i where i.id = ${invoiceId}`;
  return row.invoice;
}

export function insertPayment(db: Db, columns: OrderColumns): Promise<string> {
  return insertRow(db, "omis_payment_payment", columns);
}

/** PaymentSerializer's output for each of the order's payments, oldest first. */
export async function listPayments(db: Db, orderId: string): Promise<PaymentJson[]> {
  const rows = await db<{ payment: PaymentJson }[]>`
    select jsonb_build_object('created_on', ${datetime(db, db`p.created_on`)},
      'reference', p.reference, 'transaction_reference', p.transaction_reference,
      'additional_reference', p.additional_reference, 'amount', p.amount,
      'method', p.method, 'received_on', to_char(p.received_on, 'YYYY-MM-DD')) as payment
    from omis_payment_payment p where p.order_id = ${orderId}
    order by p.created_on, p.reference`;
  return rows.map((r) => r.payment);
}

/** A GOV.UK Pay session of an order. */
export interface SessionRow {
  id: string;
  order_id: string;
  status: string;
  govuk_payment_id: string;
  created_on: Date;
}

export const ONGOING_SESSION_STATUSES = ["created", "started", "submitted"];

export function insertSession(db: Db, columns: OrderColumns): Promise<string> {
  return insertRow(db, "omis_payment_paymentgatewaysession", columns);
}

export function updateSession(db: Db, id: string, columns: OrderColumns): Promise<void> {
  return updateRow(db, "omis_payment_paymentgatewaysession", id, columns);
}

/** The order's sessions not finished yet, locked, newest first. */
export function lockOngoingSessions(db: Db, orderId: string): Promise<SessionRow[]> {
  return db<SessionRow[]>`
    select id::text, order_id::text, status, govuk_payment_id, created_on
    from omis_payment_paymentgatewaysession
    where order_id = ${orderId} and status = any(${ONGOING_SESSION_STATUSES})
    order by created_on desc for update`;
}

/** One session of the order, locked. */
export async function lockSession(
  db: Db,
  orderId: string,
  id: string,
): Promise<SessionRow | null> {
  const [row] = await db<SessionRow[]>`
    select id::text, order_id::text, status, govuk_payment_id, created_on
    from omis_payment_paymentgatewaysession
    where order_id = ${orderId} and id = ${id} for update`;
  return row ?? null;
}

/** Ongoing sessions untouched since `before` (the hourly refresh's work). */
export async function staleSessionIds(db: Db, before: Date): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    select id::text from omis_payment_paymentgatewaysession
    where status = any(${ONGOING_SESSION_STATUSES}) and modified_on <= ${before}
    order by modified_on, id`;
  return rows.map((r) => r.id);
}

/** A session by id alone, locked (the refresh job's). */
export async function lockSessionById(db: Db, id: string): Promise<SessionRow | null> {
  const [row] = await db<SessionRow[]>`
    select id::text, order_id::text, status, govuk_payment_id, created_on
    from omis_payment_paymentgatewaysession where id = ${id} for update`;
  return row ?? null;
}

/** The order of a public token, if publicly visible (statuses given, or reopened drafts). */
export async function publicOrderId(
  db: Db,
  token: string,
  statuses: readonly OrderStatus[],
  includeReopened: boolean,
): Promise<string | null> {
  const [row] = await db<{ id: string }[]>`
    select o.id::text from order_order o
    where o.public_token = ${token} and (o.status = any(${statuses as string[]})
      or (${includeReopened} and o.status = 'draft' and exists (
        select 1 from omis_quote_quote q where q.id = o.quote_id and q.cancelled_on is not null)))`;
  return row?.id ?? null;
}

/** PublicOrderSerializer's output. */
export async function findPublicOrder(db: Db, id: string): Promise<PublicOrderJson> {
  const [row] = await db<{ order: PublicOrderJson }[]>`
    select ${
    jsonObject(db, [
      text(db, "public_token"),
      text(db, "reference"),
      text(db, "status"),
      ["created_on", datetime(db, db`o.created_on`)],
      ["company", ref(db, "company_company", db`o.company_id`)],
      ["contact", contactRef(db, db`o.contact_id`)],
      ["primary_market", ref(db, "metadata_country", db`o.primary_market_id`)],
      ["uk_region", ref(db, "metadata_ukregion", db`o.uk_region_id`)],
      text(db, "contact_email"),
      text(db, "contact_phone"),
      text(db, "vat_status"),
      text(db, "vat_number"),
      text(db, "vat_verified"),
      text(db, "po_number"),
      text(db, "discount_value"),
      text(db, "net_cost"),
      text(db, "subtotal_cost"),
      text(db, "vat_cost"),
      text(db, "total_cost"),
      text(db, "billing_company_name"),
      text(db, "billing_contact_name"),
      text(db, "billing_email"),
      text(db, "billing_phone"),
      text(db, "billing_address_1"),
      text(db, "billing_address_2"),
      text(db, "billing_address_town"),
      text(db, "billing_address_county"),
      text(db, "billing_address_postcode"),
      ["billing_address_country", ref(db, "metadata_country", db`o.billing_address_country_id`)],
      ["paid_on", datetime(db, db`o.paid_on`)],
      ["completed_on", datetime(db, db`o.completed_on`)],
    ])
  } as order from order_order o where o.id = ${id}`;
  return row.order;
}

/** The order's company and its official address, for the billing defaults. */
export async function billingDefaults(db: Db, orderId: string) {
  const [row] = await db<{
    company_name: string;
    registered: (string | null)[];
    trading: (string | null)[];
  }[]>`
    select c.name as company_name,
      array[c.registered_address_1, c.registered_address_2, c.registered_address_town,
        c.registered_address_county, c.registered_address_postcode,
        c.registered_address_country_id::text] as registered,
      array[c.address_1, c.address_2, c.address_town, c.address_county, c.address_postcode,
        c.address_country_id::text] as trading
    from order_order o join company_company c on c.id = o.company_id where o.id = ${orderId}`;
  return row;
}

/** Orders of a company (their search documents embed it). */
export async function orderIdsOfCompany(db: Db, companyId: string): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    select id::text from order_order where company_id = ${companyId}`;
  return rows.map((r) => r.id);
}

/** Orders of a contact (their search documents embed it). */
export async function orderIdsOfContact(db: Db, contactId: string): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    select id::text from order_order where contact_id = ${contactId}`;
  return rows.map((r) => r.id);
}

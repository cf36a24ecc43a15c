/**
 * The order search app (`POST /v3/search/order`, its CSV export, global search): the
 * original's `datahub/search/omis` document, filters, sort choices and export columns.
 * A document embeds the company, contact, assignees and subscribers, so their writes
 * re-index the order (see the manifest's embeddings).
 */
import {
  type CsvRow,
  defineSearchApp,
  descends,
  type ExportContext,
  ids,
  match,
  number,
  range,
  type SearchDocument,
  singleOrList,
  type SortTerm,
  str,
} from "../search/app.ts";
import {
  boolean,
  companyRef,
  date,
  englishText,
  idName,
  integer,
  keyword,
  normalizedKeyword,
  notIndexed,
  person,
  sector,
  text,
  trigramText,
} from "../search/mapping.ts";
import { Decimal } from "../search/csv.ts";
import { searchBackend } from "../search/engine.ts";
import { z } from "zod";
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";
import { adviserName, documentDatetime, jsonObject, ref } from "../core/render.ts";
import { companyDocument, exportOrder, sectorDocument } from "../company/search.ts";
import { type OrderStatus, STATUS_LABELS } from "./rules.ts";
import { pounds } from "./quote_content.ts";

/** `{id, first_name, last_name, name}` (+ `dit_team`) of the person row aliased `p`. */
function personJson(db: Db, withTeam: boolean): Fragment {
  const team = withTeam ? db`, 'dit_team', ${ref(db, "metadata_team", db`p.dit_team_id`)}` : db``;
  return db`jsonb_build_object('id', p.id, 'first_name', p.first_name,
    'last_name', p.last_name, 'name', ${adviserName(db, "p")} ${team})`;
}

const adviserDoc = (db: Db, id: Fragment, withTeam = false) =>
  db`(select ${personJson(db, withTeam)} from company_advisor p where p.id = ${id})`;

/** The advisers of an order's assignees or subscribers, oldest first. */
const advisersOf = (db: Db, table: "order_orderassignee" | "order_ordersubscriber") =>
  db`(select coalesce(jsonb_agg(${personJson(db, true)} order by x.created_on, x.id), '[]'::jsonb)
    from ${db(table)} x join company_advisor p on p.id = x.adviser_id where x.order_id = o.id)`;

/** Documents of these orders (the original's `Order` search model). */
async function orderDocuments(db: Db, wanted: string[]): Promise<SearchDocument[]> {
  const column = (name: string): [string, Fragment] => [name, db`o.${db(name)}`];
  const stamp = (
    name: string,
  ): [string, Fragment] => [name, documentDatetime(db, db`o.${db(name)}`)];
  const doc = jsonObject(db, [
    ["id", db`o.id`],
    column("reference"),
    column("status"),
    ["company", companyDocument(db, db`o.company_id`)],
    [
      "contact",
      db`(select ${personJson(db, false)} from company_contact p where p.id = o.contact_id)`,
    ],
    ["created_by", adviserDoc(db, db`o.created_by_id`, true)],
    stamp("created_on"),
    stamp("modified_on"),
    ["primary_market", ref(db, "metadata_country", db`o.primary_market_id`)],
    ["sector", sectorDocument(db, db`o.sector_id`)],
    ["uk_region", ref(db, "metadata_ukregion", db`o.uk_region_id`)],
    column("description"),
    column("contacts_not_to_approach"),
    column("further_info"),
    column("existing_agents"),
    ["delivery_date", db`to_char(o.delivery_date, 'YYYY-MM-DD')`],
    [
      "service_types",
      db`(select coalesce(jsonb_agg(jsonb_build_object('id', s.id, 'name', s.name)
          order by s."order", s.name), '[]'::jsonb)
        from order_order_service_types os join order_servicetype s on s.id = os.servicetype_id
        where os.order_id = o.id)`,
    ],
    column("contact_email"),
    column("contact_phone"),
    ["subscribers", advisersOf(db, "order_ordersubscriber")],
    ["assignees", advisersOf(db, "order_orderassignee")],
    column("po_number"),
    column("discount_value"),
    column("vat_status"),
    column("vat_number"),
    column("vat_verified"),
    column("net_cost"),
    column("subtotal_cost"),
    column("vat_cost"),
    column("total_cost"),
    [
      "payment_due_date",
      db`(select to_char(i.payment_due_date, 'YYYY-MM-DD') from omis_invoice_invoice i
        where i.id = o.invoice_id)`,
    ],
    stamp("paid_on"),
    ["completed_by", adviserDoc(db, db`o.completed_by_id`)],
    stamp("completed_on"),
    ["cancelled_by", adviserDoc(db, db`o.cancelled_by_id`)],
    stamp("cancelled_on"),
    ["cancellation_reason", ref(db, "order_cancellationreason", db`o.cancellation_reason_id`)],
    column("billing_company_name"),
    column("billing_contact_name"),
    column("billing_email"),
    column("billing_phone"),
    column("billing_address_1"),
    column("billing_address_2"),
    column("billing_address_town"),
    column("billing_address_county"),
    column("billing_address_postcode"),
    ["billing_address_country", ref(db, "metadata_country", db`o.billing_address_country_id`)],
  ]);
  const rows = await db<{ doc: SearchDocument }[]>`
    select ${doc} as doc from order_order o where o.id = any(${wanted}::uuid[])`;
  return rows.map((r) => r.doc);
}

/** The original's SearchOrderExportAPIView rows. */
async function orderExportRows(
  db: Db,
  wanted: string[],
  sort: SortTerm | null,
  context: ExportContext,
): Promise<CsvRow[]> {
  const base = context.frontendBaseUrl;
  const rows = await db<CsvRow[]>`
    select o.reference,
      o.subtotal_cost as subtotal_in_pounds,
      null as net_refund_in_pounds,
      o.status as status_name,
      concat(${`${base}/omis/`}::text, o.id) as link,
      (select string_agg(a.segment, ' : ' order by a.lft) from metadata_sector s
        join metadata_sector a on a.tree_id = s.tree_id and a.lft <= s.lft and a.rght >= s.rght
        where s.id = o.sector_id) as sector_name,
      (select name from metadata_country where id = o.primary_market_id) as primary_market__name,
      (select name from metadata_ukregion where id = o.uk_region_id) as uk_region__name,
      c.name as company__name,
      (select name from metadata_country where id = c.address_country_id)
        as company__address_country__name,
      (select name from metadata_ukregion where id = c.uk_region_id) as company__uk_region__name,
      concat(${`${base}/companies/`}::text, c.id) as company_link,
      concat_ws(' ', nullif(ct.first_name, ''), nullif(ct.last_name, '')) as contact_name,
      ct.job_title as contact__job_title,
      concat(${`${base}/contacts/`}::text, ct.id) as contact_link,
      (select ${adviserName(db, "a")} from order_orderassignee oa
        join company_advisor a on a.id = oa.adviser_id
        where oa.order_id = o.id and oa.is_lead order by oa.created_on limit 1) as lead_adviser,
      (select t.name from company_advisor a join metadata_team t on t.id = a.dit_team_id
        where a.id = o.created_by_id) as created_by__dit_team__name,
      o.created_on,
      o.delivery_date,
      q.created_on as quote__created_on,
      q.accepted_on as quote__accepted_on,
      o.paid_on,
      o.completed_on
    from order_order o
    join company_company c on c.id = o.company_id
    join company_contact ct on ct.id = o.contact_id
    left join omis_quote_quote q on q.id = o.quote_id
    where o.id = any(${wanted}::uuid[])
    ${
    exportOrder(db, sort, {
      created_on: db`o.created_on`,
      modified_on: db`o.modified_on`,
      delivery_date: db`o.delivery_date`,
      payment_due_date: db`(select payment_due_date from omis_invoice_invoice
        where id = o.invoice_id)`,
    }, db`o.id`)
  }`;
  // No refunds are recorded here (the original's come from its admin site): none to net.
  return rows.map((r) => ({
    ...r,
    subtotal_in_pounds: new Decimal(pounds(r.subtotal_in_pounds as number)),
    status_name: STATUS_LABELS[r.status_name as OrderStatus],
  }));
}

export const orderSearchApp = defineSearchApp({
  name: "order",
  path: "/v3/search/order",
  plural: "Orders",
  table: "order_order",
  global: true,
  viewPermissions: ["order.view_order"],
  mapping: {
    id: keyword(),
    reference: { ...normalizedKeyword(), fields: { trigram: trigramText() } },
    status: normalizedKeyword(),
    company: companyRef(),
    contact: person(),
    created_by: person({ team: true }),
    created_on: date(),
    modified_on: date(),
    primary_market: idName(),
    sector: sector(),
    uk_region: idName(),
    description: englishText(),
    contacts_not_to_approach: text(),
    further_info: text(),
    existing_agents: notIndexed(text()),
    delivery_date: date(),
    service_types: idName(),
    contact_email: normalizedKeyword(),
    contact_phone: keyword(),
    subscribers: person({ team: true }),
    assignees: person({ team: true }),
    po_number: notIndexed(keyword()),
    discount_value: notIndexed(integer()),
    vat_status: notIndexed(keyword()),
    vat_number: notIndexed(keyword()),
    vat_verified: notIndexed(boolean()),
    net_cost: notIndexed(integer()),
    subtotal_cost: { ...integer(), fields: { keyword: keyword() } },
    vat_cost: notIndexed(integer()),
    total_cost: { ...integer(), fields: { keyword: keyword() } },
    payment_due_date: date(),
    paid_on: date(),
    completed_by: person(),
    completed_on: date(),
    cancelled_by: person(),
    cancelled_on: date(),
    cancellation_reason: idName(),
    billing_company_name: text(),
    billing_contact_name: text(),
    billing_email: normalizedKeyword(),
    billing_phone: normalizedKeyword(),
    billing_address_1: text(),
    billing_address_2: text(),
    billing_address_town: normalizedKeyword(),
    billing_address_county: normalizedKeyword(),
    billing_address_postcode: text(),
    billing_address_country: idName(),
  },
  searchFields: [
    "id",
    "reference.trigram",
    "company.name",
    "company.name.trigram",
    "contact.name",
    "contact.name.trigram",
    "total_cost.keyword",
    "subtotal_cost.keyword",
    "sector.name",
    "uk_region.name",
  ],
  primaryTextFields: ["reference", "company.name"],
  filters: {
    primary_market: ids("primary_market.id"),
    sector_descends: descends(["sector"], { table: "metadata_sector", parentColumn: "parent_id" }),
    uk_region: ids("uk_region.id"),
    completed_on_before: range("completed_on", "lte"),
    completed_on_after: range("completed_on", "gte"),
    created_on_before: range("created_on", "lte"),
    created_on_after: range("created_on", "gte"),
    delivery_date_before: range("delivery_date", "lte"),
    delivery_date_after: range("delivery_date", "gte"),
    assigned_to_adviser: ids("assignees.id"),
    assigned_to_team: ids("assignees.dit_team.id"),
    status: match("status", singleOrList(str())),
    reference: match("reference.trigram", singleOrList(str())),
    total_cost: match("total_cost", number()),
    subtotal_cost: match("subtotal_cost", number()),
    contact_name: match(["contact.name", "contact.name.trigram"], str()),
    company_name: match([
      "company.name",
      "company.name.trigram",
      "company.trading_names",
      "company.trading_names.trigram",
    ], str()),
    company: ids("company.id"),
  },
  sortby: {
    created_on: "created_on",
    modified_on: "modified_on",
    delivery_date: "delivery_date",
    payment_due_date: "payment_due_date",
  },
  defaultSort: "created_on:desc",
  // As the original's enhance_response: the net price of every matching order, in pence.
  options: {
    schema: {},
    enhance: async (c, query) => ({
      summary: {
        total_subtotal_cost: await searchBackend(c.var.deps).sum(c.var.db, query, "subtotal_cost"),
      },
    }),
    response: { summary: z.object({ total_subtotal_cost: z.number() }) },
  },
  build: orderDocuments,
  export: {
    path: "/v3/search/order/export",
    permission: "order.export_order",
    columns: {
      reference: "Order reference",
      subtotal_in_pounds: "Net price",
      net_refund_in_pounds: "Net refund",
      status_name: "Status",
      link: "Link",
      sector_name: "Sector",
      primary_market__name: "Market",
      uk_region__name: "UK region",
      company__name: "Company",
      company__address_country__name: "Company country",
      company__uk_region__name: "Company UK region",
      company_link: "Company link",
      contact_name: "Contact",
      contact__job_title: "Contact job title",
      contact_link: "Contact link",
      lead_adviser: "Lead adviser",
      created_by__dit_team__name: "Created by team",
      created_on: "Date created",
      delivery_date: "Delivery date",
      quote__created_on: "Date quote sent",
      quote__accepted_on: "Date quote accepted",
      paid_on: "Date payment received",
      completed_on: "Date completed",
    },
    rows: orderExportRows,
  },
});

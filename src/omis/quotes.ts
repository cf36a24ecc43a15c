/**
 * Quotes and invoices, as the original's Order.generate_quote / reopen / accept_quote /
 * update_invoice_details with their validators: a draft order with its details, VAT
 * and assignees filled in gets a quote (its text rendered from the order) and awaits the
 * customer's acceptance; cancelling the quote reopens the order; acceptance snapshots an
 * invoice. Also the pricing kept on the order (recomputed on every write that can
 * change it).
 */
import type { Db } from "../db/pool.ts";
import { ApiError, type FieldErrors, ValidationError } from "../http/errors.ts";
import { modificationStamps, recordWrite, type WriteMeta } from "../core/tracking.ts";
import * as q from "./queries.ts";
import { calculatePricing, missingVatField } from "./pricing.ts";
import { quoteContent } from "./quote_content.ts";
import { checkStatus, INVOICE_FIELDS, messages, type OrderStatus, randomFrom } from "./rules.ts";
import type { QuoteJson } from "./routes.ts";
import { type Notices, notifyOrder } from "./notifications.ts";

/** Days before delivery / after today that bound a quote's expiry and a payment's due date. */
const QUOTE_EXPIRY_DAYS_BEFORE_DELIVERY = 21;
const QUOTE_EXPIRY_DAYS_FROM_NOW = 30;
const PAYMENT_DUE_DAYS_BEFORE_DELIVERY = 14;
const PAYMENT_DUE_DAYS_FROM_NOW = 30;

export const quoteMessages = {
  activeQuote: "There's already an active quote.",
  expiryInPast: "The calculated expiry date for the quote is in the past. " +
    "You might be able to fix this by changing the delivery date.",
  noAssignees: "You need to add at least one assignee.",
  noLead: "You need to set a lead assignee.",
  noEstimatedTime: "The total estimated time cannot be zero.",
};

/** `YYYY-MM-DD` of a UTC date plus `days`. */
function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

const today = (at: Date) => at.toISOString().slice(0, 10);
const earliest = (a: string, b: string) => (a < b ? a : b);

/** Recomputes the order's pricing; true when it changed (and was saved). */
export async function updatePricing(db: Db, orderId: string): Promise<boolean> {
  const input = await q.pricingInput(db, orderId);
  const pricing = calculatePricing(input);
  if (
    pricing.net_cost === input.net_cost && pricing.subtotal_cost === input.subtotal_cost &&
    pricing.vat_cost === input.vat_cost && pricing.total_cost === input.total_cost
  ) {
    return false;
  }
  await q.updateOrder(db, orderId, { ...pricing });
  return true;
}

/** OrderDetailsFilledInSubValidator: every missing detail, VAT field and assignee rule. */
function detailErrors(order: q.OrderRow, facts: q.QuoteFacts): FieldErrors {
  const errors: FieldErrors = {};
  const required = [messages.required];
  if (!facts.primary_market_id) errors.primary_market = required;
  if (!facts.service_types) errors.service_types = required;
  if (!facts.description) errors.description = required;
  if (!facts.delivery_date) errors.delivery_date = required;
  const vat = missingVatField(order as unknown as Parameters<typeof missingVatField>[0]);
  if (vat) errors[vat] = required;
  if (!facts.assignees) errors.assignees = [quoteMessages.noAssignees];
  else if (!facts.leads) errors.assignee_lead = [quoteMessages.noLead];
  else if (!facts.estimated_time) errors.assignee_time = [quoteMessages.noEstimatedTime];
  return errors;
}

/** The first part of the address that is filled in: registered, else trading. */
function officialAddress(facts: q.QuoteFacts): string {
  const address = facts.registered_address.some(Boolean) ? facts.registered_address : facts.address;
  return address.filter(Boolean).join(", ");
}

async function quoteReference(db: Db, orderReference: string): Promise<string> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const reference = `${orderReference}/Q-${randomFrom("ACEFHJKMNPRTUVWXY", 2)}${
      randomFrom("123456789", 1)
    }`;
    if (!await q.quoteReferenceTaken(db, reference)) return reference;
  }
  throw new Error("Cannot generate random reference");
}

/** A quote for the order as generate_quote would make it (checked; nothing saved). */
async function draftQuote(db: Db, order: q.OrderRow, genericEmail: string, at: Date) {
  const facts = await q.quoteFacts(db, order.id);
  const errors = detailErrors(order, facts);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  if (facts.active_quote) throw new ApiError(409, { detail: quoteMessages.activeQuote });
  checkStatus(order.status, ["draft"]);

  const now = today(at);
  const expiresOn = earliest(
    addDays(facts.delivery_date!, -QUOTE_EXPIRY_DAYS_BEFORE_DELIVERY),
    addDays(now, QUOTE_EXPIRY_DAYS_FROM_NOW),
  );
  if (expiresOn < now) throw new ValidationError({ delivery_date: [quoteMessages.expiryInPast] });
  const terms = await q.latestTerms(db);
  const content = quoteContent({
    today: now,
    deliveryDate: facts.delivery_date!,
    expiresOn,
    subtotalCost: facts.subtotal_cost,
    orderReference: facts.reference,
    companyName: facts.company_name,
    companyAddress: officialAddress(facts),
    orderDescription: facts.description,
    contactName: facts.contact_name,
    contactEmail: facts.contact_email,
    genericContactEmail: genericEmail,
    leadAssigneeName: facts.lead_assignee_name ?? "",
  });
  return { facts, expiresOn, content, terms };
}

/** The quote generate_quote would make, unsaved (QuoteSerializer.preview). */
export async function previewQuote(
  db: Db,
  order: q.OrderRow,
  genericEmail: string,
  at: Date,
): Promise<QuoteJson> {
  const { expiresOn, content, terms } = await draftQuote(db, order, genericEmail, at);
  return {
    created_on: null,
    created_by: null,
    cancelled_on: null,
    cancelled_by: null,
    accepted_on: null,
    accepted_by: null,
    expires_on: expiresOn,
    content,
    terms_and_conditions: terms?.content ?? "",
  };
}

/**
 * Billing details the order leaves blank, from its company (populate_billing_data): the
 * company name, and the official address unless some billing address field is set.
 */
async function billingColumns(db: Db, order: q.OrderRow) {
  const defaults = await q.billingDefaults(db, order.id);
  const columns: q.OrderColumns = {};
  if (!order.billing_company_name) columns.billing_company_name = defaults.company_name;
  const fields = [
    "billing_address_1",
    "billing_address_2",
    "billing_address_town",
    "billing_address_county",
    "billing_address_postcode",
    "billing_address_country_id",
  ];
  if (!fields.some((field) => order[field])) {
    const address = defaults.registered.some(Boolean) ? defaults.registered : defaults.trading;
    fields.forEach((field, i) => {
      columns[field] = address[i] ?? (field.endsWith("_id") ? null : "");
    });
  }
  return columns;
}

/** Generates and saves the quote; the order awaits acceptance. Returns the quote's id. */
export async function generateQuote(
  db: Db,
  order: q.OrderRow,
  notices: Notices,
  meta: WriteMeta,
): Promise<string> {
  const genericEmail = notices.config.OMIS_GENERIC_CONTACT_EMAIL;
  const { facts, expiresOn, content, terms } = await draftQuote(db, order, genericEmail, meta.at);
  const quoteId = await q.insertQuote(db, {
    reference: await quoteReference(db, facts.reference),
    content,
    expires_on: expiresOn,
    terms_and_conditions_id: terms?.id ?? null,
    created_on: meta.at,
    modified_on: meta.at,
    created_by_id: meta.userId,
  });
  await q.updateOrder(db, order.id, {
    quote_id: quoteId,
    status: "quote_awaiting_acceptance",
    ...await billingColumns(db, order),
    ...modificationStamps(meta),
  });
  await recordWrite(db, q.orderEntity, order.id, meta);
  await notifyOrder(db, notices, "quote_generated", order.id);
  return quoteId;
}

/** Statuses from which the quote can be cancelled (the order reopened). */
const REOPENABLE: readonly OrderStatus[] = ["quote_awaiting_acceptance", "quote_accepted"];

/** Cancels the order's quote (if not already) and reopens the order as a draft. */
export async function reopen(db: Db, order: q.OrderRow, meta: WriteMeta, notices: Notices) {
  checkStatus(order.status, REOPENABLE);
  await q.cancelQuote(db, order.quote_id as string, meta.userId, meta.at);
  await q.updateOrder(db, order.id, { status: "draft", ...modificationStamps(meta) });
  await recordWrite(db, q.orderEntity, order.id, meta);
  await notifyOrder(db, notices, "quote_cancelled", order.id, meta.userId);
}

/** A new invoice snapshotting the order, whose quote has been accepted. */
export async function updateInvoiceDetails(db: Db, order: q.OrderRow, acceptedOn: Date) {
  checkStatus(order.status, ["quote_accepted"]);
  const dueDate = earliest(
    addDays(order.delivery_date as string, -PAYMENT_DUE_DAYS_BEFORE_DELIVERY),
    addDays(today(acceptedOn), PAYMENT_DUE_DAYS_FROM_NOW),
  );
  const invoiceNumber = await q.datetimeReference(
    db,
    "omis_invoice_invoice",
    "invoice_number",
    acceptedOn,
  );
  await q.createInvoice(db, order.id, invoiceNumber, dueDate, acceptedOn);
}

/**
 * The customer accepts the quote (the order's contact accepts it): the order's quote is
 * accepted and it gets its invoice.
 */
export async function acceptQuote(
  db: Db,
  order: q.OrderRow,
  meta: WriteMeta,
  notices: Notices,
) {
  checkStatus(order.status, ["quote_awaiting_acceptance"]);
  await q.updateQuote(db, order.quote_id as string, {
    accepted_on: meta.at,
    accepted_by_id: order.contact_id,
    modified_on: meta.at,
  });
  await q.updateOrder(db, order.id, { status: "quote_accepted", modified_on: meta.at });
  await updateInvoiceDetails(db, { ...order, status: "quote_accepted" }, meta.at);
  await recordWrite(db, q.orderEntity, order.id, meta);
  await notifyOrder(db, notices, "quote_accepted", order.id);
}

/** Whether a PATCH changed a field the invoice snapshots. */
export function touchesInvoice(fields: string[]): boolean {
  return fields.some((field) => INVOICE_FIELDS.includes(field));
}

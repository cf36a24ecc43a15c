/**
 * Routes and Zod schemas of OMIS orders (`/v3/omis/order…`), as the original's
 * OrderViewSet: model permissions by method (`order.add_order` for create and the
 * POST actions, `order.view_order`, `order.change_order`).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { bearer } from "../auth/authenticate.ts";
import { crud } from "../auth/permissions.ts";
import {
  idParam,
  jsonBody,
  jsonResponse,
  nestedRef,
  nullableRef,
  refList,
} from "../http/schemas.ts";
import { ORDER_STATUSES, VAT_STATUSES } from "./rules.ts";

const tags = ["omis"];
const middleware = [bearer, crud("order.order")];
const text = (max?: number) => (max ? z.string().trim().max(max) : z.string().trim());

/** Writable fields of OrderSerializer (read-only ones are ignored if sent). */
export const orderUpdateBody = z.object({
  company: nestedRef(),
  contact: nestedRef(),
  primary_market: nestedRef(),
  sector: nullableRef(),
  uk_region: nullableRef(),
  service_types: refList(),
  description: text(),
  contacts_not_to_approach: text(),
  further_info: text(),
  existing_agents: text(),
  delivery_date: z.iso.date().nullable(),
  po_number: text(100),
  vat_status: z.enum(["", ...VAT_STATUSES]),
  vat_number: text(100),
  vat_verified: z.boolean().nullable(),
  billing_address_1: text(255),
  billing_address_2: text(255),
  billing_address_town: text(255),
  billing_address_county: text(255),
  billing_address_postcode: text(100),
  billing_address_country: nullableRef(),
}).partial();
export const orderCreateBody = orderUpdateBody.required({
  company: true,
  contact: true,
  primary_market: true,
});
export type OrderInput = z.output<typeof orderUpdateBody>;

export const cancelOrderBody = z.object({ cancellation_reason: nestedRef() });

const namedRef = z.object({ id: z.string(), name: z.string() });
const adviserRef = z.object({
  id: z.string(),
  name: z.string(),
  first_name: z.string(),
  last_name: z.string(),
});
const stamp = z.string().nullable();

/** The prices and billing details, as both the order and the customer's order show them. */
export const orderBillingShape = {
  po_number: z.string(),
  discount_value: z.number().int(),
  vat_status: z.string(),
  vat_number: z.string(),
  vat_verified: z.boolean().nullable(),
  net_cost: z.number().int(),
  subtotal_cost: z.number().int(),
  vat_cost: z.number().int(),
  total_cost: z.number().int(),
  billing_company_name: z.string(),
  billing_contact_name: z.string(),
  billing_email: z.string(),
  billing_phone: z.string(),
  billing_address_1: z.string(),
  billing_address_2: z.string(),
  billing_address_town: z.string(),
  billing_address_county: z.string(),
  billing_address_postcode: z.string(),
  billing_address_country: namedRef.nullable(),
};

/** OrderSerializer's output. */
export const orderSchema = z.object({
  id: z.string(),
  reference: z.string(),
  status: z.enum(ORDER_STATUSES),
  created_on: stamp,
  created_by: adviserRef.nullable(),
  modified_on: stamp,
  modified_by: adviserRef.nullable(),
  company: namedRef,
  contact: namedRef,
  primary_market: namedRef.nullable(),
  sector: namedRef.nullable(),
  uk_region: namedRef.nullable(),
  service_types: z.array(namedRef),
  description: z.string(),
  contacts_not_to_approach: z.string(),
  contact_email: z.string(),
  contact_phone: z.string(),
  product_info: z.string(),
  further_info: z.string(),
  existing_agents: z.string(),
  permission_to_approach_contacts: z.string(),
  delivery_date: z.string().nullable(),
  ...orderBillingShape,
  archived_documents_url_path: z.string(),
  paid_on: stamp,
  completed_by: adviserRef.nullable(),
  completed_on: stamp,
  cancelled_by: adviserRef.nullable(),
  cancelled_on: stamp,
  cancellation_reason: namedRef.nullable(),
}).openapi("Order");
export type OrderJson = z.infer<typeof orderSchema>;

export const createOrder = createRoute({
  method: "post",
  path: "/v3/omis/order",
  tags,
  summary: "Create an order",
  middleware,
  request: { body: jsonBody(orderCreateBody) },
  responses: { 201: jsonResponse("The order", orderSchema) },
});

export const getOrder = createRoute({
  method: "get",
  path: "/v3/omis/order/{id}",
  tags,
  summary: "One order",
  middleware,
  request: { params: idParam },
  responses: { 200: jsonResponse("The order", orderSchema) },
});

export const updateOrder = createRoute({
  method: "patch",
  path: "/v3/omis/order/{id}",
  tags,
  summary: "Update an order (editable fields depend on its status)",
  middleware,
  request: { params: idParam, body: jsonBody(orderUpdateBody) },
  responses: { 200: jsonResponse("The order", orderSchema) },
});

export const completeOrder = createRoute({
  method: "post",
  path: "/v3/omis/order/{id}/complete",
  tags,
  summary: "Mark a paid order as complete",
  middleware,
  request: { params: idParam },
  responses: { 200: jsonResponse("The order", orderSchema) },
});

export const cancelOrder = createRoute({
  method: "post",
  path: "/v3/omis/order/{id}/cancel",
  tags,
  summary: "Cancel an order (draft or quote awaiting acceptance)",
  middleware,
  request: { params: idParam, body: jsonBody(cancelOrderBody) },
  responses: { 200: jsonResponse("The order", orderSchema) },
});

const orderPkParam = z.object({
  order_pk: z.guid().openapi({ param: { name: "order_pk", in: "path" } }),
});
const subscriberMiddleware = [bearer, crud("order.ordersubscriber")];

/** SubscribedAdviserSerializer's output. */
export const subscriberSchema = z.object({
  id: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  name: z.string(),
  dit_team: z.object({ id: z.string(), name: z.string(), uk_region: namedRef.nullable() })
    .nullable(),
});
export type SubscriberJson = z.infer<typeof subscriberSchema>;

/**
 * `[{"id": "<adviser uuid>"}, …]`, checked in writes.ts so errors come back as DRF's
 * list serializer reports them (one object per item).
 */
export const subscriberListBody = z.unknown().openapi({
  type: "array",
  items: { type: "object", properties: { id: { type: "string", format: "uuid" } } },
});

export const getSubscribers = createRoute({
  method: "get",
  path: "/v3/omis/order/{order_pk}/subscriber-list",
  tags,
  summary: "Advisers subscribed to an order",
  middleware: subscriberMiddleware,
  request: { params: orderPkParam },
  responses: { 200: jsonResponse("The subscribed advisers", z.array(subscriberSchema)) },
});

export const replaceSubscribers = createRoute({
  method: "put",
  path: "/v3/omis/order/{order_pk}/subscriber-list",
  tags,
  summary: "Replace the advisers subscribed to an order",
  middleware: subscriberMiddleware,
  request: { params: orderPkParam, body: jsonBody(subscriberListBody) },
  responses: { 200: jsonResponse("The subscribed advisers", z.array(subscriberSchema)) },
});

const assigneeMiddleware = [bearer, crud("order.orderassignee")];

/** OrderAssigneeSerializer's output. */
export const assigneeSchema = z.object({
  adviser: adviserRef,
  estimated_time: z.number().int(),
  actual_time: z.number().int().nullable(),
  is_lead: z.boolean(),
});
export type AssigneeJson = z.infer<typeof assigneeSchema>;

/** `[{"adviser": {"id": …}, "estimated_time", "actual_time", "is_lead"}, …]`, checked in assignees.ts. */
export const assigneeListBody = z.unknown().openapi({
  type: "array",
  items: {
    type: "object",
    properties: {
      adviser: { type: "object", properties: { id: { type: "string", format: "uuid" } } },
      estimated_time: { type: "integer" },
      actual_time: { type: "integer", nullable: true },
      is_lead: { type: "boolean" },
    },
  },
});

export const getAssignees = createRoute({
  method: "get",
  path: "/v3/omis/order/{order_pk}/assignee",
  tags,
  summary: "Advisers assigned to an order",
  middleware: assigneeMiddleware,
  request: { params: orderPkParam },
  responses: { 200: jsonResponse("The assignees", z.array(assigneeSchema)) },
});

export const patchAssignees = createRoute({
  method: "patch",
  path: "/v3/omis/order/{order_pk}/assignee",
  tags,
  summary: "Add, update and (with force-delete=1) remove an order's assignees",
  middleware: assigneeMiddleware,
  request: {
    params: orderPkParam,
    query: z.object({ "force-delete": z.string().optional() }),
    body: jsonBody(assigneeListBody),
  },
  responses: { 200: jsonResponse("The assignees", z.array(assigneeSchema)) },
});

/** QuoteSerializer's output (PublicQuoteSerializer's leaves out the people). */
export const publicQuoteSchema = z.object({
  created_on: stamp,
  cancelled_on: stamp,
  accepted_on: stamp,
  expires_on: z.string(),
  content: z.string(),
  terms_and_conditions: z.string(),
}).openapi("PublicQuote");
export const quoteSchema = publicQuoteSchema.extend({
  created_by: adviserRef.nullable(),
  cancelled_by: adviserRef.nullable(),
  accepted_by: namedRef.nullable(),
}).openapi("Quote");
export type QuoteJson = z.infer<typeof quoteSchema>;
export type PublicQuoteJson = z.infer<typeof publicQuoteSchema>;

/** InvoiceSerializer's output. */
export const invoiceSchema = z.object({
  created_on: stamp,
  invoice_number: z.string(),
  invoice_company_name: z.string(),
  invoice_address_1: z.string(),
  invoice_address_2: z.string(),
  invoice_address_town: z.string(),
  invoice_address_county: z.string(),
  invoice_address_postcode: z.string(),
  invoice_address_country: namedRef.nullable(),
  invoice_vat_number: z.string(),
  payment_due_date: z.string(),
  billing_contact_name: z.string(),
  billing_company_name: z.string(),
  billing_address_1: z.string(),
  billing_address_2: z.string(),
  billing_address_county: z.string(),
  billing_address_postcode: z.string(),
  billing_address_town: z.string(),
  billing_address_country: namedRef.nullable(),
  po_number: z.string(),
  vat_status: z.string(),
  vat_number: z.string(),
  vat_verified: z.boolean().nullable(),
  net_cost: z.number().int(),
  subtotal_cost: z.number().int(),
  vat_cost: z.number().int(),
  total_cost: z.number().int(),
}).openapi("Invoice");
export type InvoiceJson = z.infer<typeof invoiceSchema>;

/** PaymentSerializer's output. */
export const paymentSchema = z.object({
  created_on: stamp,
  reference: z.string(),
  transaction_reference: z.string(),
  additional_reference: z.string(),
  amount: z.number().int(),
  method: z.string(),
  received_on: z.string(),
}).openapi("Payment");
export type PaymentJson = z.infer<typeof paymentSchema>;

/**
 * `[{"amount", "received_on", "method"?, "transaction_reference"?}, …]`, checked in
 * payments.ts so errors come back per item as DRF's list serializer reports them.
 */
export const paymentListBody = z.unknown().openapi({
  type: "array",
  items: {
    type: "object",
    properties: {
      amount: { type: "integer" },
      received_on: { type: "string", format: "date" },
      method: { type: "string", enum: ["bacs", "manual"] },
      transaction_reference: { type: "string" },
    },
  },
});

const quoteMiddleware = [bearer, crud("omis_quote.quote")];

export const getQuote = createRoute({
  method: "get",
  path: "/v3/omis/order/{order_pk}/quote",
  tags,
  summary: "The order's current quote",
  middleware: quoteMiddleware,
  request: { params: orderPkParam },
  responses: { 200: jsonResponse("The quote", quoteSchema) },
});

export const createQuote = createRoute({
  method: "post",
  path: "/v3/omis/order/{order_pk}/quote",
  tags,
  summary: "Generate a quote for a draft order (it then awaits the customer's acceptance)",
  middleware: quoteMiddleware,
  request: { params: orderPkParam },
  responses: { 201: jsonResponse("The quote", quoteSchema) },
});

export const previewQuote = createRoute({
  method: "post",
  path: "/v3/omis/order/{order_pk}/quote/preview",
  tags,
  summary: "The quote that would be generated, without saving it",
  middleware: quoteMiddleware,
  request: { params: orderPkParam },
  responses: { 200: jsonResponse("The quote", quoteSchema) },
});

export const cancelQuote = createRoute({
  method: "post",
  path: "/v3/omis/order/{order_pk}/quote/cancel",
  tags,
  summary: "Cancel the quote and reopen the order as a draft",
  middleware: quoteMiddleware,
  request: { params: orderPkParam },
  responses: { 200: jsonResponse("The cancelled quote", quoteSchema) },
});

export const getInvoice = createRoute({
  method: "get",
  path: "/v3/omis/order/{order_pk}/invoice",
  tags,
  summary: "The order's current invoice",
  middleware: [bearer, crud("omis_invoice.invoice")],
  request: { params: orderPkParam },
  responses: { 200: jsonResponse("The invoice", invoiceSchema) },
});

const paymentMiddleware = [bearer, crud("omis_payment.payment")];

export const listPayments = createRoute({
  method: "get",
  path: "/v3/omis/order/{order_pk}/payment",
  tags,
  summary: "The order's payments (not paginated)",
  middleware: paymentMiddleware,
  request: { params: orderPkParam },
  responses: { 200: jsonResponse("The payments", z.array(paymentSchema)) },
});

export const createPayments = createRoute({
  method: "post",
  path: "/v3/omis/order/{order_pk}/payment",
  tags,
  summary: "Record the payments of an order whose quote was accepted (it becomes paid)",
  middleware: paymentMiddleware,
  request: { params: orderPkParam, body: jsonBody(paymentListBody) },
  responses: { 201: jsonResponse("The order's payments", z.array(paymentSchema)) },
});

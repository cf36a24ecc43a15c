/**
 * Routes of the OMIS customer site (`/v3/public/omis/order/{public_token}…`), Hawk scope
 * `public_omis`. Every answer is Hawk-signed by the shared middleware (the original signs
 * only the quote and invoice ones; a client that does not check a signature ignores it).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { hawk } from "../auth/authenticate.ts";
import { jsonResponse } from "../http/schemas.ts";
import { pathRateThrottle } from "../http/throttle.ts";
import { invoiceSchema, orderBillingShape, paymentSchema, publicQuoteSchema } from "./routes.ts";
import { ORDER_STATUSES } from "./rules.ts";

const tags = ["omis public"];
const security = [{ hawk: [] }];
const detail = z.object({ detail: z.string() });
const middleware = [hawk("public_omis")];
const payErrors = { 502: jsonResponse("GOV.UK Pay failed or is unreachable", detail) };
const errors = {
  401: jsonResponse("Missing or invalid Hawk credentials", detail),
  403: jsonResponse("The client lacks the public_omis scope", detail),
  404: jsonResponse("No such order (or not visible to the customer yet)", detail),
};

/** The order's 50-character public token (`[0-9A-Za-z_-]{50}`; anything else is a 404). */
const tokenParam = z.object({
  public_token: z.string().openapi({ param: { name: "public_token", in: "path" } }),
});
const base = "/v3/public/omis/order/{public_token}";

const namedRef = z.object({ id: z.string(), name: z.string() });

/** PublicOrderSerializer's output. */
export const publicOrderSchema = z.object({
  public_token: z.string(),
  reference: z.string(),
  status: z.enum(ORDER_STATUSES),
  created_on: z.string().nullable(),
  company: namedRef,
  contact: namedRef,
  primary_market: namedRef.nullable(),
  uk_region: namedRef.nullable(),
  contact_email: z.string(),
  contact_phone: z.string(),
  ...orderBillingShape,
  paid_on: z.string().nullable(),
  completed_on: z.string().nullable(),
}).openapi("PublicOrder");
export type PublicOrderJson = z.infer<typeof publicOrderSchema>;

/** PaymentGatewaySessionSerializer's output. */
export const sessionSchema = z.object({
  id: z.string(),
  created_on: z.string().nullable(),
  status: z.string(),
  payment_url: z.string(),
}).openapi("PaymentGatewaySession");
export type SessionJson = z.infer<typeof sessionSchema>;

export const getOrder = createRoute({
  method: "get",
  path: base,
  tags,
  summary: "The order as its customer sees it",
  middleware,
  security,
  request: { params: tokenParam },
  responses: { 200: jsonResponse("The order", publicOrderSchema), ...errors },
});

export const getQuote = createRoute({
  method: "get",
  path: `${base}/quote`,
  tags,
  summary: "The order's quote (signed)",
  middleware,
  security,
  request: { params: tokenParam },
  responses: { 200: jsonResponse("The quote", publicQuoteSchema), ...errors },
});

export const acceptQuote = createRoute({
  method: "post",
  path: `${base}/quote/accept`,
  tags,
  summary: "The customer accepts the quote: the order awaits payment, with an invoice",
  middleware,
  security,
  request: { params: tokenParam },
  responses: { 200: jsonResponse("The accepted quote", publicQuoteSchema), ...errors },
});

export const getInvoice = createRoute({
  method: "get",
  path: `${base}/invoice`,
  tags,
  summary: "The order's invoice (signed)",
  middleware,
  security,
  request: { params: tokenParam },
  responses: { 200: jsonResponse("The invoice", invoiceSchema), ...errors },
});

export const listPayments = createRoute({
  method: "get",
  path: `${base}/payment`,
  tags,
  summary: "The order's payments (not paginated)",
  middleware,
  security,
  request: { params: tokenParam },
  responses: { 200: jsonResponse("The payments", z.array(paymentSchema)), ...errors },
});

export const createSession = createRoute({
  method: "post",
  path: `${base}/payment-gateway-session`,
  tags,
  summary: "Start a GOV.UK Pay card payment (other ongoing ones are cancelled)",
  // The original's `payment_gateway_session.create` rate: 5 a minute per order.
  middleware: [
    ...middleware,
    pathRateThrottle("payment_gateway_session.create", { count: 5, seconds: 60 }),
  ] as const,
  security,
  request: { params: tokenParam },
  responses: {
    201: jsonResponse(
      "The session, with the GOV.UK Pay page to send the customer to",
      sessionSchema,
    ),
    ...errors,
    ...payErrors,
    429: jsonResponse("More than 5 sessions started in a minute for this order", detail),
  },
});

export const getSession = createRoute({
  method: "get",
  path: `${base}/payment-gateway-session/{id}`,
  tags,
  summary: "A card payment session, refreshed from GOV.UK Pay",
  middleware,
  security,
  request: {
    params: tokenParam.extend({
      id: z.string().openapi({ param: { name: "id", in: "path" } }),
    }),
  },
  responses: { 200: jsonResponse("The session", sessionSchema), ...errors, ...payErrors },
});

/**
 * The OMIS customer site's handlers: the order found by its public token among the
 * orders each view lets the customer see (the original's querysets), then the same
 * quote, invoice and payment logic as the internal routes.
 */
import type { App, Handler } from "../http/context.ts";
import type { Db } from "../db/pool.ts";
import { ApiError, notFound } from "../http/errors.ts";
import { systemWriteMeta } from "../core/tracking.ts";
import { isUuid } from "../http/drf.ts";
import { transactionWithJobs } from "../jobs/after_commit.ts";
import { notices } from "./notifications.ts";
import * as routes from "./public_routes.ts";
import * as q from "./queries.ts";
import * as quotes from "./quotes.ts";
import * as payments from "./payments.ts";
import type { OrderStatus } from "./rules.ts";
import type { PublicQuoteJson } from "./routes.ts";

const TOKEN_RE = /^[0-9A-Za-z_-]{50}$/;
const SESSION_ID_RE = /^[0-9a-z-]{36}$/;

/** Orders the customer may see (publicly_accessible); `include_reopened` adds reopened drafts. */
const PUBLIC: readonly OrderStatus[] = [
  "quote_awaiting_acceptance",
  "quote_accepted",
  "paid",
  "complete",
];
const INVOICED: readonly OrderStatus[] = ["quote_accepted", "paid", "complete"];

async function publicOrder(
  db: Db,
  token: string,
  statuses: readonly OrderStatus[],
  options: { includeReopened?: boolean; missing?: string } = {},
): Promise<string> {
  if (!TOKEN_RE.test(token)) throw notFound();
  const id = await q.publicOrderId(db, token, statuses, options.includeReopened ?? false);
  if (!id) {
    throw new ApiError(404, { detail: options.missing ?? "The specified order does not exist." });
  }
  return id;
}

async function lockPublicOrder(
  db: Db,
  token: string,
  statuses: readonly OrderStatus[],
  includeReopened = false,
) {
  const id = await publicOrder(db, token, statuses, { includeReopened });
  return (await q.lockOrder(db, id))!;
}

export const getOrder: Handler<typeof routes.getOrder> = async (c) => {
  const db = c.var.db;
  const id = await publicOrder(db, c.req.valid("param").public_token, PUBLIC, {
    includeReopened: true,
    missing: "No Order matches the given query.",
  });
  return c.json(await q.findPublicOrder(db, id), 200);
};

async function quoteOf(db: Db, order: q.OrderRow) {
  if (!order.quote_id) {
    throw new ApiError(404, { detail: "The specified quote does not exist." });
  }
  return await q.findQuote(db, order.quote_id as string, "public") as PublicQuoteJson;
}

export const getQuote: Handler<typeof routes.getQuote> = async (c) => {
  const db = c.var.db;
  const order = await lockPublicOrder(db, c.req.valid("param").public_token, PUBLIC, true);
  return c.json(await quoteOf(db, order), 200);
};

export const acceptQuote: Handler<typeof routes.acceptQuote> = async (c) => {
  const db = c.var.db;
  const order = await lockPublicOrder(db, c.req.valid("param").public_token, PUBLIC, true);
  await quoteOf(db, order);
  const meta = systemWriteMeta(c.var.deps);
  await quotes.acceptQuote(db, order, meta, notices(c, meta.at));
  return c.json(await quoteOf(db, order), 200);
};

export const getInvoice: Handler<typeof routes.getInvoice> = async (c) => {
  const db = c.var.db;
  const order = await lockPublicOrder(db, c.req.valid("param").public_token, INVOICED);
  if (!order.invoice_id) {
    throw new ApiError(404, { detail: "The specified invoice does not exist." });
  }
  return c.json(await q.findInvoice(db, order.invoice_id as string), 200);
};

export const listPayments: Handler<typeof routes.listPayments> = async (c) => {
  const db = c.var.db;
  const id = await publicOrder(db, c.req.valid("param").public_token, PUBLIC);
  return c.json(await q.listPayments(db, id), 200);
};

/**
 * Ongoing sessions are refreshed in their own transaction first, so what GOV.UK Pay said
 * is kept even when the order turns out not to accept a new payment (the original's 409
 * does not roll back either).
 */
export const createSession: Handler<typeof routes.createSession> = async (c) => {
  const { deps, db } = c.var;
  const id = await publicOrder(db, c.req.valid("param").public_token, INVOICED);
  await transactionWithJobs(
    deps,
    (tx, jobs) => payments.refreshOngoingSessions(deps, tx, jobs, id, deps.now()),
  );
  const order = (await q.lockOrder(db, id))!;
  const session = await payments.createSession(deps, db, notices(c).jobs, order, deps.now());
  return c.json(session, 201);
};

export const getSession: Handler<typeof routes.getSession> = async (c) => {
  const { deps, db } = c.var;
  const { public_token, id } = c.req.valid("param");
  const orderId = await publicOrder(db, public_token, INVOICED);
  if (!SESSION_ID_RE.test(id)) throw notFound();
  // A GET runs outside a transaction: the refresh (and the payment it may record) gets one.
  const refreshed = isUuid(id) &&
    await transactionWithJobs(deps, async (tx, jobs) => {
      const session = await q.lockSession(tx, orderId, id);
      if (!session) return null;
      const payment = await payments.refreshSession(deps, tx, jobs, session, deps.now());
      return { session, payment };
    });
  if (!refreshed) {
    throw new ApiError(404, { detail: "No PaymentGatewaySession matches the given query." });
  }
  return c.json(
    await payments.sessionJson(deps, db, refreshed.session, refreshed.payment),
    200,
  );
};

export function registerPublicOmisRoutes(app: App) {
  app.openapi(routes.getOrder, getOrder);
  app.openapi(routes.getQuote, getQuote);
  app.openapi(routes.acceptQuote, acceptQuote);
  app.openapi(routes.getInvoice, getInvoice);
  app.openapi(routes.listPayments, listPayments);
  app.openapi(routes.createSession, createSession);
  app.openapi(routes.getSession, getSession);
}

/** OMIS order handlers: parse, load and lock, write through writes.ts, respond. */
import { writeMeta } from "../http/write_meta.ts";
import { notices } from "./notifications.ts";
import type { App, Handler } from "../http/context.ts";
import type { Db } from "../db/pool.ts";
import { ApiError, notFound } from "../http/errors.ts";
import type { QuoteJson } from "./routes.ts";
import { registerPublicOmisRoutes } from "./public_handlers.ts";
import * as routes from "./routes.ts";
import * as q from "./queries.ts";
import * as writes from "./writes.ts";
import { patchAssignees as writeAssignees } from "./assignees.ts";
import * as quotes from "./quotes.ts";
import * as payments from "./payments.ts";

async function loadOrder(db: Db, id: string) {
  const order = await q.findOrder(db, id);
  if (!order) throw notFound("Order");
  return order;
}

async function lockOrder(db: Db, id: string) {
  const stored = await q.lockOrder(db, id);
  if (!stored) throw notFound("Order");
  return stored;
}

export const createOrder: Handler<typeof routes.createOrder> = async (c) => {
  const db = c.var.db;
  const meta = writeMeta(c);
  const id = await writes.createOrder(db, c.req.valid("json"), meta, notices(c, meta.at));
  return c.json(await loadOrder(db, id), 201);
};

export const getOrder: Handler<typeof routes.getOrder> = async (c) => {
  return c.json(await loadOrder(c.var.db, c.req.valid("param").id), 200);
};

export const updateOrder: Handler<typeof routes.updateOrder> = async (c) => {
  const db = c.var.db;
  const stored = await lockOrder(db, c.req.valid("param").id);
  await writes.updateOrder(db, stored, c.req.valid("json"), writeMeta(c));
  return c.json(await loadOrder(db, stored.id), 200);
};

export const cancelOrder: Handler<typeof routes.cancelOrder> = async (c) => {
  const db = c.var.db;
  const stored = await lockOrder(db, c.req.valid("param").id);
  const meta = writeMeta(c);
  const reason = c.req.valid("json").cancellation_reason;
  await writes.cancelOrder(db, stored, reason, meta, notices(c, meta.at));
  return c.json(await loadOrder(db, stored.id), 200);
};

export const completeOrder: Handler<typeof routes.completeOrder> = async (c) => {
  const db = c.var.db;
  const stored = await lockOrder(db, c.req.valid("param").id);
  const meta = writeMeta(c);
  await writes.completeOrder(db, stored, meta, notices(c, meta.at));
  return c.json(await loadOrder(db, stored.id), 200);
};

/** The order of a nested route (`order_pk`): a plain 404, as the original's Http404. */
async function lockParentOrder(db: Db, id: string) {
  const stored = await q.lockOrder(db, id);
  if (!stored) throw notFound();
  return stored;
}

export const getSubscribers: Handler<typeof routes.getSubscribers> = async (c) => {
  const db = c.var.db;
  const { order_pk } = c.req.valid("param");
  if (!await q.findOrder(db, order_pk)) throw notFound();
  return c.json(await q.listSubscribers(db, order_pk), 200);
};

export const replaceSubscribers: Handler<typeof routes.replaceSubscribers> = async (c) => {
  const db = c.var.db;
  const stored = await lockParentOrder(db, c.req.valid("param").order_pk);
  const meta = writeMeta(c);
  await writes.replaceSubscribers(db, stored, c.req.valid("json"), meta, notices(c, meta.at));
  return c.json(await q.listSubscribers(db, stored.id), 200);
};

export const getAssignees: Handler<typeof routes.getAssignees> = async (c) => {
  const db = c.var.db;
  const { order_pk } = c.req.valid("param");
  if (!await q.findOrder(db, order_pk)) throw notFound();
  return c.json(await q.listAssignees(db, order_pk), 200);
};

export const patchAssignees: Handler<typeof routes.patchAssignees> = async (c) => {
  const db = c.var.db;
  const stored = await lockParentOrder(db, c.req.valid("param").order_pk);
  const forceDelete = (c.req.valid("query")["force-delete"] ?? "0").trim() === "1";
  const meta = writeMeta(c);
  await writeAssignees(db, stored, c.req.valid("json"), forceDelete, meta, notices(c, meta.at));
  return c.json(await q.listAssignees(db, stored.id), 200);
};

/** The order of a quote, invoice or payment route: 404 with the original's words. */
async function lockNestedOrder(db: Db, id: string) {
  const stored = await q.lockOrder(db, id);
  if (!stored) throw new ApiError(404, { detail: "The specified order does not exist." });
  return stored;
}

/** The order's current quote or invoice, or the original's 404. */
export function current(order: q.OrderRow, what: "quote" | "invoice"): string {
  const id = order[`${what}_id`] as string | null;
  if (!id) throw new ApiError(404, { detail: `The specified ${what} does not exist.` });
  return id;
}

export const getQuote: Handler<typeof routes.getQuote> = async (c) => {
  const db = c.var.db;
  const order = await lockNestedOrder(db, c.req.valid("param").order_pk);
  return c.json(await q.findQuote(db, current(order, "quote"), "internal") as QuoteJson, 200);
};

export const createQuote: Handler<typeof routes.createQuote> = async (c) => {
  const db = c.var.db;
  const order = await lockNestedOrder(db, c.req.valid("param").order_pk);
  const meta = writeMeta(c);
  const id = await quotes.generateQuote(db, order, notices(c, meta.at), meta);
  return c.json(await q.findQuote(db, id, "internal") as QuoteJson, 201);
};

export const previewQuote: Handler<typeof routes.previewQuote> = async (c) => {
  const db = c.var.db;
  const order = await lockNestedOrder(db, c.req.valid("param").order_pk);
  const genericEmail = c.var.deps.config.OMIS_GENERIC_CONTACT_EMAIL;
  return c.json(await quotes.previewQuote(db, order, genericEmail, c.var.deps.now()), 200);
};

export const cancelQuote: Handler<typeof routes.cancelQuote> = async (c) => {
  const db = c.var.db;
  const order = await lockNestedOrder(db, c.req.valid("param").order_pk);
  const quoteId = current(order, "quote");
  const meta = writeMeta(c);
  await quotes.reopen(db, order, meta, notices(c, meta.at));
  return c.json(await q.findQuote(db, quoteId, "internal") as QuoteJson, 200);
};

export const getInvoice: Handler<typeof routes.getInvoice> = async (c) => {
  const db = c.var.db;
  const order = await lockNestedOrder(db, c.req.valid("param").order_pk);
  return c.json(await q.findInvoice(db, current(order, "invoice")), 200);
};

export const listPayments: Handler<typeof routes.listPayments> = async (c) => {
  const db = c.var.db;
  const order = await lockNestedOrder(db, c.req.valid("param").order_pk);
  return c.json(await q.listPayments(db, order.id), 200);
};

export const createPayments: Handler<typeof routes.createPayments> = async (c) => {
  const db = c.var.db;
  const order = await lockNestedOrder(db, c.req.valid("param").order_pk);
  const data = payments.parsePayments(c.req.valid("json"));
  const meta = writeMeta(c);
  await payments.markAsPaid(db, order, data, meta, notices(c, meta.at));
  return c.json(await q.listPayments(db, order.id), 201);
};

export function registerOmisRoutes(app: App) {
  app.openapi(routes.createOrder, createOrder);
  app.openapi(routes.getOrder, getOrder);
  app.openapi(routes.updateOrder, updateOrder);
  app.openapi(routes.completeOrder, completeOrder);
  app.openapi(routes.cancelOrder, cancelOrder);
  app.openapi(routes.getSubscribers, getSubscribers);
  app.openapi(routes.replaceSubscribers, replaceSubscribers);
  app.openapi(routes.getAssignees, getAssignees);
  app.openapi(routes.patchAssignees, patchAssignees);
  app.openapi(routes.getQuote, getQuote);
  app.openapi(routes.createQuote, createQuote);
  app.openapi(routes.previewQuote, previewQuote);
  app.openapi(routes.cancelQuote, cancelQuote);
  app.openapi(routes.getInvoice, getInvoice);
  app.openapi(routes.listPayments, listPayments);
  app.openapi(routes.createPayments, createPayments);
  registerPublicOmisRoutes(app);
}

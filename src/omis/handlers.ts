/** OMIS order handlers: parse, load and lock, write through writes.ts, respond. */
import { writeMeta } from "../http/write_meta.ts";
import type { App, Handler } from "../http/context.ts";
import type { Db } from "../db/pool.ts";
import { notFound } from "../http/errors.ts";
import * as routes from "./routes.ts";
import * as q from "./queries.ts";
import * as writes from "./writes.ts";
import { patchAssignees as writeAssignees } from "./assignees.ts";

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
  const id = await writes.createOrder(db, c.req.valid("json"), writeMeta(c));
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
  await writes.cancelOrder(db, stored, c.req.valid("json").cancellation_reason, writeMeta(c));
  return c.json(await loadOrder(db, stored.id), 200);
};

export const completeOrder: Handler<typeof routes.completeOrder> = async (c) => {
  const db = c.var.db;
  const stored = await lockOrder(db, c.req.valid("param").id);
  await writes.completeOrder(db, stored, writeMeta(c));
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
  await writes.replaceSubscribers(db, stored, c.req.valid("json"), writeMeta(c));
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
  await writeAssignees(db, stored, c.req.valid("json"), forceDelete, writeMeta(c));
  return c.json(await q.listAssignees(db, stored.id), 200);
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
}

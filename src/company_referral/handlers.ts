/**
 * Company referral handlers: parse, call the write paths (writes.ts) or queries,
 * respond. `registerReferralRoutes` at the end is the domain's surface.
 */
import type { App, Handler } from "../http/context.ts";
import type { Db } from "../db/pool.ts";
import { callerId } from "../auth/caller.ts";
import { notFound } from "../http/errors.ts";
import { paginate, readPage } from "../http/pagination.ts";
import { parseSortby } from "../http/sortby.ts";
import { writeMeta } from "../http/write_meta.ts";
import { findInteraction } from "../interaction/queries.ts";
import * as routes from "./routes.ts";
import * as q from "./queries.ts";
import * as writes from "./writes.ts";

async function loadReferral(db: Db, id: string) {
  const referral = await q.findReferral(db, id);
  if (!referral) throw notFound("CompanyReferral");
  return referral;
}

export const listReferrals: Handler<typeof routes.listReferrals> = async (c) => {
  const page = readPage(c);
  const result = await q.listReferrals(c.var.db, {
    adviserId: callerId(c.var.caller)!,
    sort: parseSortby(c.req.valid("query").sortby, q.referralSortChoices, ["-created_on"]),
    page,
  });
  return c.json(paginate(c, page, result.count, result.results), 200);
};

export const createReferral: Handler<typeof routes.createReferral> = async (c) => {
  const id = await writes.createReferral(c.var.db, c.req.valid("json"), writeMeta(c));
  return c.json(await loadReferral(c.var.db, id), 201);
};

export const referralDetail: Handler<typeof routes.referralDetail> = async (c) =>
  c.json(await loadReferral(c.var.db, c.req.valid("param").id), 200);

export const completeReferral: Handler<typeof routes.completeReferral> = async (c) => {
  const db = c.var.db;
  const referral = await q.lockReferral(db, c.req.valid("param").id);
  if (!referral) throw notFound("CompanyReferral");
  const interactionId = await writes.completeReferral(db, referral, c.req.valid("json"), {
    caller: c.var.caller,
    meta: writeMeta(c),
  });
  return c.json((await findInteraction(db, interactionId, "v3"))!, 201);
};

export function registerReferralRoutes(app: App) {
  app.openapi(routes.listReferrals, listReferrals);
  app.openapi(routes.createReferral, createReferral);
  app.openapi(routes.referralDetail, referralDetail);
  app.openapi(routes.completeReferral, completeReferral);
}

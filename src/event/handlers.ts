/**
 * Event handlers (v3 and v4): parse, call the write paths (writes.ts) or queries,
 * respond. `registerEventRoutes` at the end is the domain's surface.
 */
import type { App, Handler } from "../http/context.ts";
import type { Db } from "../db/pool.ts";
import { notFound } from "../http/errors.ts";
import { paginate, readPage } from "../http/pagination.ts";
import { parseSortby } from "../http/sortby.ts";
import { writeMeta } from "../http/write_meta.ts";
import { eventRoutes } from "./routes.ts";
import * as q from "./queries.ts";
import { type ApiVersion, createEvent, updateEvent } from "./writes.ts";

type Routes = (typeof eventRoutes)[ApiVersion];

async function loadEvent(db: Db, id: string) {
  const event = await q.findEvent(db, id);
  if (!event) throw notFound("Event");
  return event;
}

const listEvents: Handler<Routes["list"]> = async (c) => {
  const page = readPage(c);
  const result = await q.listEvents(c.var.db, {
    sort: parseSortby(c.req.valid("query").sortby, q.eventSortChoices, ["-created_on"]),
    page,
  });
  return c.json(paginate(c, page, result.count, result.results), 200);
};

function createEventHandler(version: ApiVersion): Handler<Routes["create"]> {
  return async function createEventHandler(c) {
    const id = await createEvent(c.var.db, version, c.req.valid("json"), writeMeta(c));
    return c.json(await loadEvent(c.var.db, id), 201);
  };
}

const eventDetail: Handler<Routes["detail"]> = async (c) =>
  c.json(await loadEvent(c.var.db, c.req.valid("param").id), 200);

function updateEventHandler(version: ApiVersion): Handler<Routes["update"]> {
  return async function updateEventHandler(c) {
    const db = c.var.db;
    const stored = await q.lockEvent(db, c.req.valid("param").id);
    if (!stored) throw notFound("Event");
    await updateEvent(db, version, stored, { input: c.req.valid("json"), meta: writeMeta(c) });
    return c.json(await loadEvent(db, stored.id), 200);
  };
}

export function registerEventRoutes(app: App) {
  for (const version of ["v3", "v4"] as const) {
    const routes = eventRoutes[version];
    app.openapi(routes.list, listEvents);
    app.openapi(routes.create, createEventHandler(version));
    app.openapi(routes.detail, eventDetail);
    app.openapi(routes.update, updateEventHandler(version));
  }
}

/**
 * `GET …/audit`: an object's change log (src/core/versions.ts), limit/offset paged as in
 * the original whatever the list's own pagination. A domain wires it with `auditRoute`
 * (routes.ts) and `registerAudit` (handlers).
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { App, AppEnv } from "../http/context.ts";
import type { Db } from "../db/pool.ts";
import { notFound } from "../http/errors.ts";
import { pageQuery, paginate, paginatedSchema, readPage } from "../http/pagination.ts";
import { idParam } from "../http/schemas.ts";
import { auditLog, type VersionedEntity } from "./versions.ts";

const entrySchema = z.object({
  id: z.number().int(),
  user: z.object({
    id: z.string(),
    first_name: z.string(),
    last_name: z.string(),
    name: z.string(),
    email: z.string(),
  }).nullable(),
  timestamp: z.string(),
  comment: z.string(),
  changes: z.record(z.string(), z.array(z.unknown())),
});

export function auditRoute(
  path: string,
  options: { tag: string; middleware: MiddlewareHandler<AppEnv>[] },
) {
  return createRoute({
    method: "get",
    path: `${path}/audit`,
    tags: [options.tag],
    summary: "Change log, newest first",
    middleware: options.middleware,
    request: { params: idParam, query: pageQuery },
    responses: {
      200: {
        description: "Changes between adjacent versions",
        content: { "application/json": { schema: paginatedSchema(entrySchema) } },
      },
    },
  });
}

export function registerAudit(
  app: App,
  route: ReturnType<typeof auditRoute>,
  wiring: { entity: VersionedEntity; model: string },
) {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const db: Db = c.var.db;
    const rows = await db`select 1 from ${db(wiring.entity.table)} where id = ${id}`;
    if (!rows.length) throw notFound(wiring.model);
    const page = readPage(c);
    const { count, results } = await auditLog(db, wiring.entity, id, page);
    return c.json(paginate(c, page, count, results), 200);
  });
}

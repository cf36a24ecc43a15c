/**
 * Archive / unarchive, as the original's ArchivableViewSetMixin: `POST …/archive` with
 * `{"reason"}` and `POST …/unarchive`, both answering 200 with the full object. A domain
 * wires both with `archiveRoutes` (in its routes.ts) and `registerArchive` (in its
 * handlers), giving its table, its "load as JSON" function and any refusals (e.g. a
 * merged company cannot be unarchived). The write is versioned and fed to search like
 * any other.
 */
import { writeMeta } from "../http/write_meta.ts";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { App, AppEnv } from "../http/context.ts";
import type { Db } from "../db/pool.ts";
import type { Caller } from "../auth/caller.ts";
import { notFound } from "../http/errors.ts";
import { idParam, jsonBody } from "../http/schemas.ts";
import type { VersionedEntity } from "./versions.ts";
import { recordWrite } from "./tracking.ts";

export const archiveBody = z.object({
  reason: z.string().min(1).max(255).openapi({ example: "Company is dissolved" }),
});

/** The two routes under `path` (an item path such as `/v4/company/{id}`). */
export function archiveRoutes(
  path: string,
  options: {
    tag: string;
    middleware: MiddlewareHandler<AppEnv>[];
    /** The object as its detail route renders it. */
    schema: z.ZodType;
  },
) {
  const ok = {
    200: {
      description: "The object, as its detail route renders it",
      content: { "application/json": { schema: options.schema } },
    },
  };
  return {
    archive: createRoute({
      method: "post",
      path: `${path}/archive`,
      tags: [options.tag],
      summary: "Archive with a reason",
      middleware: options.middleware,
      request: { params: idParam, body: jsonBody(archiveBody) },
      responses: ok,
    }),
    unarchive: createRoute({
      method: "post",
      path: `${path}/unarchive`,
      tags: [options.tag],
      summary: "Unarchive",
      middleware: options.middleware,
      request: { params: idParam },
      responses: ok,
    }),
  };
}

export interface ArchiveWiring {
  entity: VersionedEntity;
  /** The model name in 404s: "Company" → "No Company matches the given query." */
  model: string;
  /** The object as the domain's detail route renders it. */
  load(db: Db, id: string, caller: Caller): Promise<unknown>;
  /**
   * Whether the caller may see the object (e.g. only its owner): others get the same 404
   * as a missing object. Everyone, when omitted.
   */
  visible?(db: Db, id: string, caller: Caller): Promise<boolean>;
  /** Throw (e.g. a ValidationError) to refuse archiving. */
  beforeArchive?(db: Db, id: string): Promise<void>;
  /** Throw to refuse unarchiving. */
  beforeUnarchive?(db: Db, id: string): Promise<void>;
  /** Runs in the request after the archive is written (e.g. to queue notifications). */
  afterArchive?(c: Context<AppEnv>, id: string): Promise<void>;
}

/** Sets the archive fields; false when the object does not exist. */
export async function archiveObject(
  db: Db,
  table: string,
  id: string,
  change: { by: string | null; reason: string; at: Date },
): Promise<boolean> {
  const rows = await db`
    update ${db(table)} set archived = true, archived_on = ${change.at},
      archived_by_id = ${change.by}, archived_reason = ${change.reason}, modified_on = ${change.at}
    where id = ${id} returning id`;
  return rows.length > 0;
}

/** Clears the archive fields (reason becomes ""); false when the object does not exist. */
export async function unarchiveObject(db: Db, table: string, id: string, at: Date) {
  const rows = await db`
    update ${db(table)} set archived = false, archived_on = null, archived_by_id = null,
      archived_reason = '', modified_on = ${at}
    where id = ${id} returning id`;
  return rows.length > 0;
}

async function exists(db: Db, table: string, id: string): Promise<boolean> {
  const rows = await db`select 1 from ${db(table)} where id = ${id} for update`;
  return rows.length > 0;
}

type ArchiveRoutes = ReturnType<typeof archiveRoutes>;

/**
 * Wires the routes from `archiveRoutes` to the generic archive behaviour. Leave out
 * `unarchive` where the original has no such route (e.g. objectives).
 */
export function registerArchive(
  app: App,
  routes: Pick<ArchiveRoutes, "archive"> & Partial<Pick<ArchiveRoutes, "unarchive">>,
  wiring: ArchiveWiring,
) {
  const { table } = wiring.entity;
  const found = async (db: Db, id: string, caller: Caller) =>
    await exists(db, table, id) && (await wiring.visible?.(db, id, caller) ?? true);

  app.openapi(routes.archive, async (c) => {
    const { id } = c.req.valid("param");
    const { reason } = c.req.valid("json");
    const db = c.var.db;
    if (!await found(db, id, c.var.caller)) throw notFound(wiring.model);
    await wiring.beforeArchive?.(db, id);
    const meta = writeMeta(c);
    const { at, userId: by } = meta;
    await archiveObject(db, table, id, { by, reason, at });
    await recordWrite(db, wiring.entity, id, meta);
    await wiring.afterArchive?.(c, id);
    return c.json(await wiring.load(db, id, c.var.caller) as Record<string, unknown>, 200);
  });

  if (!routes.unarchive) return;
  app.openapi(routes.unarchive, async (c) => {
    const { id } = c.req.valid("param");
    const db = c.var.db;
    if (!await found(db, id, c.var.caller)) throw notFound(wiring.model);
    await wiring.beforeUnarchive?.(db, id);
    const meta = writeMeta(c);
    const { at } = meta;
    await unarchiveObject(db, table, id, at);
    await recordWrite(db, wiring.entity, id, meta);
    return c.json(await wiring.load(db, id, c.var.caller) as Record<string, unknown>, 200);
  });
}

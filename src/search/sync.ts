/**
 * Keeps the search backend in step with the database.
 *
 * `syncChanges` consumes the change feed (migrations/0004): rows in id order, a batch
 * at a time, the latest operation per entity/id; it builds the documents and writes
 * them, then deletes the consumed rows in the same transaction (on PostgreSQL the index
 * write is in that transaction too; on OpenSearch the rows go only after a successful
 * bulk). Rows of entities with no search app (objectives, list items…: recorded for
 * the documents that may embed them) are deleted when `apps` is every app there is
 * (`allApps`), so the feed cannot grow without bound; a subset leaves them alone.
 * Related documents are re-indexed because writers record them in the feed as well.
 *
 * `rebuildApp` re-indexes every row of an app's table (`sync-search`, migrations).
 */
import type { Db, Sql } from "../db/pool.ts";
import type { SearchApp } from "./app.ts";
import type { SearchBackend } from "./backend.ts";

export interface SyncTotals {
  consumed: number;
  upserted: number;
  deleted: number;
}

/** Builds the documents of `ids` and writes them; ids whose rows are gone are deleted. */
async function indexIds(
  db: Db,
  backend: SearchBackend,
  app: SearchApp,
  upsertIds: string[],
  deleteIds: string[] = [],
) {
  const docs = upsertIds.length ? await app.build(db, upsertIds) : [];
  const found = new Set(docs.map((d) => d.id));
  const deletes = [...deleteIds, ...upsertIds.filter((id) => !found.has(id))];
  await backend.write(db, app, docs, deletes);
  return { upserted: docs.length, deleted: deletes.length };
}

/**
 * Consumes the change feed until it is empty (for the registered apps). Safe to run
 * concurrently: each batch locks its rows and skips rows another run holds.
 */
export async function syncChanges(
  sql: Sql,
  backend: SearchBackend,
  options: { apps: SearchApp[]; batchSize?: number; allApps?: boolean },
): Promise<SyncTotals> {
  const batchSize = options.batchSize ?? 500;
  const apps = new Map(options.apps.map((a) => [a.name, a]));
  const totals: SyncTotals = { consumed: 0, upserted: 0, deleted: 0 };
  if (options.allApps) {
    const dropped = await sql`
      delete from change_feed where entity <> all(${[...apps.keys()]}::text[])`;
    totals.consumed += dropped.count;
  }
  while (true) {
    const consumed = await sql.begin(async (tx) => {
      const rows = await tx<{ id: string; entity: string; entity_id: string; operation: string }[]>`
        select id, entity, entity_id::text, operation from change_feed
        where entity = any(${[...apps.keys()]}::text[])
        order by id limit ${batchSize}
        for update skip locked`;
      const latest = new Map<string, Map<string, string>>();
      for (const row of rows) {
        if (!latest.has(row.entity)) latest.set(row.entity, new Map());
        latest.get(row.entity)!.set(row.entity_id, row.operation);
      }
      for (const [entity, operations] of latest) {
        const ids = [...operations.entries()];
        const result = await indexIds(
          tx,
          backend,
          apps.get(entity)!,
          ids.filter(([, op]) => op === "upsert").map(([id]) => id),
          ids.filter(([, op]) => op === "delete").map(([id]) => id),
        );
        totals.upserted += result.upserted;
        totals.deleted += result.deleted;
      }
      if (rows.length) {
        await tx`delete from change_feed where id = any(${rows.map((r) => r.id)}::bigint[])`;
      }
      return rows.length;
    });
    totals.consumed += consumed;
    if (consumed < batchSize) return totals;
  }
}

/**
 * Re-indexes every row of the app's table in primary-key batches, then drops documents
 * not written since the start (rows deleted meanwhile). Returns the number indexed.
 */
export async function rebuildApp(
  sql: Sql,
  backend: SearchBackend,
  app: SearchApp,
  options: { onProgress?: (done: number, total: number) => void } = {},
): Promise<number> {
  const batchSize = app.bulkBatchSize ?? 2000;
  const [{ since, total }] = await sql<{ since: Date; total: number }[]>`
    select now() as since, (select count(*)::int from ${sql(app.table)}) as total`;
  let after: string | null = null;
  let done = 0;
  options.onProgress?.(0, total);
  while (true) {
    const ids: string[] = (await sql<{ id: string }[]>`
      select id::text from ${sql(app.table)}
      where ${after === null ? sql`true` : sql`id > ${after}::uuid`}
      order by id limit ${batchSize}`).map((r) => r.id);
    if (!ids.length) break;
    done += (await indexIds(sql, backend, app, ids)).upserted;
    after = ids[ids.length - 1];
    options.onProgress?.(done, Math.max(total, done));
  }
  await backend.prune(sql, app, since);
  return done;
}

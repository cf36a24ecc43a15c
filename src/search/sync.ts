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
 * A batch that fails on a document's data is retried one document at a time, and the
 * documents that still fail are quarantined (src/search/quarantine.ts) instead of
 * failing the batch: one bad record never stops indexing of the others.
 *
 * `rebuildApp` re-indexes every row of an app's table (`sync-search`, migrations), in
 * batches written by two transactions at once. Where the backend can build and write a batch
 * in the database itself (`index`, PostgreSQL with an app's `documentsQuery`), the documents
 * never reach this process; a rebuild's batches are `bulk` (the backend's `prune` settles
 * what they skip).
 */
import type { Db, Sql, TransactionSql } from "../db/pool.ts";
import type { Logger } from "../log.ts";
import type { SearchApp } from "./app.ts";
import type { SearchBackend } from "./backend.ts";
import { isDocumentError, quarantine, release } from "./quarantine.ts";

export interface SyncTotals {
  consumed: number;
  upserted: number;
  deleted: number;
  quarantined: number;
}

interface Indexed {
  upserted: number;
  deleted: number;
  quarantined: number;
}

/** Builds the documents of `ids` and writes them; ids whose rows are gone are deleted. */
async function writeBatch(
  db: Db,
  backend: SearchBackend,
  app: SearchApp,
  upsertIds: string[],
  deleteIds: string[],
  onBuilt?: (bytes: number) => void,
  bulk = false,
): Promise<Indexed> {
  // Built and written inside the database when the backend and the app can (one statement).
  if (backend.index && app.documentsQuery && !onBuilt) {
    const { upserted, deleted } = await backend.index(db, app, upsertIds, deleteIds, { bulk });
    return { upserted, deleted, quarantined: 0 };
  }
  const docs = upsertIds.length ? await app.build(db, upsertIds) : [];
  if (onBuilt && docs.length) onBuilt(JSON.stringify(docs[0]).length);
  const found = new Set(docs.map((d) => d.id));
  const deletes = [...deleteIds, ...upsertIds.filter((id) => !found.has(id))];
  await backend.write(db, app, docs, deletes);
  return { upserted: docs.length, deleted: deletes.length, quarantined: 0 };
}

/** Indexes a batch; on a document's error, one by one, quarantining what still fails. */
async function indexIds(
  tx: TransactionSql,
  backend: SearchBackend,
  app: SearchApp,
  upsertIds: string[],
  deleteIds: string[] = [],
  log?: Logger,
  bulk = false,
): Promise<Indexed> {
  try {
    const result = await tx.savepoint((sp) =>
      writeBatch(sp, backend, app, upsertIds, deleteIds, undefined, bulk)
    );
    await release(tx, app.name, [...upsertIds, ...deleteIds]);
    return result;
  } catch (error) {
    if (!isDocumentError(error)) throw error;
  }
  const total: Indexed = { upserted: 0, deleted: 0, quarantined: 0 };
  const add = (r: Indexed) => {
    total.upserted += r.upserted;
    total.deleted += r.deleted;
  };
  if (deleteIds.length) {
    add(await tx.savepoint((sp) => writeBatch(sp, backend, app, [], deleteIds)));
  }
  const indexed = [...deleteIds];
  for (const id of upsertIds) {
    let bytes: number | null = null;
    try {
      add(await tx.savepoint((sp) => writeBatch(sp, backend, app, [id], [], (b) => bytes = b)));
      indexed.push(id);
    } catch (error) {
      if (!isDocumentError(error)) throw error;
      await quarantine(tx, app.name, id, error, bytes);
      total.quarantined++;
      log?.warn("search document quarantined", {
        entity: app.name,
        id,
        document_bytes: bytes,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  await release(tx, app.name, indexed);
  return total;
}

/**
 * Consumes the change feed until it is empty (for the registered apps). Safe to run
 * concurrently: each batch locks its rows and skips rows another run holds.
 */
export async function syncChanges(
  sql: Sql,
  backend: SearchBackend,
  options: { apps: SearchApp[]; batchSize?: number; log?: Logger; allApps?: boolean },
): Promise<SyncTotals> {
  const batchSize = options.batchSize ?? 500;
  const apps = new Map(options.apps.map((a) => [a.name, a]));
  const totals: SyncTotals = { consumed: 0, upserted: 0, deleted: 0, quarantined: 0 };
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
      // Entities (and ids) in a fixed order, so concurrent syncs lock rows alike.
      for (const entity of [...latest.keys()].sort()) {
        const ids = [...latest.get(entity)!.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
        const result = await indexIds(
          tx,
          backend,
          apps.get(entity)!,
          ids.filter(([, op]) => op === "upsert").map(([id]) => id),
          ids.filter(([, op]) => op === "delete").map(([id]) => id),
          options.log,
        );
        totals.upserted += result.upserted;
        totals.deleted += result.deleted;
        totals.quarantined += result.quarantined;
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
 * Re-indexes every row of the app's table, then drops documents not written since the
 * start (rows deleted meanwhile). Batches follow the table's physical order (ranges of
 * heap blocks, not of random UUIDs), so building a batch reads neighbouring pages
 * instead of one page per row, and two batches are written at once. Rows that move or
 * arrive during the rebuild come through the change feed. Returns the number indexed.
 */
export async function rebuildApp(
  sql: Sql,
  backend: SearchBackend,
  app: SearchApp,
  options: {
    onProgress?: (done: number, total: number) => void;
    log?: Logger;
    concurrency?: number;
  } = {},
): Promise<number> {
  const batchSize = app.bulkBatchSize ?? 2000;
  const [{ since, total, pages }] = await sql<{ since: Date; total: number; pages: number }[]>`
    select now() as since, (select count(*)::int from ${sql(app.table)}) as total,
      (pg_relation_size(${app.table}::regclass) / current_setting('block_size')::int)::int
        as pages`;
  await backend.prepareRebuild?.(sql, app);
  const blocks = Math.max(1, Math.floor(batchSize / Math.max(total / Math.max(pages, 1), 1)));
  let next = 0;
  let done = 0;
  options.onProgress?.(0, total);
  const worker = async () => {
    while (true) {
      const from = next;
      next += blocks;
      const ids = (await sql<{ id: string }[]>`
        select id::text from ${sql(app.table)}
        where ctid >= ${`(${from},0)`}::tid and ctid < ${`(${from + blocks},0)`}::tid`)
        .map((r) => r.id);
      if (!ids.length) {
        // Past the end (the table may have grown since it was measured)?
        const [{ size }] = await sql<{ size: number }[]>`
          select (pg_relation_size(${app.table}::regclass)
            / current_setting('block_size')::int)::int as size`;
        if (from >= size) return;
        continue;
      }
      const result = await sql.begin((tx) =>
        indexIds(tx, backend, app, ids, [], options.log, true)
      );
      done += result.upserted;
      options.onProgress?.(done, Math.max(total, done));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 2 }, worker));
  await backend.prune(sql, app, since);
  return done;
}

/**
 * Documents that could not be indexed (issue: one bad record used to stop all search
 * indexing). The sync writes a batch at once; when that fails on a document's data, it
 * retries the batch one document at a time and quarantines the ones that still fail:
 * logged, kept here with the error, listed by `sync-search --quarantined`, and released
 * as soon as a later write indexes them. Both backends keep it in the database.
 */
import type { Db } from "../db/pool.ts";

export interface QuarantinedDocument {
  entity: string;
  entity_id: string;
  error: string;
  document_bytes: number | null;
  quarantined_on: Date;
}

/** An error about one document's data (not the backend being unavailable). */
export class DocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DocumentError";
  }
}

/**
 * Whether an error can be one document's fault: PostgreSQL data exceptions (22…),
 * integrity violations (23…) and program limits (54…, e.g. a tsvector over 1 MB), or a
 * backend's DocumentError. Anything else (connection, missing table, timeout) fails the
 * batch, which stays in the change feed for a retry.
 */
export function isDocumentError(error: unknown): boolean {
  if (error instanceof DocumentError) return true;
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && /^(22|23|54)/.test(code);
}

export async function quarantine(
  db: Db,
  entity: string,
  id: string,
  error: unknown,
  documentBytes: number | null,
) {
  const message = error instanceof Error ? error.message : String(error);
  await db`
    insert into search_quarantine (entity, entity_id, error, document_bytes)
    values (${entity}, ${id}, ${message.slice(0, 2000)}, ${documentBytes})
    on conflict (entity, entity_id) do update set error = excluded.error,
      document_bytes = excluded.document_bytes, quarantined_on = now()`;
}

/** Releases documents that have now been indexed (or deleted). */
export async function release(db: Db, entity: string, ids: string[]) {
  if (!ids.length) return;
  await db`delete from search_quarantine
    where entity = ${entity} and entity_id = any(${ids}::uuid[])`;
}

export function listQuarantined(db: Db): Promise<QuarantinedDocument[]> {
  return db<QuarantinedDocument[]>`
    select entity, entity_id::text, error, document_bytes, quarantined_on
    from search_quarantine order by quarantined_on, entity, entity_id`;
}

/**
 * All SQL of stored documents (`documents_document`): creation, the state machine's
 * transitions as conditional updates (each returns whether it applied, so callers stay
 * idempotent), and the final delete.
 */
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";

export interface DocumentRow {
  id: string;
  bucket_id: string;
  path: string;
  use_default_credentials: boolean;
  status: string;
  uploaded_on: Date | null;
  scan_initiated_on: Date | null;
  scanned_on: Date | null;
  av_clean: boolean | null;
  av_reason: string;
}

const columns = (db: Db) =>
  db`id, bucket_id, path, use_default_credentials, status, uploaded_on, scan_initiated_on,
     scanned_on, av_clean, av_reason`;

export async function insertDocument(
  db: Db,
  row: {
    id: string;
    bucketId: string;
    path: string;
    useDefaultCredentials: boolean;
    at: Date;
    by: string | null;
  },
): Promise<void> {
  await db`
    insert into documents_document (id, bucket_id, path, use_default_credentials, status,
      created_on, modified_on, created_by_id, modified_by_id)
    values (${row.id}, ${row.bucketId}, ${row.path}, ${row.useDefaultCredentials},
      'not_virus_scanned', ${row.at}, ${row.at}, ${row.by}, ${row.by})`;
}

export async function findDocument(db: Db, id: string): Promise<DocumentRow | null> {
  const [row] = await db<DocumentRow[]>`
    select ${columns(db)} from documents_document where id = ${id}`;
  return row ?? null;
}

/** Upload finished: schedule a scan once (false when already scheduled or past that). */
export async function markScanScheduled(db: Db, id: string, at: Date): Promise<boolean> {
  const rows = await db`
    update documents_document
    set status = 'virus_scanning_scheduled', uploaded_on = ${at}, modified_on = ${at}
    where id = ${id} and status = 'not_virus_scanned' and uploaded_on is null
    returning id`;
  return rows.length > 0;
}

/**
 * Claims a scan: from scheduled or failed (a retry), or from in progress when that run
 * started before `staleBefore` (its worker died). Null when there is nothing to scan.
 */
export async function claimScan(
  db: Db,
  id: string,
  at: Date,
  staleBefore: Date,
): Promise<DocumentRow | null> {
  const [row] = await db<DocumentRow[]>`
    update documents_document
    set status = 'virus_scanning_in_progress', scan_initiated_on = ${at}, modified_on = ${at}
    where id = ${id} and (
      status in ('virus_scanning_scheduled', 'virus_scanning_failed')
      or (status = 'virus_scanning_in_progress' and scan_initiated_on < ${staleBefore}))
    returning ${columns(db)}`;
  return row ?? null;
}

const inProgress = (db: Db, id: string): Fragment =>
  db`id = ${id} and status = 'virus_scanning_in_progress'`;

export async function markScanned(
  db: Db,
  id: string,
  verdict: { clean: boolean; reason: string; at: Date },
): Promise<void> {
  await db`
    update documents_document
    set status = 'virus_scanned', scanned_on = ${verdict.at}, av_clean = ${verdict.clean},
        av_reason = ${verdict.reason}, modified_on = ${verdict.at}
    where ${inProgress(db, id)}`;
}

export async function markScanFailed(db: Db, id: string, reason: string, at: Date) {
  await db`
    update documents_document
    set status = 'virus_scanning_failed', av_reason = ${reason}, modified_on = ${at}
    where ${inProgress(db, id)}`;
}

/** No antivirus service: the scheduled scan is recorded as not done, with why. */
export async function markNotScanned(db: Db, id: string, reason: string, at: Date) {
  const rows = await db`
    update documents_document
    set status = 'not_virus_scanned', av_clean = null, av_reason = ${reason}, modified_on = ${at}
    where id = ${id} and status = 'virus_scanning_scheduled'
    returning id`;
  return rows.length > 0;
}

export async function markDeletionPending(db: Db, id: string, at: Date): Promise<void> {
  await db`
    update documents_document set status = 'deletion_pending', modified_on = ${at}
    where id = ${id}`;
}

/** Deletes the row (and, by cascade, the kind's row pointing at it). */
export async function deleteDocumentRow(db: Db, id: string): Promise<void> {
  await db`delete from documents_document where id = ${id} and status = 'deletion_pending'`;
}

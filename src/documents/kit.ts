/**
 * The document kit: one implementation of the upload → callback → scan → download →
 * delete flow that every document kind reuses (generic documents, investment evidence
 * and proposition documents). A kind is declared once with {@link documentKind}; its
 * domain keeps its own table, with a `document_id` pointing at `documents_document`, and
 * calls these from its handlers (or wires the whole route set with
 * src/documents/entity.ts).
 *
 * @example
 * const evidence = documentKind({
 *   model: "evidencedocument", bucket: () => "investment",
 *   infectedMessage: "File did not pass virus scanning.",
 * });
 * const documentId = await createStoredDocument(c, evidence, input.original_filename);
 * const url = await signedUploadUrl(c, documentId);
 */
import type { Context } from "hono";
import type { AppEnv } from "../http/context.ts";
import type { Config } from "../config.ts";
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";
import { callerId } from "../auth/caller.ts";
import { datetime } from "../core/render.ts";
import { absoluteUrl } from "../http/pagination.ts";
import { enqueueAfterCommit } from "../jobs/after_commit.ts";
import { documentStorage, type Location } from "./storage.ts";
import { allowUnscannedDownload, checkDownloadable } from "./rules.ts";
import * as q from "./queries.ts";
import { deleteDocument, virusScanDocument } from "./jobs.ts";

export { genericDocumentBucket } from "./storage.ts";
export { STATUS_LABELS, type UploadStatus } from "./rules.ts";

export interface DocumentKind {
  /** First segment of a file's path: `<model>/<YYYY-MM-DD>/<document id>/<filename>`. */
  model: string;
  /** A bucket id of DOCUMENT_BUCKETS (`default`, `investment`) or, with default credentials, a bucket name. */
  bucket(config: Config): string;
  /** Use the default AWS credentials and `bucket` as the bucket's name (generic documents). */
  useDefaultCredentials: boolean;
  /** The 403's detail for an infected file. */
  infectedMessage: string;
}

export function documentKind(
  spec: Omit<DocumentKind, "useDefaultCredentials"> & { useDefaultCredentials?: boolean },
): DocumentKind {
  return { useDefaultCredentials: false, ...spec };
}

const locationOf = (doc: q.DocumentRow): Location => ({
  bucketId: doc.bucket_id,
  path: doc.path,
  useDefaultCredentials: doc.use_default_credentials,
});

async function load(db: Db, documentId: string): Promise<q.DocumentRow> {
  const doc = await q.findDocument(db, documentId);
  if (!doc) throw new Error(`document ${documentId} does not exist`);
  return doc;
}

/** Creates the stored document for a new upload of `originalFilename`; returns its id. */
export async function createStoredDocument(
  c: Context<AppEnv>,
  kind: DocumentKind,
  originalFilename: string,
): Promise<string> {
  const id = crypto.randomUUID();
  const at = c.var.deps.now();
  await q.insertDocument(c.var.db, {
    id,
    bucketId: kind.bucket(c.var.deps.config),
    path: `${kind.model}/${at.toISOString().slice(0, 10)}/${id}/${originalFilename}`,
    useDefaultCredentials: kind.useDefaultCredentials,
    at,
    by: callerId(c.var.caller),
  });
  return id;
}

/** The pre-signed URL the client PUTs the file to (S3, or this API in the embedded set-up). */
export async function signedUploadUrl(c: Context<AppEnv>, documentId: string): Promise<string> {
  const doc = await load(c.var.db, documentId);
  return documentStorage(c.var.deps.config).uploadUrl(locationOf(doc), absoluteUrl(c).origin);
}

/**
 * The client says the upload is done: the scan is scheduled once, queued after the
 * request commits. A repeated call changes nothing.
 */
export async function completeUpload(c: Context<AppEnv>, documentId: string): Promise<void> {
  if (await q.markScanScheduled(c.var.db, documentId, c.var.deps.now())) {
    enqueueAfterCommit(c, virusScanDocument, { document_id: documentId });
  }
}

/** A pre-signed download URL, or the original's 503 (no verdict yet) or 403 (infected). */
export async function signedDownloadUrl(
  c: Context<AppEnv>,
  kind: DocumentKind,
  documentId: string,
): Promise<string> {
  const doc = await load(c.var.db, documentId);
  const config = c.var.deps.config;
  checkDownloadable(doc, kind.infectedMessage, allowUnscannedDownload(config));
  return documentStorage(config).downloadUrl(locationOf(doc), absoluteUrl(c).origin);
}

/** Hides the document now; a job deletes its file and rows after the request commits. */
export async function scheduleDeletion(c: Context<AppEnv>, documentId: string): Promise<void> {
  await q.markDeletionPending(c.var.db, documentId, c.var.deps.now());
  enqueueAfterCommit(c, deleteDocument, { document_id: documentId });
}

/** The stored document's raw `status` (for a kind's JSON; `id` is its `document_id` column). */
export function documentStatus(sql: Db, documentId: Fragment): Fragment {
  return sql`(select sd.status from documents_document sd where sd.id = ${documentId})`;
}

/**
 * `av_clean`, `status` and `uploaded_on` of the stored document, as the entity document
 * serializers render them (`source="document.…"`): pairs for `jsonObject`.
 */
export function documentStateFields(sql: Db, documentId: Fragment): [string, Fragment][] {
  const field = (column: Fragment) =>
    sql`(select ${column} from documents_document sd where sd.id = ${documentId})`;
  return [
    ["av_clean", field(sql`sd.av_clean`)],
    ["status", field(sql`sd.status`)],
    ["uploaded_on", field(datetime(sql, sql`sd.uploaded_on`))],
  ];
}

/** A condition keeping rows whose stored document is not pending deletion. */
export function notDeletionPending(sql: Db, documentId: Fragment): Fragment {
  return sql`not exists (select 1 from documents_document sd
    where sd.id = ${documentId} and sd.status = 'deletion_pending')`;
}

/**
 * The documents' two jobs. The scan claims the document (a repeated or concurrent run
 * finds nothing to claim), streams the file from storage to the antivirus service and
 * records the verdict; an error marks the scan failed and is re-raised, so the queue
 * retries with its backoff, and the file is never marked clean. The delete removes the
 * file, then the row (and by cascade the kind's row) of a document pending deletion.
 */
import { z } from "zod";
import { defineJob, DoNotRetryError } from "../jobs/definition.ts";
import { documentStorage, type Location } from "./storage.ts";
import * as q from "./queries.ts";
import { scanFile } from "./av_scan.ts";

const payload = z.object({ document_id: z.uuid() });

const SCAN_TIMEOUT_MS = 180_000;

const locationOf = (doc: q.DocumentRow): Location => ({
  bucketId: doc.bucket_id,
  path: doc.path,
  useDefaultCredentials: doc.use_default_credentials,
});

export const virusScanDocument = defineJob({
  name: "documents.virus_scan_document",
  payload,
  timeoutMs: SCAN_TIMEOUT_MS,
  async run({ document_id: id }, { deps, signal }) {
    const { sql, log } = deps;
    if (!deps.config.AV_V2_SERVICE_URL) {
      const reason = "Not scanned: no antivirus service is configured (AV_V2_SERVICE_URL).";
      if (await q.markNotScanned(sql, id, reason, deps.now())) {
        log.warn("document not virus scanned", { document_id: id, reason });
      }
      return;
    }
    const at = deps.now();
    const doc = await q.claimScan(sql, id, at, new Date(at.getTime() - SCAN_TIMEOUT_MS));
    if (!doc) return;
    log.info("virus scan started", { document_id: id });
    try {
      const file = await documentStorage(deps.config).open(locationOf(doc), signal);
      if (!file) {
        throw new DoNotRetryError(
          `Unable to download the document with ID ${id} for scanning (no such file).`,
        );
      }
      const result = await scanFile(deps, id, file, signal);
      await q.markScanned(sql, id, {
        clean: !result.malware,
        reason: result.reason,
        at: deps.now(),
      });
      log.info("virus scan completed", { document_id: id, av_clean: !result.malware });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await q.markScanFailed(sql, id, reason, deps.now());
      log.error("virus scan failed", { document_id: id, error: reason });
      throw error;
    }
  },
});

export const deleteDocument = defineJob({
  name: "documents.delete_document",
  payload,
  async run({ document_id: id }, { deps }) {
    const doc = await q.findDocument(deps.sql, id);
    if (!doc) throw new DoNotRetryError(`Document with ID ${id} not found.`);
    if (doc.status !== "deletion_pending") {
      throw new DoNotRetryError(`Document with ID ${id} is not pending deletion.`);
    }
    await documentStorage(deps.config).remove(locationOf(doc));
    await q.deleteDocumentRow(deps.sql, id);
  },
});

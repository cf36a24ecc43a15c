/**
 * The state machine every stored document follows, whatever its kind:
 * `not_virus_scanned` → (upload callback) `virus_scanning_scheduled` → (scan job)
 * `virus_scanning_in_progress` → `virus_scanned` (with a verdict) or
 * `virus_scanning_failed` (retried by the job); `deletion_pending` hides a document until
 * the delete job removes its file and row. Transitions are conditional updates in
 * queries.ts, so a repeated callback or a second job changes nothing.
 */
import type { Config } from "../config.ts";
import { ApiError } from "../http/errors.ts";
import { storageKind } from "./storage.ts";

export const UPLOAD_STATUSES = [
  "not_virus_scanned",
  "virus_scanning_scheduled",
  "virus_scanning_in_progress",
  "virus_scanning_failed",
  "virus_scanned",
  "deletion_pending",
] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number];

/** The original's `get_status_display()` labels (generic uploadable documents show these). */
export const STATUS_LABELS: Record<UploadStatus, string> = {
  not_virus_scanned: "Not virus scanned",
  virus_scanning_scheduled: "Virus scanning scheduled",
  virus_scanning_in_progress: "Virus scanning in progress",
  virus_scanning_failed: "Virus scanning failed.",
  virus_scanned: "Virus scanned",
  deletion_pending: "Deletion pending",
};

/** What a download needs to know of the stored document. */
export interface ScanState {
  status: string;
  uploaded_on: Date | null;
  scanned_on: Date | null;
  av_clean: boolean | null;
}

/** The original's 503 (`file_is_being_scanned`) for a file without a verdict yet. */
export const beingScanned = () =>
  new ApiError(503, { detail: "File is being scanned for viruses, try again later." });

/**
 * Whether files that were never scanned may be downloaded: as configured, else only in
 * the embedded set-up (local files and no antivirus service), where nothing could scan.
 */
export function allowUnscannedDownload(config: Config): boolean {
  return config.DOCUMENTS_ALLOW_UNSCANNED_DOWNLOAD ??
    (storageKind(config) === "local" && !config.AV_V2_SERVICE_URL);
}

/**
 * Throws unless the file may be downloaded: 503 while there is no verdict, 403 with
 * `infectedMessage` when it is not clean. A file the no-op scan left `not_virus_scanned`
 * passes only when unscanned downloads are allowed; a failed scan never passes.
 */
export function checkDownloadable(
  state: ScanState,
  infectedMessage: string,
  allowUnscanned: boolean,
): void {
  if (!state.scanned_on) {
    const skipped = state.status === "not_virus_scanned" && state.uploaded_on !== null;
    if (skipped && allowUnscanned) return;
    throw beingScanned();
  }
  if (state.av_clean !== true) throw new ApiError(403, { detail: infectedMessage });
}

/**
 * The document kit's manifest: the scan and delete jobs every document kind queues, and
 * the embedded storage's signed-URL routes. Document kinds live in their own domains
 * (src/generic_document/, investment) and use src/documents/kit.ts.
 */
import type { Domain } from "../manifest.ts";
import { registerDocumentStorageRoutes } from "./handlers.ts";
import { deleteDocument, virusScanDocument } from "./jobs.ts";

export const documentsDomain: Domain = {
  name: "documents",
  register: registerDocumentStorageRoutes,
  jobs: [virusScanDocument, deleteDocument],
};

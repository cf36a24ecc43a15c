/** Generic documents' manifest: the `/v4/document/` routes (the flow is the document kit's). */
import type { Domain } from "../manifest.ts";
import { registerGenericDocumentRoutes } from "./handlers.ts";

export const genericDocumentDomain: Domain = {
  name: "generic_document",
  register: registerGenericDocumentRoutes,
};

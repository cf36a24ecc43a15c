/**
 * Evidence documents of a project: the document kit's six routes under
 * `/v3/investment/{project_pk}/evidence-document`, guarded as the original's
 * EvidenceDocumentModelPermissions with its association check (the action by route:
 * download is view, upload-callback change).
 */
import { z } from "@hono/zod-openapi";
import { bearer } from "../auth/authenticate.ts";
import { IdName, NestedAdviser, refList } from "../http/schemas.ts";
import { entityDocumentAction, entityDocumentRoutes } from "../documents/entity.ts";
import { underProject } from "../investment/access.ts";

const evidenceDocument = z.object({
  id: z.string(),
  tags: z.array(IdName),
  comment: z.string(),
  av_clean: z.boolean().nullable(),
  created_by: NestedAdviser.nullable(),
  created_on: z.string().nullable(),
  modified_by: NestedAdviser.nullable(),
  modified_on: z.string().nullable(),
  uploaded_on: z.string().nullable(),
  investment_project: z.object({ id: z.string(), name: z.string(), project_code: z.string() }),
  original_filename: z.string(),
  url: z.string(),
  status: z.string(),
});

export const evidenceBody = z.object({
  tags: refList().refine((ids) => ids.length > 0, "This list may not be empty."),
  comment: z.string().default(""),
});

export const evidenceRoutes = entityDocumentRoutes({
  collectionPath: "/v3/investment/{project_pk}/evidence-document",
  tag: "evidence",
  middleware: [
    bearer,
    underProject((c) => {
      const action = entityDocumentAction(c.req.method, c.req.path);
      return {
        all: `evidence.${action}_all_evidencedocument`,
        associated: `evidence.${action}_associated_evidencedocument`,
      };
    }),
  ],
  body: evidenceBody,
  schema: evidenceDocument,
});

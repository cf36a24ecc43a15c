/**
 * Evidence documents: the document kit's flow on `evidence_evidencedocument`, with the
 * original's tags (at least one, each an existing evidence tag) and comment, files in
 * the `investment` bucket, and a user event on delete.
 */
import type { z } from "@hono/zod-openapi";
import type { App } from "../http/context.ts";
import { registerEntityDocuments } from "../documents/entity.ts";
import { documentKind } from "../documents/kit.ts";
import { missingReferences } from "../core/references.ts";
import { replaceLinks } from "../db/rows.ts";
import { evidenceBody, evidenceRoutes } from "./routes.ts";
import { evidenceDocumentJson, TAGS } from "./queries.ts";

type EvidenceInput = z.output<typeof evidenceBody>;

const evidenceKind = documentKind({
  model: "evidencedocument",
  bucket: () => "investment",
  infectedMessage: "File did not pass virus scanning.",
});

export function registerEvidenceRoutes(app: App) {
  registerEntityDocuments(app, evidenceRoutes, {
    kind: evidenceKind,
    table: "evidence_evidencedocument",
    model: "EvidenceDocument",
    parent: {
      param: "project_pk",
      column: "investment_project_id",
      table: "investment_investmentproject",
      model: "InvestmentProject",
    },
    render: evidenceDocumentJson,
    columns: (input: EvidenceInput) => ({ comment: input.comment }),
    validate: (db, input) =>
      missingReferences(
        db,
        input.tags.map((id) => ({ path: ["tags"], table: "evidence_evidencetag", id })),
      ),
    afterInsert: (db, id, input) => replaceLinks(db, TAGS, id, input.tags),
    deletionEvent: { type: "evidence_document_delete" },
  });
}

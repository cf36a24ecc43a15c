/**
 * Generic document handlers: validate the envelope, then the type's `document_data`
 * (its errors at the top level, as the original), write the type's row and the generic
 * one; the upload flow itself is the document kit's (src/documents/kit.ts).
 */
import type { z } from "@hono/zod-openapi";
import type { App } from "../http/context.ts";
import type { Db } from "../db/pool.ts";
import {
  ApiError,
  nonFieldError,
  notFound,
  ValidationError,
  zodToFieldErrors,
} from "../http/errors.ts";
import { writeMeta } from "../http/write_meta.ts";
import { paginate, readPage } from "../http/pagination.ts";
import { parseSortby } from "../http/sortby.ts";
import { archiveObject } from "../core/archive.ts";
import {
  completeUpload,
  createStoredDocument,
  documentKind,
  genericDocumentBucket,
  scheduleDeletion,
  signedDownloadUrl,
  signedUploadUrl,
} from "../documents/kit.ts";
import * as routes from "./routes.ts";
import * as q from "./queries.ts";

/** Generic uploadable documents: default AWS credentials, bucket `data-hub-documents[-ENV]`. */
const uploadableDocument = documentKind({
  model: "uploadabledocument",
  bucket: genericDocumentBucket,
  useDefaultCredentials: true,
  infectedMessage: "Document did not pass virus scanning.",
});

const MODEL = "GenericDocument";
const ARCHIVE_REASON = "Archived instead of deleting when DELETE request received";

const notUploadable = () =>
  new ApiError(400, { error: "This action is only available for uploadable documents" });

async function loadDocument(db: Db, id: string) {
  const document = await q.findGenericDocument(db, id);
  if (!document) throw notFound(MODEL);
  return document as routes.GenericDocumentJson;
}

/** `document_data` through the type's serializer (DRF: a non-object is a non-field error). */
function parseDocumentData<S extends z.ZodType>(
  schema: S,
  data: unknown,
): z.output<S> {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    const got = data === null ? "NoneType" : Array.isArray(data) ? "list" : {
      string: "str",
      number: "int",
      boolean: "bool",
    }[typeof data as string] ?? typeof data;
    throw nonFieldError(`Invalid data. Expected a dictionary, but got ${got}.`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new ValidationError(zodToFieldErrors(parsed.error.issues));
  return parsed.data;
}

export function registerGenericDocumentRoutes(app: App) {
  app.openapi(routes.listGenericDocuments, async (c) => {
    const query = c.req.valid("query");
    const relatedObjectId = query.related_object_id?.trim() || undefined;
    if (relatedObjectId && !routes.uuidText.safeParse(relatedObjectId).success) {
      throw new ValidationError({ related_object_id: ["Must be a valid UUID."] });
    }
    const page = readPage(c);
    const result = await q.listGenericDocuments(c.var.db, {
      relatedObjectId,
      sort: parseSortby(query.sortby, q.genericDocumentSortChoices, ["-created_on"]),
      page,
    });
    return c.json(
      paginate(c, page, result.count, result.results as routes.GenericDocumentJson[]),
      200,
    );
  });

  app.openapi(routes.createGenericDocument, async (c) => {
    const input = c.req.valid("json");
    const db = c.var.db;
    if (!Object.hasOwn(q.RELATED_OBJECT_TYPES, input.related_object_type)) {
      throw new ValidationError({
        related_object_type: [
          `Invalid related object type: ${input.related_object_type}. Format should be 'app_label.model'.`,
        ],
      });
    }
    const relatedObjectId = input.related_object_id.toLowerCase();
    if (!await q.relatedObjectExists(db, input.related_object_type, relatedObjectId)) {
      throw nonFieldError(`Related object with id ${input.related_object_id} does not exist.`);
    }
    const { at, userId: by } = writeMeta(c);
    let documentObjectId: string;
    let storedDocumentId: string | null = null;
    if (input.document_type === q.UPLOADABLE) {
      const data = parseDocumentData(routes.uploadableData, input.document_data);
      storedDocumentId = await createStoredDocument(c, uploadableDocument, data.original_filename);
      documentObjectId = await q.insertUploadableDocument(db, {
        ...data,
        document_id: storedDocumentId,
      }, { at, by });
    } else {
      const data = parseDocumentData(routes.sharePointData, input.document_data);
      documentObjectId = await q.insertSharePointDocument(db, data, { at, by });
    }
    const id = await q.insertGenericDocument(db, {
      document_type: input.document_type,
      document_object_id: documentObjectId,
      related_object_type: input.related_object_type,
      related_object_id: relatedObjectId,
    }, { at, by });
    const document = await loadDocument(db, id);
    if (storedDocumentId === null) return c.json(document, 201);
    return c.json(
      { ...document, signed_upload_url: await signedUploadUrl(c, storedDocumentId) },
      201,
    );
  });

  app.openapi(routes.getGenericDocument, async (c) => {
    return c.json(await loadDocument(c.var.db, c.req.valid("param").id), 200);
  });

  app.openapi(routes.deleteGenericDocument, async (c) => {
    const { id } = c.req.valid("param");
    const db = c.var.db;
    const row = await q.lockGenericDocument(db, id, true);
    if (!row) throw notFound(MODEL);
    const { at, userId: by } = writeMeta(c);
    const change = { by, reason: ARCHIVE_REASON, at };
    if (row.stored_document_id) await scheduleDeletion(c, row.stored_document_id);
    if (row.document_type === q.SHAREPOINT) {
      await archiveObject(db, "documents_sharepointdocument", row.document_object_id, change);
    }
    await archiveObject(db, "documents_genericdocument", id, change);
    return c.body(null, 204);
  });

  app.openapi(routes.uploadComplete, async (c) => {
    const { id } = c.req.valid("param");
    const db = c.var.db;
    const row = await q.lockGenericDocument(db, id, true);
    if (!row) throw notFound(MODEL);
    if (!row.stored_document_id) throw notUploadable();
    await completeUpload(c, row.stored_document_id);
    return c.json(await loadDocument(db, id), 200);
  });

  app.openapi(routes.downloadGenericDocument, async (c) => {
    const { id } = c.req.valid("param");
    const db = c.var.db;
    const row = await q.lockGenericDocument(db, id, false);
    if (!row) throw notFound(MODEL);
    if (!row.stored_document_id) throw notUploadable();
    const documentUrl = await signedDownloadUrl(c, uploadableDocument, row.stored_document_id);
    return c.json({ ...await loadDocument(db, id), document_url: documentUrl }, 200);
  });
}

/**
 * Routes and Zod schemas of generic documents (`/v4/document/…`): SharePoint links and
 * uploaded files related to a company, with CRUD permissions on
 * `documents.genericdocument` (upload-complete is an add, download a view).
 */
import { fieldErrorsSchema } from "../http/contract.ts";
import { createRoute, z } from "@hono/zod-openapi";
import { bearer } from "../auth/authenticate.ts";
import { crud } from "../auth/permissions.ts";
import { pageQuery, paginatedSchema } from "../http/pagination.ts";
import { idParam, jsonBody, jsonResponse } from "../http/schemas.ts";
import { DOCUMENT_TYPES } from "./queries.ts";

const tags = ["document"];
const middleware = [bearer, crud("documents.genericdocument")];

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
/** DRF's UUIDField (hex with or without hyphens). */
export const uuidText = z.string().trim().regex(UUID_RE, "Must be a valid UUID.");

/** GenericDocumentCreateSerializer: the envelope; `document_data` is checked per type. */
export const genericDocumentCreateBody = z.object({
  document_type: z.string().refine(
    (v) => (DOCUMENT_TYPES as readonly string[]).includes(v),
    {
      error: (issue) =>
        `Unsupported document type: ${issue.input}. Format should be 'app_label.model'.`,
    },
  ),
  document_data: z.custom<unknown>((v) => v !== undefined, { error: "This field is required." })
    .openapi({ type: "object", description: "The type's fields (title, url / original_filename)" }),
  related_object_type: z.string(),
  related_object_id: uuidText,
}).openapi({
  example: {
    document_type: "documents.uploadabledocument",
    document_data: { original_filename: "project-proposal.pdf", title: "Project Proposal" },
    related_object_type: "company.company",
    related_object_id: "0fb3379c-341c-4da4-b825-bf8d47b26baa",
  },
});

const title = z.string().max(255).default("");
/** SharePointDocumentSerializer's writable fields. */
export const sharePointData = z.object({
  title,
  url: z.url({ protocol: /^(https?|ftps?)$/ }).max(255),
});
/** UploadableDocumentSerializer's writable fields. */
export const uploadableData = z.object({
  original_filename: z.string().trim().min(1).max(255),
  title,
});

const adviser = z.object({ id: z.string(), name: z.string(), email: z.string() }).nullable();
const dateTime = z.string();
const sharePointSchema = z.object({
  id: z.string(),
  created_by: adviser,
  modified_by: adviser,
  created_on: dateTime.nullable(),
  modified_on: dateTime.nullable(),
  archived: z.boolean(),
  archived_on: dateTime.nullable(),
  archived_reason: z.string().nullable(),
  title: z.string(),
  url: z.string(),
  archived_by: z.string().nullable(),
});
const uploadableSchema = z.object({
  id: z.string(),
  original_filename: z.string(),
  title: z.string(),
  created_by: adviser,
  created_on: dateTime.nullable(),
  modified_by: adviser,
  modified_on: dateTime.nullable(),
  status: z.string(),
});
export const genericDocumentSchema = z.object({
  id: z.string(),
  created_by: adviser,
  modified_by: adviser,
  document: z.union([sharePointSchema, uploadableSchema]).nullable(),
  related_object: z.object({ id: z.string(), name: z.string() }).nullable(),
  created_on: dateTime.nullable(),
  modified_on: dateTime.nullable(),
  archived: z.boolean(),
  archived_on: dateTime.nullable(),
  archived_reason: z.string().nullable(),
  document_object_id: z.string(),
  related_object_id: z.string(),
  archived_by: z.string().nullable(),
  document_type: z.enum(DOCUMENT_TYPES),
  related_object_type: z.string(),
}).openapi("GenericDocument");
export type GenericDocumentJson = z.output<typeof genericDocumentSchema>;

const detail = z.object({ detail: z.string() });
const notUploadable = jsonResponse(
  "Not an uploadable document",
  z.object({ error: z.literal("This action is only available for uploadable documents") }),
);

export const listGenericDocuments = createRoute({
  method: "get",
  path: "/v4/document/",
  tags,
  summary: "Documents (filter related_object_id; sortby created_on, default -created_on)",
  middleware,
  request: {
    query: pageQuery.extend({
      related_object_id: z.string().optional(),
      sortby: z.string().optional(),
    }),
  },
  responses: {
    200: jsonResponse("A page of documents", paginatedSchema(genericDocumentSchema)),
    400: jsonResponse("A bad filter value", fieldErrorsSchema),
  },
});

export const createGenericDocument = createRoute({
  method: "post",
  path: "/v4/document/",
  tags,
  summary: "Create a SharePoint link, or an uploadable document with its signed upload URL",
  middleware,
  request: { body: jsonBody(genericDocumentCreateBody) },
  responses: {
    201: jsonResponse(
      "The document (uploadable ones with `signed_upload_url`, valid 3600 s)",
      genericDocumentSchema.extend({ signed_upload_url: z.string().optional() }),
    ),
    400: jsonResponse("Invalid input", fieldErrorsSchema),
  },
});

export const getGenericDocument = createRoute({
  method: "get",
  path: "/v4/document/{id}",
  tags,
  summary: "One document",
  middleware,
  request: { params: idParam },
  responses: {
    200: jsonResponse("The document", genericDocumentSchema),
    404: jsonResponse("No such document", detail),
  },
});

export const deleteGenericDocument = createRoute({
  method: "delete",
  path: "/v4/document/{id}",
  tags,
  summary: "Archive the document (an uploaded file is deleted by a job)",
  middleware,
  request: { params: idParam },
  responses: {
    204: { description: "Archived" },
    404: jsonResponse("No such document", detail),
  },
});

export const uploadComplete = createRoute({
  method: "post",
  path: "/v4/document/{id}/upload-complete",
  tags,
  summary: "The file is uploaded: schedule its virus scan (once)",
  middleware,
  request: { params: idParam },
  responses: {
    200: jsonResponse("The document", genericDocumentSchema),
    400: notUploadable,
    404: jsonResponse("No such document", detail),
  },
});

export const downloadGenericDocument = createRoute({
  method: "get",
  path: "/v4/document/{id}/download",
  tags,
  summary: "The document with `document_url`, a signed download URL (3600 s)",
  middleware,
  request: { params: idParam },
  responses: {
    200: jsonResponse(
      "The document and its download URL",
      genericDocumentSchema.extend({ document_url: z.string() }),
    ),
    400: notUploadable,
    403: jsonResponse("Document did not pass virus scanning.", detail),
    404: jsonResponse("No such document", detail),
    503: jsonResponse("File is being scanned for viruses, try again later.", detail),
  },
});

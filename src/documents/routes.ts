/**
 * The embedded storage's own routes: the signed, expiring URLs that LocalStorage hands
 * out in place of S3's (PUT to upload, GET to download). The token in the path is the
 * grant; no other authentication, as with a pre-signed S3 URL.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { jsonResponse } from "../http/schemas.ts";

const tags = ["documents"];
const tokenParam = z.object({
  token: z.string().openapi({ param: { name: "token", in: "path" } }),
});
const detail = z.object({ detail: z.string() });
const refused = jsonResponse("The URL is forged, expired or for another method", detail);

export const uploadLocalFile = createRoute({
  method: "put",
  path: "/v4/document-storage/{token}",
  tags,
  summary: "Upload a document's file (embedded storage; the URL comes from the API)",
  request: { params: tokenParam },
  responses: { 200: { description: "Stored" }, 403: refused },
});

export const downloadLocalFile = createRoute({
  method: "get",
  path: "/v4/document-storage/{token}",
  tags,
  summary: "Download a document's file (embedded storage; the URL comes from the API)",
  request: { params: tokenParam },
  responses: {
    200: {
      description: "The file",
      content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } },
    },
    403: refused,
    404: jsonResponse("No such file", detail),
  },
});

/** Handlers of the embedded storage's signed URLs (see routes.ts). */
import type { App } from "../http/context.ts";
import { ApiError, notFound } from "../http/errors.ts";
import { documentStorage, type LocalGrant, LocalStorage } from "./storage.ts";
import * as routes from "./routes.ts";

const refused = () =>
  new ApiError(403, { detail: "Request has expired or its signature does not match." });

async function grantFor(
  storage: unknown,
  token: string,
  method: LocalGrant["method"],
  now: Date,
): Promise<{ storage: LocalStorage; grant: LocalGrant }> {
  // With S3 configured these URLs are never handed out: nothing is stored here.
  if (!(storage instanceof LocalStorage)) throw notFound();
  const grant = await storage.verify(token, now);
  if (!grant || grant.method !== method) throw refused();
  return { storage, grant };
}

export function registerDocumentStorageRoutes(app: App) {
  app.openapi(routes.uploadLocalFile, async (c) => {
    const { storage, grant } = await grantFor(
      documentStorage(c.var.deps.config),
      c.req.valid("param").token,
      "PUT",
      c.var.deps.now(),
    );
    // The request guard has read the body already (and bounded it); take it from Hono's cache.
    await storage.write(grant.bucketId, grant.path, new Response(await c.req.arrayBuffer()).body);
    return c.body(null, 200);
  });

  app.openapi(routes.downloadLocalFile, async (c) => {
    const { storage, grant } = await grantFor(
      documentStorage(c.var.deps.config),
      c.req.valid("param").token,
      "GET",
      c.var.deps.now(),
    );
    const file = await storage.open({ ...grant, useDefaultCredentials: false });
    if (!file) throw notFound();
    const name = grant.path.slice(grant.path.lastIndexOf("/") + 1);
    return c.body(file.body, 200, {
      "content-type": file.contentType,
      "content-length": String(file.length),
      "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
    });
  });
}

/**
 * OpenAPI 3.1 at /openapi.json, generated from the Zod routes, and Swagger UI at /docs
 * served from the swagger-ui-dist package's own files (no CDN: deployments may be
 * offline).
 */
import swaggerUi from "swagger-ui-dist";
import type { App } from "./context.ts";
import { withoutDatabase } from "./transaction.ts";

const assets: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
};

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Data Hub API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui",
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout" });</script>
</body></html>`;

export function registerDocs(app: App) {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "Staff SSO access token, or a token made by `cli.ts add-access-token`.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "hawk", {
    type: "apiKey",
    in: "header",
    name: "Authorization",
    description: "Hawk (sha256) for machine-to-machine clients, with a scope per route.",
  });
  // Generated on first request (every route is registered by then) and kept as text:
  // generating it takes some 20 MB of garbage and tens of milliseconds each time.
  let document: string | undefined;
  app.get("/openapi.json", withoutDatabase, (c) => {
    document ??= JSON.stringify(app.getOpenAPI31Document({
      openapi: "3.1.0",
      info: {
        title: "Data Hub API",
        version: "1.0.0",
        description: "Deno re-implementation of the Data Hub API (DBT's CRM back end).",
      },
    }));
    return c.body(document, 200, { "Content-Type": "application/json" });
  });
  app.get("/docs", withoutDatabase, (c) => c.html(page));
  const dir = swaggerUi.getAbsoluteFSPath();
  app.get("/docs/:asset", withoutDatabase, async (c) => {
    const name = c.req.param("asset");
    const type = assets[name];
    if (!type) return c.json({ detail: "Not found." }, 404);
    const body = await Deno.readFile(`${dir}/${name}`);
    return c.body(body, 200, { "Content-Type": type, "Cache-Control": "public, max-age=86400" });
  });
}

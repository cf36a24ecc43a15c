import assert from "node:assert/strict";
import { Validator } from "@seriousme/openapi-schema-validator";
import { call, testApp } from "../helpers/app.ts";

Deno.test("OpenAPI document and Swagger UI", async (t) => {
  const ctx = await testApp();

  await t.step("/openapi.json of the full app is valid OpenAPI 3.1", async () => {
    const res = await call(ctx.app, "GET", "/openapi.json");
    assert.equal(res.status, 200);
    const document = res.body;
    assert.equal(document.openapi, "3.1.0");
    assert.ok(document.paths["/pingdom/ping.xml"]?.get, "the health route is documented");
    assert.deepEqual(Object.keys(document.components.securitySchemes).sort(), ["bearer", "hawk"]);
    const validator = new Validator();
    const result = await validator.validate(document);
    assert.deepEqual(result.errors, undefined);
    assert.equal(result.valid, true);
    assert.equal(validator.version, "3.1");
  });

  await t.step("the validator does reject a broken 3.1 document", async () => {
    const broken = { openapi: "3.1.0", info: { title: "x" }, paths: { "no-slash": {} } };
    const result = await new Validator().validate(broken);
    assert.equal(result.valid, false);
  });

  await t.step("/docs is an HTML page whose assets are served locally", async () => {
    const res = await call(ctx.app, "GET", "/docs");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    const sources = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(sources.sort(), [
      "/docs/swagger-ui-bundle.js",
      "/docs/swagger-ui-standalone-preset.js",
      "/docs/swagger-ui.css",
    ]);
    assert.match(res.text, /url: "\/openapi\.json"/);
    for (
      const [path, type] of [
        ["/docs/swagger-ui.css", /^text\/css/],
        ["/docs/swagger-ui-bundle.js", /^text\/javascript/],
        ["/docs/swagger-ui-standalone-preset.js", /^text\/javascript/],
      ] as const
    ) {
      const asset = await ctx.app.request(`http://testserver${path}`);
      assert.equal(asset.status, 200, path);
      assert.match(asset.headers.get("content-type") ?? "", type, path);
      assert.ok((await asset.arrayBuffer()).byteLength > 10_000, path);
    }
  });

  await t.step("other files of the package are not served", async () => {
    for (const path of ["/docs/package.json", "/docs/..%2Fdeno.json", "/docs/index.html"]) {
      const res = await call(ctx.app, "GET", path);
      assert.equal(res.status, 404, path);
      assert.deepEqual(res.body, { detail: "Not found." });
    }
  });

  await ctx.close();
});

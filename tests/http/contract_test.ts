/**
 * The response contract: every documented operation has typed responses, and the test
 * app checks each response against them (tests/helpers/app.ts), naming the operation
 * and the body's paths when they part.
 */
import assert from "node:assert/strict";
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../src/http/context.ts";
import { jsonResponse } from "../../src/http/schemas.ts";
import { call, testApp } from "../helpers/app.ts";

const thing = createRoute({
  method: "get",
  path: "/v4/contract-test/{id}",
  request: { params: z.object({ id: z.string() }) },
  responses: { 200: jsonResponse("A thing", z.object({ ok: z.boolean(), n: z.number() })) },
});

/** A route whose handler breaks its declared schema in the way `id` says. */
const drifting = {
  name: "contract-test",
  register(app: App) {
    app.openapi(thing, (c) => {
      const id = c.req.valid("param").id;
      if (id === "good") return c.json({ ok: true, n: 1 }, 200);
      if (id === "accepted") return c.json({ ok: true, n: 1 }, 202 as 200);
      return c.json({ ok: "yes", n: 1 }, 200);
    });
  },
};

type Schema = { $ref?: string; type?: string; properties?: object; items?: Schema };

/** An object schema that says nothing of its keys (or a list of them). */
function untyped(schema: Schema | undefined): boolean {
  if (!schema) return true;
  if (schema.$ref) return false;
  if (schema.type === "array") return untyped(schema.items);
  return schema.type === "object" && !schema.properties;
}

Deno.test("response contract", async (t) => {
  const ctx = await testApp({ domains: [drifting] });

  await t.step("a response matching its schema passes", async () => {
    const res = await call(ctx.app, "GET", "/v4/contract-test/good");
    assert.equal(res.status, 200);
  });

  await t.step("a body that parts from its schema fails, naming operation and path", async () => {
    await assert.rejects(
      () => call(ctx.app, "GET", "/v4/contract-test/bad"),
      (error: Error) => {
        assert.match(error.message, /GET \/v4\/contract-test\/\{id\} \(\/v4\/contract-test\/bad\)/);
        assert.match(error.message, /ok: /);
        return true;
      },
    );
  });

  await t.step("an undeclared status fails", async () => {
    await assert.rejects(
      () => call(ctx.app, "GET", "/v4/contract-test/accepted"),
      /status 202 is not declared/,
    );
  });

  await t.step("every operation declares typed success and error responses", async () => {
    const doc = (await call(ctx.app, "GET", "/openapi.json")).body;
    const loose: string[] = [];
    let operations = 0;
    for (const [path, item] of Object.entries<Record<string, { responses: object }>>(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        operations++;
        const responses = operation.responses as Record<
          string,
          { content?: Record<string, { schema?: Schema }> }
        >;
        for (const status of ["400", "401", "403", "404", "405"]) {
          assert.ok(responses[status]?.content, `${method} ${path} ${status}`);
        }
        for (const [status, response] of Object.entries(responses)) {
          const json = response.content?.["application/json"];
          if (json && untyped(json.schema)) loose.push(`${method} ${path} ${status}`);
        }
      }
    }
    assert.ok(operations > 160, `${operations} operations`);
    assert.deepEqual(loose, []);
    for (const name of ["Company", "Contact", "Interaction", "Adviser", "IdName", "Detail"]) {
      assert.ok(doc.components.schemas[name], name);
    }
    assert.ok(doc.components.schemas.PaginatedCompanies);
  });

  await ctx.close();
});

import assert from "node:assert/strict";
import { createRoute, z } from "@hono/zod-openapi";
import { createApp } from "../../src/http/app.ts";
import type { App } from "../../src/http/context.ts";
import { ValidationError } from "../../src/http/errors.ts";
import { freshDatabase } from "../helpers/db.ts";
import { call, testDeps } from "../helpers/app.ts";

const create = createRoute({
  method: "post",
  path: "/v4/thing",
  request: {
    body: {
      content: {
        "application/json": {
          schema: z.object({
            name: z.string().max(5),
            address: z.object({ country: z.uuid() }),
            tags: z.array(z.string()).optional(),
            fail: z.boolean().optional(),
          }),
        },
      },
    },
  },
  responses: { 201: { description: "created" } },
});
const detail = createRoute({
  method: "get",
  path: "/v4/thing/{id}",
  request: { params: z.object({ id: z.uuid() }) },
  responses: { 200: { description: "one" } },
});

function thingDomain(committed: string[]) {
  return {
    name: "thing",
    register(app: App) {
      app.openapi(create, async (c) => {
        const body = c.req.valid("json");
        await c.var.db`insert into thing (name) values (${body.name})`;
        c.var.afterCommit(() => committed.push(body.name));
        if (body.fail) throw new ValidationError({ name: ["Rejected after writing."] });
        return c.json({ name: body.name }, 201);
      });
      app.openapi(detail, (c) => c.json({ id: c.req.valid("param").id }, 200));
    },
  };
}

Deno.test("app factory: transactions, DRF error bodies, 404/405", async (t) => {
  const db = await freshDatabase();
  await db.sql`create table thing (name text)`;
  const committed: string[] = [];
  const deps = testDeps(db);
  const app = createApp(deps, [thingDomain(committed)]);
  const country = crypto.randomUUID();

  await t.step("a successful write commits and runs after-commit work", async () => {
    const res = await call(app, "POST", "/v4/thing", {
      body: { name: "ok", address: { country } },
    });
    assert.equal(res.status, 201);
    assert.deepEqual(committed, ["ok"]);
    assert.equal((await db.sql`select count(*)::int as n from thing`)[0].n, 1);
  });

  await t.step("a failed write leaves nothing behind and runs no after-commit work", async () => {
    const res = await call(app, "POST", "/v4/thing", {
      body: { name: "no", address: { country }, fail: true },
    });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { name: ["Rejected after writing."] });
    assert.deepEqual(committed, ["ok"]);
    assert.equal((await db.sql`select count(*)::int as n from thing`)[0].n, 1);
  });

  await t.step("Zod failures become DRF bodies, nested and by index", async () => {
    const res = await call(app, "POST", "/v4/thing", {
      body: { name: "toolong", address: { country: "x" }, tags: ["a", 3] },
    });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      name: ["Ensure this field has no more than 5 characters."],
      address: { country: ["Must be a valid UUID."] },
      tags: { "1": ["Not a valid string."] },
    });
    const missing = await call(app, "POST", "/v4/thing", { body: {} });
    assert.deepEqual(missing.body, {
      name: ["This field is required."],
      address: ["This field is required."],
    });
  });

  await t.step("malformed JSON is a 400 with a detail", async () => {
    const res = await call(app, "POST", "/v4/thing", { body: "{nope" });
    assert.equal(res.status, 400);
    assert.match(res.body.detail, /^JSON parse error/);
  });

  await t.step("a non-UUID path id is a 404; unknown routes 404; wrong methods 405", async () => {
    assert.equal((await call(app, "GET", "/v4/thing/not-a-uuid")).status, 404);
    assert.deepEqual((await call(app, "GET", "/v4/nothing")).body, { detail: "Not found." });
    const put = await call(app, "PUT", `/v4/thing/${country}`);
    assert.equal(put.status, 405);
    assert.deepEqual(put.body, { detail: 'Method "PUT" not allowed.' });
  });

  await db.close();
});

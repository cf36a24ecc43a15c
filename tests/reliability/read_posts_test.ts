/**
 * Read-only POSTs (issue #13, finding 7): searches and exports run on the pool like a
 * GET and queue nothing; a write queues one sync job, and only when it recorded changes.
 */
import { companyBody } from "../helpers/company.ts";
import assert from "node:assert/strict";
import { createRoute, z } from "@hono/zod-openapi";
import { call, createAdviser, HeldQueue, testApp } from "../helpers/app.ts";
import { readOnly } from "../../src/http/transaction.ts";
import type { RouteSet } from "../../src/http/context.ts";

/** A POST route marked read-only that tells whether it ran on the pool. */
const probe: RouteSet = {
  name: "probe",
  register(app) {
    for (const [path, middleware] of [["/test/read", [readOnly]], ["/test/write", []]] as const) {
      app.openapi(
        createRoute({
          method: "post",
          path,
          middleware: [...middleware],
          responses: {
            200: {
              description: "where the request ran",
              content: { "application/json": { schema: z.object({ pool: z.boolean() }) } },
            },
          },
        }),
        (c) => c.json({ pool: !("savepoint" in c.var.db) }, 200),
      );
    }
  },
};

Deno.test("read-only POSTs: no transaction, no sync job", async (t) => {
  const jobs = new HeldQueue();
  const ctx = await testApp({ deps: { jobs }, domains: [probe] });
  const { app, sql } = ctx;
  const { token } = await createAdviser(sql, { superuser: true });
  try {
    await t.step("a route marked readOnly runs on the pool; others in a transaction", async () => {
      assert.deepEqual((await call(app, "POST", "/test/read")).body, { pool: true });
      assert.deepEqual((await call(app, "POST", "/test/write")).body, { pool: false });
    });

    await t.step("50 searches and exports queue no job", async () => {
      for (let i = 0; i < 25; i++) {
        const search = await call(app, "POST", "/v4/search/company", {
          token,
          body: { original_query: `acme ${i}` },
        });
        assert.equal(search.status, 200);
        const exported = await call(app, "POST", "/v3/search/contact/export", { token, body: {} });
        assert.equal(exported.status, 200);
      }
      assert.deepEqual(jobs.enqueued, []);
    });

    await t.step("a write that records changes queues one sync; a failed one none", async () => {
      const created = await call(app, "POST", "/v3/contact", { token, body: {} });
      assert.equal(created.status, 400);
      assert.deepEqual(jobs.enqueued, []);
      const res = await call(app, "POST", "/v4/company", {
        token,
        body: companyBody("Acme Ltd"),
      });
      assert.equal(res.status, 201);
      assert.deepEqual(jobs.enqueued, ["search.sync_changes"]);
    });
  } finally {
    await ctx.close();
  }
});

/**
 * Hostile input that used to reach PostgreSQL (issue #13, findings 4, 5, 8 and 10): NUL
 * characters, oversized bodies, limit/offset past bigint, year-0 dates and deep JSON are
 * DRF-shaped 4xx on the field, PostgreSQL's text never reaches a client, and an error
 * that does reach the log names its class and cause.
 */
import assert from "node:assert/strict";
import { call, createAdviser, testApp, testDeps } from "../helpers/app.ts";
import { databaseErrorToApiError } from "../../src/http/errors.ts";
import { MAX_BODY_BYTES } from "../../src/http/request_guard.ts";
import { createApp } from "../../src/http/app.ts";
import { freshDatabase } from "../helpers/db.ts";
import { recordingLogger } from "../jobs/support.ts";
import { errorFields } from "../../src/log.ts";

const NUL = "Null characters are not allowed.";
const UK = "80756b9a-5d95-e211-a939-e4115bead28a";
const company = (extra: Record<string, unknown> = {}) => ({
  name: "Acme Ltd",
  business_type: "98d14e94-5d95-e211-a939-e4115bead28a",
  sector: { id: "af959812-6095-e211-a939-e4115bead28a" },
  uk_region: "1718e330-6095-e211-a939-e4115bead28a",
  address: { line_1: "1 High St", town: "London", country: { id: UK } },
  ...extra,
});

Deno.test("hostile input: 4xx in DRF's shape, never PostgreSQL's text", async (t) => {
  const ctx = await testApp();
  const { app, sql } = ctx;
  const { token } = await createAdviser(sql, { superuser: true });
  try {
    await t.step("NUL in a body string, nested, in a list or a key: 400 on the field", async () => {
      const res = await call(app, "POST", "/v4/company", {
        token,
        body: company({
          name: "Ac\u0000me",
          trading_names: ["ok", "b\u0000d"],
          address: { line_1: "1\u0000", town: "London", country: { id: UK } },
        }),
      });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, {
        name: [NUL],
        trading_names: { 1: [NUL] },
        address: { line_1: [NUL] },
      });
      const search = await call(app, "POST", "/v4/search/company", {
        token,
        body: { original_query: "a\u0000" },
      });
      assert.deepEqual([search.status, search.body], [400, { original_query: [NUL] }]);
    });

    await t.step("NUL in a query parameter: 400 on the parameter", async () => {
      for (
        const path of [
          "/v4/company?name=a%00b",
          "/v3/search?term=%00",
          "/adviser/?autocomplete=%00",
        ]
      ) {
        const res = await call(app, "GET", path, { token });
        assert.equal(res.status, 400, path);
        assert.deepEqual(Object.values(res.body), [[NUL]], path);
      }
    });

    await t.step("SQLSTATE 22021 / 22P05 (NUL reaching PostgreSQL) map to that 400", () => {
      for (const code of ["22021", "22P05"]) {
        const error = databaseErrorToApiError({ code, message: "invalid byte sequence 0x00" });
        assert.equal(error?.status, 400);
        assert.deepEqual(error?.body, { non_field_errors: [NUL] });
      }
    });

    await t.step("a body over 2.5 MB is 413 before it is read, streamed or not", async () => {
      const big = JSON.stringify(company({ description: "x".repeat(MAX_BODY_BYTES) }));
      const res = await call(app, "POST", "/v4/company", { token, body: big });
      assert.equal(res.status, 413);
      assert.deepEqual(res.body, {
        detail: "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.",
      });
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          // An endless body: the server must stop reading at the limit.
          if (sent > MAX_BODY_BYTES * 4) return controller.close();
          sent += 65536;
          controller.enqueue(new Uint8Array(65536).fill(32));
        },
      });
      const streamed = await app.request("http://testserver/v4/company", {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: stream,
      });
      assert.equal(streamed.status, 413);
      await streamed.body?.cancel();
      assert.ok(sent <= MAX_BODY_BYTES + 3 * 65536, `read ${sent} bytes`);
      const [{ n }] = await sql`select count(*)::int as n from company_company`;
      assert.equal(n, 0);
    });

    await t.step("a body just under the limit is read", async () => {
      const res = await call(app, "POST", "/v4/company", {
        token,
        body: company({ description: "x".repeat(MAX_BODY_BYTES - 2000) }),
      });
      assert.equal(res.status, 201);
    });

    await t.step("limit/offset past bigint fall back; a page past it is Invalid page", async () => {
      const huge = "99999999999999999999999";
      const res = await call(app, "GET", `/v4/company?limit=${huge}&offset=${huge}`, { token });
      assert.equal(res.status, 200);
      assert.equal(res.body.results.length, 1);
      const page = await call(app, "GET", `/v4/contact?page=${huge}`, { token });
      assert.deepEqual([page.status, page.body], [404, { detail: "Invalid page." }]);
    });

    await t.step("year-0 dates: DRF's date messages, not PostgreSQL's", async () => {
      const [{ id }] = await sql`select id::text from company_company limit 1`;
      const objective = await call(app, "POST", `/v4/company/${id}/objective`, {
        token,
        body: { subject: "s", detail: "d", target_date: "0000-01-01", has_blocker: false },
      });
      assert.equal(objective.status, 400);
      assert.deepEqual(objective.body.target_date, [
        "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
      ]);
      const search = await call(app, "POST", "/v3/search/interaction", {
        token,
        body: { date_after: "0000-01-01" },
      });
      assert.equal(search.status, 400);
      assert.doesNotMatch(search.text, /out of range|postgres|syntax/i);
    });

    await t.step("mapped database errors never carry PostgreSQL's message", () => {
      for (const code of ["22P02", "22003", "22007", "22008", "22001", "2201W", "54001"]) {
        const error = databaseErrorToApiError({
          code,
          message: "SECRET: value out of range for type bigint(9)",
        });
        assert.equal(error?.status, 400, code);
        assert.doesNotMatch(JSON.stringify(error?.body), /SECRET|bigint/, code);
      }
    });

    await t.step("JSON nested past Python's limit is the original's parse error", async () => {
      const deep = "[".repeat(5000) + "]".repeat(5000);
      const res = await call(app, "POST", "/v4/search/company", { token, body: deep });
      assert.equal(res.status, 400);
      assert.match(res.body.detail, /^JSON parse error - /);
    });
  } finally {
    await ctx.close();
  }
});

Deno.test("an unhandled error is logged with its class and cause", async () => {
  const db = await freshDatabase();
  const log = recordingLogger();
  const app = createApp(testDeps(db, { overrides: { log } }), [{
    name: "broken",
    register(app) {
      app.get("/boom", () => {
        throw new TypeError("", { cause: new Error("socket hang up") });
      });
    },
  }]);
  try {
    assert.equal((await call(app, "GET", "/boom")).status, 500);
    const line = log.lines.find((l) => l.event === "unhandled error");
    assert.equal(line?.error, "TypeError (no message)");
    assert.equal(line?.cause, "Error: socket hang up");
    assert.deepEqual(errorFields(new Error("boom")).error, "Error: boom");
    assert.equal(errorFields("text").error, "text");
  } finally {
    await db.close();
  }
});

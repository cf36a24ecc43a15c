import assert from "node:assert/strict";
import { createApp } from "../../src/http/app.ts";
import type { App } from "../../src/http/context.ts";
import { z } from "zod";
import {
  databaseErrorToApiError,
  ValidationError,
  zodToFieldErrors,
} from "../../src/http/errors.ts";
import type { Logger } from "../../src/log.ts";
import { freshDatabase } from "../helpers/db.ts";
import { call, testDeps } from "../helpers/app.ts";

interface Entry {
  level: string;
  event: string;
  fields: Record<string, unknown>;
}

/** A Logger that keeps what it is given, for assertions. */
function capturingLogger(): Logger & { entries: Entry[] } {
  const entries: Entry[] = [];
  const at = (level: string) => (event: string, fields: Record<string, unknown> = {}) =>
    entries.push({ level, event, fields });
  return { entries, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

const brokenDomain = {
  name: "broken",
  register(app: App) {
    app.get("/v4/boom", () => {
      throw new Error("secret internals: password=hunter2");
    });
    app.post("/v4/boom", async (c) => {
      await c.var.db`insert into parent (id) values (${crypto.randomUUID()})`;
      throw new TypeError("undefined is not a function");
    });
    app.post("/v4/child", async (c) => {
      const body = await c.req.json();
      await c.var.db`insert into child (parent_id) values (${body.parent})`;
      return c.json({}, 201);
    });
  },
};

Deno.test("database errors, 500s and the request log", async (t) => {
  const db = await freshDatabase();
  const { sql } = db;
  await sql`create table parent (id uuid primary key, name text unique)`;
  await sql`create table child (id serial primary key, parent_id uuid not null references parent)`;
  const log = capturingLogger();
  const deps = testDeps(db, { overrides: { log } });
  const app = createApp(deps, [brokenDomain]);
  const pgError = async (statement: Promise<unknown>) => {
    try {
      await statement;
    } catch (error) {
      return error;
    }
    assert.fail("expected a database error");
  };

  await t.step("FK violation → 400 Invalid pk on the field (without _id)", async () => {
    const missing = crypto.randomUUID();
    const error = databaseErrorToApiError(
      await pgError(sql`insert into child (parent_id) values (${missing})`),
    );
    assert.ok(error instanceof ValidationError);
    assert.equal(error.status, 400);
    assert.deepEqual(error.body, { parent: [`Invalid pk "${missing}" - object does not exist.`] });
  });

  await t.step("unique and not-null violations name the field", async () => {
    await sql`insert into parent (id, name) values (${crypto.randomUUID()}, 'taken')`;
    const unique = databaseErrorToApiError(
      await pgError(sql`insert into parent (id, name) values (${crypto.randomUUID()}, 'taken')`),
    );
    assert.deepEqual(unique?.body, { name: ["An object with this name already exists."] });
    const notNull = databaseErrorToApiError(
      await pgError(sql`insert into child (parent_id) values (null)`),
    );
    assert.deepEqual(notNull?.body, { parent: ["This field may not be null."] });
  });

  await t.step("other errors are not mapped", async () => {
    assert.equal(databaseErrorToApiError(new Error("x")), null);
    assert.equal(databaseErrorToApiError(null), null);
    assert.equal(databaseErrorToApiError(await pgError(sql`select 1 / 0`)), null);
  });

  await t.step("an unmapped violation in a handler is rendered as the 400", async () => {
    const missing = crypto.randomUUID();
    const res = await call(app, "POST", "/v4/child", { body: { parent: missing } });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { parent: [`Invalid pk "${missing}" - object does not exist.`] });
  });

  await t.step("a crash is a JSON 500 without internals, logged with the request id", async () => {
    log.entries.length = 0;
    const res = await call(app, "GET", "/v4/boom", { headers: { "x-request-id": "req-42" } });
    assert.equal(res.status, 500);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    assert.deepEqual(res.body, { detail: "A server error occurred." });
    assert.doesNotMatch(res.text, /hunter2|secret|at /);
    assert.equal(res.headers.get("x-request-id"), "req-42");
    const logged = log.entries.find((e) => e.level === "error");
    assert.equal(logged?.event, "unhandled error");
    assert.equal(logged?.fields.request_id, "req-42");
    assert.equal(logged?.fields.path, "/v4/boom");
    assert.match(String(logged?.fields.error), /hunter2/);
    assert.match(String(logged?.fields.stack), /errors_test\.ts/);
  });

  await t.step("a crash in a write rolls its transaction back", async () => {
    const [{ n: before }] = await sql`select count(*)::int as n from parent`;
    const res = await call(app, "POST", "/v4/boom");
    assert.equal(res.status, 500);
    assert.deepEqual(res.body, { detail: "A server error occurred." });
    const [{ n: after }] = await sql`select count(*)::int as n from parent`;
    assert.equal(after, before);
  });

  await t.step("one request log line per request, with an id also sent back", async () => {
    log.entries.length = 0;
    const ok = await call(app, "GET", "/v4/nowhere?x=1");
    const given = await call(app, "GET", "/v4/boom", { headers: { "x-request-id": "abc" } });
    const lines = log.entries.filter((e) => e.event === "request");
    assert.equal(lines.length, 2);
    assert.deepEqual(
      lines.map(({ level, fields: { method, path, status } }) => ({ level, method, path, status })),
      [
        { level: "info", method: "GET", path: "/v4/nowhere", status: 404 },
        { level: "info", method: "GET", path: "/v4/boom", status: 500 },
      ],
    );
    assert.match(String(lines[0].fields.request_id), /^[0-9a-f-]{36}$/);
    assert.equal(ok.headers.get("x-request-id"), lines[0].fields.request_id);
    assert.equal(lines[1].fields.request_id, "abc");
    assert.equal(given.headers.get("x-request-id"), "abc");
    assert.equal(typeof lines[0].fields.duration_ms, "number");
  });

  await db.close();
});

Deno.test("Zod issues → DRF bodies: lists of objects per item, plain lists by index", () => {
  const schema = z.object({
    items: z.array(z.object({ status: z.enum(["a", "b"]), nested: z.array(z.string()) })),
    names: z.array(z.string().min(1)),
  });
  const input = {
    items: [{ status: "a", nested: [] }, { status: "x", nested: ["ok", 1] }, "str"],
    names: ["ok", ""],
  };
  const result = schema.safeParse(input);
  assert.ok(!result.success);
  assert.deepEqual(zodToFieldErrors(result.error.issues, input), {
    items: [
      {},
      { status: ['"x" is not a valid choice.'], nested: { "1": ["Not a valid string."] } },
      { non_field_errors: ["Invalid data. Expected a dictionary, but got str."] },
    ],
    names: { "1": ["This field may not be blank."] },
  });
});

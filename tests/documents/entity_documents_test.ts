/**
 * The document kit as a domain uses it (src/documents/entity.ts), on a test-only kind
 * (as the original's `my_entity_document` test app), with the embedded storage: files
 * under DATA_DIR behind signed, expiring URLs served by the API. With an antivirus
 * stand-in the flow is the same as S3's; without one, the scan is a no-op that records
 * "not scanned" (never clean) and the embedded set-up still downloads.
 */
import assert from "node:assert/strict";
import { z } from "@hono/zod-openapi";
import { call, createAdviser, testApp, type TestContext } from "../helpers/app.ts";
import { startAntivirus } from "../helpers/antivirus.ts";
import { bearer } from "../../src/auth/authenticate.ts";
import { documentKind, documentStatus } from "../../src/documents/kit.ts";
import { entityDocumentRoutes, registerEntityDocuments } from "../../src/documents/entity.ts";
import { jsonObject } from "../../src/core/render.ts";
import type { RouteSet } from "../../src/http/context.ts";

const myEntityDocument = documentKind({
  model: "myentitydocument",
  bucket: () => "default",
  infectedMessage: "File did not pass virus scanning.",
});

const routes = entityDocumentRoutes({
  collectionPath: "/test/company/{company_pk}/my-document",
  tag: "test",
  middleware: [bearer],
  body: z.object({ my_field: z.string().max(255).default("") }),
  schema: z.object({
    id: z.string(),
    my_field: z.string(),
    original_filename: z.string(),
    status: z.string(),
  }),
});

const testDomain: RouteSet = {
  name: "test_entity_document",
  register: (app) =>
    registerEntityDocuments(app, routes, {
      kind: myEntityDocument,
      table: "test_myentitydocument",
      model: "MyEntityDocument",
      parent: {
        param: "company_pk",
        column: "company_id",
        table: "company_company",
        model: "Company",
        // A parent condition from the path (investment: the proposition's project).
        where: (sql) => sql`not p.archived`,
      },
      render: (sql) =>
        jsonObject(sql, [
          ["id", sql`d.id`],
          ["my_field", sql`d.my_field`],
          ["original_filename", sql`d.original_filename`],
          ["status", documentStatus(sql, sql`d.document_id`)],
        ]),
      columns: (input: { my_field: string }) => ({ my_field: input.my_field }),
    }),
};

async function setUp(env: Record<string, string>) {
  const dataDir = await Deno.makeTempDir({ prefix: "documents-" });
  const ctx = await testApp({ env: { DATA_DIR: dataDir, ...env }, domains: [testDomain] });
  await ctx.sql`
    create table test_myentitydocument (
      id uuid primary key default gen_random_uuid(),
      created_on timestamptz, modified_on timestamptz,
      created_by_id uuid, modified_by_id uuid,
      company_id uuid not null references company_company (id),
      my_field varchar(255) not null default '',
      original_filename varchar(255) not null,
      document_id uuid not null unique references documents_document (id) on delete cascade)`;
  const adviser = await createAdviser(ctx.sql);
  const [company] = await ctx.sql<{ id: string }[]>`
    insert into company_company (name) values ('Parent Ltd') returning id`;
  return {
    ctx,
    adviser,
    base: `/test/company/${company.id}/my-document`,
    close: async () => {
      await ctx.close();
      await Deno.remove(dataDir, { recursive: true });
    },
  };
}

/** Calls a URL the API handed out (its own origin is the test app's). */
function follow(ctx: TestContext, url: string, init?: RequestInit) {
  assert.ok(url.startsWith("http://testserver/v4/document-storage/"), url);
  return ctx.app.request(url, init);
}

Deno.test("entity documents on the embedded storage, with an antivirus service", async (t) => {
  const av = startAntivirus();
  const { ctx, adviser, base, close } = await setUp({ AV_V2_SERVICE_URL: av.url });
  const as = (method: string, path: string, body?: unknown) =>
    call(ctx.app, method, path, { token: adviser.token, body });
  try {
    await t.step("bad input: DRF 400s, an unknown parent 404, nothing written", async () => {
      const missing = await as("POST", base, { my_field: "x" });
      assert.equal(missing.status, 400);
      assert.deepEqual(missing.body, { original_filename: ["This field is required."] });
      const unknown = await as(
        "POST",
        "/test/company/0fb3379c-341c-4da4-b825-bf8d47b26baa/my-document",
        { original_filename: "a.txt" },
      );
      assert.equal(unknown.status, 404);
      assert.equal((await as("GET", `${base}/not-a-uuid`)).status, 404);
      const [{ n }] = await ctx.sql<{ n: number }[]>`
        select count(*)::int as n from documents_document`;
      assert.equal(n, 0);
    });

    await t.step("create → PUT → callback (twice) → scan → download", async () => {
      const created = await as("POST", base, { original_filename: "notes.txt", my_field: "cats" });
      assert.equal(created.status, 201, created.text);
      const { id, signed_upload_url: uploadUrl, ...rest } = created.body;
      assert.deepEqual(rest, {
        my_field: "cats",
        original_filename: "notes.txt",
        status: "not_virus_scanned",
      });
      assert.equal((await as("GET", `${base}/${id}/download`)).status, 503);

      const forged = await follow(ctx, `${uploadUrl.slice(0, -4)}0000`, {
        method: "PUT",
        body: "x",
      });
      assert.equal(forged.status, 403);
      await forged.body?.cancel();
      const put = await follow(ctx, uploadUrl, { method: "PUT", body: "whiskers" });
      assert.equal(put.status, 200);

      const callback = await as("POST", `${base}/${id}/upload-callback`);
      assert.equal(callback.status, 200, callback.text);
      assert.equal(callback.body.status, "virus_scanning_scheduled");
      assert.equal((await as("POST", `${base}/${id}/upload-callback`)).status, 200);
      await ctx.deps.jobs.idle();
      assert.equal(av.requests.length, 1, "one scan for two callbacks");
      assert.equal(av.requests[0].content, "whiskers");

      const download = await as("GET", `${base}/${id}/download`);
      assert.equal(download.status, 200, download.text);
      assert.equal(download.body.status, "virus_scanned");
      const getUrl: string = download.body.document_url;
      const file = await follow(ctx, getUrl);
      assert.equal(file.status, 200);
      assert.equal(await file.text(), "whiskers");
      const wrongMethod = await follow(ctx, getUrl, { method: "PUT", body: "overwrite" });
      assert.equal(wrongMethod.status, 403);
      await wrongMethod.body?.cancel();
    });

    await t.step("infected: 403 File did not pass virus scanning.", async () => {
      av.mode = "infected";
      const created = await as("POST", base, { original_filename: "bad.exe" });
      await (await follow(ctx, created.body.signed_upload_url, { method: "PUT", body: "EICAR" }))
        .body?.cancel();
      await as("POST", `${base}/${created.body.id}/upload-callback`);
      await ctx.deps.jobs.idle();
      const download = await as("GET", `${base}/${created.body.id}/download`);
      assert.equal(download.status, 403);
      assert.deepEqual(download.body, { detail: "File did not pass virus scanning." });
    });

    await t.step("list hides deletion; delete removes the file and the rows", async () => {
      const list = await as("GET", base);
      assert.equal(list.body.count, 2);
      const [doc] = list.body.results;
      const [row] = await ctx.sql`
        select d.id, d.bucket_id, d.path from test_myentitydocument e
        join documents_document d on d.id = e.document_id where e.id = ${doc.id}`;
      assert.match(row.path, new RegExp(`^myentitydocument/\\d{4}-\\d\\d-\\d\\d/${row.id}/`));
      const storage = `${ctx.deps.config.DATA_DIR}/documents/default`;
      const file = `${storage}/${row.path.split("/").map(encodeURIComponent).join("/")}`;
      await Deno.stat(file);
      assert.equal((await as("DELETE", `${base}/${doc.id}`)).status, 204);
      await ctx.deps.jobs.idle();
      await assert.rejects(() => Deno.stat(file), Deno.errors.NotFound);
      assert.equal(
        (await ctx.sql`select 1 from documents_document where id = ${row.id}`).length,
        0,
      );
      assert.equal(
        (await ctx.sql`select 1 from test_myentitydocument where id = ${doc.id}`).length,
        0,
      );
      assert.equal((await as("GET", `${base}/${doc.id}`)).status, 404);
      assert.equal((await as("GET", base)).body.count, 1);
    });

    await t.step("the parent's condition scopes every route", async () => {
      const [{ id }] = (await as("GET", base)).body.results;
      await ctx.sql`update company_company set archived = true`;
      assert.equal((await as("GET", base)).body.count, 0);
      assert.equal((await as("GET", `${base}/${id}`)).status, 404);
      assert.equal((await as("GET", `${base}/${id}/download`)).status, 404);
      assert.equal((await as("POST", base, { original_filename: "a.txt" })).status, 404);
      await ctx.sql`update company_company set archived = false`;
      assert.equal((await as("GET", `${base}/${id}`)).status, 200);
    });
  } finally {
    await close();
    await av.close();
  }
});

Deno.test("embedded default: no antivirus service → recorded as not scanned, downloadable", async () => {
  const { ctx, adviser, base, close } = await setUp({});
  const as = (method: string, path: string) =>
    call(ctx.app, method, path, { token: adviser.token });
  try {
    const created = await call(ctx.app, "POST", base, {
      token: adviser.token,
      body: { original_filename: "plan.txt" },
    });
    await (await follow(ctx, created.body.signed_upload_url, { method: "PUT", body: "plan" }))
      .body?.cancel();
    await as("POST", `${base}/${created.body.id}/upload-callback`);
    await ctx.deps.jobs.idle();
    const [doc] = await ctx.sql`
      select d.status, d.av_clean, d.av_reason, d.scanned_on from test_myentitydocument e
      join documents_document d on d.id = e.document_id`;
    assert.equal(doc.status, "not_virus_scanned");
    assert.equal(doc.av_clean, null);
    assert.equal(doc.scanned_on, null);
    assert.match(doc.av_reason, /no antivirus service/);
    const download = await as("GET", `${base}/${created.body.id}/download`);
    assert.equal(download.status, 200, download.text);
    assert.equal(await (await follow(ctx, download.body.document_url)).text(), "plan");
  } finally {
    await close();
  }
});

Deno.test("no antivirus service and unscanned downloads refused: 503", async () => {
  const { ctx, adviser, base, close } = await setUp({
    DOCUMENTS_ALLOW_UNSCANNED_DOWNLOAD: "false",
  });
  try {
    const created = await call(ctx.app, "POST", base, {
      token: adviser.token,
      body: { original_filename: "plan.txt" },
    });
    await call(ctx.app, "POST", `${base}/${created.body.id}/upload-callback`, {
      token: adviser.token,
    });
    await ctx.deps.jobs.idle();
    const download = await call(ctx.app, "GET", `${base}/${created.body.id}/download`, {
      token: adviser.token,
    });
    assert.equal(download.status, 503);
  } finally {
    await close();
  }
});

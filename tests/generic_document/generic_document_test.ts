/**
 * Generic documents end to end against a real S3-protocol server (s3rver) and a local
 * antivirus stand-in: create, upload to the signed URL, callback, the scan job on the
 * inline queue (retries recorded, not slept), download, delete; and the 400s and 403s.
 */
import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import { startS3 } from "../helpers/s3.ts";
import { startAntivirus } from "../helpers/antivirus.ts";
import { InlineQueue } from "../../src/jobs/inline_queue.ts";
import type { AppDeps } from "../../src/deps.ts";

const BUCKET = "data-hub-documents-test";
const PERMISSIONS = ["add", "view", "delete"].map((a) => `documents.${a}_genericdocument`);

Deno.test("generic documents", async (t) => {
  const s3 = await startS3([BUCKET]);
  const av = startAntivirus();
  const delays: number[] = [];
  let onRetry = () => {};
  const late: { deps?: AppDeps } = {};
  const ctx = await testApp({
    env: {
      ...s3.env,
      ENVIRONMENT: "test",
      AV_V2_SERVICE_URL: av.url,
      AV_V2_SERVICE_TIMEOUT: "0.2",
    },
    deps: {
      jobs: new InlineQueue({
        deps: () => late.deps!,
        sleep: (ms) => {
          delays.push(ms);
          onRetry();
          return Promise.resolve();
        },
      }),
    },
  });
  late.deps = ctx.deps;
  const { app, sql } = ctx;
  const adviser = await createAdviser(sql, { permissions: PERMISSIONS });
  const viewer = await createAdviser(sql, { permissions: ["documents.view_genericdocument"] });
  const [company] = await sql<{ id: string; name: string }[]>`
    insert into company_company (name) values ('Documented Ltd') returning id, name`;
  const as = (method: string, path: string, body?: unknown) =>
    call(app, method, path, { token: adviser.token, body });
  const uploadable = (filename = "proposal.txt", title = "Proposal") => ({
    document_type: "documents.uploadabledocument",
    document_data: { original_filename: filename, title },
    related_object_type: "company.company",
    related_object_id: company.id,
  });
  const stored = async (genericId: string) => {
    const [row] = await sql`
      select d.* from documents_genericdocument g
      join documents_uploadabledocument u on u.id = g.document_object_id
      join documents_document d on d.id = u.document_id where g.id = ${genericId}`;
    return row;
  };
  /** Creates an uploadable document and PUTs `content` to its signed URL. */
  const uploaded = async (content: string) => {
    const created = await as("POST", "/v4/document/", uploadable());
    assert.equal(created.status, 201, created.text);
    const put = await fetch(created.body.signed_upload_url, {
      method: "PUT",
      body: content,
      headers: { "content-type": "text/plain" },
    });
    assert.equal(put.status, 200, await put.text());
    return created.body;
  };
  const countRows = async () => {
    const [row] = await sql<{ n: number }[]>`
      select (select count(*) from documents_document) + (select count(*) from
        documents_genericdocument) + (select count(*) from documents_uploadabledocument) +
        (select count(*) from documents_sharepointdocument) as n`;
    return Number(row.n);
  };

  try {
    await t.step("bad input is a DRF 400 and writes nothing", async () => {
      const missing = await as("POST", "/v4/document/", {});
      assert.equal(missing.status, 400);
      assert.deepEqual(missing.body, {
        document_type: ["This field is required."],
        document_data: ["This field is required."],
        related_object_type: ["This field is required."],
        related_object_id: ["This field is required."],
      });
      const cases: [Record<string, unknown>, unknown][] = [
        [{ ...uploadable(), related_object_type: "company.nothing" }, {
          related_object_type: [
            "Invalid related object type: company.nothing. Format should be 'app_label.model'.",
          ],
        }],
        [{ ...uploadable(), related_object_id: "not-a-uuid" }, {
          related_object_id: ["Must be a valid UUID."],
        }],
        [{ ...uploadable(), document_type: "invalid.document_type" }, {
          document_type: [
            "Unsupported document type: invalid.document_type. Format should be 'app_label.model'.",
          ],
        }],
        [{ ...uploadable(), related_object_id: "0fb3379c-341c-4da4-b825-bf8d47b26baa" }, {
          non_field_errors: [
            "Related object with id 0fb3379c-341c-4da4-b825-bf8d47b26baa does not exist.",
          ],
        }],
        [{ ...uploadable(), document_data: { title: "no file name" } }, {
          original_filename: ["This field is required."],
        }],
        [{ ...uploadable(), document_data: "proposal.txt" }, {
          non_field_errors: ["Invalid data. Expected a dictionary, but got str."],
        }],
        [{
          ...uploadable(),
          document_type: "documents.sharepointdocument",
          document_data: { url: "not a url" },
        }, { url: ["Enter a valid URL."] }],
      ];
      for (const [body, errors] of cases) {
        const res = await as("POST", "/v4/document/", body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.deepEqual(res.body, errors);
      }
      assert.equal(await countRows(), 0);
    });

    await t.step("permissions: documents.*_genericdocument by method", async () => {
      const res = await call(app, "POST", "/v4/document/", {
        token: viewer.token,
        body: uploadable(),
      });
      assert.equal(res.status, 403);
      assert.equal((await call(app, "GET", "/v4/document/", { token: viewer.token })).status, 200);
      assert.equal((await call(app, "GET", "/v4/document/")).status, 401);
    });

    await t.step("a SharePoint link: created, listed, no upload or download", async () => {
      const res = await as("POST", "/v4/document/", {
        ...uploadable(),
        document_type: "documents.sharepointdocument",
        document_data: { title: "Plan", url: "https://sharepoint.example.test/plan.docx" },
      });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.body.signed_upload_url, undefined);
      assert.equal(res.body.document_type, "documents.sharepointdocument");
      assert.equal(res.body.document.url, "https://sharepoint.example.test/plan.docx");
      assert.equal(res.body.document.title, "Plan");
      assert.deepEqual(res.body.related_object, { id: company.id, name: company.name });
      assert.equal(res.body.created_by.id, adviser.id);
      assert.equal(res.body.created_by.email, adviser.email);
      const notUploadable = { error: "This action is only available for uploadable documents" };
      const complete = await as("POST", `/v4/document/${res.body.id}/upload-complete`);
      assert.equal(complete.status, 400);
      assert.deepEqual(complete.body, notUploadable);
      const download = await as("GET", `/v4/document/${res.body.id}/download`);
      assert.equal(download.status, 400);
      assert.deepEqual(download.body, notUploadable);
      const deleted = await as("DELETE", `/v4/document/${res.body.id}`);
      assert.equal(deleted.status, 204);
      const [link] = await sql`select archived, archived_reason from documents_sharepointdocument`;
      assert.equal(link.archived, true);
      assert.equal(
        link.archived_reason,
        "Archived instead of deleting when DELETE request received",
      );
      assert.equal((await as("GET", `/v4/document/${res.body.id}`)).status, 404);
    });

    await t.step("upload → callback → scan (clean) → download", async () => {
      const created = await as("POST", "/v4/document/", uploadable("report 1.txt"));
      assert.equal(created.status, 201, created.text);
      const doc = created.body;
      assert.equal(doc.document.status, "Not virus scanned");
      assert.equal(doc.document.original_filename, "report 1.txt");
      assert.match(doc.signed_upload_url, new RegExp(`^${s3.endpoint}/${BUCKET}/`));
      assert.match(doc.signed_upload_url, /X-Amz-Expires=3600/);
      const row = await stored(doc.id);
      assert.match(row.path, /^uploadabledocument\/\d{4}-\d\d-\d\d\/[0-9a-f-]{36}\/report 1\.txt$/);
      assert.equal(row.bucket_id, BUCKET);
      assert.equal(row.use_default_credentials, true);

      const early = await as("GET", `/v4/document/${doc.id}/download`);
      assert.equal(early.status, 503);
      assert.deepEqual(early.body, {
        detail: "File is being scanned for viruses, try again later.",
      });

      const put = await fetch(doc.signed_upload_url, {
        method: "PUT",
        body: "quarterly figures",
        headers: { "content-type": "text/plain" },
      });
      assert.equal(put.status, 200, await put.text());
      assert.equal(await s3.exists(BUCKET, row.path), true);

      const complete = await as("POST", `/v4/document/${doc.id}/upload-complete`);
      assert.equal(complete.status, 200, complete.text);
      assert.equal(complete.body.document.status, "Virus scanning scheduled");
      await ctx.deps.jobs.idle();
      const scanned = await stored(doc.id);
      assert.equal(scanned.status, "virus_scanned");
      assert.equal(scanned.av_clean, true);
      assert.ok(scanned.scanned_on && scanned.scan_initiated_on && scanned.uploaded_on);
      assert.equal(av.requests.length, 1);
      assert.deepEqual(av.requests[0], {
        authorization: `Basic ${btoa("av-user:av-secret")}`,
        fileName: row.id,
        contentType: "text/plain",
        content: "quarterly figures",
      });

      const again = await as("POST", `/v4/document/${doc.id}/upload-complete`);
      assert.equal(again.status, 200);
      assert.equal(again.body.document.status, "Virus scanned");
      await ctx.deps.jobs.idle();
      assert.equal(av.requests.length, 1, "a second callback schedules no second scan");
      assert.deepEqual((await stored(doc.id)).scanned_on, scanned.scanned_on);

      const download = await call(app, "GET", `/v4/document/${doc.id}/download`, {
        token: viewer.token,
      });
      assert.equal(download.status, 200, download.text);
      assert.equal(download.body.id, doc.id);
      assert.match(download.body.document_url, /X-Amz-Signature=/);
      const file = await fetch(download.body.document_url);
      assert.equal(await file.text(), "quarterly figures");
    });

    await t.step("an infected file: 403 with the original's message", async () => {
      av.mode = "infected";
      const doc = await uploaded("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR");
      await as("POST", `/v4/document/${doc.id}/upload-complete`);
      await ctx.deps.jobs.idle();
      const row = await stored(doc.id);
      assert.equal(row.status, "virus_scanned");
      assert.equal(row.av_clean, false);
      assert.equal(row.av_reason, "Eicar-Test-Signature");
      const download = await as("GET", `/v4/document/${doc.id}/download`);
      assert.equal(download.status, 403);
      assert.deepEqual(download.body, { detail: "Document did not pass virus scanning." });
    });

    for (const mode of ["error", "hang"] as const) {
      await t.step(`antivirus ${mode}: retried with backoff, failed, never clean`, async () => {
        av.mode = mode;
        delays.length = 0;
        const before = av.requests.length;
        const doc = await uploaded("contents");
        await as("POST", `/v4/document/${doc.id}/upload-complete`);
        await ctx.deps.jobs.idle();
        assert.deepEqual(delays, [1000, 4000, 9000]);
        assert.equal(av.requests.length - before, 4);
        const row = await stored(doc.id);
        assert.equal(row.status, "virus_scanning_failed");
        assert.equal(row.av_clean, null);
        assert.equal(row.scanned_on, null);
        assert.ok(row.av_reason);
        assert.equal((await as("GET", `/v4/document/${doc.id}/download`)).status, 503);
      });
    }

    await t.step("an outage then recovery: the retry scans and records clean", async () => {
      av.mode = "error";
      delays.length = 0;
      onRetry = () => {
        av.mode = "clean";
      };
      const doc = await uploaded("recovered");
      await as("POST", `/v4/document/${doc.id}/upload-complete`);
      await ctx.deps.jobs.idle();
      onRetry = () => {};
      assert.deepEqual(delays, [1000]);
      const row = await stored(doc.id);
      assert.equal(row.status, "virus_scanned");
      assert.equal(row.av_clean, true);
      assert.equal((await as("GET", `/v4/document/${doc.id}/download`)).status, 200);
    });

    await t.step("list: live documents, related_object_id filter, sortby", async () => {
      const all = await as("GET", "/v4/document/");
      assert.equal(all.status, 200);
      assert.ok(all.body.count >= 5);
      const created = all.body.results.map((d: { created_on: string }) => d.created_on);
      assert.deepEqual(created, [...created].sort().reverse());
      const oldest = await as("GET", "/v4/document/?sortby=created_on&limit=1");
      assert.equal(oldest.body.results[0].created_on, created.at(-1));
      const other = await as(
        "GET",
        "/v4/document/?related_object_id=0fb3379c-341c-4da4-b825-bf8d47b26baa",
      );
      assert.equal(other.body.count, 0);
      const mine = await as("GET", `/v4/document/?related_object_id=${company.id}`);
      assert.equal(mine.body.count, all.body.count);
      const bad = await as("GET", "/v4/document/?related_object_id=nope");
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.body, { related_object_id: ["Must be a valid UUID."] });
      assert.equal((await as("GET", "/v4/document/not-a-uuid")).status, 404);
      const missing = await as("GET", "/v4/document/0fb3379c-341c-4da4-b825-bf8d47b26baa");
      assert.deepEqual(missing.body, { detail: "No GenericDocument matches the given query." });
    });

    await t.step("delete: archived at once, file and rows gone by the job", async () => {
      const doc = await uploaded("to be deleted");
      const row = await stored(doc.id);
      assert.equal(await s3.exists(BUCKET, row.path), true);
      const deleted = await as("DELETE", `/v4/document/${doc.id}`);
      assert.equal(deleted.status, 204);
      await ctx.deps.jobs.idle();
      assert.equal(await s3.exists(BUCKET, row.path), false);
      assert.equal((await sql`select 1 from documents_document where id = ${row.id}`).length, 0);
      assert.equal(
        (await sql`select 1 from documents_uploadabledocument where document_id = ${row.id}`)
          .length,
        0,
      );
      const [generic] = await sql`
        select archived, archived_reason, archived_by_id from documents_genericdocument
        where id = ${doc.id}`;
      assert.equal(generic.archived, true);
      assert.equal(generic.archived_by_id, adviser.id);
      assert.equal((await as("GET", `/v4/document/${doc.id}`)).status, 404);
      assert.equal((await as("DELETE", `/v4/document/${doc.id}`)).status, 404);
      const list = await as("GET", "/v4/document/");
      assert.ok(list.body.results.every((d: { id: string }) => d.id !== doc.id));
    });
  } finally {
    await ctx.close();
    await av.close();
    await s3.close();
  }
});

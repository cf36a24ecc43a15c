/**
 * The documents' jobs on their own, against s3rver through a DOCUMENT_BUCKETS id with its
 * own keys (`default`): what the scan claims and what it leaves alone, a missing file, a
 * stale claim, the delete's refusals; the local storage's token expiry; and one scan
 * through the Redis queue and a worker.
 */
import assert from "node:assert/strict";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { testApp } from "../helpers/app.ts";
import { startS3 } from "../helpers/s3.ts";
import { startAntivirus } from "../helpers/antivirus.ts";
import { redisTest, testRedis } from "../helpers/redis.ts";
import { waitFor } from "../jobs/support.ts";
import { deleteDocument, virusScanDocument } from "../../src/documents/jobs.ts";
import { documentStorage, LocalStorage } from "../../src/documents/storage.ts";
import { loadConfig } from "../../src/config.ts";
import { RedisQueue } from "../../src/jobs/redis_queue.ts";
import { Worker } from "../../src/jobs/worker.ts";
import type { Sql } from "../../src/db/pool.ts";

const BUCKET = "datahub-default-test";

async function insertDocument(sql: Sql, status: string, extra: Record<string, unknown> = {}) {
  const id = crypto.randomUUID();
  await sql`insert into documents_document ${
    sql({ id, bucket_id: "default", path: `test/${id}/file.txt`, status, ...extra })
  }`;
  return { id, path: `test/${id}/file.txt` };
}

function s3Env(s3: { env: Record<string, string> }) {
  return {
    S3_LOCAL_ENDPOINT_URL: s3.env.S3_LOCAL_ENDPOINT_URL,
    DEFAULT_BUCKET: BUCKET,
    DEFAULT_BUCKET_AWS_ACCESS_KEY_ID: "S3RVER",
    DEFAULT_BUCKET_AWS_SECRET_ACCESS_KEY: "S3RVER",
    DEFAULT_BUCKET_AWS_DEFAULT_REGION: "eu-west-2",
  };
}

Deno.test("documents jobs", async (t) => {
  const s3 = await startS3([BUCKET]);
  const av = startAntivirus();
  const ctx = await testApp({ env: { ...s3Env(s3), AV_V2_SERVICE_URL: av.url } });
  const { sql, deps } = ctx;
  const put = (key: string, body: string) =>
    s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  const statusOf = async (id: string) =>
    (await sql`select status, av_clean, av_reason from documents_document where id = ${id}`)[0];
  const scan = async (id: string) => {
    await deps.jobs.enqueue(virusScanDocument, { document_id: id });
    await deps.jobs.idle();
  };
  try {
    await t.step("a scheduled document is scanned from its bucket id's bucket", async () => {
      const doc = await insertDocument(sql, "virus_scanning_scheduled");
      await put(doc.path, "bucket contents");
      await scan(doc.id);
      assert.deepEqual({ ...await statusOf(doc.id) }, {
        status: "virus_scanned",
        av_clean: true,
        av_reason: "",
      });
      assert.equal(av.requests.at(-1)?.content, "bucket contents");
    });

    await t.step("nothing to claim: not uploaded, being scanned, scanned, deleted", async () => {
      const before = av.requests.length;
      for (const status of ["not_virus_scanned", "virus_scanned", "deletion_pending"]) {
        const doc = await insertDocument(sql, status);
        await scan(doc.id);
        assert.equal((await statusOf(doc.id)).status, status);
      }
      const fresh = await insertDocument(sql, "virus_scanning_in_progress", {
        scan_initiated_on: new Date(),
      });
      await scan(fresh.id);
      assert.equal((await statusOf(fresh.id)).status, "virus_scanning_in_progress");
      await scan(crypto.randomUUID());
      assert.equal(av.requests.length, before);
    });

    await t.step("a claim older than the job's timeout is taken over", async () => {
      const stale = await insertDocument(sql, "virus_scanning_in_progress", {
        scan_initiated_on: new Date(Date.now() - 3_600_000),
      });
      await put(stale.path, "left behind");
      await scan(stale.id);
      assert.equal((await statusOf(stale.id)).status, "virus_scanned");
    });

    await t.step("no file: failed at once (not retried), never clean", async () => {
      const doc = await insertDocument(sql, "virus_scanning_scheduled");
      const before = av.requests.length;
      await scan(doc.id);
      const row = await statusOf(doc.id);
      assert.equal(row.status, "virus_scanning_failed");
      assert.equal(row.av_clean, null);
      assert.match(row.av_reason, /Unable to download the document with ID .* \(no such file\)/);
      assert.equal(av.requests.length, before);
    });

    await t.step("delete: only a document pending deletion; file then row", async () => {
      const kept = await insertDocument(sql, "virus_scanned");
      await put(kept.path, "kept");
      await deps.jobs.enqueue(deleteDocument, { document_id: kept.id });
      await deps.jobs.idle();
      assert.equal(await s3.exists(BUCKET, kept.path), true);
      assert.equal((await statusOf(kept.id)).status, "virus_scanned");

      const gone = await insertDocument(sql, "deletion_pending");
      await put(gone.path, "gone");
      await deps.jobs.enqueue(deleteDocument, { document_id: gone.id });
      await deps.jobs.idle();
      assert.equal(await s3.exists(BUCKET, gone.path), false);
      assert.equal(await statusOf(gone.id), undefined);
    });

    await t.step("an unconfigured bucket id is an error, not a guess", async () => {
      const storage = documentStorage(deps.config);
      await assert.rejects(
        storage.uploadUrl({ bucketId: "investment", path: "x", useDefaultCredentials: false }, ""),
        /Bucket "investment" not configured/,
      );
    });
  } finally {
    await ctx.close();
    await av.close();
    await s3.close();
  }
});

Deno.test("local storage: signed URLs expire and grant one method", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "documents-" });
  try {
    const storage = documentStorage(loadConfig({ DATA_DIR: dataDir }));
    assert.ok(storage instanceof LocalStorage);
    const location = { bucketId: "default", path: "a/../b.txt", useDefaultCredentials: false };
    const url = await storage.uploadUrl(location, "http://api.test");
    const token = url.slice(url.lastIndexOf("/") + 1);
    const grant = await storage.verify(token, new Date());
    assert.equal(grant?.method, "PUT");
    assert.equal(grant?.path, "a/../b.txt");
    assert.equal(await storage.verify(token, new Date(Date.now() + 3_601_000)), null);
    assert.equal(await storage.verify(`${token}x`, new Date()), null);
    // A path's segments stay inside the storage directory.
    assert.equal(
      storage.filePath("default", "a/../b.txt"),
      `${dataDir}/documents/default/a/%2E%2E/b.txt`,
    );
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

redisTest("documents: the scan runs through the Redis queue and a worker", async () => {
  const s3 = await startS3([BUCKET]);
  const av = startAntivirus();
  const redis = await testRedis();
  const ctx = await testApp({ env: { ...s3Env(s3), AV_V2_SERVICE_URL: av.url } });
  const deps = {
    ...ctx.deps,
    redis: redis.redis,
    jobs: new RedisQueue(redis.redis, { prefix: redis.prefix, now: () => new Date() }),
  };
  const worker = new Worker({
    deps,
    jobs: [virusScanDocument],
    concurrency: { "short-running": 1 },
    pollMs: 20,
    blockSeconds: 1,
  });
  await worker.start();
  try {
    const doc = await insertDocument(ctx.sql, "virus_scanning_scheduled");
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: doc.path, Body: "queued" }));
    await deps.jobs.enqueue(virusScanDocument, { document_id: doc.id });
    const row = await waitFor(async () => {
      const [r] = await ctx.sql`
        select status, av_clean from documents_document where id = ${doc.id}
          and status = 'virus_scanned'`;
      return r;
    }, "the worker's scan");
    assert.equal(row.av_clean, true);
    assert.equal(av.requests[0].content, "queued");
  } finally {
    await worker.stop();
    await ctx.close();
    await redis.close();
    await av.close();
    await s3.close();
  }
});

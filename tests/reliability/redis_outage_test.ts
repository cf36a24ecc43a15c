/**
 * The worker across Redis outages (issue #13, finding 1), on a private redis-server that
 * the test kills and restarts: the worker must resume consuming within 5 s of Redis
 * returning, drop a blocking read that never answers, and `queue health` must tell a
 * worker that renews its lease from one that consumes.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { blackHoleProxy, privateRedis, redisAnswers } from "../helpers/redis.ts";
import { connectRedis } from "../../src/redis.ts";
import { defineJob } from "../../src/jobs/definition.ts";
import { Worker } from "../../src/jobs/worker.ts";
import { consumes, healthy, listWorkers } from "../../src/jobs/admin.ts";
import type { RedisQueue } from "../../src/jobs/redis_queue.ts";
import { redisDeps, waitFor } from "../jobs/support.ts";

const ignore = !redisAnswers && Deno.env.get("CI") !== "true";

function countingJob() {
  const seen: string[] = [];
  const job = defineJob({
    name: "test.count",
    payload: z.object({ n: z.string() }),
    run: ({ n }) => void seen.push(n),
  });
  return { seen, job };
}

Deno.test({
  name: "worker: resumes within 5 s of Redis coming back, and stays healthy",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const server = await privateRedis();
    const redis = await connectRedis(server.url);
    const deps = redisDeps(redis, "outage:");
    const queue = deps.jobs as RedisQueue;
    const { seen, job } = countingJob();
    const worker = new Worker({
      deps,
      jobs: [job],
      concurrency: { "short-running": 2 },
      pollMs: 50,
      blockSeconds: 1,
      leaseMs: 600,
      stallMarginMs: 1000,
    });
    try {
      await worker.start();
      await queue.enqueue(job, { n: "before" });
      await waitFor(() => seen.includes("before"), "the job before the outage");

      await server.stop();
      await waitFor(
        () => deps.log.lines.some((l) => l.event === "queue read failed"),
        "the worker to notice",
      );
      await server.start();
      const back = Date.now();
      // The producer's own client reconnects too; enqueue as soon as it can.
      await waitFor(async () => {
        try {
          await queue.enqueue(job, { n: "after" });
          return true;
        } catch {
          return false;
        }
      }, "the producer to reconnect");
      await waitFor(() => seen.includes("after"), "the job after the outage", 5000);
      const resumedMs = Date.now() - back;
      console.log(`worker resumed ${resumedMs} ms after Redis came back`);
      assert.ok(resumedMs <= 5000, `resumed after ${resumedMs} ms`);
      await waitFor(async () => await healthy(queue, "short-running"), "health to pass again");
    } finally {
      await worker.stop();
      await redis.quit().catch(() => {});
      await server.stop();
    }
  },
});

Deno.test({
  name: "worker: a blocking read that never answers is dropped and its connection remade",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const server = await privateRedis();
    const proxy = blackHoleProxy(server);
    const redis = await connectRedis(proxy.url);
    const producer = await connectRedis(server.url);
    const deps = redisDeps(redis, "stall:");
    const { seen, job } = countingJob();
    const worker = new Worker({
      deps,
      jobs: [job],
      concurrency: { "short-running": 1 },
      pollMs: 50,
      blockSeconds: 1,
      leaseMs: 600,
      stallMarginMs: 500,
    });
    try {
      proxy.state.freezeBlockingReads = true;
      await worker.start();
      // The handler's first read went into the black hole; a job queued now waits.
      await waitFor(
        () => deps.log.lines.some((l) => l.event === "blocking read stalled; reconnecting"),
        "the stalled read to be noticed",
      );
      proxy.state.freezeBlockingReads = false;
      const producerQueue = redisDeps(producer, "stall:").jobs;
      await producerQueue.enqueue(job, { n: "through" });
      await waitFor(() => seen.includes("through"), "the job on the new connection");
    } finally {
      await worker.stop();
      await redis.quit().catch(() => {});
      await producer.quit().catch(() => {});
      proxy.close();
      await server.stop();
    }
  },
});

Deno.test({
  name: "worker: an id in its processing list that no handler holds goes back to the queue",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const server = await privateRedis();
    const redis = await connectRedis(server.url);
    const deps = redisDeps(redis, "orphan:");
    const queue = deps.jobs as RedisQueue;
    const { seen, job } = countingJob();
    const worker = new Worker({
      deps,
      jobs: [job],
      concurrency: { "short-running": 1 },
      pollMs: 50,
      blockSeconds: 1,
    });
    try {
      // What a BLMOVE whose reply died with Redis leaves: the id moved, no handler has it.
      const id = await queue.enqueue(job, { n: "orphan" });
      await redis.lMove(
        queue.keys.queue("short-running"),
        queue.keys.processing("short-running", worker.id),
        "RIGHT",
        "LEFT",
      );
      await worker.start();
      await waitFor(() => seen.includes("orphan"), "the orphaned job to run");
      // Acknowledged (its record deleted) just after its handler returns.
      await waitFor(
        async () => (await redis.exists(queue.keys.job(id))) === 0,
        "the job to be acknowledged",
      );
    } finally {
      await worker.stop();
      redis.destroy();
      await server.stop();
    }
  },
});

Deno.test({
  name: "queue health: a live lease whose reads are overdue is not a consuming worker",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const now = Date.parse("2026-01-01T00:00:10Z");
    const base = {
      id: "w",
      alive: true,
      queues: ["short-running" as const],
      poll_deadline_ms: 9000,
    };
    assert.equal(
      consumes(
        { ...base, polled_at: { "short-running": "2026-01-01T00:00:05Z" } },
        "short-running",
        now,
      ),
      true,
    );
    assert.equal(
      consumes(
        { ...base, polled_at: { "short-running": "2025-12-31T23:59:00Z" } },
        "short-running",
        now,
      ),
      false,
    );
    assert.equal(consumes({ ...base, alive: false }, "short-running", now), false);

    // A real worker whose reads never answer (each remade connection goes into the black
    // hole too): the lease stays alive, but health fails once the deadline passes.
    const server = await privateRedis();
    const proxy = blackHoleProxy(server);
    const redis = await connectRedis(proxy.url);
    const deps = redisDeps(redis, "health:");
    const worker = new Worker({
      deps,
      jobs: [],
      concurrency: { "short-running": 1 },
      pollMs: 50,
      blockSeconds: 1,
      leaseMs: 300,
      stallMarginMs: 300,
    });
    try {
      await worker.start();
      const queue = deps.jobs as RedisQueue;
      assert.equal(await healthy(queue, "short-running"), true);
      proxy.state.freezeBlockingReads = true;
      await waitFor(async () => !(await healthy(queue, "short-running")), "health to fail", 8000);
      const [info] = await listWorkers(queue);
      assert.equal(info.alive, true, "the lease itself is still renewed");
    } finally {
      await worker.stop();
      await redis.quit().catch(() => {});
      proxy.close();
      await server.stop();
    }
  },
});

import assert from "node:assert/strict";
import { z } from "zod";
import { redisTest, testRedis } from "../helpers/redis.ts";
import { defineJob, DoNotRetryError } from "../../src/jobs/definition.ts";
import { Worker } from "../../src/jobs/worker.ts";
import type { RedisQueue } from "../../src/jobs/redis_queue.ts";
import { schedule } from "../../src/jobs/scheduler.ts";
import { healthy, purge, queueStatus, retryDead } from "../../src/jobs/admin.ts";
import { FakeClock, redisDeps, waitFor } from "./support.ts";

/** Lets a few maintenance periods (20 ms each) pass, to show that nothing happens. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 120));

redisTest("redis queue: run, retry with backoff, dead-letter, bad payloads", async (t) => {
  const { redis, prefix, close } = await testRedis();
  const clock = new FakeClock();
  const deps = redisDeps(redis, prefix, { clock });
  const queue = deps.jobs as RedisQueue;
  const keys = queue.keys;

  const seen: unknown[] = [];
  const echo = defineJob({
    name: "test.echo",
    payload: z.object({ id: z.string() }),
    run: (payload) => void seen.push(payload),
  });
  let flakyFailures = 0;
  const flaky = defineJob({
    name: "test.flaky",
    payload: z.object({}),
    run: () => {
      if (flakyFailures-- > 0) throw new Error("not yet");
    },
  });
  const broken = defineJob({
    name: "test.broken",
    payload: z.object({}),
    maxAttempts: 2,
    backoff: { kind: "none" },
    run: () => {
      throw new Error("always broken");
    },
  });
  const refused = defineJob({
    name: "test.refused",
    payload: z.object({}),
    run: () => {
      throw new DoNotRetryError("Notify said 400");
    },
  });
  const slow = defineJob({
    name: "test.slow",
    payload: z.object({}),
    maxAttempts: 1,
    timeoutMs: 30,
    run: (_p, { signal }) => new Promise((_, reject) => signal.addEventListener("abort", reject)),
  });
  // What an older producer (or another deployment) believes the payload of test.strict is.
  const strictAsProduced = defineJob({
    name: "test.strict",
    payload: z.object({ id: z.string() }),
    run: () => {},
  });
  const strict = defineJob({
    name: "test.strict",
    payload: z.object({ id: z.uuid() }),
    run: () => {},
  });
  const unknown = defineJob({ name: "test.unknown", payload: z.object({}), run: () => {} });

  const worker = new Worker({
    deps,
    jobs: [echo, flaky, broken, refused, slow, strict],
    concurrency: { "short-running": 2 },
    pollMs: 20,
    blockSeconds: 1,
  });
  await worker.start();
  const jobLines = (id: string) => deps.log.lines.filter((l) => l.event === "job" && l.id === id);

  await t.step("enqueue → run → done, with one structured log line", async () => {
    const id = await queue.enqueue(echo, { id: "a" });
    await waitFor(() => seen.length === 1, "the job to run");
    assert.deepEqual(seen, [{ id: "a" }]);
    await waitFor(() => jobLines(id).length, "the log line");
    const [line] = jobLines(id);
    assert.equal(line.job, "test.echo");
    assert.equal(line.attempt, 1);
    assert.equal(line.outcome, "done");
    assert.equal(typeof line.ms, "number");
    assert.equal(await redis.exists(keys.job(id)), 0);
    assert.equal(await redis.lLen(keys.processing("short-running", worker.id)), 0);
  });

  await t.step("a bad payload is refused at enqueue", async () => {
    await assert.rejects(
      queue.enqueue(echo, { id: 1 } as unknown as { id: string }),
      /invalid payload for job test.echo: id: /,
    );
  });

  await t.step("retries follow the squared backoff on the injected clock", async () => {
    flakyFailures = 2;
    const id = await queue.enqueue(flaky, {});
    const delayed = keys.delayed("short-running");
    await waitFor(async () => await redis.zScore(delayed, id), "the first retry");
    assert.equal(await redis.zScore(delayed, id), clock.ms + 1000);
    clock.advance(999);
    await settle();
    assert.equal(jobLines(id).length, 1, "not promoted before its time");
    clock.advance(1);
    await waitFor(() => jobLines(id).length === 2, "the second attempt");
    assert.equal(await redis.zScore(delayed, id), clock.ms + 4000);
    clock.advance(4000);
    await waitFor(() => jobLines(id).length === 3, "the third attempt");
    assert.deepEqual(jobLines(id).map((l) => [l.attempt, l.outcome, l.retry_in_ms]), [
      [1, "retry", 1000],
      [2, "retry", 4000],
      [3, "done", undefined],
    ]);
  });

  await t.step("dead-letter after max attempts keeps payload, error and attempts", async () => {
    const id = await queue.enqueue(broken, {});
    await waitFor(
      async () => (await redis.lRange(keys.dead("short-running"), 0, -1)).includes(id),
      "dead",
    );
    const stored = await redis.hGetAll(keys.job(id));
    assert.equal(stored.attempts, "2");
    assert.equal(stored.payload, "{}");
    assert.match(stored.last_error, /always broken/);
  });

  await t.step("a DoNotRetryError goes to dead-letter at once", async () => {
    const id = await queue.enqueue(refused, {});
    await waitFor(
      async () => (await redis.lRange(keys.dead("short-running"), 0, -1)).includes(id),
      "dead",
    );
    assert.equal(await redis.hGet(keys.job(id), "attempts"), "1");
    assert.match(await redis.hGet(keys.job(id), "last_error") ?? "", /Notify said 400/);
  });

  await t.step("an attempt past its timeout fails with a clear error", async () => {
    const id = await queue.enqueue(slow, {});
    await waitFor(
      async () => (await redis.lRange(keys.dead("short-running"), 0, -1)).includes(id),
      "dead",
    );
    assert.match(
      await redis.hGet(keys.job(id), "last_error") ?? "",
      /test.slow timed out after 30 ms/,
    );
  });

  await t.step(
    "a payload failing the worker's schema, or an unknown job, is dead-lettered; the worker goes on",
    async () => {
      const bad = await queue.enqueue(strictAsProduced, { id: "not-a-uuid" });
      const lost = await queue.enqueue(unknown, {});
      await waitFor(async () => (await redis.lLen(keys.dead("short-running"))) === 5, "dead");
      assert.match(
        await redis.hGet(keys.job(bad), "last_error") ?? "",
        /^invalid payload for job test.strict: id: \S/,
      );
      assert.match(
        await redis.hGet(keys.job(lost), "last_error") ?? "",
        /unknown job "test.unknown"/,
      );
      await queue.enqueue(echo, { id: "after" });
      await waitFor(() => seen.length === 2, "the next job");
    },
  );

  await t.step("status, retry-dead, purge and health", async () => {
    const status = await queueStatus(queue);
    const short = status.queues.find((q) => q.queue === "short-running")!;
    assert.deepEqual(short, {
      queue: "short-running",
      queued: 0,
      processing: 0,
      delayed: 0,
      dead: 5,
    });
    assert.equal(status.workers.length, 1);
    assert.equal(status.workers[0].alive, true);
    assert.equal(await healthy(queue, "short-running"), true);
    assert.equal(await healthy(queue, "long-running"), false);
    assert.equal(await healthy(queue), false);

    const runsBefore = deps.log.lines.filter((l) => l.job === "test.refused").length;
    assert.equal(await retryDead(queue, { job: "test.refused" }), 1);
    await waitFor(
      () => deps.log.lines.filter((l) => l.job === "test.refused").length === runsBefore + 1,
      "the replayed job to run (and refuse again)",
    );
    await waitFor(async () => (await redis.lLen(keys.dead("short-running"))) === 5, "dead again");
    await queue.enqueue(echo, { id: "delayed" }, { delayMs: 60_000 });
    assert.equal((await queueStatus(queue)).queues[0].delayed, 1);
    assert.equal(await purge(queue, "short-running", "delayed"), 1);
    assert.equal(await purge(queue, "short-running", "dead"), 5);
    assert.deepEqual((await queueStatus(queue)).queues[0], {
      queue: "short-running",
      queued: 0,
      processing: 0,
      delayed: 0,
      dead: 0,
    });
  });

  await t.step("stop leaves no lease, no worker entry, no processing list", async () => {
    await worker.stop();
    assert.equal(await redis.exists(keys.worker(worker.id)), 0);
    assert.deepEqual(await redis.sMembers(keys.workers), []);
    assert.equal(await healthy(queue, "short-running"), false);
  });
  await close();
});

redisTest("redis queue: a dead worker's jobs are reaped and run again", async (t) => {
  const { redis, prefix, close } = await testRedis();
  const deps = redisDeps(redis, prefix);
  const queue = deps.jobs as RedisQueue;
  const runs: number[] = [];
  const job = defineJob({
    name: "test.reaped",
    payload: z.object({}),
    run: (_p, { attempt }) => void runs.push(attempt),
  });

  await t.step(
    "a job left in the processing list of a worker without lease runs again",
    async () => {
      const id = await queue.enqueue(job, {});
      // As if worker "ghost" had taken it and died: started (attempt 1), lease gone.
      await redis.lMove(
        queue.keys.queue("short-running"),
        queue.keys.processing("short-running", "ghost"),
        "RIGHT",
        "LEFT",
      );
      await redis.hIncrBy(queue.keys.job(id), "attempts", 1);
      await redis.sAdd(queue.keys.workers, "ghost");
      const worker = new Worker({
        deps,
        jobs: [job],
        concurrency: { "short-running": 1 },
        pollMs: 20,
        blockSeconds: 1,
      });
      await worker.start();
      await waitFor(() => runs.length === 1, "the reaped job to run");
      assert.deepEqual(runs, [2]);
      assert.ok(
        deps.log.lines.some((l) => l.event === "reaped dead worker" && l.worker === "ghost"),
      );
      assert.equal(await redis.sIsMember(queue.keys.workers, "ghost"), 0);
      await worker.stop();
    },
  );

  await t.step("a job whose worker died on its last attempt is dead-lettered", async () => {
    const id = await queue.enqueue(job, {});
    await redis.lMove(
      queue.keys.queue("short-running"),
      queue.keys.processing("short-running", "ghost2"),
      "RIGHT",
      "LEFT",
    );
    await redis.hSet(queue.keys.job(id), "attempts", job.maxAttempts);
    await redis.sAdd(queue.keys.workers, "ghost2");
    const worker = new Worker({
      deps,
      jobs: [job],
      concurrency: { "short-running": 1 },
      pollMs: 20,
      blockSeconds: 1,
    });
    await worker.start();
    await waitFor(async () => await redis.lLen(queue.keys.dead("short-running")), "dead");
    assert.match(
      await redis.hGet(queue.keys.job(id), "last_error") ?? "",
      /the last of 4 attempts never finished/,
    );
    assert.deepEqual(runs, [2]);
    await worker.stop();
  });
  await close();
});

redisTest("schedules: two workers, one run per fire time, no replay of missed runs", async (t) => {
  const { redis, prefix, close } = await testRedis();
  // 09:00:30: the 09:00 run was missed before start-up and must not be replayed.
  const clock = new FakeClock(Date.parse("2025-06-02T09:00:30Z"));
  const runs: string[] = [];
  const tick = defineJob({
    name: "test.tick",
    payload: z.object({}),
    run: (_p, { jobId }) => void runs.push(jobId),
  });
  const never = defineJob({ name: "test.never", payload: z.object({}), run: () => {} });
  const table = [
    schedule("every_minute", "* * * * *", tick),
    schedule("gated", "* * * * *", never, { enabledBy: "ENABLE_DAILY_OPENSEARCH_SYNC" }),
  ];
  const workers = [1, 2].map(() => {
    const deps = redisDeps(redis, prefix, { clock });
    return new Worker({
      deps,
      jobs: [tick, never],
      schedules: table,
      concurrency: { "short-running": 1 },
      pollMs: 20,
      blockSeconds: 1,
    });
  });
  for (const w of workers) await w.start();

  await t.step("nothing fires for the missed 09:00 run", async () => {
    await settle();
    assert.deepEqual(runs, []);
  });

  await t.step("09:01 fires once across both workers; a gated schedule stays off", async () => {
    clock.advance(30_000);
    await waitFor(() => runs.length === 1, "the 09:01 run");
    await settle();
    assert.equal(runs.length, 1);
    const claims = await redis.keys(`${prefix}once:schedule:*`);
    assert.deepEqual(claims, [`${prefix}once:schedule:every_minute:2025-06-02T09:01:00.000Z`]);
  });

  await t.step("a late tick fires a schedule once, not once per missed minute", async () => {
    clock.advance(5 * 60_000);
    await waitFor(() => runs.length === 2, "the late run");
    await settle();
    assert.equal(runs.length, 2);
  });

  for (const w of workers) await w.stop();
  await close();
});

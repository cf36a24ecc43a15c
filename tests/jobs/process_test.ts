import assert from "node:assert/strict";
import { z } from "zod";
import { REDIS_URL, redisTest, testRedis } from "../helpers/redis.ts";
import { defineJob } from "../../src/jobs/definition.ts";
import type { RedisQueue } from "../../src/jobs/redis_queue.ts";
import { listWorkers } from "../../src/jobs/admin.ts";
import { redisDeps, waitFor } from "./support.ts";

/** Same name and payload as the job of fixtures/worker.ts; only the producer's view. */
const hold = defineJob({ name: "fixture.hold", payload: z.object({}), run: () => {} });

function spawnWorker(prefix: string, options: { leaseMs: number; graceMs: number }) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./fixtures/worker.ts", import.meta.url).pathname],
    cwd: new URL("../../", import.meta.url).pathname,
    env: {
      FIXTURE_REDIS_URL: REDIS_URL,
      FIXTURE_PREFIX: prefix,
      FIXTURE_LEASE_MS: String(options.leaseMs),
      FIXTURE_GRACE_MS: String(options.graceMs),
    },
    stdout: "null",
    stderr: "piped",
  }).spawn();
}

redisTest("worker processes: SIGKILL mid-job, SIGTERM with and without enough grace", async (t) => {
  const { redis, prefix, close } = await testRedis();
  const queue = redisDeps(redis, prefix).jobs as RedisQueue;
  const log = () => redis.lRange(`${prefix}log`, 0, -1);
  const aliveWorkers = async () => (await listWorkers(queue)).filter((w) => w.alive);

  await t.step(
    "a job of a SIGKILLed worker runs again on another worker and finishes once",
    async () => {
      const a = spawnWorker(prefix, { leaseMs: 600, graceMs: 5000 });
      await waitFor(async () => (await aliveWorkers()).length === 1, "worker A", 20_000);
      const id = await queue.enqueue(hold, {});
      await waitFor(async () => (await log()).length === 1, "worker A to start the job");
      a.kill("SIGKILL");
      assert.equal((await a.status).signal, "SIGKILL");
      await a.stderr.cancel();
      await redis.set(`${prefix}release`, "1");

      const b = spawnWorker(prefix, { leaseMs: 600, graceMs: 5000 });
      await waitFor(async () => (await log()).length === 3, "worker B to rerun the job", 20_000);
      const [startA, startB, finishB] = await log();
      assert.equal(startA, `start:${a.pid}:1`);
      assert.equal(startB, `start:${b.pid}:2`);
      assert.equal(finishB, `finish:${b.pid}:2`);
      await waitFor(async () => !(await redis.exists(queue.keys.job(id))), "the job to be settled");
      b.kill("SIGTERM");
      assert.equal((await b.status).code, 0);
      await b.stderr.cancel();
      assert.deepEqual(await aliveWorkers(), []);
      await redis.del([`${prefix}log`, `${prefix}release`]);
    },
  );

  await t.step("SIGTERM lets the running job finish within the grace period", async () => {
    const w = spawnWorker(prefix, { leaseMs: 5000, graceMs: 10_000 });
    await waitFor(async () => (await aliveWorkers()).length === 1, "the worker", 20_000);
    const id = await queue.enqueue(hold, {});
    await waitFor(async () => (await log()).length === 1, "the job to start");
    w.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 200));
    await redis.set(`${prefix}release`, "1");
    const status = await w.status;
    const stderr = new TextDecoder().decode(await new Response(w.stderr).arrayBuffer());
    assert.equal(status.code, 0, stderr);
    assert.deepEqual(await log(), [`start:${w.pid}:1`, `finish:${w.pid}:1`]);
    assert.equal(await redis.exists(queue.keys.job(id)), 0);
    assert.deepEqual(await redis.sMembers(queue.keys.workers), []);
    assert.deepEqual(await redis.keys(`${prefix}processing:*`), []);
    await redis.del([`${prefix}log`, `${prefix}release`]);
  });

  await t.step(
    "SIGTERM past the grace period requeues the job without using an attempt",
    async () => {
      const w = spawnWorker(prefix, { leaseMs: 5000, graceMs: 200 });
      await waitFor(async () => (await aliveWorkers()).length === 1, "the worker", 20_000);
      const id = await queue.enqueue(hold, {});
      await waitFor(async () => (await log()).length === 1, "the job to start");
      w.kill("SIGTERM");
      const status = await w.status;
      await w.stderr.cancel();
      assert.equal(status.code, 0);
      assert.deepEqual(await redis.lRange(queue.keys.queue("short-running"), 0, -1), [id]);
      assert.equal(await redis.hGet(queue.keys.job(id), "attempts"), "0");
      assert.deepEqual(await redis.keys(`${prefix}processing:*`), []);
    },
  );
  await close();
});

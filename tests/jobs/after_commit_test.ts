import assert from "node:assert/strict";
import { z } from "zod";
import { createRoute } from "@hono/zod-openapi";
import { createApp } from "../../src/http/app.ts";
import type { App, RouteSet } from "../../src/http/context.ts";
import type { AppDeps } from "../../src/deps.ts";
import { ValidationError } from "../../src/http/errors.ts";
import { defineJob, DoNotRetryError } from "../../src/jobs/definition.ts";
import { enqueueAfterCommit, transactionWithJobs } from "../../src/jobs/after_commit.ts";
import { InlineQueue } from "../../src/jobs/inline_queue.ts";
import type { RedisQueue } from "../../src/jobs/redis_queue.ts";
import { call, testApp } from "../helpers/app.ts";
import { redisTest, testRedis } from "../helpers/redis.ts";
import { freshDatabase } from "../helpers/db.ts";
import { recordingLogger, redisDeps } from "./support.ts";

/** The job reads the row it is given, so it proves it runs after the commit. */
function noteJob(seen: string[]) {
  return defineJob({
    name: "test.note",
    payload: z.object({ name: z.string() }),
    async run({ name }, { deps }) {
      const rows = await deps.sql`select name from note where name = ${name}`;
      seen.push(rows.length ? name : `${name} (not visible)`);
    },
  });
}

/** POST /v4/note writes a row and enqueues a job; `fail` rejects after both. */
function noteDomain(job: ReturnType<typeof noteJob>): RouteSet {
  const route = createRoute({
    method: "post",
    path: "/v4/note",
    request: {
      body: {
        content: {
          "application/json": {
            schema: z.object({ name: z.string(), fail: z.boolean().optional() }),
          },
        },
      },
    },
    responses: { 201: { description: "created" } },
  });
  return {
    name: "note",
    register(app: App) {
      app.openapi(route, async (c) => {
        const body = c.req.valid("json");
        await c.var.db`insert into note (name) values (${body.name})`;
        enqueueAfterCommit(c, job, { name: body.name });
        if (body.fail) throw new ValidationError({ name: ["Rejected after writing."] });
        return c.json({ name: body.name }, 201);
      });
    },
  };
}

Deno.test("inline queue: after commit, same retry rules, nothing on rollback", async (t) => {
  const seen: string[] = [];
  const job = noteJob(seen);
  const ctx = await testApp();
  await ctx.sql`create table note (name text)`;
  const app = createApp(ctx.deps, [noteDomain(job)]);
  const queue = ctx.deps.jobs as InlineQueue;

  await t.step("a committed request runs its job, which sees the committed row", async () => {
    assert.equal(queue.mode, "inline");
    const res = await call(app, "POST", "/v4/note", { body: { name: "kept" } });
    assert.equal(res.status, 201);
    await queue.idle();
    assert.deepEqual(seen, ["kept"]);
  });

  await t.step("a rolled-back request runs no job", async () => {
    const res = await call(app, "POST", "/v4/note", { body: { name: "lost", fail: true } });
    assert.equal(res.status, 400);
    await queue.idle();
    assert.deepEqual(seen, ["kept"]);
  });

  await t.step("transactionWithJobs: queued after commit, dropped on rollback", async () => {
    await transactionWithJobs(ctx.deps, async (tx, jobs) => {
      await tx`insert into note (name) values ('batch')`;
      jobs.enqueue(job, { name: "batch" });
    });
    await assert.rejects(
      transactionWithJobs(ctx.deps, async (tx, jobs) => {
        await tx`insert into note (name) values ('aborted')`;
        jobs.enqueue(job, { name: "aborted" });
        throw new Error("abort");
      }),
      /abort/,
    );
    await queue.idle();
    assert.deepEqual(seen, ["kept", "batch"]);
  });

  await t.step("retries with the job's backoff, then gives up (waits injected)", async () => {
    const waits: number[] = [];
    const log = recordingLogger();
    const deps: AppDeps = { ...ctx.deps, log };
    const inline = new InlineQueue({
      deps: () => deps,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    let failures = 2;
    const flaky = defineJob({
      name: "test.inline_flaky",
      payload: z.object({}),
      run: () => {
        if (failures-- > 0) throw new Error("not yet");
      },
    });
    const refused = defineJob({
      name: "test.inline_refused",
      payload: z.object({}),
      run: () => {
        throw new DoNotRetryError("no");
      },
    });
    const badPayload = defineJob({
      name: "test.inline_strict",
      payload: z.object({ id: z.uuid() }),
      run: () => {},
    });
    await inline.enqueue(flaky, {});
    await inline.enqueue(refused, {});
    await inline.idle();
    assert.deepEqual(waits, [1000, 4000]);
    const outcomes = log.lines.filter((l) => l.event === "job").map((
      l,
    ) => [l.job, l.attempt, l.outcome]);
    assert.deepEqual(outcomes, [
      ["test.inline_flaky", 1, "retry"],
      ["test.inline_refused", 1, "dead"],
      ["test.inline_flaky", 2, "retry"],
      ["test.inline_flaky", 3, "done"],
    ]);
    await assert.rejects(
      inline.enqueue(badPayload, { id: "x" }),
      /invalid payload for job test.inline_strict: id: /,
    );
  });
  await ctx.close();
});

redisTest(
  "redis queue: a committed request queues its job; a rolled-back one does not",
  async (t) => {
    const { redis, prefix, close } = await testRedis();
    const db = await freshDatabase();
    await db.sql`create table note (name text)`;
    const deps = redisDeps(redis, prefix, { sql: db.sql });
    const queue = deps.jobs as RedisQueue;
    const app = createApp(deps, [noteDomain(noteJob([]))]);
    const queued = async () => {
      const ids = await redis.lRange(queue.keys.queue("short-running"), 0, -1);
      return await Promise.all(ids.map((id) => redis.hGet(queue.keys.job(id), "payload")));
    };

    await t.step("commit → one job in Redis with the ids only", async () => {
      assert.equal((await call(app, "POST", "/v4/note", { body: { name: "kept" } })).status, 201);
      assert.deepEqual(await queued(), ['{"name":"kept"}']);
    });

    await t.step("rollback → no job", async () => {
      const res = await call(app, "POST", "/v4/note", { body: { name: "lost", fail: true } });
      assert.equal(res.status, 400);
      assert.deepEqual(await queued(), ['{"name":"kept"}']);
    });
    await db.close();
    await close();
  },
);

/**
 * The API while Redis is unreachable (issue #13, finding 6): writes, searches and Hawk
 * requests answer promptly, because the after-commit enqueue is not awaited (the change
 * feed keeps the commit safe), Redis commands on a request's path are bounded in time,
 * and Hawk nonces fall back to PostgreSQL. Both a dead Redis (killed) and a hung one
 * (SIGSTOP: connections open, nothing answered) are tried, on a private redis-server.
 */
import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import { privateRedis, redisAnswers } from "../helpers/redis.ts";
import { hawkHeader } from "../helpers/hawk.ts";
import { connectRedis } from "../../src/redis.ts";
import { RedisQueue } from "../../src/jobs/redis_queue.ts";

const ignore = !redisAnswers && Deno.env.get("CI") !== "true";
const CLIENT = { id: "frontend-id", key: "frontend-secret-key" };
const UK = "80756b9a-5d95-e211-a939-e4115bead28a";

/** `promise`, or a failure naming `what` after `ms`. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test({
  name: "API with Redis dead or hung: writes, searches and Hawk answer within 2 s",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const server = await privateRedis();
    const redis = await connectRedis(server.url);
    const queue = new RedisQueue(redis, { prefix: "unreachable:", now: () => new Date() });
    const ctx = await testApp({
      env: {
        REDIS_BASE_URL: server.url,
        DATA_HUB_FRONTEND_ACCESS_KEY_ID: CLIENT.id,
        DATA_HUB_FRONTEND_SECRET_ACCESS_KEY: CLIENT.key,
      },
      deps: { redis, jobs: queue },
    });
    const { app, sql } = ctx;
    const { token } = await createAdviser(sql, { superuser: true });
    let n = 0;
    const checks = async (state: string) => {
      n++;
      const created = await within(
        2000,
        `POST /v4/company (${state})`,
        call(app, "POST", "/v4/company", {
          token,
          body: {
            name: `Outage ${n} Ltd`,
            business_type: "98d14e94-5d95-e211-a939-e4115bead28a",
            sector: { id: "af959812-6095-e211-a939-e4115bead28a" },
            uk_region: "1718e330-6095-e211-a939-e4115bead28a",
            address: { line_1: "1 High St", town: "London", country: { id: UK } },
          },
        }),
      );
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const [{ fed }] = await sql`
        select count(*)::int as fed from change_feed where entity_id = ${created.body.id}`;
      assert.ok(fed >= 1, "the change feed holds the write for the scheduled sync");

      const searched = await within(
        2000,
        `POST /v4/search/company (${state})`,
        call(app, "POST", "/v4/search/company", { token, body: { original_query: "outage" } }),
      );
      assert.equal(searched.status, 200);

      const url = "http://testserver/v4/metadata/country";
      const signed = await hawkHeader(CLIENT, {
        url,
        ts: Math.floor(Date.now() / 1000),
        nonce: `nonce-${state}`,
      });
      const hawk = () =>
        within(
          2000,
          `Hawk GET /v4/metadata/country (${state})`,
          call(app, "GET", "/v4/metadata/country", { headers: { authorization: signed.header } }),
        );
      assert.equal((await hawk()).status, 200);
      assert.equal((await hawk()).status, 401, "a replayed nonce is still refused");
    };

    try {
      await t.step("Redis up", () => checks("up"));
      await t.step("Redis hung (SIGSTOP)", async () => {
        server.pause();
        try {
          await checks("hung");
        } finally {
          server.resume();
        }
      });
      await t.step("Redis dead (killed)", async () => {
        await server.stop();
        await checks("dead");
      });
    } finally {
      await ctx.close();
      redis.destroy();
      await server.stop();
    }
  },
});

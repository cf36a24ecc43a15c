/**
 * Real Redis for tests. `redisTest` registers a test that is skipped (reported as
 * ignored) when no Redis answers, except under CI=true where a missing Redis fails.
 */
import { connectRedis, type Redis } from "../../src/redis.ts";

export const REDIS_URL = Deno.env.get("TEST_REDIS_URL") ?? "redis://127.0.0.1:6379";

async function probe(): Promise<boolean> {
  try {
    const conn = await Deno.connect({
      hostname: new URL(REDIS_URL).hostname,
      port: Number(new URL(REDIS_URL).port || 6379),
    });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

export const redisAnswers = await probe();

/** A connected client; `prefix` is a fresh key prefix so parallel runs never collide. */
export async function testRedis(): Promise<
  { redis: Redis; prefix: string; close(): Promise<void> }
> {
  const redis = await connectRedis(REDIS_URL);
  const prefix = `test:${crypto.randomUUID().slice(0, 8)}:`;
  return {
    redis,
    prefix,
    close: async () => {
      for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
        if (keys.length) await redis.del(keys);
      }
      await redis.quit();
    },
  };
}

/** Deno.test that needs Redis: skipped without it locally, failing without it in CI. */
export function redisTest(name: string, fn: (t: Deno.TestContext) => Promise<void>) {
  const inCi = Deno.env.get("CI") === "true";
  Deno.test({ name, ignore: !redisAnswers && !inCi, fn });
}

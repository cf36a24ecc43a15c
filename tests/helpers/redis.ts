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

async function portAnswers(port: number): Promise<boolean> {
  try {
    (await Deno.connect({ hostname: "127.0.0.1", port })).close();
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * A `redis-server` of the test's own on a free port (no persistence), which it may kill
 * and start again: outage tests never touch the shared Redis at 6379.
 */
export async function privateRedis() {
  const port = freePort();
  let child: Deno.ChildProcess | null = null;
  const start = async () => {
    child = new Deno.Command("redis-server", {
      args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      stdout: "null",
      stderr: "null",
    }).spawn();
    await until(() => portAnswers(port), `redis-server on ${port}`);
  };
  const stop = async () => {
    if (!child) return;
    child.kill("SIGKILL");
    await child.status;
    child = null;
  };
  /** SIGSTOP: connections stay open and nothing is answered (a hung server). */
  const pause = () => child?.kill("SIGSTOP");
  const resume = () => child?.kill("SIGCONT");
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, start, stop, pause, resume };
}

/**
 * A TCP relay in front of Redis that can turn into a black hole for blocking reads:
 * while `freezeBlockingReads` is on, a connection that sends BLMOVE is never answered
 * again (nor closed), as a half-open connection behaves. Other connections pass.
 */
export function blackHoleProxy(target: { port: number }) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const state = { freezeBlockingReads: false };
  (async () => {
    for await (const client of listener) {
      const upstream = await Deno.connect({ hostname: "127.0.0.1", port: target.port });
      conns.add(client).add(upstream);
      let frozen = false;
      const pump = async (from: Deno.Conn, to: Deno.Conn, inspect: boolean) => {
        const buffer = new Uint8Array(64 * 1024);
        try {
          while (true) {
            const n = await from.read(buffer);
            if (n === null) break;
            const chunk = buffer.subarray(0, n);
            if (
              inspect && state.freezeBlockingReads &&
              new TextDecoder().decode(chunk).includes("BLMOVE")
            ) {
              frozen = true;
            }
            if (!frozen) await to.write(chunk);
          }
        } catch {
          // either side went away
        }
      };
      pump(client, upstream, true);
      pump(upstream, client, false);
    }
  })().catch(() => {});
  return {
    url: `redis://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    state,
    close() {
      listener.close();
      for (const conn of conns) {
        try {
          conn.close();
        } catch {
          // already closed
        }
      }
    },
  };
}

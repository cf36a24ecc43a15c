/**
 * Job queue benchmark: `deno run -A bench/jobs.ts [--jobs N]`.
 *
 * Throughput: N no-op jobs are queued first, then one worker with 1 (and then 4)
 * handlers drains them; jobs/s = N / drain time. Latency: with 4 idle handlers, jobs are
 * enqueued one at a time and the handler measures enqueue → start (p50, p99).
 * Needs Redis at BENCH_REDIS_URL (default redis://127.0.0.1:6379); keys use a random
 * prefix and are deleted afterwards. Per-job logs are silenced.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { noContributions } from "../src/core/contributions.ts";
import { openRuntime } from "../src/runtime.ts";
import { loadConfig } from "../src/config.ts";
import { defineJob } from "../src/jobs/definition.ts";
import { Worker } from "../src/jobs/worker.ts";

const { values } = parseArgs({ args: Deno.args, options: { jobs: { type: "string" } } });
const total = Number(values.jobs ?? 5000);
const redisUrl = Deno.env.get("BENCH_REDIS_URL") ?? "redis://127.0.0.1:6379";
const prefix = `bench:${crypto.randomUUID().slice(0, 8)}:`;

const runtime = await openRuntime({
  config: loadConfig({
    // Never queried: postgres.js connects lazily, and the no-op job needs no database.
    DATABASE_URL: "postgres://unused@127.0.0.1:5432/unused",
    REDIS_BASE_URL: redisUrl,
    JOBS_KEY_PREFIX: prefix,
    LOG_LEVEL: "silent",
  }),
  contributions: noContributions,
});
const { deps } = runtime;

let done = 0;
const latencies: number[] = [];
const noop = defineJob({
  name: "bench.noop",
  payload: z.object({ t: z.number() }),
  run: ({ t }) => {
    done++;
    if (t > 0) latencies.push(performance.now() - t);
  },
});

async function waitUntil(check: () => boolean) {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 1));
}

async function throughput(handlers: number): Promise<number> {
  done = 0;
  for (let i = 0; i < total; i += 200) {
    const batch = Math.min(200, total - i);
    await Promise.all(Array.from({ length: batch }, () => deps.jobs.enqueue(noop, { t: 0 })));
  }
  const worker = new Worker({ deps, jobs: [noop], concurrency: { "short-running": handlers } });
  const started = performance.now();
  await worker.start();
  await waitUntil(() => done === total);
  const seconds = (performance.now() - started) / 1000;
  await worker.stop();
  return total / seconds;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function latency(samples: number): Promise<{ p50: number; p99: number }> {
  latencies.length = 0;
  const worker = new Worker({ deps, jobs: [noop], concurrency: { "short-running": 4 } });
  await worker.start();
  for (let i = 0; i < samples; i++) {
    await deps.jobs.enqueue(noop, { t: performance.now() });
    await waitUntil(() => latencies.length === i + 1);
  }
  await worker.stop();
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

try {
  const one = await throughput(1);
  const four = await throughput(4);
  const { p50, p99 } = await latency(Math.min(total, 2000));
  console.log(`job queue on ${redisUrl} (${total} no-op jobs)`);
  console.log(`  throughput, 1 handler:  ${one.toFixed(0)} jobs/s`);
  console.log(`  throughput, 4 handlers: ${four.toFixed(0)} jobs/s`);
  console.log(`  enqueue → start latency: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`);
} finally {
  for await (const keys of deps.redis!.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
    if (keys.length) await deps.redis!.del(keys);
  }
  await runtime.close();
}

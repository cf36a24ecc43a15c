/**
 * In-process timings of the load run's endpoints: the same app the server builds, called
 * with `app.request()` one request at a time, so the figures show this code's cost per
 * request (CPU and database round trips) without wrk, sockets or other processes'
 * scheduling noise (CPU time per request too, the figure least disturbed by a busy machine). Use it to compare a change before and after; bench/load.ts shows
 * throughput under concurrency.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/dh_bench_default \
 *     deno run -A bench/hot_path.ts [--requests 300] [--only company]
 *
 * Needs a database seeded by bench/load.ts (run it once). Creates a superuser adviser
 * and a token on first use (kept, so reruns reuse them).
 */
import { parseArgs } from "node:util";
import { createApp } from "../src/http/app.ts";
import { registry } from "../src/domains.ts";
import { hawkMac } from "../src/auth/hawk.ts";
import { cpuUsage } from "node:process";
import { inProcessRuntime } from "./in_process.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  strict: true,
  options: { requests: { type: "string", default: "300" }, only: { type: "string" } },
});
const requests = Number(flags.requests);
if (!Number.isInteger(requests) || requests < 10) {
  throw new RangeError(`--requests must be a whole number ≥ 10, got "${flags.requests}"`);
}

// A Hawk client with the metadata scope, as the front end (nonces in Redis when set).
const hawk = { id: "hot-path-frontend", key: "hot-path-frontend-secret-key-0123456789" };
const { runtime, sql, token } = await inProcessRuntime({
  DATA_HUB_FRONTEND_ACCESS_KEY_ID: hawk.id,
  DATA_HUB_FRONTEND_SECRET_ACCESS_KEY: hawk.key,
});
const app = createApp(runtime.deps, registry.domains);
const ids = (await sql<{ id: string }[]>`
  select id::text from company_company order by id limit 500`).map((r) => r.id);
const withInteractions = (await sql<{ id: string }[]>`
  select distinct company_id::text as id from interaction_interaction
  where company_id is not null order by 1 limit 500`).map((r) => r.id);

const endpoints: { name: string; path: (i: number) => string; hawk?: boolean }[] = [
  { name: "GET /v4/company/{id}", path: (i) => `/v4/company/${ids[i % ids.length]}` },
  { name: "GET /v4/company?limit=100", path: () => "/v4/company?limit=100" },
  {
    name: "GET /v4/interaction?company_id=",
    path: (i) => `/v4/interaction?company_id=${withInteractions[i % withInteractions.length]}`,
  },
  { name: "GET /v3/search?term=", path: (i) => `/v3/search?term=${["Smith", "Atlas"][i % 2]}` },
  { name: "GET /v4/metadata/country", path: () => "/v4/metadata/country" },
  { name: "GET /v4/metadata/country (Hawk)", path: () => "/v4/metadata/country", hawk: true },
];

const headers = { Authorization: `Bearer ${token}`, Accept: "application/json" };
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

for (const endpoint of endpoints) {
  if (flags.only && !endpoint.name.includes(flags.only)) continue;
  // Every sampled id is read once before timing, so the figures are the cached path
  // (bench/render_cost.ts times a render).
  const warm = Math.max(
    Math.ceil(requests / 10),
    endpoint.path(0) === endpoint.path(1) ? 0 : ids.length,
  );
  // Hawk requests are signed before the timing (each needs its own nonce).
  const run = crypto.randomUUID().slice(0, 8);
  const signed = endpoint.hawk
    ? await Promise.all(Array.from({ length: warm + requests }, async (_, i) => {
      const resource = {
        ts: String(Math.floor(Date.now() / 1000)),
        nonce: `${run}-${i}`,
        method: "GET",
        resource: endpoint.path(i),
        host: "localhost",
        port: 80,
      };
      const mac = await hawkMac(hawk.key, "header", resource);
      return `Hawk id="${hawk.id}", ts="${resource.ts}", nonce="${resource.nonce}", mac="${mac}"`;
    }))
    : [];
  const times: number[] = [];
  let bytes = 0;
  let cpu = { user: 0, system: 0 };
  for (let i = 0; i < warm + requests; i++) {
    if (i === warm) cpu = cpuUsage();
    const started = performance.now();
    const res = await app.request(endpoint.path(i), {
      headers: endpoint.hawk ? { Authorization: signed[i], Accept: "application/json" } : headers,
    });
    const body = await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${endpoint.name}: ${res.status}`);
    if (i >= warm) {
      times.push(performance.now() - started);
      bytes += body.byteLength;
    }
  }
  const used = cpuUsage(cpu);
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  console.log(
    `${endpoint.name.padEnd(28)} mean ${mean.toFixed(2).padStart(7)} ms  p50 ${
      percentile(times, 0.5).toFixed(2).padStart(7)
    }  p99 ${percentile(times, 0.99).toFixed(2).padStart(7)}  CPU ${
      Math.round((used.user + used.system) / times.length)
    } µs/request  ${Math.round(bytes / times.length)} B/response`,
  );
}
const mem = Deno.memoryUsage();
console.log(
  `rss ${Math.round(mem.rss / 2 ** 20)} MB, heap used ${Math.round(mem.heapUsed / 2 ** 20)} MB`,
);
await runtime.close();

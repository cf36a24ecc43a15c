/**
 * Walking whole datasets and feeds, as Data Flow and the Activity Stream do: every page
 * of `companies-dataset`, `contacts-dataset`, `interactions-dataset` and the interaction
 * feed, following `next` to the end, Hawk-signed, in process (`app.request()`, one page
 * at a time like the real clients). Prints rows/s, the time of the first and the last
 * pages (a keyset cursor should make a deep page cost what the first does), and the
 * process's memory over the walk (it should stay flat: nothing accumulates per page).
 *
 *   deno run -A bench/walk.ts [--scale small|default|large] [--page-size 10000]
 *                             [--only companies,contacts,interactions,feed] [--reseed]
 *                             [--interactions N]
 *   (add --v8-flags=--expose-gc to also report the heap left after a GC on every page)
 *
 * Seeds `dh_walk_<scale>` (or BENCH_DATABASE) once with the bulk seeder (reused while its
 * sizes match; BENCH_ADMIN_URL as bench/load.ts). The machine is shared, so each walk also
 * reports the load average around it: absolute times mean little without it.
 * `--interactions N` seeds N interactions instead of the scale's (seeding 5M takes over an
 * hour on a loaded 2-core machine). With `gc` exposed, the heap after a collection at each
 * page shows whether anything accumulates (RSS alone mixes in V8's uncollected garbage). Hawk nonces go to Redis (BENCH_REDIS_URL, default
 * redis://127.0.0.1:6379) as in production. Everything targets 127.0.0.1.
 */
import { parseArgs } from "node:util";
import { connect } from "../src/db/pool.ts";
import { loadConfig } from "../src/config.ts";
import { registry } from "../src/domains.ts";
import { openRuntime } from "../src/runtime.ts";
import { prepareDatabase } from "../src/db/prepare.ts";
import { createApp } from "../src/http/app.ts";
import { hawkMac, type HawkResource } from "../src/auth/hawk.ts";
import { random, seeders } from "./seed.ts";
import { seedBulk } from "./seed_bulk.ts";

const SCALES = {
  small: { advisers: 1_000, companies: 10_000, contacts: 20_000, interactions: 50_000 },
  default: { advisers: 5_000, companies: 100_000, contacts: 200_000, interactions: 500_000 },
  large: { advisers: 20_000, companies: 1_000_000, contacts: 2_000_000, interactions: 5_000_000 },
} as const;

const { values: flags } = parseArgs({
  args: Deno.args,
  strict: true,
  options: {
    scale: { type: "string", default: "default" },
    "page-size": { type: "string", default: "10000" },
    only: { type: "string" },
    reseed: { type: "boolean", default: false },
    interactions: { type: "string" },
  },
});
if (!(flags.scale in SCALES)) throw new RangeError(`--scale must be one of ${Object.keys(SCALES)}`);
const scale = flags.scale as keyof typeof SCALES;
const sizes = flags.interactions === undefined
  ? SCALES[scale]
  : { ...SCALES[scale], interactions: Number(flags.interactions) };
if (!Number.isInteger(sizes.interactions) || sizes.interactions < 0) {
  throw new RangeError(`--interactions must be a count, got "${flags.interactions}"`);
}
const pageSize = Number(flags["page-size"]);
if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000) {
  throw new RangeError(`--page-size must be 1..10000, got "${flags["page-size"]}"`);
}
const only = flags.only?.split(",").map((s) => s.trim());

const ADMIN_URL = Deno.env.get("BENCH_ADMIN_URL") ?? "postgres://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = Deno.env.get("BENCH_REDIS_URL") ?? "redis://127.0.0.1:6379";
const name = Deno.env.get("BENCH_DATABASE") ?? `dh_walk_${scale}`;
const dbUrl = (() => {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
})();
const log = (message: string) => console.error(`[walk] ${message}`);

// ------------------------------------------------------------------------- database

const admin = connect(ADMIN_URL, { max: 1 });
const marker = JSON.stringify(sizes);
const [existing] = await admin<{ comment: string | null }[]>`
  select shobj_description(oid, 'pg_database') as comment from pg_database where datname = ${name}`;
if (!existing || existing.comment !== marker || flags.reseed) {
  log(`creating ${name} and seeding ${marker}`);
  await admin`drop database if exists ${admin(name)} with (force)`;
  await admin`create database ${admin(name)}`;
  const seeding = await openRuntime({
    config: loadConfig({ DATABASE_URL: dbUrl, DATABASE_POOL_SIZE: "1", LOG_LEVEL: "warn" }),
    contributions: registry.contributions,
  });
  const sql = seeding.db.sql;
  await prepareDatabase(sql, seeding.log, registry.contributions.afterMigrate);
  const adviserSeeder = seeders.find((s) => s.flag === "advisers")!;
  await adviserSeeder.seed(sql, sizes.advisers, random(42), () => {});
  for (const step of await seedBulk(sql, { ...sizes, projects: 0 })) {
    log(
      `  ${step.entity}: ${step.rows} rows in ${step.ms} ms${step.note ? ` (${step.note})` : ""}`,
    );
  }
  await sql`vacuum (analyze)`;
  await seeding.close();
  await admin`comment on database ${admin(name)} is ${admin.unsafe(`'${marker}'`)}`;
} else {
  log(`reusing ${name} (seeded ${marker}; --reseed to rebuild)`);
}
await admin.end();

// ------------------------------------------------------------------------- the walk

const DATA_FLOW = { id: "walk-data-flow", key: "walk-data-flow-key" };
const ACTIVITY_STREAM = { id: "walk-activity-stream", key: "walk-activity-stream-key" };
const runtime = await openRuntime({
  config: loadConfig({
    DATABASE_URL: dbUrl,
    REDIS_BASE_URL: REDIS_URL,
    LOG_LEVEL: "warn",
    DATA_FLOW_API_ACCESS_KEY_ID: DATA_FLOW.id,
    DATA_FLOW_API_SECRET_ACCESS_KEY: DATA_FLOW.key,
    ACTIVITY_STREAM_ACCESS_KEY_ID: ACTIVITY_STREAM.id,
    ACTIVITY_STREAM_SECRET_ACCESS_KEY: ACTIVITY_STREAM.key,
  }),
  contributions: registry.contributions,
});
await prepareDatabase(runtime.db.sql, runtime.log, registry.contributions.afterMigrate);
const app = createApp(runtime.deps, registry.domains);

async function signedGet(client: { id: string; key: string }, link: string) {
  const url = new URL(link, "http://bench.test");
  const resource: HawkResource = {
    ts: String(Math.floor(Date.now() / 1000)),
    nonce: crypto.randomUUID(),
    method: "GET",
    resource: url.pathname + url.search,
    host: url.hostname,
    port: 80,
  };
  const mac = await hawkMac(client.key, "header", resource);
  const authorization =
    `Hawk id="${client.id}", ts="${resource.ts}", nonce="${resource.nonce}", mac="${mac}"`;
  const res = await app.request(url.toString(), { headers: { authorization } });
  if (res.status !== 200) throw new Error(`${url.pathname}: ${res.status} ${await res.text()}`);
  return await res.json();
}

/** V8's collector, when run with --v8-flags=--expose-gc. */
const gc = (globalThis as { gc?: () => void }).gc;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const mb = (bytes: number) => Math.round(bytes / 1048576);

interface Walk {
  name: string;
  client: { id: string; key: string };
  first: string;
  items: (body: Record<string, unknown>) => unknown[];
  /** Stop after this many pages (the whole walk otherwise). */
  maxPages?: number;
}

const walks: Walk[] = [
  ["companies", "companies-dataset"],
  ["contacts", "contacts-dataset"],
  ["interactions", "interactions-dataset"],
].map(([short, dataset]) => ({
  name: short,
  client: DATA_FLOW,
  first: `/v4/dataset/${dataset}?page_size=${pageSize}`,
  items: (body) => body.results as unknown[],
}));
// The feed has 100 items a page: its first 100 pages, then from a cursor 10,000 items
// before the end (as a client polling the last pages does) to the end.
const feedPath = "/v3/activity-stream/interaction";
const [deep] = await runtime.db.sql<{ ts: string; id: string }[]>`
  select to_char(modified_on at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"') as ts,
    id::text as id
  from interaction_interaction order by modified_on desc, id desc offset 10000 limit 1`;
walks.push({
  name: "feed",
  client: ACTIVITY_STREAM,
  first: feedPath,
  items: (body) => body.orderedItems as unknown[],
  maxPages: 100,
});
if (deep) {
  walks.push({
    name: "feed (last 10,000)",
    client: ACTIVITY_STREAM,
    first: `${feedPath}?cursor=${encodeURIComponent(deep.ts)}&cursor=${deep.id}`,
    items: (body) => body.orderedItems as unknown[],
  });
}

const results = [];
for (const walk of walks.filter((w) => !only || only.includes(w.name.split(" ")[0]))) {
  const pageMs: number[] = [];
  let rows = 0;
  let link: string | null = walk.first;
  const loadStart = Deno.loadavg()[0];
  const heapAfterGc: number[] = [];
  const rssStart = Deno.memoryUsage().rss;
  let rssPeak = rssStart;
  const started = performance.now();
  while (link && pageMs.length < (walk.maxPages ?? Infinity)) {
    const t0 = performance.now();
    const body = await signedGet(walk.client, link);
    pageMs.push(performance.now() - t0);
    rows += walk.items(body).length;
    link = body.next as string | null;
    rssPeak = Math.max(rssPeak, Deno.memoryUsage().rss);
    if (gc) {
      gc();
      heapAfterGc.push(Deno.memoryUsage().heapUsed);
    }
    if (pageMs.length % 50 === 0) log(`  ${walk.name}: ${pageMs.length} pages, ${rows} rows`);
  }
  const seconds = (performance.now() - started) / 1000;
  const ends = Math.min(10, Math.max(1, Math.floor(pageMs.length / 2)));
  const result = {
    walk: walk.name,
    rows,
    pages: pageMs.length,
    seconds: Math.round(seconds * 10) / 10,
    rowsPerSecond: Math.round(rows / seconds),
    firstPagesMs: Math.round(median(pageMs.slice(0, ends))),
    lastPagesMs: Math.round(
      median(pageMs.slice(-ends - 1, -1).length ? pageMs.slice(-ends - 1, -1) : pageMs),
    ),
    rssStartMb: mb(rssStart),
    rssPeakMb: mb(rssPeak),
    rssEndMb: mb(Deno.memoryUsage().rss),
    load: `${loadStart.toFixed(1)}–${Deno.loadavg()[0].toFixed(1)}`,
    heapAfterGcMb: heapAfterGc.length
      ? `${mb(heapAfterGc[0])} / ${mb(Math.max(...heapAfterGc))} / ${
        mb(heapAfterGc[heapAfterGc.length - 1])
      }`
      : "-",
  };
  log(JSON.stringify(result));
  results.push(result);
}
await runtime.close();

console.log(
  `\nscale ${scale} (${marker}) in ${name}, page_size ${pageSize} (feed pages: 100), ${
    new Date().toISOString()
  }\n`,
);
console.log(
  "| walk | rows | pages | s | rows/s | first pages ms (median) | last pages ms (median) | RSS start / peak / end MB | heap after GC first / max / last MB | load avg (1 min) |",
);
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |");
for (const r of results) {
  console.log(
    `| ${r.walk} | ${r.rows} | ${r.pages} | ${r.seconds} | ${r.rowsPerSecond} | ${r.firstPagesMs} | ${r.lastPagesMs} | ${r.rssStartMb} / ${r.rssPeakMb} / ${r.rssEndMb} | ${r.heapAfterGcMb} | ${r.load} |`,
  );
}

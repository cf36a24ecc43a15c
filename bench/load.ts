/**
 * The load run (`deno task bench` runs it last through bench/run.ts): seeds a dedicated
 * database, starts the API as production would and drives load at it from a separate
 * process (wrk), next to the machine's two ceilings measured in the same run: `pgbench -S` on the same PostgreSQL and a bare `Deno.serve`
 * JSON hello under the same wrk settings. Prints one table and writes it as JSON under
 * bench/results/ (git-ignored), so a reader can rerun it and compare.
 *
 *   deno task bench [--scale small|default|large|large-companies] [--duration 10] [--warmup 2]
 *                   [--connections 64] [--threads 2] [--reseed] [--only name,name]
 *                   [--idle-only]
 *
 * Before the load, an idle probe times the front end's search calls one at a time (20
 * sequential requests each, as a new user on an idle machine would make them) and
 * prints each one's p50/p99 and the count it returned; `--idle-only` stops there.
 *
 * Environment: BENCH_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_REDIS_URL (default redis://127.0.0.1:6379; Hawk nonces live there, as in
 * production), BENCH_DATABASE (default `dh_bench_<scale>`: a branch whose migrations
 * differ from main's names its own copy, since the API applies its migrations on start).
 * The seeded database is kept and reused while its seeded sizes match (`--reseed`
 * rebuilds it); its sizes are recorded as the database comment.
 *
 * Everything targets 127.0.0.1; every wrk run is bounded by `--duration`.
 */
import { parseArgs } from "node:util";
import { connect, type Sql } from "../src/db/pool.ts";
import { loadConfig } from "../src/config.ts";
import { registry } from "../src/domains.ts";
import { openRuntime } from "../src/runtime.ts";
import { prepareDatabase } from "../src/db/prepare.ts";
import { searchBackend } from "../src/search/engine.ts";
import { rebuildApp } from "../src/search/sync.ts";
import { FIRST_NAMES, LAST_NAMES, random, seeders } from "./seed.ts";
import { type BulkStep, seedBulk } from "./seed_bulk.ts";

const ROOT = new URL("../", import.meta.url);
const SCALES = {
  small: {
    advisers: 1_000,
    companies: 10_000,
    contacts: 20_000,
    interactions: 50_000,
    projects: 10_000,
  },
  default: {
    advisers: 5_000,
    companies: 100_000,
    contacts: 200_000,
    interactions: 500_000,
    projects: 100_000,
  },
  large: {
    advisers: 20_000,
    companies: 1_000_000,
    contacts: 2_000_000,
    interactions: 5_000_000,
    projects: 1_000_000,
  },
  // The large scale's companies and advisers alone: company and global search at 1M
  // documents where indexing all 8M does not fit the time at hand.
  "large-companies": {
    advisers: 20_000,
    companies: 1_000_000,
    contacts: 0,
    interactions: 0,
    projects: 0,
  },
} as const;
type Scale = keyof typeof SCALES;
type Sizes = (typeof SCALES)[Scale];

const { values: flags } = parseArgs({
  args: Deno.args,
  strict: true,
  options: {
    scale: { type: "string", default: "default" },
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    connections: { type: "string", default: "64" },
    threads: { type: "string", default: "2" },
    reseed: { type: "boolean", default: false },
    only: { type: "string" },
    "idle-only": { type: "boolean", default: false },
  },
});
if (!(flags.scale in SCALES)) {
  throw new RangeError(`--scale must be one of ${Object.keys(SCALES)}, got "${flags.scale}"`);
}
const scale = flags.scale as Scale;
const wholeNumber = (name: string, value: string, min: number, max: number) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new RangeError(`--${name} must be ${min}..${max}, got "${value}"`);
  }
  return n;
};
const load = {
  duration: wholeNumber("duration", flags.duration, 1, 300),
  warmup: wholeNumber("warmup", flags.warmup, 0, 60),
  connections: wholeNumber("connections", flags.connections, 1, 1000),
  threads: wholeNumber("threads", flags.threads, 1, 64),
};
const only = flags.only?.split(",").map((s) => s.trim()).filter(Boolean);

const ADMIN_URL = Deno.env.get("BENCH_ADMIN_URL") ??
  "postgres://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = Deno.env.get("BENCH_REDIS_URL") ?? "redis://127.0.0.1:6379";
const dbUrl = (name: string) => {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
};
const log = (message: string) => console.error(`[bench] ${message}`);

// ---------------------------------------------------------------------------- tools

async function run(cmd: string, args: string[], options: Deno.CommandOptions = {}) {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped", ...options })
    .output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { ok: out.success, stdout: text(out.stdout), stderr: text(out.stderr) };
}

const hasCommand = async (name: string) => (await run("sh", ["-c", `command -v ${name}`])).ok;

/** wrk from Debian; installed here when running as root with apt-get, else explained. */
async function requireTools() {
  if (!(await hasCommand("wrk"))) {
    if (Deno.uid() === 0 && (await hasCommand("apt-get"))) {
      log("wrk is missing: apt-get install -y wrk");
      if (!(await run("apt-get", ["install", "-y", "wrk"])).ok) {
        await run("apt-get", ["update"]);
        await run("apt-get", ["install", "-y", "wrk"]);
      }
    }
    if (!(await hasCommand("wrk"))) {
      throw new Error("wrk is required: install it with `sudo apt-get install -y wrk`");
    }
  }
  if (!(await hasCommand("pgbench"))) {
    throw new Error("pgbench is required: install it with `apt-get install -y postgresql-client`");
  }
}

// ------------------------------------------------------------------------- database

interface SeedReport {
  reused: boolean;
  sizes: Sizes;
  steps: BulkStep[];
  totalMs: number;
}

async function timedStep(entity: string, rows: number, work: () => Promise<unknown>) {
  const started = performance.now();
  await work();
  const step = { entity, rows, ms: Math.round(performance.now() - started) };
  log(`  ${entity}: ${rows} rows in ${step.ms} ms`);
  return step;
}

/** Records `text` as the database comment (COMMENT takes a literal, not a parameter). */
async function comment(admin: Sql, name: string, text: string) {
  await admin`comment on database ${admin(name)} is ${
    admin.unsafe(`'${text.replaceAll("'", "''")}'`)
  }`;
}

/** Creates and seeds `dh_bench_<scale>`, or reuses it when its recorded sizes match. */
async function prepareBenchDatabase(admin: Sql, name: string, sizes: Sizes): Promise<SeedReport> {
  const marker = JSON.stringify(sizes);
  const [existing] = await admin<{ comment: string | null }[]>`
    select shobj_description(oid, 'pg_database') as comment from pg_database
    where datname = ${name}`;
  if (existing && existing.comment === marker && !flags.reseed) {
    log(`reusing ${name} (seeded ${marker}; --reseed to rebuild)`);
    return { reused: true, sizes, steps: [], totalMs: 0 };
  }
  // A copy (`createdb -T dh_bench_default dh_mine`) does not carry the marker: a database
  // named by BENCH_DATABASE is taken as it is.
  if (existing && Deno.env.get("BENCH_DATABASE") && !flags.reseed) {
    log(`reusing ${name} as BENCH_DATABASE names it (no seed marker; --reseed to rebuild)`);
    return { reused: true, sizes, steps: [], totalMs: 0 };
  }
  const started = performance.now();
  log(`creating ${name} and seeding ${marker}`);
  await admin`drop database if exists ${admin(name)} with (force)`;
  await admin`create database ${admin(name)}`;
  // One connection: the bulk seeder's setseed() is per session.
  const runtime = await openRuntime({
    config: loadConfig({
      DATABASE_URL: dbUrl(name),
      DATABASE_POOL_SIZE: "1",
      LOG_LEVEL: "warn",
      SEARCH_BACKEND: "postgres",
    }),
    contributions: registry.contributions,
  });
  const sql = runtime.db.sql;
  const steps: BulkStep[] = [];
  try {
    steps.push(
      await timedStep(
        "migrate + reference data",
        0,
        () => prepareDatabase(sql, runtime.log, registry.contributions.afterMigrate),
      ),
    );
    // bench/seed.ts seeds the advisers; companies, contacts and interactions come from the
    // bulk seeder (INSERT … SELECT), which is far faster at these sizes.
    for (const seeder of seeders.filter((s) => s.flag === "advisers")) {
      const count = (sizes as Record<string, number>)[seeder.flag];
      if (count) {
        steps.push(
          await timedStep(seeder.flag, count, () => seeder.seed(sql, count, random(42), () => {})),
        );
      }
    }
    for (const step of await seedBulk(sql, sizes)) {
      log(
        `  ${step.entity}: ${step.rows} rows in ${step.ms} ms${step.note ? ` (${step.note})` : ""}`,
      );
      steps.push(step);
    }
    // Statistics before the rebuild: on freshly filled link tables the planner would
    // otherwise scan every contact per interaction while building documents.
    steps.push(await timedStep("analyze", 0, () => sql`analyze`));
    // Indexing gets a pool of its own: the seeding connection is one (setseed).
    const indexing = connect(dbUrl(name), { max: 3 });
    const backend = searchBackend(runtime.deps);
    for (const app of registry.searchApps) {
      const started = performance.now();
      const rows = await rebuildApp(indexing, backend, app);
      const ms = Math.round(performance.now() - started);
      const perSecond = Math.round(rows / Math.max(ms / 1000, 0.001));
      log(`  search index ${app.name}: ${rows} documents in ${ms} ms (${perSecond} docs/s)`);
      steps.push({ entity: `search index: ${app.name}`, rows, ms });
    }
    await indexing.end();
    steps.push(await timedStep("vacuum analyze", 0, () => sql`vacuum (analyze)`));
  } finally {
    await runtime.close();
  }
  await comment(admin, name, marker);
  return { reused: false, sizes, steps, totalMs: Math.round(performance.now() - started) };
}

// ------------------------------------------------------------------------ processes

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function cli(env: Record<string, string>, ...args: string[]): Promise<string> {
  const out = await run(Deno.execPath(), ["run", "-A", "cli.ts", ...args], {
    cwd: ROOT,
    env,
  });
  if (!out.ok) throw new Error(`cli.ts ${args[0]} failed: ${out.stderr}`);
  return out.stdout.trim();
}

interface Server {
  pid: number;
  port: number;
  stop(): Promise<void>;
}

/** Spawns a server and waits until `probe` answers (at most 60 s). */
async function spawnServer(
  args: string[],
  env: Record<string, string>,
  probe: string,
  logPath: string,
): Promise<Server> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env: { ...env, PORT: String(port) },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const file = await Deno.open(logPath, { create: true, write: true, truncate: true });
  const sink = () => new WritableStream<Uint8Array>({ write: (chunk) => file.write(chunk).then() });
  const piping = Promise.all([child.stdout.pipeTo(sink()), child.stderr.pipeTo(sink())]);
  const deadline = Date.now() + 60_000;
  while (true) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}${probe}`);
      await response.body?.cancel();
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server ${args.join(" ")} did not answer within 60 s; see ${logPath}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    pid: child.pid,
    port,
    stop: async () => {
      child.kill("SIGTERM");
      await child.status;
      await piping.catch(() => {});
      file.close();
    },
  };
}

/** The `--v8-flags=…` of `deno task start` (deno.json). */
async function startV8Flags(): Promise<string> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const flag = String(config.tasks.start).split(" ").find((a) => a.startsWith("--v8-flags="));
  if (!flag) throw new Error("deno.json's start task sets no --v8-flags");
  return flag;
}

/** Peak and current resident memory of a process, in MB (VmHWM, VmRSS). */
async function memory(pid: number): Promise<{ peakMb: number; rssMb: number }> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kb = (field: string) => Number(status.match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? 0);
  return { peakMb: kb("VmHWM") / 1024, rssMb: kb("VmRSS") / 1024 };
}

// ------------------------------------------------------------------------------ wrk

interface Endpoint {
  name: string;
  method: "GET" | "POST";
  /** Request targets (path and query); one is picked at random per request. */
  paths: string[];
  /** Request bodies, one picked at random per request (POST). */
  bodies?: string[];
  auth: "bearer" | "hawk";
  /** What the figures are held against. */
  target: "detail" | "list";
}

interface WrkResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  socketErrors: number;
}

const luaString = (s: string) => JSON.stringify(s);
const luaList = (items: string[]) => `{${items.map(luaString).join(",\n")}}`;

const DONE_HOOK = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nBENCH_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
`;

/** The wrk script of an endpoint: random target per request, signed when Hawk. */
async function wrkScript(endpoint: Endpoint, auth: { token: string; hawk: Hawk }, port: number) {
  const hawk = endpoint.auth === "hawk"
    ? `${await Deno.readTextFile(new URL("./wrk/hawk.lua", import.meta.url))}
local sign = hawk_signer(${luaString(auth.hawk.id)}, ${luaString(auth.hawk.key)})
`
    : "";
  return `${hawk}
local paths = ${luaList(endpoint.paths)}
local bodies = ${luaList(endpoint.bodies ?? [])}
local counter, threads = 0, 0
setup = function(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end
init = function(args)
  run_tag = args[1]
  math.randomseed(os.time() + thread_id * 7919)
end
request = function()
  local path = paths[math.random(#paths)]
  local headers = { ["Accept"] = "application/json" }
  ${
    endpoint.auth === "hawk"
      ? `counter = counter + 1
  headers["Authorization"] = sign(${luaString(endpoint.method)}, path, "127.0.0.1",
    "${port}", run_tag .. "-" .. thread_id .. "-" .. counter)`
      : `headers["Authorization"] = ${luaString(`Bearer ${auth.token}`)}`
  }
  local body = nil
  if #bodies > 0 then
    body = bodies[math.random(#bodies)]
    headers["Content-Type"] = "application/json"
  end
  return wrk.format(${luaString(endpoint.method)}, path, headers, body)
end
${DONE_HOOK}`;
}

async function wrk(url: string, script: string, seconds: number): Promise<WrkResult> {
  const path = await Deno.makeTempFile({ suffix: ".lua" });
  try {
    await Deno.writeTextFile(path, script);
    const out = await run("wrk", [
      `-t${load.threads}`,
      `-c${load.connections}`,
      `-d${seconds}s`,
      "--timeout",
      "5s",
      "-s",
      path,
      url,
      "--",
      // Per invocation, so the nonces of a warm-up and its measurement never collide.
      crypto.randomUUID().slice(0, 8),
    ]);
    const line = out.stdout.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
    if (!out.ok || !line) throw new Error(`wrk failed: ${out.stderr || out.stdout}`);
    const r = JSON.parse(line.slice("BENCH_RESULT ".length));
    const socketErrors = r.connect + r.read + r.write + r.timeout;
    return {
      requests: r.requests,
      rps: r.requests / (r.duration_us / 1e6),
      p50Ms: r.p50_us / 1000,
      p99Ms: r.p99_us / 1000,
      errors: r.status + socketErrors,
      non2xx: r.status,
      socketErrors,
    };
  } finally {
    await Deno.remove(path);
  }
}

async function measure(url: string, script: string): Promise<WrkResult> {
  if (load.warmup) await wrk(url, script, load.warmup);
  return await wrk(url, script, load.duration);
}

// ------------------------------------------------------------------------ idle probe

interface Probe {
  name: string;
  method: "GET" | "POST";
  path: string;
  body?: Record<string, unknown>;
}

interface ProbeResult {
  name: string;
  p50Ms: number;
  p99Ms: number;
  count: number | null;
  status: number;
}

const IDLE_REQUESTS = 20;

/** Rare terms taken from the seeded rows: a company number, a contact's e-mail, an adviser. */
async function probeSamples(name: string) {
  const sql = connect(dbUrl(name), { max: 1 });
  try {
    const [company] = await sql<{ number: string }[]>`
      select company_number as number from company_company
      where company_number is not null order by id limit 1`;
    const [contact] = await sql<{ email: string }[]>`
      select email from company_contact order by id limit 1`;
    const [adviser] = await sql<{ name: string }[]>`
      select first_name as name from company_advisor where first_name <> '' order by id limit 1`;
    return {
      companyNumber: company?.number ?? "none",
      email: contact?.email ?? "none",
      adviser: adviser?.name ?? "none",
    };
  } finally {
    await sql.end();
  }
}

function idleProbes(samples: Awaited<ReturnType<typeof probeSamples>>): Probe[] {
  const page = { limit: 10 };
  return [
    {
      name: "companies page",
      method: "POST",
      path: "/v4/search/company",
      body: { ...page, sortby: "modified_on:desc" },
    },
    {
      name: "companies page, archived: false",
      method: "POST",
      path: "/v4/search/company",
      body: { ...page, sortby: "modified_on:desc", archived: false },
    },
    {
      name: "contacts page",
      method: "POST",
      path: "/v3/search/contact",
      body: { ...page, sortby: "modified_on:desc" },
    },
    {
      name: "contacts page, archived: false",
      method: "POST",
      path: "/v3/search/contact",
      body: { ...page, sortby: "modified_on:desc", archived: false },
    },
    {
      name: "interactions page",
      method: "POST",
      path: "/v3/search/interaction",
      body: { ...page, sortby: "date:desc" },
    },
    {
      name: "interactions page, policy feedback: false",
      method: "POST",
      path: "/v3/search/interaction",
      body: { ...page, sortby: "date:desc", was_policy_feedback_provided: false },
    },
    {
      name: 'company search "ltd"',
      method: "POST",
      path: "/v4/search/company",
      body: { ...page, original_query: "ltd", archived: false },
    },
    {
      name: `company search "${samples.companyNumber}" (rare)`,
      method: "POST",
      path: "/v4/search/company",
      body: { ...page, original_query: samples.companyNumber, archived: false },
    },
    {
      name: `contact search "${LAST_NAMES[0]}"`,
      method: "POST",
      path: "/v3/search/contact",
      body: { ...page, original_query: LAST_NAMES[0] },
    },
    {
      name: "contact search by e-mail (rare)",
      method: "POST",
      path: "/v3/search/contact",
      body: { ...page, original_query: samples.email },
    },
    {
      name: 'interaction search "meeting"',
      method: "POST",
      path: "/v3/search/interaction",
      body: { ...page, original_query: "meeting" },
    },
    { name: "GET /v3/search?term=ltd", method: "GET", path: "/v3/search?term=ltd" },
    { name: "GET /v3/search?term=acme", method: "GET", path: "/v3/search?term=acme" },
    {
      name: `GET /v3/search?term=${samples.companyNumber} (rare)`,
      method: "GET",
      path: `/v3/search?term=${samples.companyNumber}`,
    },
    {
      name: `adviser search "${samples.adviser}"`,
      method: "POST",
      path: "/v4/search/adviser",
      body: { ...page, original_query: samples.adviser },
    },
  ];
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** Each probe IDLE_REQUESTS times, one request at a time, nothing else running. */
async function idleProbe(base: string, token: string, probes: Probe[]): Promise<ProbeResult[]> {
  // As the front end opens a session: `/whoami/` first (every page asks it), so the first
  // search does not also pay for the API process's first request (its pool's connection).
  const whoami = await fetch(`${base}/whoami/`, { headers: { Authorization: `Bearer ${token}` } });
  await whoami.body?.cancel();
  const results: ProbeResult[] = [];
  for (const probe of probes) {
    const times: number[] = [];
    let count: number | null = null;
    let status = 0;
    for (let i = 0; i < IDLE_REQUESTS; i++) {
      const started = performance.now();
      const response = await fetch(`${base}${probe.path}`, {
        method: probe.method,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: "application/json",
          ...(probe.body ? { "Content-Type": "application/json" } : {}),
        },
        body: probe.body ? JSON.stringify(probe.body) : undefined,
      });
      const body = await response.json();
      times.push(performance.now() - started);
      status = response.status;
      count = typeof body?.count === "number" ? body.count : null;
    }
    const first = times[0];
    times.sort((a, b) => a - b);
    results.push({
      name: probe.name,
      p50Ms: percentile(times, 50),
      p99Ms: percentile(times, 99),
      count,
      status,
    });
    log(
      `  idle ${probe.name}: p50 ${fixed(percentile(times, 50), 1)} ms, p99 ${
        fixed(percentile(times, 99), 1)
      } ms (first ${fixed(first, 1)} ms), count ${count}`,
    );
  }
  return results;
}

function idleTable(rows: ProbeResult[]) {
  const header = ["request (20 sequential)", "p50 ms", "p99 ms", "count", "status"];
  const lines = rows.map((
    r,
  ) => [r.name, fixed(r.p50Ms), fixed(r.p99Ms), String(r.count ?? "-"), String(r.status)]);
  const cells = [header, ...lines];
  const widths = header.map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  const render = (c: string[]) =>
    `| ${c.map((v, i) => (i ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join(" | ")} |`;
  return [
    render(header),
    `|${widths.map((w, i) => (i ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`,
    ...lines.map(render),
  ].join("\n");
}

// ------------------------------------------------------------------------- ceilings

async function pgbenchTps(admin: Sql): Promise<number> {
  const name = "dh_bench_pgbench";
  const marker = "pgbench -i -s 10";
  const [existing] = await admin<{ comment: string | null }[]>`
    select shobj_description(oid, 'pg_database') as comment from pg_database
    where datname = ${name}`;
  const url = new URL(ADMIN_URL);
  const conn = ["-h", url.hostname, "-p", url.port || "5432", "-U", url.username || "postgres"];
  if (!existing || existing.comment !== marker) {
    log(`initialising ${name} (${marker})`);
    await admin`drop database if exists ${admin(name)} with (force)`;
    await admin`create database ${admin(name)}`;
    const init = await run("pgbench", [...conn, "-i", "-s", "10", "-q", name]);
    if (!init.ok) throw new Error(`pgbench -i failed: ${init.stderr}`);
    await comment(admin, name, marker);
  }
  const threads = String(load.threads);
  const clients = String(load.connections);
  const out = await run("pgbench", [
    ...conn,
    "-S",
    "-n",
    "-c",
    clients,
    "-j",
    threads,
    "-T",
    String(load.duration),
    name,
  ]);
  const tps = out.stdout.match(/tps = ([\d.]+) \(without initial connection time\)/);
  if (!out.ok || !tps) throw new Error(`pgbench -S failed: ${out.stderr || out.stdout}`);
  return Number(tps[1]);
}

// --------------------------------------------------------------------------- run

interface Hawk {
  id: string;
  key: string;
}

interface Row extends WrkResult {
  name: string;
  target: Endpoint["target"];
  peakRssMb: number;
  ofPgbench: number;
  ofHello: number;
}

async function sampleIds(name: string) {
  const sql = connect(dbUrl(name), { max: 1 });
  try {
    const companies = (await sql<{ id: string }[]>`
      select id::text from company_company tablesample system (5) limit 2000`).map((r) => r.id);
    const [{ present }] = await sql<{ present: boolean }[]>`
      select to_regclass('interaction_interaction') is not null as present`;
    const withInteractions = present
      ? (await sql<{ id: string }[]>`
        select distinct company_id::text as id from interaction_interaction
        tablesample system (5) where company_id is not null limit 2000`).map((r) => r.id)
      : [];
    const [{ projects: hasProjects }] = await sql<{ projects: boolean }[]>`
      select to_regclass('investment_investmentproject') is not null as projects`;
    const projects = hasProjects
      ? (await sql<{ id: string }[]>`
        select id::text from investment_investmentproject tablesample system (5) limit 2000`)
        .map((r) => r.id)
      : [];
    return { companies, withInteractions, projects };
  } finally {
    await sql.end();
  }
}

function endpointsFor(paths: Set<string>, ids: Awaited<ReturnType<typeof sampleIds>>) {
  const terms = [...FIRST_NAMES.slice(0, 10), ...LAST_NAMES.slice(0, 10), "Atlas", "Phoenix"]
    .map(encodeURIComponent);
  const rng = random(7);
  const endpoints: Endpoint[] = [
    {
      name: "GET /v4/company/{id}",
      method: "GET",
      paths: ids.companies.map((id) => `/v4/company/${id}`),
      auth: "bearer",
      target: "detail",
    },
    {
      name: "GET /v4/company?limit=100",
      method: "GET",
      paths: ["/v4/company?limit=100"],
      auth: "bearer",
      target: "list",
    },
  ];
  const skipped: string[] = [];
  if (paths.has("/v4/interaction") && ids.withInteractions.length) {
    endpoints.push({
      name: "GET /v4/interaction?company_id=",
      method: "GET",
      paths: ids.withInteractions.map((id) => `/v4/interaction?company_id=${id}`),
      auth: "bearer",
      target: "list",
    });
  } else skipped.push("GET /v4/interaction (no interaction routes or rows on this branch)");
  if (paths.has("/v4/search/company")) {
    // Free text plus two filters, at the two page sizes the issue names.
    for (const limit of [10, 100]) {
      endpoints.push({
        name: `POST /v4/search/company (limit ${limit})`,
        method: "POST",
        paths: ["/v4/search/company"],
        bodies: Array.from({ length: 50 }, () =>
          JSON.stringify({
            original_query: decodeURIComponent(rng.pick(terms)),
            archived: false,
            uk_based: rng.chance(0.5),
            limit,
          })),
        auth: "bearer",
        target: "list",
      });
    }
  } else skipped.push("POST /v4/search/company (no company search app on this branch)");
  // The other collections as the front end calls them: a default page or a term.
  const collections: [string, string, () => Record<string, unknown>][] = [
    [
      "/v3/search/contact",
      "contact",
      () =>
        rng.chance(0.5)
          ? { sortby: "modified_on:desc", archived: false }
          : { original_query: decodeURIComponent(rng.pick(terms)) },
    ],
    [
      "/v3/search/interaction",
      "interaction",
      () =>
        rng.chance(0.5)
          ? { sortby: "date:desc", was_policy_feedback_provided: rng.chance(0.5) }
          : { original_query: rng.pick(["meeting", "export", "tariff", "review"]) },
    ],
    ["/v4/search/adviser", "adviser", () => ({
      original_query: decodeURIComponent(rng.pick(terms)),
    })],
  ];
  for (const [path, name, body] of collections) {
    if (!paths.has(path)) {
      skipped.push(`POST ${path} (no ${name} search app on this branch)`);
      continue;
    }
    endpoints.push({
      name: `POST ${path} (limit 10)`,
      method: "POST",
      paths: [path],
      bodies: Array.from({ length: 50 }, () => JSON.stringify({ ...body(), limit: 10 })),
      auth: "bearer",
      target: "list",
    });
  }
  if (paths.has("/v3/investment") && ids.projects.length) {
    endpoints.push(
      {
        name: "GET /v3/investment/{id}",
        method: "GET",
        paths: ids.projects.map((id) => `/v3/investment/${id}`),
        auth: "bearer",
        target: "detail",
      },
      {
        name: "GET /v3/investment?limit=100",
        method: "GET",
        paths: ["/v3/investment?limit=100"],
        auth: "bearer",
        target: "list",
      },
      {
        name: "POST /v3/search/investment_project (limit 10)",
        method: "POST",
        paths: ["/v3/search/investment_project"],
        bodies: Array.from(
          { length: 50 },
          () => JSON.stringify({ original_query: decodeURIComponent(rng.pick(terms)), limit: 10 }),
        ),
        auth: "bearer",
        target: "list",
      },
    );
  } else skipped.push("investment projects (no project routes or rows on this branch)");
  endpoints.push(
    {
      name: "GET /v3/search?term=",
      method: "GET",
      paths: terms.map((t) => `/v3/search?term=${t}`),
      auth: "bearer",
      target: "list",
    },
    {
      name: "GET /v4/metadata/country (Hawk)",
      method: "GET",
      paths: ["/v4/metadata/country"],
      auth: "hawk",
      target: "detail",
    },
  );
  return {
    endpoints: endpoints.filter((e) => !only || only.some((o) => e.name.includes(o))),
    skipped,
  };
}

const fixed = (n: number, digits = 1) => n.toFixed(digits);

function table(rows: Row[], ceilings: { pgbench: number; hello: WrkResult }) {
  const header = [
    "endpoint",
    "req/s",
    "p50 ms",
    "p99 ms",
    "errors",
    "peak RSS MB",
    "÷ pgbench",
    "÷ hello",
  ];
  const lines = [
    ...rows.map((r) => [
      r.name,
      fixed(r.rps, 0),
      fixed(r.p50Ms, 2),
      fixed(r.p99Ms, 2),
      String(r.errors),
      fixed(r.peakRssMb, 0),
      `${fixed(r.ofPgbench * 100)}%`,
      `${fixed(r.ofHello * 100)}%`,
    ]),
    ["pgbench -S (ceiling)", fixed(ceilings.pgbench, 0), "", "", "", "", "100%", ""],
    [
      "Deno.serve hello (ceiling)",
      fixed(ceilings.hello.rps, 0),
      fixed(ceilings.hello.p50Ms, 2),
      fixed(ceilings.hello.p99Ms, 2),
      String(ceilings.hello.errors),
      "",
      "",
      "100%",
    ],
  ];
  const cells = [header, ...lines];
  const widths = header.map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  const render = (c: string[]) =>
    `| ${c.map((v, i) => (i ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join(" | ")} |`;
  return [
    render(header),
    `|${widths.map((w, i) => (i ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`,
    ...lines.map(render),
  ].join("\n");
}

function verdicts(rows: Row[], ceilings: { pgbench: number }) {
  const out: string[] = [];
  for (const r of rows) {
    if (r.target === "detail" && r.name.startsWith("GET /v4/company/")) {
      out.push(
        `${r.name}: ${fixed(r.ofPgbench * 100)}% of pgbench -S (target ≥ 25%): ` +
          (r.ofPgbench >= 0.25 ? "met" : "MISSED"),
      );
    }
    if (r.requests === 0) {
      // wrk reports neither latency nor timeouts when nothing completed in the run.
      out.push(`${r.name}: no request completed within the run: MISSED`);
    } else if (r.target === "list") {
      out.push(
        `${r.name}: p99 ${fixed(r.p99Ms, 2)} ms (target ≤ 50 ms at the large scale): ` +
          (r.p99Ms <= 50 ? "met" : "MISSED"),
      );
    }
    if (r.errors) out.push(`${r.name}: ${r.errors} errors (target 0): MISSED`);
  }
  const peak = Math.max(0, ...rows.map((r) => r.peakRssMb));
  out.push(
    `API peak RSS ${fixed(peak, 0)} MB (target ≤ 150 MB): ${peak <= 150 ? "met" : "MISSED"}`,
  );
  out.push(`pgbench -S ceiling: ${fixed(ceilings.pgbench, 0)} TPS`);
  return out;
}

/** Issue #22's rows: each endpoint's figure as a ratio of its same-run ceiling, and RSS. */
const HOT_PATH_TARGETS: {
  name: string;
  measure: (r: Row) => { figure: string; met: boolean };
  target: string;
}[] = [
  {
    name: "GET /v4/company/{id}",
    target: "≥ 25% of pgbench -S",
    measure: (r) => ({
      figure: `${fixed(r.ofPgbench * 100)}% of pgbench -S`,
      met: r.ofPgbench >= 0.25,
    }),
  },
  {
    name: "GET /v4/company?limit=100",
    target: "p99 ≤ 100 ms",
    measure: (r) => ({ figure: `p99 ${fixed(r.p99Ms)} ms`, met: r.p99Ms <= 100 && r.requests > 0 }),
  },
  {
    name: "GET /v4/interaction?company_id=",
    target: "≥ 10% of pgbench -S",
    measure: (r) => ({
      figure: `${fixed(r.ofPgbench * 100)}% of pgbench -S`,
      met: r.ofPgbench >= 0.1,
    }),
  },
  {
    name: "GET /v4/metadata/country (Hawk)",
    target: "≥ 20% of hello",
    measure: (r) => ({ figure: `${fixed(r.ofHello * 100)}% of hello`, met: r.ofHello >= 0.2 }),
  },
];

interface RssReport {
  afterStartMb: number;
  peakMb: number;
  afterLoadMb: number;
}

function hotPathTable(rows: Row[], rss: RssReport): string {
  const lines: string[][] = [["endpoint", "req/s", "p99 ms", "ratio", "target", "verdict"]];
  for (const t of HOT_PATH_TARGETS) {
    const r = rows.find((row) => row.name === t.name);
    if (!r) continue;
    const { figure, met } = t.measure(r);
    lines.push([
      t.name,
      fixed(r.rps, 0),
      fixed(r.p99Ms, 1),
      figure,
      t.target,
      met ? "met" : "MISSED",
    ]);
  }
  lines.push([
    "API RSS: after start / peak / after load",
    "",
    "",
    `${fixed(rss.afterStartMb, 0)} / ${fixed(rss.peakMb, 0)} / ${fixed(rss.afterLoadMb, 0)} MB`,
    "peak ≤ 150 MB",
    rss.peakMb <= 150 ? "met" : "MISSED",
  ]);
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const render = (l: string[]) =>
    `| ${
      l.map((v, i) => (i && i < 3 ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join(" | ")
    } |`;
  return [
    render(lines[0]),
    `|${
      widths.map((w, i) => (i && i < 3 ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")
    }|`,
    ...lines.slice(1).map(render),
  ].join("\n");
}

async function machine() {
  const cpu = (await Deno.readTextFile("/proc/cpuinfo")).match(/model name\s*:\s*(.*)/)?.[1];
  const memKb = Number(
    (await Deno.readTextFile("/proc/meminfo")).match(/MemTotal:\s+(\d+)/)?.[1] ?? 0,
  );
  return {
    cpu,
    cores: navigator.hardwareConcurrency,
    memoryGb: Math.round(memKb / 1024 / 1024),
    deno: Deno.version.deno,
    wrk: (await run("wrk", ["--version"])).stdout.split("\n")[0].trim(),
  };
}

async function main() {
  await requireTools();
  const sizes = SCALES[scale];
  const name = Deno.env.get("BENCH_DATABASE") ?? `dh_bench_${scale}`;
  const admin = connect(ADMIN_URL, { max: 1 });
  const resultsDir = new URL("./results/", import.meta.url);
  await Deno.mkdir(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  let api: Server | undefined;
  let hello: Server | undefined;
  try {
    const [{ version }] = await admin<{ version: string }[]>`select version()`;
    const seeded = await prepareBenchDatabase(admin, name, sizes);

    const env: Record<string, string> = {
      DATABASE_URL: dbUrl(name),
      LOG_LEVEL: "warn",
      REDIS_BASE_URL: REDIS_URL,
      SEARCH_BACKEND: "postgres",
    };
    const email = `bench-${crypto.randomUUID().slice(0, 8)}@example.test`;
    await cli(env, "create-adviser", "--email", email, "--first-name", "Bench", "--superuser");
    const token = await cli(env, "add-access-token", email, "--hours", "24");
    const hawk = { id: "bench-frontend", key: crypto.randomUUID() + crypto.randomUUID() };

    log("starting the API (deno run -A main.ts)");
    api = await spawnServer(
      // With `deno task start`'s V8 flags (the compiled binary's too), read from deno.json so
      // the bench cannot drift from production: its memory is what production's would be.
      ["run", "-A", await startV8Flags(), "main.ts"],
      {
        ...env,
        DATA_HUB_FRONTEND_ACCESS_KEY_ID: hawk.id,
        DATA_HUB_FRONTEND_SECRET_ACCESS_KEY: hawk.key,
      },
      "/pingdom/ping.xml",
      fileOf(new URL(`api-${stamp}.log`, resultsDir)),
    );
    const base = `http://127.0.0.1:${api.port}`;
    const afterStart = await memory(api.pid);
    log(`API RSS after start: ${fixed(afterStart.rssMb, 0)} MB`);
    log(`idle probe: each request ${IDLE_REQUESTS} times, one at a time`);
    const idle = await idleProbe(base, token, idleProbes(await probeSamples(name)));
    console.log(
      `\nIdle search latency, scale ${scale} (${sizes.companies} companies, ${sizes.contacts} ` +
        `contacts, ${sizes.interactions} interactions, ${sizes.advisers} advisers), ` +
        `${new Date().toISOString()}\n`,
    );
    console.log(idleTable(idle));
    const slow = idle.filter((r) => r.p99Ms > 50 || r.status !== 200);
    console.log(
      slow.length
        ? `\nidle p99 ≤ 50 ms: MISSED by ${
          slow.map((r) => `${r.name} (${fixed(r.p99Ms)} ms)`).join(", ")
        }`
        : "\nidle p99 ≤ 50 ms: met by every request",
    );
    if (!seeded.reused) console.log(`seeding took ${fixed(seeded.totalMs / 1000)} s`);
    for (const step of seeded.steps.filter((s) => s.entity.startsWith("search index"))) {
      console.log(
        `${step.entity}: ${step.rows} in ${fixed(step.ms / 1000)} s (${
          fixed(step.rows / Math.max(step.ms / 1000, 0.001), 0)
        }/s)`,
      );
    }
    if (flags["idle-only"]) {
      const resultPath = new URL(`${stamp}-${scale}-idle.json`, resultsDir);
      await Deno.writeTextFile(
        resultPath,
        JSON.stringify({ when: new Date().toISOString(), scale, sizes, seeded, idle }, null, 2) +
          "\n",
      );
      log(`written ${fileOf(resultPath)}`);
      return;
    }

    log("measuring the ceilings: bare Deno.serve hello, then pgbench -S");
    hello = await spawnServer(
      ["run", "-A", "bench/hello.ts"],
      {},
      "/",
      fileOf(new URL(`hello-${stamp}.log`, resultsDir)),
    );
    const helloResult = await measure(
      `http://127.0.0.1:${hello.port}/`,
      `wrk.headers["Accept"] = "application/json"\n${DONE_HOOK}`,
    );
    await hello.stop();
    hello = undefined;
    const pgbench = await pgbenchTps(admin);
    log(`  hello ${fixed(helloResult.rps, 0)} req/s; pgbench -S ${fixed(pgbench, 0)} TPS`);

    const openapi = await (await fetch(`${base}/openapi.json`)).json();
    const { endpoints, skipped } = endpointsFor(
      new Set(Object.keys(openapi.paths)),
      await sampleIds(name),
    );
    for (const s of skipped) log(`skipping ${s}`);

    const rows: Row[] = [];
    for (const endpoint of endpoints) {
      log(`loading ${endpoint.name} (${load.connections} connections, ${load.duration} s)`);
      const result = await measure(base, await wrkScript(endpoint, { token, hawk }, api.port));
      const { peakMb } = await memory(api.pid);
      rows.push({
        ...result,
        name: endpoint.name,
        target: endpoint.target,
        peakRssMb: peakMb,
        ofPgbench: result.rps / pgbench,
        ofHello: result.rps / helloResult.rps,
      });
      log(
        `  ${fixed(result.rps, 0)} req/s, p99 ${
          fixed(result.p99Ms, 2)
        } ms, ${result.errors} errors`,
      );
    }

    // What the API keeps once the load is over (after a moment for the collector).
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const afterLoad = await memory(api.pid);
    const rss: RssReport = {
      afterStartMb: afterStart.rssMb,
      peakMb: afterLoad.peakMb,
      afterLoadMb: afterLoad.rssMb,
    };
    const ceilings = { pgbench, hello: helloResult };
    const when = new Date().toISOString();
    const loadAverage = (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3);
    const about = await machine();
    console.log(
      `\nData Hub API load, scale ${scale} (${sizes.companies} companies, ${sizes.contacts} ` +
        `contacts, ${sizes.interactions} interactions requested), ${when}`,
    );
    console.log(
      `${about.cores} cores, ${about.memoryGb} GB, ${about.cpu}; Deno ${about.deno}; ` +
        `${version.split(" on ")[0]}; ${about.wrk}; ${load.connections} connections, ` +
        `${load.threads} threads, ${load.duration} s per endpoint after ${load.warmup} s warm-up\n`,
    );
    console.log(table(rows, ceilings));
    console.log(
      `\nHot paths and memory (issue #22), against the same run's ceilings: pgbench -S ${
        fixed(pgbench, 0)
      } TPS, hello ${fixed(helloResult.rps, 0)} req/s; load average ${loadAverage.join(" ")}\n`,
    );
    console.log(hotPathTable(rows, rss));
    console.log("");
    for (const line of verdicts(rows, ceilings)) console.log(line);
    for (const s of skipped) console.log(`skipped: ${s}`);
    for (const step of seeded.steps.filter((s) => s.note)) {
      console.log(`seeding: ${step.entity} ${step.note}`);
    }
    if (!seeded.reused) console.log(`seeding took ${fixed(seeded.totalMs / 1000)} s`);

    const resultPath = new URL(`${stamp}-${scale}.json`, resultsDir);
    await Deno.writeTextFile(
      resultPath,
      JSON.stringify(
        {
          when,
          scale,
          sizes,
          load,
          machine: { ...about, postgres: version },
          seeded,
          ceilings,
          loadAverage,
          rss,
          idle,
          rows,
          skipped,
        },
        null,
        2,
      ) + "\n",
    );
    log(`written ${fileOf(resultPath)}`);
  } finally {
    await api?.stop();
    await hello?.stop();
    await admin.end();
  }
}

function fileOf(url: URL): string {
  return decodeURIComponent(url.pathname);
}

await main();

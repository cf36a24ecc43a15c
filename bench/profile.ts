/**
 * Where the API spends its CPU and memory under concurrent load: starts the API (as
 * bench/load.ts does, plus `--inspect`), drives one endpoint or several in turn with wrk,
 * takes a V8 CPU profile over the inspector during each one's measured seconds and prints
 * the functions with the most self time, wrk's figures, and memory: after start and after
 * each endpoint, RSS split into V8's heap, mapped files, malloc's brk heap and other
 * anonymous memory; at the end RSS after start, peak and after load, and the heap after a
 * full collection.
 *
 *   BENCH_DATABASE=dh_mine deno run -A bench/profile.ts --endpoint detail[,list,…] \
 *     [--seconds 10] [--warmup 5] [--connections 64] [--top 40] [--no-profile] \
 *     [--v8-flags=--optimize-for-size,--max-semi-space-size=2] [--env NAME=value …]
 *
 * Endpoints: detail (GET /v4/company/{id}), list (GET /v4/company?limit=100),
 * interactions (GET /v4/interaction?company_id=), search-company, search-interaction,
 * project-detail, projects (GET /v3/investment?limit=100), search-project,
 * search-global (GET /v3/search?term=), metadata (GET /v4/metadata/country, Hawk).
 * `--env` passes variables to the API (e.g. MALLOC_ARENA_MAX=2). Uses a superuser token
 * it creates in the database (kept for reruns).
 */
import { parseArgs } from "node:util";
import { connect } from "../src/db/pool.ts";
import { inspector } from "./inspector.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  strict: true,
  options: {
    endpoint: { type: "string", default: "detail" },
    env: { type: "string", multiple: true, default: [] },
    "v8-flags": { type: "string", default: "--optimize-for-size,--max-semi-space-size=2" },
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "5" },
    connections: { type: "string", default: "64" },
    top: { type: "string", default: "40" },
    "no-profile": { type: "boolean", default: false },
  },
});
const ROOT = new URL("../", import.meta.url);
const ADMIN_URL = Deno.env.get("BENCH_ADMIN_URL") ??
  "postgres://postgres@127.0.0.1:5432/postgres";
const name = Deno.env.get("BENCH_DATABASE");
if (!name) throw new Error("BENCH_DATABASE names a seeded copy (createdb -T dh_bench_default)");
const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;
const sql = connect(url.toString(), { max: 1 });

const email = "profile-bench@example.test";
await sql`
  insert into company_advisor
    (id, email, sso_email_user_id, first_name, last_name, is_active, is_superuser)
  values (gen_random_uuid(), ${email}, ${email}, 'Profile', 'Bench', true, true)
  on conflict do nothing`;
const cli = await new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", "cli.ts", "add-access-token", email, "--hours", "24"],
  cwd: ROOT,
  env: { DATABASE_URL: url.toString(), LOG_LEVEL: "warn" },
  stdout: "piped",
  stderr: "piped",
}).output();
if (!cli.success) throw new Error(new TextDecoder().decode(cli.stderr));
const bearer = new TextDecoder().decode(cli.stdout).trim();

const ids = async (query: ReturnType<typeof sql>) =>
  (await (query as unknown as Promise<{ id: string }[]>)).map((r) => r.id);
const sample = async (query: ReturnType<typeof sql>, path: (id: string) => string) =>
  (await ids(query)).map(path);
const terms = ["Smith", "Jones", "Atlas", "Phoenix", "Taylor", "Brown"];
const bodies = (make: (term: string) => object) => terms.map((t) => JSON.stringify(make(t)));
/** Each endpoint: its request targets, and bodies when it is a POST. */
const ENDPOINTS: Record<string, () => Promise<{ paths: string[]; bodies?: string[] }>> = {
  detail: async () => ({
    paths: await sample(
      sql`select id::text from company_company tablesample system (5) limit 2000`,
      (id) => `/v4/company/${id}`,
    ),
  }),
  list: () => Promise.resolve({ paths: ["/v4/company?limit=100"] }),
  interactions: async () => ({
    paths: await sample(
      sql`select distinct company_id::text as id from interaction_interaction
        tablesample system (5) where company_id is not null limit 2000`,
      (id) => `/v4/interaction?company_id=${id}`,
    ),
  }),
  "search-company": () =>
    Promise.resolve({
      paths: ["/v4/search/company"],
      bodies: bodies((t) => ({ original_query: t, archived: false, limit: 100 })),
    }),
  "search-interaction": () =>
    Promise.resolve({
      paths: ["/v3/search/interaction"],
      bodies: bodies((t) => ({ original_query: t, limit: 10 })),
    }),
  "project-detail": async () => ({
    paths: await sample(
      sql`select id::text from investment_investmentproject tablesample system (5) limit 2000`,
      (id) => `/v3/investment/${id}`,
    ),
  }),
  projects: () => Promise.resolve({ paths: ["/v3/investment?limit=100"] }),
  "search-project": () =>
    Promise.resolve({
      paths: ["/v3/search/investment_project"],
      bodies: bodies((t) => ({ original_query: t, limit: 10 })),
    }),
  "search-global": () => Promise.resolve({ paths: terms.map((t) => `/v3/search?term=${t}`) }),
  metadata: () => Promise.resolve({ paths: ["/v4/metadata/country"] }),
};
const endpoints = flags.endpoint.split(",").map((e) => e.trim());
const targets = new Map<string, { paths: string[]; bodies?: string[] }>();
for (const endpoint of endpoints) {
  const make = ENDPOINTS[endpoint];
  if (!make) throw new RangeError(`unknown --endpoint ${endpoint}: ${Object.keys(ENDPOINTS)}`);
  targets.set(endpoint, await make());
}
await sql.end();

const freePort = () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = l.addr as Deno.NetAddr;
  l.close();
  return port;
};
const port = freePort();
const inspectPort = freePort();
const hawk = { id: "profile-frontend", key: crypto.randomUUID() + crypto.randomUUID() };
const extraEnv = Object.fromEntries(flags.env.map((kv) => {
  const at = kv.indexOf("=");
  if (at < 1) throw new RangeError(`--env takes NAME=value, got "${kv}"`);
  return [kv.slice(0, at), kv.slice(at + 1)];
}));
const child = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "-A",
    `--inspect=127.0.0.1:${inspectPort}`,
    ...(flags["v8-flags"] ? [`--v8-flags=${flags["v8-flags"]}`] : []),
    "main.ts",
  ],
  cwd: ROOT,
  env: {
    DATABASE_URL: url.toString(),
    LOG_LEVEL: "warn",
    REDIS_BASE_URL: Deno.env.get("BENCH_REDIS_URL") ?? "redis://127.0.0.1:6379",
    SEARCH_BACKEND: "postgres",
    PORT: String(port),
    DATA_HUB_FRONTEND_ACCESS_KEY_ID: hawk.id,
    DATA_HUB_FRONTEND_SECRET_ACCESS_KEY: hawk.key,
    ...extraEnv,
  },
  stdin: "null",
  stdout: "piped",
  stderr: "piped",
}).spawn();
// The API's log (warnings and errors only, LOG_LEVEL=warn) goes to bench/results/.
const logUrl = new URL("./results/profile-api.log", import.meta.url);
await Deno.mkdir(new URL("./results/", import.meta.url), { recursive: true });
const logFile = await Deno.open(logUrl, { create: true, write: true, truncate: true });
const sink = () => new WritableStream<Uint8Array>({ write: (b) => logFile.write(b).then() });
const piping = Promise.all([child.stdout.pipeTo(sink()), child.stderr.pipeTo(sink())]);

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
const memory = async () => {
  const status = await Deno.readTextFile(`/proc/${child.pid}/status`);
  const kb = (f: string) => Number(status.match(new RegExp(`${f}:\\s+(\\d+)`))?.[1] ?? 0);
  return { rss: Math.round(kb("VmRSS") / 1024), peak: Math.round(kb("VmHWM") / 1024) };
};
/** Resident memory by kind of mapping: files (code), the brk heap, anonymous mappings. */
const mappings = async () => {
  const smaps = await Deno.readTextFile(`/proc/${child.pid}/smaps`);
  const kinds = { file: 0, brk: 0, anon: 0 };
  let kind: keyof typeof kinds = "anon";
  for (const line of smaps.split("\n")) {
    const head = line.match(/^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/);
    if (head) {
      const name = head[1];
      kind = name === "[heap]" ? "brk" : name && !name.startsWith("[") ? "file" : "anon";
    } else if (line.startsWith("Rss:")) kinds[kind] += Number(line.split(/\s+/)[1]) * 1024;
  }
  return kinds;
};

try {
  const deadline = Date.now() + 120_000;
  while (true) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/pingdom/ping.xml`);
      await r.body?.cancel();
      if (r.ok) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error("API did not start");
    await new Promise((r) => setTimeout(r, 200));
  }
  const inspect = await inspector(inspectPort);
  /** RSS, V8's heap (committed, used) and the mappings' split, without collecting. */
  const breakdown = async () => {
    const [v8, kinds] = await Promise.all([inspect.memoryNow(), mappings()]);
    return `RSS ${mb(v8.rss)} MB: V8 heap ${mb(v8.heapTotal)} MB committed (${
      mb(v8.heapUsed)
    } used), external ${mb(v8.external)} MB; mapped files ${mb(kinds.file)} MB, brk heap ${
      mb(kinds.brk)
    } MB, anonymous ${mb(kinds.anon)} MB`;
  };
  const afterStart = await memory();
  console.log(`after start: ${await breakdown()}`);

  const hawkLua = `${await Deno.readTextFile(new URL("./wrk/hawk.lua", import.meta.url))}
local sign = hawk_signer(${JSON.stringify(hawk.id)}, ${JSON.stringify(hawk.key)})\n`;
  const wrk = async (endpoint: string, seconds: string) => {
    const { paths, bodies } = targets.get(endpoint)!;
    const signed = endpoint === "metadata";
    const script = `${signed ? hawkLua : ""}
local paths = {${paths.map((p) => JSON.stringify(p)).join(",\n")}}
local bodies = {${(bodies ?? []).map((b) => JSON.stringify(b)).join(",\n")}}
local counter, threads = 0, 0
setup = function(thread) threads = threads + 1; thread:set("thread_id", threads) end
init = function(args) run_tag = args[1]; math.randomseed(os.time() + thread_id * 7919) end
request = function()
  local path = paths[math.random(#paths)]
  local headers = { ["Accept"] = "application/json" }
  ${
      signed
        ? `counter = counter + 1
  headers["Authorization"] = sign("GET", path, "127.0.0.1", "${port}",
    run_tag .. "-" .. thread_id .. "-" .. counter)`
        : `headers["Authorization"] = ${JSON.stringify(`Bearer ${bearer}`)}`
    }
  if #bodies > 0 then
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", path, headers, bodies[math.random(#bodies)])
  end
  return wrk.format("GET", path, headers)
end
done = function(summary, latency, requests)
  io.write(string.format('\\nRESULT %d %d %d %d %d %d\\n', summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), summary.errors.status,
    summary.errors.timeout + summary.errors.read + summary.errors.connect))
end`;
    const scriptPath = await Deno.makeTempFile({ suffix: ".lua" });
    await Deno.writeTextFile(scriptPath, script);
    try {
      const out = await new Deno.Command("wrk", {
        args: [
          "-t2",
          `-c${flags.connections}`,
          `-d${seconds}s`,
          "--timeout",
          "5s",
          "-s",
          scriptPath,
          `http://127.0.0.1:${port}`,
          "--",
          crypto.randomUUID().slice(0, 8),
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const line = new TextDecoder().decode(out.stdout).split("\n").find((l) =>
        l.startsWith("RESULT ")
      );
      if (!line) throw new Error(`wrk: ${new TextDecoder().decode(out.stderr)}`);
      const [n, us, p50, p99, status, socket] = line.split(" ").slice(1).map(Number);
      return { rps: n / (us / 1e6), p50: p50 / 1000, p99: p99 / 1000, status, socket };
    } finally {
      await Deno.remove(scriptPath);
    }
  };
  const profiling = !flags["no-profile"];
  const profiles = [];
  for (const endpoint of endpoints) {
    if (Number(flags.warmup) > 0) await wrk(endpoint, flags.warmup);
    if (profiling) await inspect.startProfile();
    const result = await wrk(endpoint, flags.seconds);
    if (profiling) profiles.push(await inspect.stopProfile());
    console.log(
      `${endpoint}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50.toFixed(1)} ms, p99 ${
        result.p99.toFixed(1)
      } ms, non-2xx ${result.status}, socket errors ${result.socket}; load ${
        (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ")
      }`,
    );
    console.log(`  peak so far ${(await memory()).peak} MB; now ${await breakdown()}`);
  }
  const peak = await memory();
  const after = await inspect.memoryAfterGc();
  inspect.close();

  console.log(
    `RSS after start ${afterStart.rss} MB, peak ${peak.peak} MB, after load ${peak.rss} MB; ` +
      `after GC: heap used ${mb(after.heapUsed)} MB of ${mb(after.heapTotal)} MB, external ${
        mb(after.external)
      } MB, rss ${mb(after.rss)} MB`,
  );
  for (const profile of profiles) printProfile(profile, Number(flags.top));
} finally {
  child.kill("SIGTERM");
  await child.status;
  await piping.catch(() => {});
  logFile.close();
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Self time by function (and in total by file), from a CDP CPU profile. */
function printProfile(
  profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] },
  top: number,
) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  );
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const short = url.replace(/^.*\/(node_modules|src|ext|hotpaths)\//, "$1/");
    const key = `${functionName || "(anonymous)"} ${short}:${lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    const f = short.replace(/:\d+$/, "") || functionName;
    file.set(f, (file.get(f) ?? 0) + us);
  }
  const show = (m: Map<string, number>, n: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).forEach(([k, us]) =>
      console.log(`${(us / total * 100).toFixed(1).padStart(5)}%  ${k}`)
    );
  console.log(`\nself time by function (${(total / 1e6).toFixed(1)} s sampled):`);
  show(fn, top);
  console.log("\nself time by file:");
  show(file, 25);
  // Who the heaviest functions are called from: self time by call path (4 frames up).
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (id: number) => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    return `${functionName || "(anon)"}@${url.replace(/^.*\//, "")}:${lineNumber + 1}`;
  };
  const paths = new Map<string, number>();
  for (const [id, us] of self) {
    const chain: string[] = [];
    for (
      let at: number | undefined = id;
      at !== undefined && chain.length < 6;
      at = parent.get(at)
    ) {
      chain.push(label(at));
    }
    const key = chain.join(" < ");
    paths.set(key, (paths.get(key) ?? 0) + us);
  }
  console.log("\nself time by call path:");
  show(paths, top);
}

/**
 * In-process cost of the idle probe's search calls (bench/load.ts): each request first on
 * a fresh search backend (cold: no counts kept in memory, as a new process's first
 * request), then `--requests` times warm, one at a time with `app.request()`, so a change
 * to the search engine can be compared before and after without wrk, sockets or the
 * other processes' scheduling noise.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/dh_mine \
 *     deno run -A bench/search_cost.ts [--requests 20] [--cold 3] [--only global]
 */
import { parseArgs } from "node:util";
import { createApp } from "../src/http/app.ts";
import { registry } from "../src/domains.ts";
import { inProcessRuntime } from "./in_process.ts";
import { LAST_NAMES } from "./seed.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  strict: true,
  options: {
    requests: { type: "string", default: "20" },
    cold: { type: "string", default: "3" },
    only: { type: "string" },
    // Marks each phase in PostgreSQL's log (`select 'mark …'`), so a log of every
    // statement (log_min_duration_statement = 0, auto_explain) can be cut per request.
    mark: { type: "boolean", default: false },
  },
});

const { runtime, sql, token } = await inProcessRuntime();
const [sample] = await sql<{ number: string; email: string; adviser: string }[]>`
  select (select company_number from company_company where company_number is not null
      order by id limit 1) as number,
    (select email from company_contact order by id limit 1) as email,
    (select first_name from company_advisor where first_name <> '' order by id limit 1) as adviser`;

type Probe = [name: string, path: string, body?: Record<string, unknown>];
const page = { limit: 10 };
const probes: Probe[] = [
  ["companies page", "/v4/search/company", { ...page, sortby: "modified_on:desc" }],
  ["companies page, archived", "/v4/search/company", {
    ...page,
    sortby: "modified_on:desc",
    archived: false,
  }],
  ["contacts page, archived", "/v3/search/contact", {
    ...page,
    sortby: "modified_on:desc",
    archived: false,
  }],
  ["interactions page", "/v3/search/interaction", { ...page, sortby: "date:desc" }],
  ["interactions page, feedback", "/v3/search/interaction", {
    ...page,
    sortby: "date:desc",
    was_policy_feedback_provided: false,
  }],
  ["company ltd", "/v4/search/company", { ...page, original_query: "ltd", archived: false }],
  ["company rare", "/v4/search/company", {
    ...page,
    original_query: sample.number,
    archived: false,
  }],
  ["company Smith uk_based", "/v4/search/company", {
    ...page,
    original_query: "Smith",
    archived: false,
    uk_based: true,
  }],
  ["contact Smith", "/v3/search/contact", { ...page, original_query: LAST_NAMES[0] }],
  ["contact e-mail", "/v3/search/contact", { ...page, original_query: sample.email }],
  ["interaction meeting", "/v3/search/interaction", { ...page, original_query: "meeting" }],
  ["interaction tariff", "/v3/search/interaction", { ...page, original_query: "tariff" }],
  ["global ltd", "/v3/search?term=ltd"],
  ["global acme", "/v3/search?term=acme"],
  ["global Smith", "/v3/search?term=Smith"],
  ["global rare", `/v3/search?term=${sample.number}`],
  ["adviser", "/v4/search/adviser", { ...page, original_query: sample.adviser }],
];

const headers = {
  Authorization: `Bearer ${token}`,
  Accept: "application/json",
  "Content-Type": "application/json",
};
const request = async (app: ReturnType<typeof createApp>, [name, path, body]: Probe) => {
  const started = performance.now();
  const res = await app.request(path, {
    method: body ? "POST" : "GET",
    headers,
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  if (res.status !== 200) throw new Error(`${name}: ${res.status} ${JSON.stringify(json)}`);
  return { ms: performance.now() - started, count: json.count as number };
};

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)];
const requests = Number(flags.requests);
const colds = Number(flags.cold);
console.log(`load ${(await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ")}`);
const mark = async (text: string) => {
  if (flags.mark) await sql`select ${`mark ${text}`}::text`;
};
for (const probe of probes) {
  if (flags.only && !probe[0].includes(flags.only)) continue;
  const cold: number[] = [];
  for (let i = 0; i < colds; i++) {
    // Fresh dependencies: a new search backend, nothing kept in memory.
    const app = createApp({ ...runtime.deps }, registry.domains);
    // The route's first use (validation, routing) without the search: a 400.
    const [name, path, body] = probe;
    const invalid = await app.request(body ? path : `${path}&sortby=x`, {
      method: body ? "POST" : "GET",
      headers,
      body: body ? JSON.stringify({ ...body, limit: -1 }) : undefined,
    });
    await invalid.body?.cancel();
    if (invalid.status !== 400) throw new Error(`${name}: ${invalid.status}`);
    await mark(`${name} cold`);
    cold.push((await request(app, probe)).ms);
    await mark(`${name} end`);
  }
  const app = createApp(runtime.deps, registry.domains);
  let count = 0;
  await request(app, probe);
  const warm: number[] = [];
  for (let i = 0; i < requests; i++) {
    await mark(`${probe[0]} warm`);
    const r = await request(app, probe);
    await mark(`${probe[0]} end`);
    warm.push(r.ms);
    count = r.count;
  }
  warm.sort((a, b) => a - b);
  console.log(
    `${probe[0].padEnd(28)} cold ${cold.map((x) => x.toFixed(1)).join("/").padStart(17)} ms` +
      `  warm p50 ${percentile(warm, 0.5).toFixed(1).padStart(6)} p99 ${
        percentile(warm, 0.99).toFixed(1).padStart(6)
      }  count ${count}`,
  );
}
console.log(`load ${(await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ")}`);
await runtime.close();

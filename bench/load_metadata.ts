/**
 * How long loading the reference data takes: on a dedicated, freshly migrated database,
 * the first load (every row inserted), a second full load (every row compared, none
 * written) and a load skipped because the seed files are unchanged. Target: first load
 * under 3 s.
 *
 *   deno run -A bench/load_metadata.ts   (BENCH_DATABASE_URL overrides the server)
 */
import { connect } from "../src/db/pool.ts";
import { migrate } from "../src/db/migrate.ts";
import { loadReferenceData, type TableResult } from "../src/metadata/loader.ts";

const ADMIN_URL = Deno.env.get("BENCH_DATABASE_URL") ??
  "postgres://postgres@127.0.0.1:5432/postgres";
const TARGET_MS = 3000;

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await run();
  return [result, performance.now() - start];
}

const summary = (results: TableResult[] | null) =>
  results
    ? `${results.reduce((n, r) => n + r.rows, 0)} rows, ` +
      `${results.reduce((n, r) => n + r.changed, 0)} changed`
    : "skipped (seed unchanged)";

const name = `dh_bench_metadata_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
const admin = connect(ADMIN_URL, { max: 1 });
await admin`create database ${admin(name)}`;
const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;
const sql = connect(url.toString(), { max: 1 });
let exitCode = 0;
try {
  await migrate(sql);
  const [first, firstMs] = await timed(() => loadReferenceData(sql));
  const [second, secondMs] = await timed(() => loadReferenceData(sql));
  const [skipped, skippedMs] = await timed(() => loadReferenceData(sql, { skipIfUnchanged: true }));
  console.log(`loadReferenceData on ${url.host} (${name})`);
  console.log(`  first run:   ${firstMs.toFixed(0).padStart(6)} ms  ${summary(first)}`);
  console.log(`  second run:  ${secondMs.toFixed(0).padStart(6)} ms  ${summary(second)}`);
  console.log(`  unchanged:   ${skippedMs.toFixed(0).padStart(6)} ms  ${summary(skipped)}`);
  const ok = firstMs < TARGET_MS && secondMs < TARGET_MS;
  console.log(`  target < ${TARGET_MS} ms per run: ${ok ? "met" : "MISSED"}`);
  if (!ok) exitCode = 1;
} finally {
  await sql.end();
  await admin`drop database if exists ${admin(name)} with (force)`;
  await admin.end();
}
Deno.exit(exitCode);

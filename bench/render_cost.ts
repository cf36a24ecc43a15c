/**
 * What one render of company documents costs in PostgreSQL, by how the ids reach the
 * statement: a bare `any($1)` (PostgreSQL plans the document's subqueries again on every
 * execution, since each custom plan sees the array) against the InitPlan form
 * src/core/render.ts uses (`any((select $1)::uuid[])`: the generic plan is kept).
 * Interleaved rounds, so machine noise hits both alike.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/dh_mine deno run -A bench/render_cost.ts
 */
import { connect } from "../src/db/pool.ts";
import { companyJson } from "../src/company/queries.ts";
import type { Db } from "../src/db/pool.ts";

const sql = connect(Deno.env.get("DATABASE_URL")!, { max: 1 });
const db = sql as unknown as Db;
const ids = (await sql<{ id: string }[]>`
  select id::text from company_company tablesample system (2) limit 2000`).map((r) => r.id);
const json = companyJson(db, { documents: true, exportCountries: true, contactDocuments: true });
let k = 0;
const pick = (n: number) => {
  const at = k++ % (ids.length - n);
  return ids.slice(at, at + n);
};
const forms: Record<string, () => Promise<unknown>> = {};
for (const n of [1, 5]) {
  forms[`any($1), ${n} id(s)`] = () =>
    sql`select c.id::text as id, ${json}::text as json from company_company c
      where c.id = any(${pick(n)}::uuid[])`;
  forms[`InitPlan, ${n} id(s)`] = () =>
    sql`select c.id::text as id, ${json}::text as json from company_company c
      where c.id = any((select ${pick(n)}::uuid[])::uuid[])`;
}
const times = new Map<string, number[]>(Object.keys(forms).map((name) => [name, []]));
for (let round = 0; round < 10; round++) {
  for (const [name, run] of Object.entries(forms)) {
    const started = performance.now();
    for (let i = 0; i < 20; i++) await run();
    times.get(name)!.push((performance.now() - started) / 20);
  }
}
for (const [name, t] of times) {
  t.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(22)} median ${t[t.length >> 1].toFixed(2)} ms, best ${t[0].toFixed(2)} ms`,
  );
}
console.log(`load average ${(await Deno.readTextFile("/proc/loadavg")).split(" ")[0]}`);
await sql.end();

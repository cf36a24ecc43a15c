/**
 * What the in-process benches (bench/hot_path.ts, bench/search_cost.ts) share: the API's
 * runtime on DATABASE_URL (plus `env`), migrated, and a superuser's bearer token (created on first
 * use and kept, so reruns reuse it).
 */
import { loadConfig } from "../src/config.ts";
import { openRuntime } from "../src/runtime.ts";
import { registry } from "../src/domains.ts";
import { prepareDatabase } from "../src/db/prepare.ts";
import { insertLocalToken } from "../src/auth/queries.ts";

export async function inProcessRuntime(env: Record<string, string> = {}) {
  const runtime = await openRuntime({
    config: loadConfig({ ...Deno.env.toObject(), LOG_LEVEL: "warn", ...env }),
    contributions: registry.contributions,
  });
  const sql = runtime.db.sql;
  await prepareDatabase(sql, runtime.log, registry.contributions.afterMigrate);
  const email = "hot-path-bench@example.test";
  await sql`
    insert into company_advisor (id, email, first_name, last_name, is_active, is_superuser)
    values (gen_random_uuid(), ${email}, 'Hot', 'Path', true, true)
    on conflict do nothing`;
  const [{ id: adviserId }] = await sql<{ id: string }[]>`
    select id from company_advisor where email = ${email}`;
  const token = "hot-path-bench-token";
  await insertLocalToken(sql, adviserId, token, new Date(Date.now() + 86_400_000));
  return { runtime, sql, token };
}

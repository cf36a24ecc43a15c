/**
 * Loads the reference data shipped in `seed/reference/` (the original's ids, names,
 * order and extra columns) by upserting each row by primary key. A row is written only
 * when a value differs, so a second run changes nothing. `position` records each row's
 * place in its file: the original's default order, independent of this database's
 * collation.
 */
import type { Db, Sql } from "../db/pool.ts";
import { sha256Hex } from "../crypto.ts";
import { joinFragments } from "../db/fragments.ts";

export const SEED_DIR = new URL("../../seed/reference/", import.meta.url);

interface IndexTable {
  file: string;
  table: string;
  primary_key: string;
  rows: number;
  columns: Record<string, string>;
}

export interface TableResult {
  table: string;
  rows: number;
  changed: number;
}

/** The original's table name as our schema spells it (OMIS hyphens become underscores). */
export const tableName = (original: string) => original.replaceAll("-", "_");

const CHUNK = 500;

async function readJson<T>(name: string): Promise<T> {
  return JSON.parse(await Deno.readTextFile(new URL(name, SEED_DIR))) as T;
}

/** Tables in an order where every foreign key points to a table loaded earlier. */
function dependencyOrder(tables: IndexTable[]): IndexTable[] {
  const byName = new Map(tables.map((t) => [t.table, t]));
  const done = new Set<string>();
  const ordered: IndexTable[] = [];
  const visit = (t: IndexTable) => {
    if (done.has(t.table)) return;
    done.add(t.table);
    for (const type of Object.values(t.columns)) {
      const ref = /-> (\S+)/.exec(type)?.[1];
      const target = ref && byName.get(ref);
      if (target && target !== t) visit(target);
    }
    ordered.push(t);
  };
  tables.forEach(visit);
  return ordered;
}

/**
 * Columns loaded from the files: not many-to-many joins (loaded separately), and not
 * `auto_now` timestamps, which the database stamps on insert as the original did.
 */
function storedColumns(t: IndexTable): string[] {
  return Object.entries(t.columns)
    .filter(([, type]) => !type.startsWith("many-to-many") && !type.includes("auto_now"))
    .map(([name]) => name);
}

async function upsertRows(
  db: Db,
  table: string,
  key: string,
  columns: string[],
  rows: Record<string, unknown>[],
): Promise<number> {
  let changed = 0;
  const updatable = columns.filter((c) => c !== key);
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const target = db(table);
    const assignments = joinFragments(db, updatable.map((c) => db`${db(c)} = excluded.${db(c)}`));
    const differs = joinFragments(
      db,
      updatable.map((c) => db`${target}.${db(c)} is distinct from excluded.${db(c)}`),
      "or",
    );
    const result = await db`
      insert into ${target} ${db(chunk, ...columns)}
      on conflict (${db(key)}) do update set ${assignments}
      where ${differs}
      returning 1`;
    changed += result.count;
  }
  return changed;
}

async function loadGroups(db: Db): Promise<TableResult> {
  const groups = await readJson<
    { id: number; name: string; permissions: [string, string, string][] }[]
  >(
    "auth_group.json",
  );
  let changed = await upsertRows(db, "auth_group", "id", ["id", "name"], groups);
  const permissions = groups.flatMap((g) =>
    g.permissions.map(([codename, app_label, model]) => ({ codename, app_label, model }))
  );
  const unique = [...new Map(permissions.map((p) => [`${p.app_label}.${p.codename}`, p])).values()];
  const inserted = await db`
    insert into auth_permission ${db(unique, "codename", "app_label", "model")}
    on conflict (app_label, codename) do nothing returning 1`;
  changed += inserted.count;
  const links = groups.flatMap((g) =>
    g.permissions.map(([codename, app_label]) => ({ group_id: g.id, codename, app_label }))
  );
  const linked = await db`
    insert into auth_group_permissions (group_id, permission_id)
    select l.group_id, p.id
    from jsonb_to_recordset(${db.json(links)}) as l(group_id integer, codename text, app_label text)
    join auth_permission p on p.codename = l.codename and p.app_label = l.app_label
    on conflict do nothing returning 1`;
  changed += linked.count;
  return { table: "auth_group", rows: groups.length, changed };
}

async function loadTeamRoleGroups(db: Db): Promise<TableResult> {
  const roles = await readJson<{ id: string; groups: number[] }[]>("metadata_teamrole.json");
  const links = roles.flatMap((r) => r.groups.map((group_id) => ({ teamrole_id: r.id, group_id })));
  const result = links.length
    ? await db`
        insert into metadata_teamrole_groups ${db(links, "teamrole_id", "group_id")}
        on conflict do nothing returning 1`
    : { count: 0 };
  return { table: "metadata_teamrole_groups", rows: links.length, changed: result.count };
}

/** A fingerprint of the seed files, to skip loading when nothing changed. */
export async function seedChecksum(): Promise<string> {
  const names: string[] = [];
  for await (const e of Deno.readDir(SEED_DIR)) {
    if (e.isFile && e.name.endsWith(".json")) names.push(e.name);
  }
  names.sort();
  const parts = await Promise.all(
    names.map(async (n) => `${n}:${await sha256Hex(await Deno.readFile(new URL(n, SEED_DIR)))}`),
  );
  return await sha256Hex(parts.join("\n"));
}

export interface LoadOptions {
  /** Called after each table with its result, for progress output. */
  onTable?: (result: TableResult, index: number, total: number) => void;
  /** Skip the whole load when the seed files match the last completed load. */
  skipIfUnchanged?: boolean;
}

/**
 * Upserts every reference table in one transaction and returns per-table counts
 * (`changed` = rows inserted or updated). Returns null when skipped as unchanged.
 */
export async function loadReferenceData(
  sql: Sql,
  options: LoadOptions = {},
): Promise<TableResult[] | null> {
  const checksum = await seedChecksum();
  if (options.skipIfUnchanged) {
    const [last] = await sql<
      { checksum: string }[]
    >`select checksum from reference_data_load where id = 1`;
    if (last?.checksum === checksum) return null;
  }
  const index = await readJson<{ tables: IndexTable[] }>("index.json");
  const tables = dependencyOrder(index.tables);
  const total = tables.length + 2;
  return await sql.begin(async (tx) => {
    await tx`set local statement_timeout = 0`;
    await tx`select pg_advisory_xact_lock(7302318003)`;
    const results: TableResult[] = [];
    const report = (r: TableResult) => {
      results.push(r);
      options.onTable?.(r, results.length, total);
    };
    report(await loadGroups(tx));
    for (const t of tables) {
      const rows = (await readJson<Record<string, unknown>[]>(t.file)).map((row, position) => ({
        ...row,
        position,
      }));
      const columns = [...storedColumns(t), "position"];
      const changed = rows.length
        ? await upsertRows(tx, tableName(t.table), t.primary_key, columns, rows)
        : 0;
      report({ table: tableName(t.table), rows: rows.length, changed });
    }
    report(await loadTeamRoleGroups(tx));
    await tx`
      insert into reference_data_load (id, checksum) values (1, ${checksum})
      on conflict (id) do update set checksum = excluded.checksum, loaded_on = now()`;
    return results;
  });
}

/**
 * Forward-only SQL migrations from `migrations/NNNN_name.sql`.
 *
 * Each file runs in its own transaction and is recorded with its SHA-256, so an edit
 * to an applied file is caught before anything runs. An advisory lock serialises
 * processes that migrate at once (e.g. several containers starting together).
 */
import type postgres from "postgres";
import type { Sql } from "./pool.ts";
import { sha256Hex } from "../crypto.ts";

export const MIGRATIONS_DIR = new URL("../../migrations/", import.meta.url);
/** Arbitrary constant shared by every process of this application. */
const LOCK_KEY = 7_302_318_001;

export interface MigrationFile {
  name: string;
  checksum: string;
  sql: string;
}

export interface MigrationStatus {
  applied: { name: string; appliedOn: string }[];
  pending: string[];
  /** Applied files whose content changed since. */
  edited: string[];
  /** Recorded as applied but missing from the folder. */
  missing: string[];
}

/** Raised when migrating cannot proceed safely; the message says why. */
export class MigrationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MigrationError";
  }
}

/** Reads the migration files in name order. */
export async function readMigrations(dir: URL | string = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && /^\d{4}_[a-z0-9_]+\.sql$/.test(entry.name)) names.push(entry.name);
  }
  names.sort();
  const base = typeof dir === "string" ? dir.replace(/\/?$/, "/") : dir;
  return await Promise.all(names.map(async (name) => {
    const sql = await Deno.readTextFile(
      typeof base === "string" ? base + name : new URL(name, base),
    );
    return { name, sql, checksum: await sha256Hex(sql) };
  }));
}

async function ensureTable(sql: Sql | postgres.ReservedSql) {
  await sql`
    create table if not exists schema_migrations (
      name text primary key,
      checksum text not null,
      applied_on timestamptz not null default now()
    )`;
}

function compare(
  files: MigrationFile[],
  applied: { name: string; checksum: string; applied_on: Date }[],
): MigrationStatus {
  const byName = new Map(files.map((f) => [f.name, f]));
  const done = new Set(applied.map((a) => a.name));
  return {
    applied: applied.map((a) => ({ name: a.name, appliedOn: a.applied_on.toISOString() })),
    pending: files.filter((f) => !done.has(f.name)).map((f) => f.name),
    edited: applied.filter((a) => byName.has(a.name) && byName.get(a.name)!.checksum !== a.checksum)
      .map((a) => a.name),
    missing: applied.filter((a) => !byName.has(a.name)).map((a) => a.name),
  };
}

/** Applied, pending and edited migrations, without changing anything. */
export async function migrationStatus(
  sql: Sql,
  options: { dir?: URL | string } = {},
): Promise<MigrationStatus> {
  const files = await readMigrations(options.dir);
  const [{ exists }] = await sql<{ exists: boolean }[]>`
    select to_regclass('schema_migrations') is not null as exists`;
  const applied = exists
    ? await sql<{ name: string; checksum: string; applied_on: Date }[]>`
        select name, checksum, applied_on from schema_migrations order by name`
    : [];
  return compare(files, applied);
}

/**
 * Applies pending migrations and returns their names. Refuses (MigrationError) when an
 * applied file was edited or removed. Runs on one reserved connection holding the lock.
 */
export async function migrate(
  sql: Sql,
  options: { dir?: URL | string; onApply?: (name: string) => void } = {},
): Promise<string[]> {
  const files = await readMigrations(options.dir);
  const conn = await sql.reserve();
  try {
    // Migrations may outlast the API's statement timeout (an index on a big table).
    await conn`set statement_timeout = 0`;
    await conn`select pg_advisory_lock(${LOCK_KEY})`;
    try {
      await ensureTable(conn);
      const applied = await conn<{ name: string; checksum: string; applied_on: Date }[]>`
        select name, checksum, applied_on from schema_migrations order by name`;
      const status = compare(files, applied);
      if (status.edited.length) {
        throw new MigrationError(
          `applied migration(s) were edited since they ran: ${status.edited.join(", ")}. ` +
            "Migrations are forward-only: restore the file and add a new migration instead.",
        );
      }
      if (status.missing.length) {
        throw new MigrationError(
          `applied migration(s) are missing from the folder: ${status.missing.join(", ")}`,
        );
      }
      const ran: string[] = [];
      for (const file of files.filter((f) => status.pending.includes(f.name))) {
        await conn.unsafe("begin");
        try {
          await conn.unsafe(file.sql);
          await conn`insert into schema_migrations (name, checksum) values (${file.name}, ${file.checksum})`;
          await conn.unsafe("commit");
        } catch (error) {
          await conn.unsafe("rollback");
          throw new MigrationError(`migration ${file.name} failed: ${(error as Error).message}`, {
            cause: error,
          });
        }
        ran.push(file.name);
        options.onApply?.(file.name);
      }
      return ran;
    } finally {
      await conn`select pg_advisory_unlock(${LOCK_KEY})`;
      await conn`reset statement_timeout`;
    }
  } finally {
    conn.release();
  }
}

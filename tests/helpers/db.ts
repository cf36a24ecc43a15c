/**
 * A fresh, migrated database (with reference data) for each test file.
 *
 * On PostgreSQL: a template database named after a hash of the migrations and seed
 * files is built once (under an advisory lock, so parallel runs and worktrees share
 * it), and each test file gets `CREATE DATABASE … TEMPLATE` of it, dropped afterwards.
 * With no PostgreSQL answering (and CI unset), each test file gets an in-memory PGlite
 * restored from a dump made once per process. `emptyDatabase()` gives one with nothing in it.
 */
import postgres from "postgres";
import { connect, type Sql } from "../../src/db/pool.ts";
import { prepareDatabase } from "../../src/db/prepare.ts";
import { registry } from "../../src/domains.ts";
import { silentLogger } from "../../src/log.ts";
import { sha256Hex } from "../../src/crypto.ts";
import { startEmbedded } from "../../src/db/embedded.ts";

export interface TestDatabase {
  sql: Sql;
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

const ADMIN_URL = Deno.env.get("TEST_DATABASE_URL") ?? Deno.env.get("DATABASE_URL") ??
  "postgres://postgres@127.0.0.1:5432/postgres";
const IN_CI = Deno.env.get("CI") === "true";

async function filesHash(): Promise<string> {
  const parts: string[] = [];
  for (const dir of ["migrations", "seed"]) {
    const root = new URL(`../../${dir}/`, import.meta.url);
    const walk = async (url: URL, prefix: string) => {
      const entries = [];
      for await (const e of Deno.readDir(url)) entries.push(e);
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const e of entries) {
        if (e.isDirectory) await walk(new URL(`${e.name}/`, url), `${prefix}${e.name}/`);
        else if (e.isFile) {
          parts.push(
            `${prefix}${e.name}:${await sha256Hex(await Deno.readFile(new URL(e.name, url)))}`,
          );
        }
      }
    };
    try {
      await walk(root, `${dir}/`);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  // The cache triggers installed after migrations come from the manifests, not files.
  parts.push(JSON.stringify(registry.cacheSources));
  return (await sha256Hex(parts.join("\n"))).slice(0, 16);
}

let postgresAnswers: Promise<boolean> | undefined;
/** Whether the PostgreSQL for tests answers (checked once per process). */
export function postgresAvailable(): Promise<boolean> {
  postgresAnswers ??= (async () => {
    const probe = postgres(ADMIN_URL, { max: 1, connect_timeout: 2, onnotice: () => {} });
    try {
      await probe`select 1`;
      return true;
    } catch {
      return false;
    } finally {
      await probe.end({ timeout: 1 });
    }
  })();
  return postgresAnswers;
}

function urlFor(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

let templateReady: Promise<string> | undefined;
async function ensureTemplate(admin: Sql): Promise<string> {
  const name = `dh_tpl_${await filesHash()}`;
  const [{ exists }] = await admin<{ exists: boolean }[]>`
    select exists(select 1 from pg_database where datname = ${name}) as exists`;
  if (exists) return name;
  const lock = await admin.reserve();
  try {
    await lock`select pg_advisory_lock(7302318002)`;
    const [{ again }] = await lock<{ again: boolean }[]>`
      select exists(select 1 from pg_database where datname = ${name}) as again`;
    if (!again) {
      const building = `${name}_building`;
      await lock`drop database if exists ${lock(building)}`;
      await lock`create database ${lock(building)}`;
      const sql = connect(urlFor(building), { max: 1 });
      try {
        await prepareDatabase(sql, silentLogger, registry.contributions.afterMigrate);
      } finally {
        await sql.end();
      }
      await lock`alter database ${lock(building)} rename to ${lock(name)}`;
      await lock`update pg_database set datistemplate = true where datname = ${name}`;
    }
    await lock`select pg_advisory_unlock(7302318002)`;
  } finally {
    lock.release();
  }
  return name;
}

let embeddedDump: Promise<Blob> | undefined;
async function embeddedTemplate(): Promise<Blob> {
  const server = await startEmbedded("memory://");
  const sql = connect(server.url, { max: 1 });
  try {
    await prepareDatabase(sql, silentLogger, registry.contributions.afterMigrate);
  } finally {
    await sql.end();
  }
  const dump = await server.db.dumpDataDir("none");
  await server.stop();
  return dump;
}

/** Creates a database (from `template`, else empty) that `close()` drops. */
async function createDatabase(admin: Sql, template?: string): Promise<TestDatabase> {
  const name = `dh_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  if (template) await admin`create database ${admin(name)} template ${admin(template)}`;
  else await admin`create database ${admin(name)}`;
  const url = urlFor(name);
  const sql = connect(url, { max: 4 });
  return {
    sql,
    url,
    embedded: false,
    close: async () => {
      await sql.end({ timeout: 1 });
      const dropper = connect(ADMIN_URL, { max: 1 });
      await dropper`drop database if exists ${dropper(name)} with (force)`;
      await dropper.end();
    },
  };
}

/** A new database for one test file; call `close()` in the file's last step. */
export async function freshDatabase(): Promise<TestDatabase> {
  if (await postgresAvailable()) {
    const admin = connect(ADMIN_URL, { max: 2 });
    try {
      templateReady ??= ensureTemplate(admin);
      return await createDatabase(admin, await templateReady);
    } finally {
      await admin.end();
    }
  }
  if (IN_CI) throw new Error(`CI=true but PostgreSQL does not answer at ${ADMIN_URL}`);
  embeddedDump ??= embeddedTemplate();
  return await inMemoryDatabase(await embeddedDump);
}

/** An empty database (no migrations, no reference data), e.g. to test the migration runner. */
export async function emptyDatabase(): Promise<TestDatabase> {
  if (await postgresAvailable()) {
    const admin = connect(ADMIN_URL, { max: 1 });
    try {
      return await createDatabase(admin);
    } finally {
      await admin.end();
    }
  }
  if (IN_CI) throw new Error(`CI=true but PostgreSQL does not answer at ${ADMIN_URL}`);
  return await inMemoryDatabase();
}

/** An in-memory embedded database, restored from `dump` when given. */
async function inMemoryDatabase(dump?: Blob): Promise<TestDatabase> {
  const server = await startEmbedded("memory://", { loadDataDir: dump });
  const sql = connect(server.url, { max: 1 });
  return {
    sql,
    url: server.url,
    embedded: true,
    close: async () => {
      await sql.end({ timeout: 1 });
      await server.stop();
    },
  };
}

/**
 * The one postgres.js pool of a process, on PostgreSQL (`DATABASE_URL`) or, with no
 * URL, on the embedded PGlite under `DATA_DIR` so a newcomer needs nothing but Deno.
 */
import postgres from "postgres";
import { startEmbedded } from "./embedded.ts";
import type { Logger } from "../log.ts";
import { DatabaseGate, registerGate } from "./health.ts";

export type Sql = postgres.Sql;
export type TransactionSql = postgres.TransactionSql;
/** Either the pool or a transaction: what queries take as their first argument. */
export type Db = Sql | TransactionSql;

export interface Database {
  sql: Sql;
  /** True when running on the embedded PGlite. */
  embedded: boolean;
  close(): Promise<void>;
}

export interface OpenOptions {
  url?: string;
  dataDir?: string;
  poolSize?: number;
  /** Statements running longer are cancelled (the API's pool; jobs run unbounded). */
  statementTimeoutMs?: number;
  /** Longest wait for a new connection, and for the outage probe (src/db/health.ts). */
  connectTimeoutSeconds?: number;
  log?: Logger;
}

const STARTUP_PAD = "x".repeat(1024);

/**
 * Shared postgres.js options: quiet notices, `undefined` sent as NULL, a bounded wait
 * for a new connection (postgres.js waits 30 s by default), and, when given, a statement
 * timeout set at connection start (no extra round trip per query). The pool gets a
 * {@link DatabaseGate} (`databaseGate(sql)`) unless `gate` is false.
 */
export function connect(
  url: string,
  options: {
    max?: number;
    statementTimeoutMs?: number;
    connectTimeoutSeconds?: number;
    gate?: boolean;
  } = {},
): Sql {
  const connectTimeout = options.connectTimeoutSeconds ?? 5;
  const sql = postgres(url, {
    max: options.max ?? 10,
    connect_timeout: connectTimeout,
    onnotice: () => {},
    transform: { undefined: null },
    connection: {
      application_name: "datahub-api",
      TimeZone: "UTC",
      // No JIT: an API's statements are short, but a search over millions of rows or a
      // search index batch is estimated dear enough for PostgreSQL to compile it first,
      // which cost 0.1-4 s per statement (measured: 3.8 s of a 2,000-document batch).
      jit: "off",
      // postgres.js 3.4 keeps a stale write timer when a connection drops, after which a
      // startup message shorter than 1 KiB is buffered and never sent: the reconnect
      // hangs, and requests with it. Messages of 1 KiB or more are written at once (and
      // clear the timer), so the startup message is padded with a custom setting.
      "datahub.startup_pad": STARTUP_PAD,
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    },
  });
  if (options.gate !== false) registerGate(sql, new DatabaseGate(url, connectTimeout * 1000));
  return sql;
}

let driverGuarded = false;

/**
 * Keeps the process alive through a postgres.js bug: when PostgreSQL drops a connection
 * while a write is scheduled, the driver's deferred write runs on the closed socket
 * (`socket.write` of null, in connection.js `nextWrite`) and throws from a timer, which
 * would end the process. That connection is gone already and the pool replaces it, so
 * only this error is swallowed (and logged); any other uncaught error still ends the
 * process.
 */
export function guardDriverCrash(log?: Logger): void {
  if (driverGuarded) return;
  driverGuarded = true;
  globalThis.addEventListener("error", (event) => {
    const error = event.error;
    if (
      error instanceof TypeError && /postgres[@/].*connection\.js/.test(error.stack ?? "") &&
      /reading 'write'/.test(error.message)
    ) {
      event.preventDefault();
      log?.warn("postgres.js wrote to a closed connection (ignored)", { error: error.message });
    }
  });
}

/** Opens the database named by `url`, or the embedded one when `url` is unset. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.url) {
    guardDriverCrash(options.log);
    const sql = connect(options.url, {
      max: options.poolSize,
      statementTimeoutMs: options.statementTimeoutMs,
      connectTimeoutSeconds: options.connectTimeoutSeconds,
    });
    return { sql, embedded: false, close: () => sql.end({ timeout: 5 }) };
  }
  const dataDir = options.dataDir ?? "./.data";
  const embedded = await startEmbedded(`${dataDir}/pg`);
  options.log?.info("embedded database", {
    detail: `no DATABASE_URL: using embedded PGlite in ${dataDir}/pg (single connection)`,
  });
  // PGlite has one backend: a second connection would interleave inside our transactions.
  // No gate either: a probe would be a second connection.
  const sql = connect(embedded.url, {
    max: 1,
    statementTimeoutMs: options.statementTimeoutMs,
    gate: false,
  });
  return {
    sql,
    embedded: true,
    close: async () => {
      await sql.end({ timeout: 5 });
      await embedded.stop();
    },
  };
}

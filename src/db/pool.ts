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
 * Seconds before a connection that failed is opened again, after `retries` failures
 * in a row across the pool. postgres.js's default grows to 20 s (3^retries / 100, the
 * count shared by every connection of the pool, so ten connections refused a few times
 * each reach it within a short outage): a query handed to a connection being reopened
 * then waited that long after PostgreSQL was back, while the gate (src/db/health.ts),
 * which probes on a connection of its own, already let requests through. Capped at
 * one second, with the same jitter.
 */
export const reconnectDelay = (retries: number) =>
  (0.5 + Math.random() / 2) * Math.min(3 ** retries / 100, 1);

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
    backoff: reconnectDelay,
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
  const pool = oneQueryPerConnection(sql);
  if (options.gate !== false) registerGate(pool, new DatabaseGate(url, connectTimeout * 1000));
  return pool;
}

/** postgres.js's query fields that {@link oneQueryPerConnection} uses. */
interface DriverQuery {
  options: { onexecute?: (connection: unknown) => boolean };
  resolve(result: unknown): void;
}

/** A connection given this query takes no other until it has answered. */
const holdConnection = () => false;

/**
 * The pool as queries should use it (postgres.js 3.4.9):
 *
 * - **One query at a time per connection.** With every connection busy, postgres.js
 *   sends a query down a busy one behind the query it runs (pipelining, up to 100
 *   deep), so one request's query waits behind another's however slow, and cancelling
 *   goes wrong: `query.cancel()` on a query waiting there makes the query behind it
 *   take its rows (and its own promise never settles), and a CancelRequest, which stops
 *   whatever the backend runs, can stop the query of another request behind it. Each
 *   query run on the pool marks its connection full (an `onexecute` answering false is
 *   how postgres.js keeps a connection for `sql.begin`), so queries wait in the pool's
 *   queue for a connection of their own. A transaction's own queries still follow each
 *   other on its connection.
 * - **No empty slots.** postgres.js does not reset its row counter when a query fails
 *   after sending rows (a statement timeout, a cancel, an error in a later row), so the
 *   next query on that connection got that many empty slots before its rows
 *   (porsager/postgres#1181); they are taken out. (A transaction's BEGIN resets it.)
 */
function oneQueryPerConnection(sql: Sql): Sql {
  return new Proxy(sql, {
    apply(target, thisArg, args) {
      const query = Reflect.apply(target, thisArg, args) as unknown;
      if (query instanceof Promise && "options" in query && "resolve" in query) {
        const driven = query as unknown as DriverQuery;
        driven.options.onexecute = holdConnection;
        const resolve = driven.resolve;
        driven.resolve = (result) => resolve(withoutEmptySlots(result));
      }
      return query;
    },
  });
}

/** `result` with leading empty slots (see {@link oneQueryPerConnection}) removed. */
function withoutEmptySlots(result: unknown): unknown {
  if (!Array.isArray(result) || result.length === 0 || 0 in result) return result;
  let first = 1;
  while (first < result.length && !(first in result)) first++;
  result.copyWithin(0, first);
  result.length -= first;
  return result;
}

let driverGuarded = false;

/**
 * Keeps the process alive through a postgres.js bug: when PostgreSQL drops a connection
 * while a write is scheduled, the driver's deferred write runs on the closed socket
 * (`socket.write` of null, in connection.js `nextWrite`) and throws from a timer, which
 * would end the process. That connection is gone already and the pool replaces it, so
 * only this error is swallowed (and logged); any other uncaught error still ends the
 * process. Likewise a pool ended with a timeout (the database gate's probe, when its
 * connection has not answered) terminates its connection from a timer, and the driver can
 * leave that `CONNECTION_DESTROYED` rejection unhandled: it concerns no request.
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
  globalThis.addEventListener("unhandledrejection", (event) => {
    const reason = event.reason;
    if (
      reason instanceof Error && (reason as { code?: string }).code === "CONNECTION_DESTROYED" &&
      /postgres[@/].*connection\.js/.test(reason.stack ?? "") &&
      /terminate/.test(reason.stack ?? "")
    ) {
      event.preventDefault();
      log?.warn("postgres.js rejected a destroyed connection's query (ignored)", {
        error: reason.message,
      });
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

/**
 * The one postgres.js pool of a process, on PostgreSQL (`DATABASE_URL`) or, with no
 * URL, on the embedded PGlite under `DATA_DIR` so a newcomer needs nothing but Deno.
 */
import postgres from "postgres";
import { startEmbedded } from "./embedded.ts";
import type { Logger } from "../log.ts";

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
  log?: Logger;
}

/**
 * Shared postgres.js options: quiet notices, `undefined` sent as NULL, and, when given,
 * a statement timeout set at connection start (no extra round trip per query).
 */
export function connect(
  url: string,
  options: { max?: number; statementTimeoutMs?: number } = {},
): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    transform: { undefined: null },
    connection: {
      application_name: "datahub-api",
      TimeZone: "UTC",
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    },
  });
}

/** Opens the database named by `url`, or the embedded one when `url` is unset. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.url) {
    const sql = connect(options.url, {
      max: options.poolSize,
      statementTimeoutMs: options.statementTimeoutMs,
    });
    return { sql, embedded: false, close: () => sql.end({ timeout: 5 }) };
  }
  const dataDir = options.dataDir ?? "./.data";
  const embedded = await startEmbedded(`${dataDir}/pg`);
  options.log?.info("embedded database", {
    detail: `no DATABASE_URL: using embedded PGlite in ${dataDir}/pg (single connection)`,
  });
  // PGlite has one backend: a second connection would interleave inside our transactions.
  const sql = connect(embedded.url, { max: 1, statementTimeoutMs: options.statementTimeoutMs });
  return {
    sql,
    embedded: true,
    close: async () => {
      await sql.end({ timeout: 5 });
      await embedded.stop();
    },
  };
}

/**
 * A process's shared resources, opened once by an entry point: config, logger and the
 * database (PostgreSQL or the embedded default). Everything else receives these.
 */
import { type Config, loadConfig } from "./config.ts";
import { createLogger, type Logger, type LogStream } from "./log.ts";
import { type Database, openDatabase } from "./db/pool.ts";
import type { AppDeps } from "./deps.ts";
import type { Contributions } from "./core/contributions.ts";
import { connectRedis } from "./redis.ts";
import { prepareDatabase } from "./db/prepare.ts";
import { RedisQueue } from "./jobs/redis_queue.ts";
import { InlineQueue } from "./jobs/inline_queue.ts";

export interface Runtime {
  config: Config;
  log: Logger;
  db: Database;
  deps: AppDeps;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** "stdout" for the long-running processes; operator commands keep stderr. */
  logTo?: LogStream;
  /** Every domain's contributions (from the registry). */
  contributions: Contributions;
  /** Defaults to the environment's. */
  config?: Config;
  /**
   * Bound every statement by DATABASE_STATEMENT_TIMEOUT (the API; never jobs or
   * commands).
   */
  statementTimeout?: boolean;
}

/** Opens the shared resources. */
export async function openRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { contributions, config = loadConfig() } = options;
  const log = createLogger(config.LOG_LEVEL, options.logTo ?? "stderr");
  const db = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
    statementTimeoutMs: options.statementTimeout
      ? config.DATABASE_STATEMENT_TIMEOUT * 1000
      : undefined,
    connectTimeoutSeconds: config.DATABASE_CONNECT_TIMEOUT,
    log,
  });
  // A newcomer's first command may run before `start` ever did: bring the embedded
  // database up to date for every command, not only for `serve`.
  if (db.embedded && config.MIGRATE_ON_START) {
    await prepareDatabase(db.sql, log, contributions.afterMigrate);
  }
  const redis = config.REDIS_BASE_URL ? await connectRedis(config.REDIS_BASE_URL, log) : null;
  const now = () => new Date();
  const deps: AppDeps = {
    config,
    sql: db.sql,
    redis,
    jobs: redis
      ? new RedisQueue(redis, { prefix: config.JOBS_KEY_PREFIX, now })
      : new InlineQueue({ deps: () => deps }),
    log,
    now,
    fetch: globalThis.fetch,
    contributions,
  };
  return {
    config,
    log,
    db,
    deps,
    close: async () => {
      await deps.jobs.idle();
      await redis?.quit();
      await db.close();
    },
  };
}

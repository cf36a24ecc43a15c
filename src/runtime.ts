/**
 * A process's shared resources, opened once by an entry point: config, logger and the
 * database (PostgreSQL or the embedded default). Everything else receives these.
 */
import { type Config, loadConfig } from "./config.ts";
import { createLogger, type Logger } from "./log.ts";
import { type Database, openDatabase } from "./db/pool.ts";
import type { AppDeps } from "./http/context.ts";
import { connectRedis } from "./redis.ts";
import { RedisQueue } from "./jobs/redis_queue.ts";
import { InlineQueue } from "./jobs/inline_queue.ts";

export interface Runtime {
  config: Config;
  log: Logger;
  db: Database;
  deps: AppDeps;
  close(): Promise<void>;
}

export async function openRuntime(config: Config = loadConfig()): Promise<Runtime> {
  const log = createLogger(config.LOG_LEVEL);
  const db = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
    log,
  });
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

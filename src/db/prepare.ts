/**
 * Brings a database up to date for serving: migrations, then each domain's
 * `afterMigrate` step (reference data), in manifest order.
 */
import type { Sql } from "./pool.ts";
import type { Logger } from "../log.ts";
import { migrate } from "./migrate.ts";

/** Work that must follow migrations (e.g. loading reference data), named for the log. */
export interface DatabaseStep {
  name: string;
  run(sql: Sql, log: Logger): Promise<void>;
}

export async function prepareDatabase(sql: Sql, log: Logger, steps: readonly DatabaseStep[]) {
  const applied = await migrate(sql, {
    onApply: (name) => log.info("migration applied", { name }),
  });
  log.info("database migrated", { applied: applied.length });
  for (const step of steps) await step.run(sql, log);
}

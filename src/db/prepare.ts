/** Brings a database up to date for serving: migrations, then reference data. */
import type { Sql } from "./pool.ts";
import type { Logger } from "../log.ts";
import { migrate } from "./migrate.ts";
import { loadReferenceData } from "../metadata/loader.ts";

export async function prepareDatabase(sql: Sql, log: Logger) {
  const applied = await migrate(sql, {
    onApply: (name) => log.info("migration applied", { name }),
  });
  log.info("database migrated", { applied: applied.length });
  const loaded = await loadReferenceData(sql, { skipIfUnchanged: true });
  log.info("reference data", {
    detail: loaded
      ? `loaded: ${loaded.reduce((n, t) => n + t.changed, 0)} rows changed`
      : "unchanged",
  });
}

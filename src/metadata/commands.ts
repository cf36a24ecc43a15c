/**
 * `load-metadata`: upsert the shipped reference data, printing progress and counts; and
 * the same load, skipped when the data is unchanged, as the step after migrations.
 */
import type { Command } from "../cli/command.ts";
import type { DatabaseStep } from "../db/prepare.ts";
import { loadReferenceData } from "./loader.ts";

export const loadReferenceDataStep: DatabaseStep = {
  name: "reference data",
  async run(sql, log) {
    const loaded = await loadReferenceData(sql, { skipIfUnchanged: true });
    log.info("reference data", {
      detail: loaded
        ? `loaded: ${loaded.reduce((n, t) => n + t.changed, 0)} rows changed`
        : "unchanged",
    });
  },
};

export const loadMetadataCommand: Command = {
  summary: "Load reference data (countries, sectors, teams, ...) from seed/reference",
  usage: "load-metadata",
  async run(_args, context) {
    const runtime = await context.openRuntime();
    try {
      const started = performance.now();
      const results = await loadReferenceData(runtime.db.sql, {
        onTable: (r, i, total) =>
          console.log(
            `[${String(i).padStart(3)}/${total}] ${r.table.padEnd(48)} ${
              String(r.rows).padStart(5)
            } rows, ${r.changed} changed`,
          ),
      });
      const rows = results!.reduce((n, r) => n + r.rows, 0);
      const changed = results!.reduce((n, r) => n + r.changed, 0);
      console.log(
        `${results!.length} tables, ${rows} rows, ${changed} changed in ${
          Math.round(performance.now() - started)
        } ms`,
      );
      return 0;
    } finally {
      await runtime.close();
    }
  },
};

/** `load-metadata`: upsert the shipped reference data, printing progress and counts. */
import type { Command } from "../cli/commands.ts";
import { openRuntime } from "../runtime.ts";
import { loadReferenceData } from "./loader.ts";

export const loadMetadataCommand: Command = {
  summary: "Load reference data (countries, sectors, teams, ...) from seed/reference",
  usage: "load-metadata",
  async run() {
    const runtime = await openRuntime();
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

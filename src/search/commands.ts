/**
 * `migrate-search`: create or migrate the backend's storage (OpenSearch indices and
 * aliases; nothing on PostgreSQL, whose table is a database migration).
 * `sync-search [--model M]... [--changes] [--concurrency N]`: rebuild the documents of the
 * given apps (default all) from the database, with a progress bar on stderr, N batches at
 * once (default 2: one per core of the bench machine); `--changes` instead consumes the
 * change feed once (until the jobs worker does it).
 */
import { parseArgs } from "node:util";
import type { Command } from "../cli/command.ts";
import { searchBackend } from "./engine.ts";
import { rebuildApp, syncChanges } from "./sync.ts";
import { listQuarantined } from "./quarantine.ts";
import type { SearchApp } from "./app.ts";

function selectApps(searchApps: SearchApp[], models: string[] | undefined): SearchApp[] {
  if (!models?.length) return searchApps;
  const unknown = models.filter((m) => !searchApps.some((a) => a.name === m));
  if (unknown.length) {
    throw new Error(
      `unknown search app(s): ${unknown.join(", ")} (choose from ${
        searchApps.map((a) => a.name).join(", ")
      })`,
    );
  }
  return searchApps.filter((a) => models.includes(a.name));
}

/** `[#####.....]  50% 500/1000 adviser (2500/s)`, redrawn in place on stderr. */
export function progressBar(
  label: string,
  done: number,
  total: number,
  width = 30,
  perSecond?: number,
): string {
  const ratio = total ? Math.min(done / total, 1) : 1;
  const filled = Math.round(ratio * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${
    String(Math.round(ratio * 100)).padStart(3)
  }% ${done}/${total} ${label}${perSecond === undefined ? "" : ` (${Math.round(perSecond)}/s)`}`;
}

const encoder = new TextEncoder();
const toStderr = (text: string) => Deno.stderr.writeSync(encoder.encode(text));

/** `sync-search` and `migrate-search` over these apps (the registry's). */
export function createSearchCommands(searchApps: SearchApp[]): Record<string, Command> {
  return { "sync-search": syncSearch(searchApps), "migrate-search": migrateSearch(searchApps) };
}

function syncSearch(searchApps: SearchApp[]): Command {
  return {
    summary:
      "Rebuild search documents from the database (--changes: consume the change feed; --quarantined: list documents that could not be indexed)",
    usage: "sync-search [--model <app>]... [--changes] [--quarantined] [--concurrency <n>]",
    async run(args, context) {
      const { values } = parseArgs({
        args,
        options: {
          model: { type: "string", multiple: true },
          changes: { type: "boolean" },
          quarantined: { type: "boolean" },
          concurrency: { type: "string" },
        },
        strict: true,
      });
      const apps = selectApps(searchApps, values.model);
      const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
      if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) {
        throw new Error(`--concurrency must be a positive integer, not "${values.concurrency}"`);
      }
      const runtime = await context.openRuntime();
      try {
        const backend = searchBackend(runtime.deps);
        const log = runtime.log;
        if (values.quarantined) {
          const rows = await listQuarantined(runtime.db.sql);
          for (const r of rows) {
            console.log(
              `${r.entity} ${r.entity_id} ${r.quarantined_on.toISOString()} ${
                r.document_bytes ?? "?"
              } bytes: ${r.error}`,
            );
          }
          console.log(`${rows.length} quarantined document(s)`);
          return 0;
        }
        if (values.changes) {
          const totals = await syncChanges(runtime.db.sql, backend, {
            apps,
            log,
            allApps: values.model === undefined,
          });
          console.log(
            `${totals.consumed} change(s) consumed: ${totals.upserted} indexed, ${totals.deleted} deleted, ${totals.quarantined} quarantined`,
          );
          return 0;
        }
        let indexed = 0;
        for (const app of apps) {
          const started = performance.now();
          const rate = (done: number) =>
            done / Math.max((performance.now() - started) / 1000, 0.001);
          const n = await rebuildApp(runtime.db.sql, backend, app, {
            log,
            concurrency,
            onProgress: (done, total) =>
              toStderr(`\r${progressBar(app.name, done, total, 30, rate(done))}`),
          });
          indexed += n;
          // The bar's rate is the batches'; this one includes the end (indexes, counts).
          const seconds = (performance.now() - started) / 1000;
          toStderr(`\n${app.name}: ${n} in ${seconds.toFixed(1)} s (${Math.round(rate(n))}/s)\n`);
        }
        console.log(`${indexed} document(s) indexed for ${apps.map((a) => a.name).join(", ")}`);
        return 0;
      } finally {
        await runtime.close();
      }
    },
  };
}

function migrateSearch(searchApps: SearchApp[]): Command {
  return {
    summary: "Create or migrate search indices and aliases (re-indexing what changed)",
    usage: "migrate-search [--model <app>]...",
    async run(args, context) {
      const { values } = parseArgs({
        args,
        options: { model: { type: "string", multiple: true } },
        strict: true,
      });
      const apps = selectApps(searchApps, values.model);
      const runtime = await context.openRuntime();
      try {
        const sql = runtime.db.sql;
        const backend = searchBackend(runtime.deps);
        const report = await backend.migrate(sql, apps, {
          resync: (app) => rebuildApp(sql, backend, app),
        });
        for (const line of report) console.log(line);
        return 0;
      } finally {
        await runtime.close();
      }
    },
  };
}

/**
 * `migrate-search`: create or migrate the backend's storage (OpenSearch indices and
 * aliases; nothing on PostgreSQL, whose table is a database migration).
 * `sync-search [--model M]... [--changes]`: rebuild the documents of the given apps
 * (default all) from the database, with a progress bar on stderr; `--changes` instead
 * consumes the change feed once (until the jobs worker does it).
 */
import { parseArgs } from "node:util";
import type { Command } from "../cli/commands.ts";
import { openRuntime } from "../runtime.ts";
import { searchApps } from "./registry.ts";
import { searchBackend } from "./engine.ts";
import { rebuildApp, syncChanges } from "./sync.ts";
import type { SearchApp } from "./app.ts";

function selectApps(models: string[] | undefined): SearchApp[] {
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

/** `[#####.....]  50% 500/1000 adviser`, redrawn in place on stderr. */
export function progressBar(label: string, done: number, total: number, width = 30): string {
  const ratio = total ? Math.min(done / total, 1) : 1;
  const filled = Math.round(ratio * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${
    String(Math.round(ratio * 100)).padStart(3)
  }% ${done}/${total} ${label}`;
}

const encoder = new TextEncoder();
const toStderr = (text: string) => Deno.stderr.writeSync(encoder.encode(text));

export const syncSearchCommand: Command = {
  summary: "Rebuild search documents from the database (--changes: consume the change feed)",
  usage: "sync-search [--model <app>]... [--changes]",
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { model: { type: "string", multiple: true }, changes: { type: "boolean" } },
      strict: true,
    });
    const apps = selectApps(values.model);
    const runtime = await openRuntime();
    try {
      const backend = searchBackend(runtime.deps);
      if (values.changes) {
        const totals = await syncChanges(runtime.db.sql, backend, {
          apps,
          allApps: values.model === undefined,
        });
        console.log(
          `${totals.consumed} change(s) consumed: ${totals.upserted} indexed, ${totals.deleted} deleted`,
        );
        return 0;
      }
      let indexed = 0;
      for (const app of apps) {
        indexed += await rebuildApp(runtime.db.sql, backend, app, {
          onProgress: (done, total) => toStderr(`\r${progressBar(app.name, done, total)}`),
        });
        toStderr("\n");
      }
      console.log(`${indexed} document(s) indexed for ${apps.map((a) => a.name).join(", ")}`);
      return 0;
    } finally {
      await runtime.close();
    }
  },
};

export const migrateSearchCommand: Command = {
  summary: "Create or migrate search indices and aliases (re-indexing what changed)",
  usage: "migrate-search [--model <app>]...",
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { model: { type: "string", multiple: true } },
      strict: true,
    });
    const apps = selectApps(values.model);
    const runtime = await openRuntime();
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

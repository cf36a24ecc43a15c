/** `migrate [--status]`: apply pending migrations, or list applied and pending ones. */
import type { Command } from "../cli/command.ts";
import { parseArgs } from "node:util";
import { migrate, migrationStatus } from "./migrate.ts";

export const migrateCommand: Command = {
  summary: "Apply pending database migrations (--status lists applied and pending)",
  usage: "migrate [--status]",
  async run(args, context) {
    const { values } = parseArgs({ args, options: { status: { type: "boolean" } }, strict: true });
    const runtime = await context.openRuntime();
    try {
      if (values.status) {
        const status = await migrationStatus(runtime.db.sql);
        for (const a of status.applied) {
          const mark = status.edited.includes(a.name) ? "edited!" : "applied";
          console.log(`${mark.padEnd(8)} ${a.name}  (${a.appliedOn})`);
        }
        for (const name of status.pending) console.log(`pending  ${name}`);
        for (const name of status.missing) console.log(`missing! ${name}`);
        console.log(`${status.applied.length} applied, ${status.pending.length} pending`);
        return status.edited.length || status.missing.length ? 1 : 0;
      }
      const ran = await migrate(runtime.db.sql, {
        onApply: (name) => console.log(`applied ${name}`),
      });
      console.log(
        ran.length ? `${ran.length} migration(s) applied` : "nothing to apply: up to date",
      );
      return 0;
    } finally {
      await runtime.close();
    }
  },
};

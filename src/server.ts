/**
 * `serve`: migrate (unless MIGRATE_ON_START=false), load reference data when it
 * changed, then serve the API on PORT until SIGINT/SIGTERM.
 */
import type { Command } from "./cli/commands.ts";
import { openRuntime } from "./runtime.ts";
import { createApp } from "./http/app.ts";
import { domains } from "./domains.ts";
import { prepareDatabase } from "./db/prepare.ts";

export const serveCommand: Command = {
  summary: "Serve the HTTP API on PORT (default 8000)",
  usage: "serve",
  async run() {
    const runtime = await openRuntime(undefined, { logTo: "stdout", statementTimeout: true });
    const { config, log } = runtime;
    if (config.MIGRATE_ON_START) await prepareDatabase(runtime.db.sql, log);
    const app = createApp(runtime.deps, domains);
    const controller = new AbortController();
    const server = Deno.serve(
      {
        port: config.PORT,
        hostname: "0.0.0.0",
        signal: controller.signal,
        onListen: ({ port }) =>
          log.info("listening", { port, embedded_database: runtime.db.embedded }),
      },
      app.fetch,
    );
    const stop = () => controller.abort();
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGTERM", stop);
    await server.finished;
    Deno.removeSignalListener("SIGINT", stop);
    Deno.removeSignalListener("SIGTERM", stop);
    await runtime.close();
    log.info("stopped");
    return 0;
  },
};

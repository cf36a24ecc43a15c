/**
 * `serve`: migrate (unless MIGRATE_ON_START=false), load reference data when it
 * changed, then serve the API on PORT until SIGINT/SIGTERM.
 */
import type { Command, CommandContext } from "./cli/command.ts";
import { createApp } from "./http/app.ts";
import type { RouteSet } from "./http/context.ts";
import { prepareDatabase } from "./db/prepare.ts";

/** The `serve` command for the app made of these routes (the registry's domains). */
export function createServeCommand(routes: RouteSet[]): Command {
  return {
    summary: "Serve the HTTP API on PORT (default 8000)",
    usage: "serve",
    run: (_args, context) => serve(routes, context),
  };
}

async function serve(routes: RouteSet[], context: CommandContext): Promise<number> {
  const runtime = await context.openRuntime({ logTo: "stdout", statementTimeout: true });
  const { config, log, deps } = runtime;
  if (config.MIGRATE_ON_START) {
    await prepareDatabase(runtime.db.sql, log, deps.contributions.afterMigrate);
  }
  const app = createApp(deps, routes);
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
}

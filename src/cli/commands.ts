/**
 * CLI subcommands. One compiled binary does every job (`serve`, `worker`, `migrate`,
 * ...); each domain contributes its commands here with one line.
 */
import { serveCommand } from "../server.ts";
import { ConfigError } from "../config.ts";
import { EmbeddedDatabaseInUse } from "../db/embedded.ts";
import { migrateCommand } from "../db/commands.ts";
import { loadMetadataCommand } from "../metadata/commands.ts";
import { queueCommand, workerCommand } from "../jobs/commands.ts";
import { migrateSearchCommand, syncSearchCommand } from "../search/commands.ts";
import { addAccessTokenCommand, createAdviserCommand } from "../adviser/commands.ts";

export interface Command {
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

export const commands: Record<string, Command> = {
  serve: serveCommand,
  worker: workerCommand,
  queue: queueCommand,
  migrate: migrateCommand,
  "load-metadata": loadMetadataCommand,
  "migrate-search": migrateSearchCommand,
  "sync-search": syncSearchCommand,
  "create-adviser": createAdviserCommand,
  "add-access-token": addAccessTokenCommand,
};

function help(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  return [
    "Usage: cli.ts <command> [options]",
    "",
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `cli.ts <command> --help` for a command's options.",
  ].join("\n");
}

/** Runs `argv` (command first) and returns the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(help());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${help()}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(`Usage: cli.ts ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    // node:util parseArgs reports bad flags as errors with an ERR_PARSE_ARGS_* code.
    if (String((error as { code?: string }).code).startsWith("ERR_PARSE_ARGS")) {
      console.error(`${(error as Error).message}\nUsage: cli.ts ${command.usage}`);
      return 2;
    }
    throw error;
  }
}

/**
 * What an entry point runs: `argv` through {@link runCli}, then exit with its code.
 * Errors an operator can fix (bad configuration, an embedded database in use) are
 * printed as one message, not a stack trace.
 */
export async function runEntryPoint(argv: string[]): Promise<never> {
  try {
    Deno.exit(await runCli(argv));
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      Deno.exit(78);
    }
    if (error instanceof EmbeddedDatabaseInUse) {
      console.error(error.message);
      Deno.exit(1);
    }
    throw error;
  }
}

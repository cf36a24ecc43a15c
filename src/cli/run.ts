/**
 * Running CLI subcommands: dispatch, help, usage errors and exit codes. One compiled
 * binary does every job (`serve`, `worker`, `migrate`, ...); which commands exist is the
 * entry point's choice (src/cli/commands.ts for the full list).
 */
import { ConfigError } from "../config.ts";
import { EmbeddedDatabaseInUse } from "../db/embedded.ts";
import { openRuntime } from "../runtime.ts";
import type { Contributions } from "../core/contributions.ts";
import type { Command, CommandContext } from "./command.ts";

function help(commands: Record<string, Command>): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  return [
    "Usage: cli.ts <command> [options]",
    "",
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `cli.ts <command> --help` for a command's options.",
  ].join("\n");
}

/** Runs `argv` (command first) among `commands` and returns the exit code. */
export async function runCli(
  commands: Record<string, Command>,
  argv: string[],
  context: CommandContext,
): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(help(commands));
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${help(commands)}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(`Usage: cli.ts ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  try {
    return await command.run(rest, context);
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
export async function runEntryPoint(
  commands: Record<string, Command>,
  argv: string[],
  contributions: Contributions,
): Promise<never> {
  const context: CommandContext = {
    openRuntime: (options) => openRuntime({ ...options, contributions }),
  };
  try {
    Deno.exit(await runCli(commands, argv, context));
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

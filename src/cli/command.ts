/**
 * A CLI subcommand and what the CLI wiring hands it. Lower layers (db, jobs, search)
 * declare their commands against this module alone, so none of them imports the wiring.
 */
import type { LogStream } from "../log.ts";
import type { Runtime } from "../runtime.ts";

export interface CommandContext {
  /**
   * Opens the process's shared resources, with every domain's contributions. `logTo` is
   * "stdout" for the long-running processes; operator commands keep stderr so their
   * stdout carries only their result. `statementTimeout` bounds every statement (the API).
   */
  openRuntime(options?: { logTo?: LogStream; statementTimeout?: boolean }): Promise<Runtime>;
}

export interface Command {
  summary: string;
  usage: string;
  run(args: string[], context: CommandContext): Promise<number>;
}

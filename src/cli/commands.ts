/**
 * The CLI wiring: every command, from the registry of domains plus `serve`, which builds
 * the HTTP app (the worker's entry point wires only its own command, without it).
 */
import { registry } from "../domains.ts";
import { createServeCommand } from "../server.ts";
import type { Command } from "./command.ts";

export const commands: Record<string, Command> = {
  serve: createServeCommand(registry.domains),
  ...registry.commands,
};

/**
 * Worker entry point: `deno task worker` (see src/jobs/commands.ts). It wires the
 * registry's jobs and contributions alone, never the HTTP app.
 */
import { runEntryPoint } from "./src/cli/run.ts";
import { registry } from "./src/domains.ts";

const { worker } = registry.commands;
await runEntryPoint({ worker }, ["worker", ...Deno.args], registry.contributions);

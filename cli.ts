/** Operator entry point: `deno task cli <command>` (see `cli.ts --help`). */
import { commands } from "./src/cli/commands.ts";
import { runEntryPoint } from "./src/cli/run.ts";
import { registry } from "./src/domains.ts";

await runEntryPoint(commands, Deno.args, registry.contributions);

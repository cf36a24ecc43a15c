/** Operator entry point: `deno task cli <command>` (see `cli.ts --help`). */
import { runEntryPoint } from "./src/cli/commands.ts";

await runEntryPoint(Deno.args);

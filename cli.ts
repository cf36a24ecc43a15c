/** Operator entry point: `deno task cli <command>` (see `cli.ts --help`). */
import { runCli } from "./src/cli/commands.ts";
import { ConfigError } from "./src/config.ts";

try {
  Deno.exit(await runCli(Deno.args));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    Deno.exit(78);
  }
  throw error;
}

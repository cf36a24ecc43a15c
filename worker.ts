/** Worker entry point: `deno task worker` (see src/jobs/commands.ts). */
import { runCli } from "./src/cli/commands.ts";
import { ConfigError } from "./src/config.ts";

try {
  Deno.exit(await runCli(["worker", ...Deno.args]));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    Deno.exit(78);
  }
  throw error;
}

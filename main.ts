/** API entry point: `deno task start` serves on PORT (see src/server.ts). */
import { runCli } from "./src/cli/commands.ts";
import { ConfigError } from "./src/config.ts";

try {
  Deno.exit(await runCli(["serve", ...Deno.args]));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    Deno.exit(78);
  }
  throw error;
}

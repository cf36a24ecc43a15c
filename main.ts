/** API entry point: `deno task start` serves on PORT (see src/server.ts). */
import { commands } from "./src/cli/commands.ts";
import { runEntryPoint } from "./src/cli/run.ts";
import { registry } from "./src/domains.ts";

await runEntryPoint(commands, ["serve", ...Deno.args], registry.contributions);

/** API entry point: `deno task start` serves on PORT (see src/server.ts). */
import { runEntryPoint } from "./src/cli/commands.ts";

await runEntryPoint(["serve", ...Deno.args]);

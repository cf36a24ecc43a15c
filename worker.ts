/** Worker entry point: `deno task worker` (see src/jobs/commands.ts). */
import { runEntryPoint } from "./src/cli/commands.ts";

await runEntryPoint(["worker", ...Deno.args]);

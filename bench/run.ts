/**
 * `deno task bench [flags]`: runs every benchmark below, one after another so they do
 * not compete for the machine's two cores, each as its own `deno run -A` process with
 * the same flags, and shows their output as it comes. Benchmarks print figures; nothing
 * here judges them. A listed script that does not exist yet is skipped with a note.
 */

/** Benchmark scripts, relative to this folder; a new benchmark adds a line here. */
const BENCHMARKS = [
  "load_metadata.ts",
];

let failed = 0;
for (const name of BENCHMARKS) {
  const script = new URL(name, import.meta.url);
  try {
    await Deno.stat(script);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    console.log(`== ${name}: skipped (not written yet)`);
    continue;
  }
  console.log(`== ${name}`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script.pathname, ...Deno.args],
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) {
    console.log(`== ${name}: exited with code ${code}`);
    failed++;
  }
}
Deno.exit(failed ? 1 : 0);

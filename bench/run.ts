/**
 * `deno task bench [flags]`: runs every benchmark below, one after another so they do
 * not compete for the machine's two cores, each as its own `deno run -A` process, and
 * shows their output as it comes. Flags go to the load run (bench/load.ts: `--scale`,
 * `--duration`, `--only`, ...). Benchmarks print figures; nothing here judges them.
 */

/** Benchmark scripts, relative to this folder, and whether they take the flags. */
const BENCHMARKS: { script: string; flags: boolean }[] = [
  { script: "load_metadata.ts", flags: false },
  { script: "jobs.ts", flags: false },
  { script: "load.ts", flags: true },
];

let failed = 0;
for (const { script, flags } of BENCHMARKS) {
  const path = new URL(script, import.meta.url).pathname;
  console.log(`== ${script}`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", path, ...(flags ? Deno.args : [])],
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) {
    console.log(`== ${script}: exited with code ${code}`);
    failed++;
  }
}
Deno.exit(failed ? 1 : 0);

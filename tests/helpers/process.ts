/**
 * Runs this project's entry points as real subprocesses, the way an operator or a
 * container would, with an environment built from scratch so the developer's own
 * variables (a DATABASE_URL, say) never leak into a test.
 */

export const ROOT = new URL("../../", import.meta.url);

/** Variables Deno itself needs to find its cache and tools; nothing of the app's. */
const PASS_THROUGH = ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR"];

/** `env` plus only what Deno needs; colours off so output can be matched. */
export function processEnv(env: Record<string, string>): Record<string, string> {
  const base: Record<string, string> = { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
  for (const name of PASS_THROUGH) {
    const value = Deno.env.get(name);
    if (value !== undefined) base[name] = value;
  }
  return { ...base, ...env };
}

/** A `deno run -A <script> ...args` command in the project root. */
export function denoCommand(
  script: string,
  args: string[],
  options: { env?: Record<string, string>; stdout?: "piped" | "null" } = {},
): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    cwd: ROOT,
    env: processEnv(options.env ?? {}),
    clearEnv: true,
    stdin: "null",
    stdout: options.stdout ?? "piped",
    stderr: "piped",
  });
}

/** Runs `cli.ts` with `args` to completion. */
export async function runCliProcess(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await denoCommand("cli.ts", args, { env }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

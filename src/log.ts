/**
 * Structured JSON logs, one object per line, as log shippers expect. Long-running
 * processes (serve, worker) log to stdout, warnings and errors to stderr; operator
 * commands log everything to stderr so their stdout carries only their result.
 */
export type Level = "debug" | "info" | "warn" | "error";
const rank: Record<Level | "silent", number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 99,
};

export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

export type LogStream = "stdout" | "stderr";

export function createLogger(
  level: Level | "silent" = "info",
  stream: LogStream = "stdout",
): Logger {
  const write = (at: Level) => (event: string, fields: Record<string, unknown> = {}) => {
    if (rank[at] < rank[level]) return;
    const line = JSON.stringify({ time: new Date().toISOString(), level: at, event, ...fields });
    if (stream === "stderr" || at === "error" || at === "warn") console.error(line);
    else console.log(line);
  };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}

/** A logger that drops everything: for tests and benchmarks. */
export const silentLogger: Logger = createLogger("silent");

/**
 * An error as log fields: its class and message (`TypeError: …`, never a bare `Error`
 * or an empty string), any code, its cause chain and its stack.
 */
export function errorFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: String(error) };
  const fields: Record<string, unknown> = { error: describe(error) };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) fields.code = code;
  const causes: string[] = [];
  for (let cause = error.cause, depth = 0; cause !== undefined && depth < 5; depth++) {
    causes.push(cause instanceof Error ? describe(cause) : String(cause));
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  if (causes.length) fields.cause = causes.join(" <- ");
  if (error.stack) fields.stack = error.stack;
  return fields;
}

function describe(error: Error): string {
  const name = error.name || error.constructor?.name || "Error";
  const inner = error instanceof AggregateError
    ? error.errors.map((e) => (e instanceof Error ? e.message : String(e))).join("; ")
    : "";
  const message = error.message || (error as { code?: unknown }).code || inner;
  return message ? `${name}: ${message}` : `${name} (no message)`;
}

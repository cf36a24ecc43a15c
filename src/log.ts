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

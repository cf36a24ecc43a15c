/**
 * One attempt of one job, shared by the Redis worker and the inline runner so both
 * apply the same rules: the payload is checked against the job's schema (a bad payload
 * is permanent, never retried), the attempt is bounded by the job's timeout, and the
 * caller learns whether retrying could help.
 */
import type { AppDeps } from "../deps.ts";
import type { Logger } from "../log.ts";
import { type AnyJob, backoffMs, DoNotRetryError } from "./definition.ts";

export type AttemptResult =
  | { outcome: "done" }
  /** `delayMs` before the next attempt. */
  | { outcome: "retry"; error: string; delayMs: number }
  | { outcome: "dead"; error: string };

export interface AttemptInput {
  deps: AppDeps;
  jobId: string;
  /** 1-based number of this attempt. */
  attempt: number;
  /** Aborts the attempt from outside (worker shutdown). */
  signal?: AbortSignal;
}

export class JobTimeoutError extends Error {
  constructor(job: string, ms: number) {
    super(`${job} timed out after ${ms} ms`);
    this.name = "JobTimeoutError";
  }
}

/** `a.b: message; c: message` from Zod issues, for dead-letter entries and logs. */
function describeIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues
    .map((i) => `${i.path.length ? i.path.map(String).join(".") : "(payload)"}: ${i.message}`)
    .join("; ");
}

function describe(error: unknown): string {
  return error instanceof Error
    ? (error.stack ?? `${error.name}: ${error.message}`)
    : String(error);
}

/** Runs one attempt of `job` on `payload` (still unparsed) and says what should follow. */
export async function runAttempt(
  job: AnyJob,
  payload: unknown,
  input: AttemptInput,
): Promise<AttemptResult> {
  const parsed = job.payload.safeParse(payload);
  if (!parsed.success) {
    return {
      outcome: "dead",
      error: `invalid payload for job ${job.name}: ${describeIssues(parsed.error.issues)}`,
    };
  }
  const timeout = new AbortController();
  const signal = input.signal ? AbortSignal.any([timeout.signal, input.signal]) : timeout.signal;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(() =>
        job.run(parsed.data, {
          deps: input.deps,
          jobId: input.jobId,
          attempt: input.attempt,
          signal,
        })
      ),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const error = new JobTimeoutError(job.name, job.timeoutMs);
          timeout.abort(error);
          reject(error);
        }, job.timeoutMs);
      }),
    ]);
    return { outcome: "done" };
  } catch (error) {
    if (error instanceof DoNotRetryError || input.attempt >= job.maxAttempts) {
      return { outcome: "dead", error: describe(error) };
    }
    return {
      outcome: "retry",
      error: describe(error),
      delayMs: backoffMs(job.backoff, input.attempt),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** The one structured line per attempt: `{"event":"job","job":…,"outcome":…}`. */
export function logAttempt(
  log: Logger,
  fields: { job: string; id: string; queue: string; attempt: number; ms: number },
  result: AttemptResult,
): void {
  const line: Record<string, unknown> = { ...fields, outcome: result.outcome };
  if (result.outcome === "done") return log.info("job", line);
  line.error = result.error.split("\n")[0];
  if (result.outcome === "retry") {
    line.retry_in_ms = result.delayMs;
    return log.warn("job", line);
  }
  log.error("job", line);
}

/**
 * What a background job is: a name, a Zod schema for its payload (ids, never whole
 * records: the handler reloads what it needs, so it sees committed data), a queue, and
 * its retry rules. Domains declare jobs with {@link defineJob} in their `jobs.ts` and
 * list them in their manifest (src/<domain>/domain.ts); the queue, worker and inline runner only read these.
 */
import type { z } from "zod";
import type { AppDeps } from "../deps.ts";
import type { JobRef } from "./queue.ts";

/**
 * Delay before the next attempt. `squared` is RQ's `retry_backoff=True`: 1, 4, 9, … s
 * after the 1st, 2nd, 3rd failed attempt.
 */
export type Backoff =
  | { kind: "squared" }
  | { kind: "fixed"; seconds: number }
  | { kind: "none" };

/** Milliseconds to wait after failed attempt number `attempt` (1-based). */
export function backoffMs(backoff: Backoff, attempt: number): number {
  switch (backoff.kind) {
    case "squared":
      return attempt * attempt * 1000;
    case "fixed":
      return backoff.seconds * 1000;
    case "none":
      return 0;
  }
}

/** What a handler receives besides its payload. */
export interface JobContext {
  deps: AppDeps;
  jobId: string;
  /** 1 for the first run. */
  attempt: number;
  /** Aborted when the attempt times out or the worker shuts down past its grace period. */
  signal: AbortSignal;
}

export interface JobDefinition<P = unknown> extends JobRef<P> {
  /** Runs in total, the first included (RQ's `max_retries` + 1). */
  maxAttempts: number;
  backoff: Backoff;
  /** Per attempt; an attempt that takes longer fails (and may be retried). */
  timeoutMs: number;
  run(payload: P, ctx: JobContext): Promise<void> | void;
}

/** Throw this from a handler when retrying cannot help: the job goes to dead-letter at once. */
export class DoNotRetryError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DoNotRetryError";
  }
}

/** The original's `job_scheduler` defaults: short-running, 3 retries, 180 s per attempt. */
export const JOB_DEFAULTS = {
  queue: "short-running",
  maxAttempts: 4,
  backoff: { kind: "squared" },
  timeoutMs: 180_000,
} as const satisfies Partial<JobDefinition>;

/** RQ's HALF_DAY_IN_SECONDS, the timeout of the original's long batch jobs. */
export const HALF_DAY_MS = 43_200_000;

/**
 * Declares a job. Defaults: `short-running`, 4 attempts, squared backoff, 180 s.
 *
 * @example
 * export const syncObject = defineJob({
 *   name: "search.sync_object",
 *   payload: z.object({ app: z.string(), id: z.uuid() }),
 *   maxAttempts: 16,
 *   run: async ({ app, id }, { deps }) => { ... },
 * });
 */
export function defineJob<S extends z.ZodType>(
  spec: {
    name: string;
    payload: S;
    run(payload: z.output<S>, ctx: JobContext): Promise<void> | void;
  } & Partial<Pick<JobDefinition, "queue" | "maxAttempts" | "backoff" | "timeoutMs">>,
): JobDefinition<z.output<S>> {
  const job = { ...JOB_DEFAULTS, ...spec } as JobDefinition<z.output<S>>;
  if (!Number.isInteger(job.maxAttempts) || job.maxAttempts < 1) {
    throw new RangeError(
      `maxAttempts of ${job.name} must be a whole number ≥ 1, got ${job.maxAttempts}`,
    );
  }
  if (!(job.timeoutMs > 0)) {
    throw new RangeError(`timeoutMs of ${job.name} must be > 0, got ${job.timeoutMs}`);
  }
  return job;
}

/** Any job, whatever its payload type (registries hold these). */
// deno-lint-ignore no-explicit-any -- a registry holds jobs of every payload type
export type AnyJob = JobDefinition<any>;

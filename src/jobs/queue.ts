/**
 * The queue as producers see it: `deps.jobs.enqueue(job, payload)`. Two implementations:
 * Redis lists for deployments ({@link RedisQueue}), and in-process runs when there is no
 * REDIS_BASE_URL ({@link InlineQueue}), so the embedded default needs nothing else.
 * Producers inside a transaction enqueue through src/jobs/after_commit.ts instead, so a
 * job never sees rolled-back data.
 */
import type { z } from "zod";

/** The original's two RQ queues: quick event-driven work, and long batch runs. */
export const QUEUES = ["short-running", "long-running"] as const;
export type QueueName = (typeof QUEUES)[number];

/**
 * What a producer needs of a job to queue it (a {@link JobDefinition} is one). Declared
 * here, not imported, so the queue's interface never depends on what jobs receive.
 */
export interface JobRef<P> {
  name: string;
  payload: z.ZodType<P>;
  queue: QueueName;
}

export interface EnqueueOptions {
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
}

export interface JobQueue {
  readonly mode: "redis" | "inline";
  /** Queues one run of `job`; returns the job id. Throws TypeError on a bad payload. */
  enqueue<P>(job: JobRef<P>, payload: P, options?: EnqueueOptions): Promise<string>;
  /**
   * Queues `job` unless `key` was already claimed within `ttlMs`; returns the job id, or
   * null if another caller (another worker's scheduler) got there first.
   */
  enqueueOnce<P>(
    key: string,
    job: JobRef<P>,
    payload: P,
    options: { ttlMs: number },
  ): Promise<string | null>;
  /** Resolves when every job this process runs in-process has settled (inline mode). */
  idle(): Promise<void>;
}

/**
 * Checks `payload` against the job's schema at enqueue time (a programming error) and
 * returns it as stored: JSON, so inline runs see exactly what a worker would.
 */
export function serializePayload<P>(job: JobRef<P>, payload: P): string {
  const parsed = job.payload.safeParse(payload);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) =>
      `${i.path.join(".") || "(payload)"}: ${i.message}`
    );
    throw new TypeError(`invalid payload for job ${job.name}: ${issues.join("; ")}`);
  }
  return JSON.stringify(payload ?? null);
}

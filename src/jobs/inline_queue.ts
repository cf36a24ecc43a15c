/**
 * Inline mode (no REDIS_BASE_URL): each job runs in this process as soon as it is
 * enqueued (after the surrounding commit, like a queued one), with the same payload
 * check, timeout, retries, backoff and dead-letter rule as a worker. Nothing survives a
 * restart: this is for the embedded single-process default and for tests, as RQ's
 * `is_async=False` was for the original's tests.
 */
import type { AppDeps } from "../deps.ts";
import type { JobDefinition } from "./definition.ts";
import { logAttempt, runAttempt } from "./attempt.ts";
import { type EnqueueOptions, type JobQueue, serializePayload } from "./queue.ts";

export interface InlineQueueOptions {
  /** The dependencies handed to handlers (read lazily: deps usually hold this queue). */
  deps: () => AppDeps;
  /** Waits between attempts; tests pass one that records the delay and returns at once. */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class InlineQueue implements JobQueue {
  readonly mode = "inline";
  #running = new Set<Promise<void>>();
  #claims = new Map<string, number>();
  #deps: () => AppDeps;
  #sleep: (ms: number) => Promise<void>;

  constructor(options: InlineQueueOptions) {
    this.#deps = options.deps;
    this.#sleep = options.sleep ?? realSleep;
  }

  // deno-lint-ignore require-await -- async so a bad payload rejects like the Redis queue's
  async enqueue<P>(job: JobDefinition<P>, payload: P, options: EnqueueOptions = {}) {
    const body = serializePayload(job, payload);
    const id = crypto.randomUUID();
    const run = this.#run(job, JSON.parse(body), id, options.delayMs ?? 0);
    this.#running.add(run);
    run.finally(() => this.#running.delete(run));
    return id;
  }

  enqueueOnce<P>(key: string, job: JobDefinition<P>, payload: P, options: { ttlMs: number }) {
    const now = this.#deps().now().getTime();
    for (const [claimed, until] of this.#claims) if (until <= now) this.#claims.delete(claimed);
    if ((this.#claims.get(key) ?? -Infinity) > now) return Promise.resolve(null);
    this.#claims.set(key, now + options.ttlMs);
    return this.enqueue(job, payload);
  }

  async idle(): Promise<void> {
    while (this.#running.size) await Promise.all(this.#running);
  }

  async #run(job: JobDefinition<unknown>, payload: unknown, id: string, delayMs: number) {
    if (delayMs > 0) await this.#sleep(delayMs);
    for (let attempt = 1;; attempt++) {
      const deps = this.#deps();
      const started = performance.now();
      const result = await runAttempt(job, payload, { deps, jobId: id, attempt });
      const ms = Math.round(performance.now() - started);
      logAttempt(deps.log, { job: job.name, id, queue: "inline", attempt, ms }, result);
      if (result.outcome !== "retry") return;
      await this.#sleep(result.delayMs);
    }
  }
}

/**
 * Producer side of the Redis queue: a job is a hash plus its id in a queue list (or in
 * the delayed set), written in one MULTI so a reader never sees half a job. Workers
 * (src/jobs/worker.ts) take ids with BLMOVE; unlike RQ's lists, nothing is held only in a
 * worker's memory, so a restarted worker or Redis with persistence loses no job.
 */
import { type Redis, withTimeout } from "../redis.ts";
import type { JobRef } from "./queue.ts";
import { ENQUEUE_ONCE, JobKeys } from "./redis_keys.ts";
import { type EnqueueOptions, type JobQueue, serializePayload } from "./queue.ts";

export class RedisQueue implements JobQueue {
  readonly mode = "redis";
  readonly keys: JobKeys;

  constructor(
    readonly redis: Redis,
    options: { prefix: string; now: () => Date },
  ) {
    this.keys = new JobKeys(options.prefix);
    this.#now = options.now;
  }
  #now: () => Date;
  #inflight = new Set<Promise<unknown>>();

  /** Enqueues wait this long for Redis (then fail, to be logged; the command may still land). */
  static readonly TIMEOUT_MS = 5000;

  enqueue<P>(job: JobRef<P>, payload: P, options: EnqueueOptions = {}): Promise<string> {
    const done = withTimeout(
      this.#enqueue(job, payload, options),
      `enqueue ${job.name}`,
      RedisQueue.TIMEOUT_MS,
    );
    this.#inflight.add(done);
    done.catch(() => {}).finally(() => this.#inflight.delete(done));
    return done;
  }

  async #enqueue<P>(job: JobRef<P>, payload: P, options: EnqueueOptions = {}) {
    const body = serializePayload(job, payload);
    const id = crypto.randomUUID();
    const now = this.#now().getTime();
    const multi = this.redis.multi().hSet(this.keys.job(id), {
      name: job.name,
      queue: job.queue,
      payload: body,
      attempts: 0,
      enqueued_at: now,
    });
    if (options.delayMs && options.delayMs > 0) {
      multi.zAdd(this.keys.delayed(job.queue), { score: now + options.delayMs, value: id });
    } else {
      multi.lPush(this.keys.queue(job.queue), id);
    }
    await multi.exec();
    return id;
  }

  async enqueueOnce<P>(
    key: string,
    job: JobRef<P>,
    payload: P,
    options: { ttlMs: number },
  ) {
    const body = serializePayload(job, payload);
    const id = crypto.randomUUID();
    const claimed = await ENQUEUE_ONCE.run(
      this.redis,
      [this.keys.once(key), this.keys.job(id), this.keys.queue(job.queue)],
      [id, options.ttlMs, job.name, job.queue, body, this.#now().getTime()],
    );
    return claimed === 1 ? id : null;
  }

  /** Resolves when the enqueues started so far have settled (answered or timed out). */
  async idle(): Promise<void> {
    while (this.#inflight.size) await Promise.allSettled([...this.#inflight]);
  }
}

/**
 * The worker: consumes the Redis queues with a fixed number of handlers per queue.
 *
 * Reliable fetch: a handler BLMOVEs a job id from `queue:<q>` into this worker's
 * `processing:<q>:<worker>` list, so a job is never only in memory. The worker renews a
 * lease (`worker:<id>`, a key with a TTL); every worker reaps the processing lists of
 * workers whose lease has lapsed, returning their jobs to the front of the queue. Jobs
 * therefore run at least once, and handlers must be idempotent. A job whose worker died
 * on every attempt is dead-lettered once its attempts are used up.
 *
 * Each handler's blocking read is watched: one that has not returned within its block
 * time plus a margin (a half-open connection, a lost reply) is treated as dead, its
 * connection dropped and a new one made. An id in this worker's processing list that no
 * handler took (BLMOVE moved it, but the reply was lost with the connection) is returned
 * to its queue once two maintenance passes in a row have seen it. The lease records when each queue was last
 * read, so `queue health` can tell a worker that renews its lease but consumes nothing.
 *
 * The same timer promotes due delayed jobs (retries) and ticks the schedules.
 * `stop()` (SIGTERM/SIGINT) stops taking jobs, lets running ones finish within the grace
 * period, then aborts and requeues the rest without counting that attempt.
 */
import type { AppDeps } from "../deps.ts";
import { listenForErrors, type Redis } from "../redis.ts";
import { errorFields } from "../log.ts";
import type { AnyJob } from "./definition.ts";
import { type QueueName, QUEUES } from "./queue.ts";
import { type AttemptResult, logAttempt, runAttempt } from "./attempt.ts";
import { RedisQueue } from "./redis_queue.ts";
import { type JobKeys, PROMOTE, REAP, RESCUE, SETTLE, START } from "./redis_keys.ts";
import { type Schedule, Scheduler } from "./scheduler.ts";

export interface WorkerOptions {
  /** Handed to handlers; `deps.jobs` must be a {@link RedisQueue} (it names the keys). */
  deps: AppDeps;
  /** The jobs this worker can run (the registry's, from every manifest). */
  jobs: AnyJob[];
  schedules?: Schedule[];
  /** Handlers per queue; 0 or missing: the queue is not consumed here. */
  concurrency: Partial<Record<QueueName, number>>;
  /** Lease TTL: a worker silent this long is dead and its jobs are requeued. Default 30 s. */
  leaseMs?: number;
  /** How long running jobs may finish after `stop()`. Default 30 s. */
  graceMs?: number;
  /** Period of delayed-job promotion, reaping and schedule ticks. Default 1 s. */
  pollMs?: number;
  /** BLMOVE timeout in seconds. Default 5. */
  blockSeconds?: number;
  /**
   * How long past `blockSeconds` a blocking read may stay unanswered before its
   * connection is dropped and remade. Default 3 s.
   */
  stallMarginMs?: number;
}

/** One handler: its connection and the times its reads were sent and answered. */
interface Consumer {
  queue: QueueName;
  connection: Redis;
  /** Date.now() when the pending BLMOVE was sent; null while a job runs or between reads. */
  waitingSince: number | null;
  /** Date.now() when a BLMOVE last answered (a job or its timeout), or the handler began. */
  answeredAt: number;
  /** Running a job (a sign of life however long it takes). */
  busy: boolean;
}

interface Running {
  queue: QueueName;
  abort: AbortController;
}

const PROMOTE_BATCH = 500;

/** HGETALL through EVAL answers `[field, value, …]`. */
function toRecord(flat: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) record[flat[i]] = flat[i + 1];
  return record;
}

export class Worker {
  readonly id = `${Deno.hostname()}:${Deno.pid}:${crypto.randomUUID().slice(0, 8)}`;
  readonly queues: QueueName[];
  #deps: AppDeps;
  #redis: Redis;
  #keys: JobKeys;
  #jobs: Map<string, AnyJob>;
  #scheduler: Scheduler;
  #options: Required<Omit<WorkerOptions, "schedules">>;
  #consumers: Consumer[] = [];
  #loops: Promise<void>[] = [];
  #running = new Map<string, Running>();
  /** Ids a BLMOVE handed to a handler and not yet settled. */
  #taken = new Set<string>();
  /** Ids in our processing lists that no handler held at the last maintenance pass. */
  #unheld = new Set<string>();
  #abandoned = new Set<string>();
  #timers: ReturnType<typeof setInterval>[] = [];
  #stopping = false;
  #stopped?: Promise<void>;
  #maintaining?: Promise<void>;

  constructor(options: WorkerOptions) {
    const queue = options.deps.jobs;
    if (!(queue instanceof RedisQueue)) {
      throw new Error("the worker needs REDIS_BASE_URL (without it, jobs run inline)");
    }
    this.#deps = options.deps;
    this.#redis = queue.redis;
    this.#keys = queue.keys;
    this.#options = {
      leaseMs: 30_000,
      graceMs: 30_000,
      pollMs: 1000,
      blockSeconds: 5,
      stallMarginMs: 3000,
      ...options,
    };
    this.#jobs = new Map(options.jobs.map((j) => [j.name, j]));
    this.queues = QUEUES.filter((q) => (options.concurrency[q] ?? 0) > 0);
    this.#scheduler = new Scheduler({
      schedules: options.schedules ?? [],
      queue,
      config: options.deps.config,
      log: options.deps.log,
      now: options.deps.now,
    });
  }

  /** Registers the lease, then starts the handlers and the maintenance timer. */
  async start(): Promise<void> {
    const { log } = this.#deps;
    await this.#renewLease();
    for (const queue of this.queues) {
      for (let i = 0; i < this.#options.concurrency[queue]!; i++) {
        const consumer: Consumer = {
          queue,
          connection: await this.#connect(),
          waitingSince: null,
          answeredAt: Date.now(),
          busy: false,
        };
        this.#consumers.push(consumer);
        this.#loops.push(this.#consume(consumer));
      }
    }
    const renew = setInterval(() => {
      this.#renewLease().catch((error) => log.error("lease renewal failed", errorFields(error)));
    }, this.#renewEveryMs);
    const maintain = setInterval(() => {
      this.#dropStalledReads();
      this.#maintaining ??= this.#maintain()
        .catch((error) => log.error("worker maintenance failed", errorFields(error)))
        .finally(() => (this.#maintaining = undefined));
    }, this.#options.pollMs);
    this.#timers.push(renew, maintain);
    log.info("worker started", {
      worker: this.id,
      concurrency: Object.fromEntries(this.queues.map((q) => [q, this.#options.concurrency[q]])),
      schedules: this.#scheduler.plan.map((p) => ({ name: p.name, next: p.next?.toISOString() })),
    });
  }

  get #renewEveryMs(): number {
    return Math.max(10, Math.floor(this.#options.leaseMs / 3));
  }

  /** Graceful stop; safe to call more than once. */
  stop(): Promise<void> {
    this.#stopped ??= this.#shutdown();
    return this.#stopped;
  }

  /** Promotes due delayed jobs, reaps dead workers and ticks the schedules, once. */
  async #maintain(): Promise<void> {
    const now = this.#deps.now().getTime();
    for (const queue of this.queues) {
      const keys = [this.#keys.delayed(queue), this.#keys.queue(queue)];
      while (await PROMOTE.run(this.#redis, keys, [now, PROMOTE_BATCH]) === PROMOTE_BATCH);
    }
    await this.#rescueUnheld();
    for (const worker of await this.#redis.sMembers(this.#keys.workers)) {
      if (worker === this.id) continue;
      const moved = await this.#reap(worker);
      if (moved >= 0) this.#deps.log.warn("reaped dead worker", { worker, requeued: moved });
    }
    if (!this.#stopping) await this.#scheduler.tick();
  }

  /** A blocking connection of our own, its errors logged. */
  async #connect(): Promise<Redis> {
    const connection = listenForErrors(
      this.#redis.duplicate(),
      this.#deps.log,
      "redis (blocking read)",
    );
    await connection.connect();
    return connection;
  }

  /** Longest a blocking read may stay unanswered before its connection is presumed dead. */
  get #readDeadlineMs(): number {
    return this.#options.blockSeconds * 1000 + this.#options.stallMarginMs;
  }

  /** Drops the connection of every read overdue by more than the margin (see #consume). */
  #dropStalledReads(): void {
    const now = Date.now();
    for (const consumer of this.#consumers) {
      if (consumer.waitingSince === null || this.#stopping) continue;
      if (now - consumer.waitingSince <= this.#readDeadlineMs) continue;
      this.#deps.log.warn("blocking read stalled; reconnecting", {
        queue: consumer.queue,
        waited_ms: now - consumer.waitingSince,
      });
      consumer.waitingSince = null;
      consumer.connection.destroy();
    }
  }

  /** Requeues ids held in our processing lists by no handler for two passes in a row. */
  async #rescueUnheld(): Promise<void> {
    const seen = new Set<string>();
    for (const queue of this.queues) {
      const processing = this.#keys.processing(queue, this.id);
      for (const id of await this.#redis.lRange(processing, 0, -1)) {
        if (this.#taken.has(id)) continue;
        if (!this.#unheld.has(id)) {
          seen.add(id);
          continue;
        }
        if (await RESCUE.run(this.#redis, [processing, this.#keys.queue(queue)], [id])) {
          this.#deps.log.warn("requeued a job no handler held", { id, queue });
        }
      }
    }
    this.#unheld = seen;
  }

  async #reap(worker: string): Promise<number> {
    return await REAP.run(
      this.#redis,
      [this.#keys.workers, this.#keys.worker(worker)],
      [worker, this.#keys.prefix, ...QUEUES],
    ) as number;
  }

  async #renewLease(): Promise<void> {
    // Per queue, the oldest sign of life of its handlers: a running job counts as now, else
    // the last answer to a read. `queue health` compares it to the deadline, so a worker
    // whose reads fail or never answer is unhealthy even while its lease is renewed.
    const now = Date.now();
    const polled: Record<string, string> = {};
    for (const queue of this.queues) {
      const since = Math.min(
        ...this.#consumers.filter((c) => c.queue === queue).map((c) => c.busy ? now : c.answeredAt),
        now,
      );
      polled[queue] = new Date(since).toISOString();
    }
    const lease = JSON.stringify({
      pid: Deno.pid,
      host: Deno.hostname(),
      queues: this.queues,
      renewed_at: new Date(now).toISOString(),
      polled_at: polled,
      // A read may be this old and the worker still healthy: the deadline, plus one
      // renewal period for the lease to catch up.
      poll_deadline_ms: this.#readDeadlineMs + this.#renewEveryMs,
    });
    await this.#redis.multi()
      .set(this.#keys.worker(this.id), lease, {
        expiration: { type: "PX", value: this.#options.leaseMs },
      })
      .sAdd(this.#keys.workers, this.id)
      .exec();
  }

  async #consume(consumer: Consumer): Promise<void> {
    const { queue } = consumer;
    const from = this.#keys.queue(queue);
    const to = this.#keys.processing(queue, this.id);
    while (!this.#stopping) {
      let id: string | null;
      try {
        if (!consumer.connection.isOpen) {
          consumer.connection = await this.#connect();
          if (this.#stopping) return consumer.connection.destroy();
        }
        consumer.waitingSince = Date.now();
        id = await consumer.connection.blMove(
          from,
          to,
          "RIGHT",
          "LEFT",
          this.#options.blockSeconds,
        );
      } catch (error) {
        consumer.waitingSince = null;
        if (this.#stopping) return;
        this.#deps.log.error("queue read failed", { queue, ...errorFields(error) });
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      consumer.waitingSince = null;
      consumer.answeredAt = Date.now();
      if (!id) continue;
      consumer.busy = true;
      this.#taken.add(id);
      try {
        await this.#process(queue, id);
      } catch (error) {
        // Redis failed while settling: the id stays in our processing list, and is
        // requeued when this worker stops or its lease lapses.
        this.#deps.log.error("job settle failed", { queue, id, ...errorFields(error) });
      } finally {
        this.#taken.delete(id);
        consumer.busy = false;
        consumer.answeredAt = Date.now();
      }
    }
  }

  async #process(queue: QueueName, id: string): Promise<void> {
    const processing = this.#keys.processing(queue, this.id);
    const fields = await START.run(this.#redis, [this.#keys.job(id)], []) as string[] | null;
    if (!fields) {
      await this.#redis.lRem(processing, 1, id);
      return;
    }
    const stored = toRecord(fields);
    const attempt = Number(stored.attempts);
    const job = this.#jobs.get(stored.name);
    const started = performance.now();
    let result: AttemptResult;
    if (!job) {
      result = {
        outcome: "dead",
        error: `unknown job "${stored.name}": this worker cannot run it`,
      };
    } else if (attempt > job.maxAttempts) {
      result = {
        outcome: "dead",
        error: `${job.name}: the last of ${job.maxAttempts} attempts never finished (worker died)`,
      };
    } else {
      let payload: unknown;
      try {
        payload = JSON.parse(stored.payload);
      } catch {
        payload = undefined;
      }
      const abort = new AbortController();
      this.#running.set(id, { queue, abort });
      try {
        result = await runAttempt(job, payload, {
          deps: this.#deps,
          jobId: id,
          attempt,
          signal: abort.signal,
        });
      } finally {
        this.#running.delete(id);
      }
      if (this.#abandoned.has(id)) return;
    }
    const now = this.#deps.now().getTime();
    const [action, target, runAt] = result.outcome === "done"
      ? ["done", "", 0]
      : result.outcome === "dead"
      ? ["push", this.#keys.dead(queue), 0]
      : result.delayMs > 0
      ? ["delay", this.#keys.delayed(queue), now + result.delayMs]
      : ["push", this.#keys.queue(queue), 0];
    const error = result.outcome === "done" ? "" : result.error;
    await SETTLE.run(
      this.#redis,
      [processing, this.#keys.job(id), target || processing],
      [id, action, error, now, runAt],
    );
    logAttempt(this.#deps.log, {
      job: stored.name,
      id,
      queue,
      attempt,
      ms: Math.round(performance.now() - started),
    }, result);
  }

  async #shutdown(): Promise<void> {
    const { log } = this.#deps;
    this.#stopping = true;
    log.info("worker stopping", { worker: this.id, running: this.#running.size });
    await this.#scheduler.stop();
    // Dropping the blocking connections ends their BLMOVE at once; an id that BLMOVE
    // moved just before is still in our processing list and is requeued below.
    for (const consumer of this.#consumers) {
      if (consumer.connection.isOpen) consumer.connection.destroy();
    }
    let grace: ReturnType<typeof setTimeout> | undefined;
    const finished = await Promise.race([
      Promise.all(this.#loops).then(() => true),
      new Promise<false>((
        resolve,
      ) => (grace = setTimeout(() => resolve(false), this.#options.graceMs))),
    ]);
    clearTimeout(grace);
    if (!finished) {
      for (const [id, running] of this.#running) {
        this.#abandoned.add(id);
        running.abort.abort(new Error("worker shutting down"));
        await SETTLE.run(
          this.#redis,
          [
            this.#keys.processing(running.queue, this.id),
            this.#keys.job(id),
            this.#keys.queue(running.queue),
          ],
          [id, "requeue", "", 0, 0],
        );
        log.warn("job requeued at shutdown", { id, queue: running.queue });
      }
    }
    for (const timer of this.#timers) clearInterval(timer);
    await this.#maintaining;
    await this.#redis.del(this.#keys.worker(this.id));
    await this.#reap(this.id);
    log.info("worker stopped", { worker: this.id, graceful: finished });
  }
}

/** Runs `worker` until SIGINT or SIGTERM, then stops it gracefully. */
export async function runUntilSignal(worker: Worker): Promise<void> {
  await worker.start();
  await new Promise<void>((resolve) => {
    const stop = () => {
      Deno.removeSignalListener("SIGINT", stop);
      Deno.removeSignalListener("SIGTERM", stop);
      resolve();
    };
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGTERM", stop);
  });
  await worker.stop();
}

/**
 * Operations on the Redis queue, behind `cli.ts queue …` and the heartbeat job: counts
 * per queue and state, live workers, replaying dead jobs and purging a state. These
 * replace the original's `rq_health_check` and `purge_queue` commands.
 */
import { type QueueName, QUEUES } from "./queue.ts";
import type { RedisQueue } from "./redis_queue.ts";
import { PURGE, RETRY_DEAD } from "./redis_keys.ts";

export const STATES = ["queued", "delayed", "dead"] as const;
export type QueueState = (typeof STATES)[number];

export interface QueueCounts {
  queue: QueueName;
  queued: number;
  processing: number;
  delayed: number;
  dead: number;
}

export interface WorkerInfo {
  id: string;
  /** False when the lease has lapsed and no reaper has run since. */
  alive: boolean;
  queues: QueueName[];
  pid?: number;
  host?: string;
  renewed_at?: string;
  /** Per queue, the oldest last answer to its handlers' reads (see src/jobs/worker.ts). */
  polled_at?: Record<string, string>;
  /** How old `polled_at` may be while the worker is still consuming. */
  poll_deadline_ms?: number;
}

export async function listWorkers({ redis, keys }: RedisQueue): Promise<WorkerInfo[]> {
  const ids = (await redis.sMembers(keys.workers)).sort();
  if (!ids.length) return [];
  const leases = await redis.mGet(ids.map((id) => keys.worker(id)));
  return ids.map((id, i) => {
    const lease = leases[i] ? JSON.parse(leases[i]!) : null;
    return lease ? { id, alive: true, ...lease } : { id, alive: false, queues: [] };
  });
}

export async function queueStatus(
  queue: RedisQueue,
): Promise<{ queues: QueueCounts[]; workers: WorkerInfo[] }> {
  const { redis, keys } = queue;
  const workers = await listWorkers(queue);
  const queues: QueueCounts[] = [];
  for (const q of QUEUES) {
    const [queued, delayed, dead, ...processing] = await Promise.all([
      redis.lLen(keys.queue(q)),
      redis.zCard(keys.delayed(q)),
      redis.lLen(keys.dead(q)),
      ...workers.map((w) => redis.lLen(keys.processing(q, w.id))),
    ]);
    queues.push({
      queue: q,
      queued,
      processing: processing.reduce((a, b) => a + b, 0),
      delayed,
      dead,
    });
  }
  return { queues, workers };
}

/**
 * Whether `worker` is reading `queue`: its lease lists the queue and its handlers' last
 * read is within the deadline (a worker renewing its lease with every read stuck is not).
 */
export function consumes(worker: WorkerInfo, queue: QueueName, now = Date.now()): boolean {
  if (!worker.alive || !worker.queues.includes(queue)) return false;
  const polled = worker.polled_at?.[queue];
  if (!polled || worker.poll_deadline_ms === undefined) return true; // an older worker's lease
  return now - Date.parse(polled) <= worker.poll_deadline_ms;
}

/** Whether a live worker consumes `queue` (each queue when omitted). */
export async function healthy(queue: RedisQueue, only?: QueueName): Promise<boolean> {
  const workers = await listWorkers(queue);
  const now = Date.now();
  return (only ? [only] : QUEUES).every((q) => workers.some((w) => consumes(w, q, now)));
}

/**
 * Moves dead jobs (of `job` only, if given) back to their queue with a fresh set of
 * attempts; returns how many.
 */
export async function retryDead(
  queue: RedisQueue,
  options: { job?: string } = {},
): Promise<number> {
  const { redis, keys } = queue;
  let moved = 0;
  for (const q of QUEUES) {
    for (const id of await redis.lRange(keys.dead(q), 0, -1)) {
      if (options.job && await redis.hGet(keys.job(id), "name") !== options.job) continue;
      const removed = await RETRY_DEAD.run(redis, [keys.dead(q), keys.job(id), keys.queue(q)], [
        id,
      ]);
      if (removed) moved++;
    }
  }
  return moved;
}

/** Deletes every job in one state of `q`; returns how many. */
export async function purge(queue: RedisQueue, q: QueueName, state: QueueState): Promise<number> {
  const { redis, keys } = queue;
  const key = state === "queued"
    ? keys.queue(q)
    : state === "dead"
    ? keys.dead(q)
    : keys.delayed(q);
  return await PURGE.run(redis, [key], [keys.prefix]) as number;
}

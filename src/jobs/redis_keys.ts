/**
 * The queue's Redis layout, under one prefix (`JOBS_KEY_PREFIX`) so deployments and
 * parallel tests can share a Redis:
 *
 * - `job:<id>` hash: name, queue, payload (JSON), attempts, enqueued_at, last_error, failed_at
 * - `queue:<q>` list of ids, pushed left, taken right (FIFO)
 * - `processing:<q>:<worker>` list: ids a worker has taken (BLMOVE) and not yet settled
 * - `delayed:<q>` sorted set: ids by the time (ms) they may run (retries, delayed jobs)
 * - `dead:<q>` list: ids that failed for good; their hash keeps the last error
 * - `workers` set of worker ids; `worker:<id>` that worker's lease (a key with a TTL)
 * - `once:<key>` claims, e.g. one per scheduled run
 *
 * The Lua scripts below keep each move between these atomic, so a job is always in
 * exactly one place even if a process dies between two commands.
 */
import type { Redis } from "../redis.ts";
import type { QueueName } from "./queue.ts";

export class JobKeys {
  constructor(readonly prefix: string) {}
  job = (id: string) => `${this.prefix}job:${id}`;
  queue = (q: QueueName) => `${this.prefix}queue:${q}`;
  processing = (q: QueueName, worker: string) => `${this.prefix}processing:${q}:${worker}`;
  delayed = (q: QueueName) => `${this.prefix}delayed:${q}`;
  dead = (q: QueueName) => `${this.prefix}dead:${q}`;
  get workers() {
    return `${this.prefix}workers`;
  }
  worker = (id: string) => `${this.prefix}worker:${id}`;
  once = (key: string) => `${this.prefix}once:${key}`;
}

/** A Lua script run by EVALSHA, loaded on first use (or after a Redis restart). */
export class Script {
  #sha?: string;
  constructor(readonly source: string) {}

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    const options = { keys, arguments: args.map(String) };
    this.#sha ??= await sha1(this.source);
    try {
      return await redis.evalSha(this.#sha, options);
    } catch (error) {
      if (!String((error as Error).message).startsWith("NOSCRIPT")) throw error;
      return await redis.eval(this.source, options);
    }
  }
}

async function sha1(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Enqueue unless the claim key exists. KEYS: once, job, queue. ARGV: id, ttl ms, name, queue, payload, now. */
export const ENQUEUE_ONCE = new Script(`
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
redis.call('HSET', KEYS[2], 'name', ARGV[3], 'queue', ARGV[4], 'payload', ARGV[5],
  'attempts', 0, 'enqueued_at', ARGV[6])
redis.call('LPUSH', KEYS[3], ARGV[1])
return 1`);

/** Count an attempt and read the job; nil when the job is gone (purged). KEYS: job. */
export const START = new Script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HINCRBY', KEYS[1], 'attempts', 1)
return redis.call('HGETALL', KEYS[1])`);

/**
 * Settle a taken job. KEYS: processing, job, target (queue list, delayed set or dead list).
 * ARGV: id, action (done | push | delay | requeue), last error, now, run-at ms.
 * Returns 0 when the job was no longer ours (a reaper gave it to another worker), in
 * which case only `done` still deletes it (a second copy then finds nothing to do).
 */
export const SETTLE = new Script(`
local removed = redis.call('LREM', KEYS[1], 1, ARGV[1])
if ARGV[2] == 'done' then redis.call('DEL', KEYS[2]) return removed end
if removed == 0 then return 0 end
if ARGV[2] == 'requeue' then
  redis.call('HINCRBY', KEYS[2], 'attempts', -1)
  redis.call('RPUSH', KEYS[3], ARGV[1])
  return 1
end
redis.call('HSET', KEYS[2], 'last_error', ARGV[3], 'failed_at', ARGV[4])
if ARGV[2] == 'delay' then redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
else redis.call('LPUSH', KEYS[3], ARGV[1]) end
return 1`);

/** Move due delayed jobs to their queue. KEYS: delayed, queue. ARGV: now ms, batch size. */
export const PROMOTE = new Script(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('LPUSH', KEYS[2], id)
end
return #ids`);

/**
 * Return a dead worker's taken jobs to the front of their queues and forget the worker;
 * -1 if its lease is still alive. KEYS: workers set, the worker's lease.
 * ARGV: worker id, key prefix, queue names…
 */
export const REAP = new Script(`
if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
local moved = 0
for i = 3, #ARGV do
  local processing = ARGV[2] .. 'processing:' .. ARGV[i] .. ':' .. ARGV[1]
  local queue = ARGV[2] .. 'queue:' .. ARGV[i]
  while redis.call('LMOVE', processing, queue, 'LEFT', 'RIGHT') do moved = moved + 1 end
end
redis.call('SREM', KEYS[1], ARGV[1])
return moved`);

/** Give a dead job a fresh set of attempts. KEYS: dead, job, queue. ARGV: id. */
export const RETRY_DEAD = new Script(`
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], 'attempts', 0)
redis.call('LPUSH', KEYS[3], ARGV[1])
return 1`);

/** Empty a list or sorted set of ids and delete their jobs. KEYS: the key. ARGV: prefix. */
export const PURGE = new Script(`
local ids
if redis.call('TYPE', KEYS[1]).ok == 'zset' then ids = redis.call('ZRANGE', KEYS[1], 0, -1)
else ids = redis.call('LRANGE', KEYS[1], 0, -1) end
for _, id in ipairs(ids) do redis.call('DEL', ARGV[1] .. 'job:' .. id) end
redis.call('DEL', KEYS[1])
return #ids`);

/**
 * Return one id a live worker holds but is not running (its BLMOVE reply was lost with
 * the connection) to the front of its queue. KEYS: processing, queue. ARGV: id.
 */
export const RESCUE = new Script(`
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[1])
return 1`);

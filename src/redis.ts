/**
 * The process's Redis client (node-redis), when `REDIS_BASE_URL` is set. Shared by the
 * token cache, Hawk nonces and the job queue; without Redis those fall back to
 * PostgreSQL or the process.
 *
 * Every client has an `error` listener: node-redis emits `error` before it rejects the
 * commands in flight, and an emit with no listener throws out of that path, leaving them
 * pending forever (a worker's BLMOVE never settled after a Redis restart). Commands are
 * refused at once while the client reconnects (no offline queue), and callers on a
 * request's path bound their wait with {@link withTimeout}, so an unreachable Redis costs
 * a request milliseconds, not a hang.
 */
import { createClient } from "redis";
import { errorFields, type Logger } from "./log.ts";

/** Reconnect within a second of Redis coming back (node-redis backs off to 2 s). */
const reconnectStrategy = (retries: number) =>
  Math.min(retries * 100, 800) + Math.floor(Math.random() * 200);

const create = (url: string) =>
  createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy } });
export type Redis = ReturnType<typeof create>;

/** How long a request waits for one Redis command before carrying on without it. */
export const REDIS_COMMAND_TIMEOUT_MS = 1000;

/** Logs a client's errors (and so keeps node-redis's error path from throwing). */
export function listenForErrors(client: Redis, log?: Logger, name = "redis"): Redis {
  client.on("error", (error: Error) => log?.error(`${name} error`, errorFields(error)));
  return client;
}

export async function connectRedis(url: string, log?: Logger): Promise<Redis> {
  const client = listenForErrors(create(url), log);
  await client.connect();
  return client;
}

export class RedisTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: no answer from Redis within ${ms} ms`);
    this.name = "RedisTimeoutError";
  }
}

/** `command`, or a {@link RedisTimeoutError} after `ms` (the command itself is left to settle). */
export function withTimeout<T>(
  command: Promise<T>,
  what: string,
  ms = REDIS_COMMAND_TIMEOUT_MS,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisTimeoutError(what, ms)), ms);
  });
  command.catch(() => {});
  return Promise.race([command, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The process's Redis client (node-redis), when `REDIS_BASE_URL` is set. Shared by the
 * token cache, Hawk nonces and the job queue; without Redis those fall back to
 * PostgreSQL or the process.
 */
import { createClient } from "redis";
import type { Logger } from "./log.ts";

const create = (url: string) => createClient({ url });
export type Redis = ReturnType<typeof create>;

export async function connectRedis(url: string, log?: Logger): Promise<Redis> {
  const client = create(url);
  client.on("error", (error: Error) => log?.error("redis error", { error: error.message }));
  await client.connect();
  return client;
}

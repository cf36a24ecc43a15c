/**
 * The original's `queue_health_check` (every 10 minutes): proof in the logs that the
 * scheduler and a worker are alive. It also logs the queue counts, which the original
 * did not, so a growing backlog or dead-letter list shows up in the same line.
 */
import { z } from "zod";
import { defineJob } from "./definition.ts";
import { RedisQueue } from "./redis_queue.ts";
import { queueStatus } from "./admin.ts";

export const queueHealthCheck = defineJob({
  name: "core.queue_health_check",
  payload: z.object({}),
  maxAttempts: 1,
  async run(_payload, { deps }) {
    const queue = deps.jobs;
    const counts = queue instanceof RedisQueue ? (await queueStatus(queue)).queues : [];
    deps.log.info("queue health check", { mode: queue.mode, queues: counts });
  },
});

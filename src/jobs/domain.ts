/** The job machinery's own manifest: the queue health check every ten minutes. */
import type { Domain } from "../manifest.ts";
import { schedule } from "./scheduler.ts";
import { queueHealthCheck } from "./heartbeat.ts";

export const jobsDomain: Domain = {
  name: "jobs",
  schedules: [schedule("queue_health_check", "*/10 * * * *", queueHealthCheck)],
};

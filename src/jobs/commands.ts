/**
 * `worker` runs the queues and schedules until SIGINT/SIGTERM; `queue …` operates on them
 * (status, dead-letter replay, purge, and the container health check that replaces the
 * original's `rq_health_check`).
 */
import { parseArgs } from "node:util";
import type { Command } from "../cli/command.ts";
import { type QueueName, QUEUES } from "./queue.ts";
import type { AnyJob } from "./definition.ts";
import type { Schedule } from "./scheduler.ts";
import { runUntilSignal, Worker } from "./worker.ts";
import { RedisQueue } from "./redis_queue.ts";
import { healthy, purge, type QueueState, queueStatus, retryDead, STATES } from "./admin.ts";

function queueName(value: string | undefined, flag: string): QueueName | undefined {
  if (value === undefined || (QUEUES as readonly string[]).includes(value)) {
    return value as QueueName | undefined;
  }
  throw Object.assign(new Error(`${flag} must be one of ${QUEUES.join(", ")}, got "${value}"`), {
    code: "ERR_PARSE_ARGS_INVALID_OPTION_VALUE",
  });
}

/** The `worker` command for these jobs and schedules (the registry's). */
export function createWorkerCommand(
  registered: { jobs: AnyJob[]; schedules: Schedule[] },
): Command {
  const { jobs, schedules } = registered;
  return {
    summary: "Run the background worker (queued jobs and schedules)",
    usage: "worker [--queue short-running|long-running]",
    async run(args, context) {
      const { values } = parseArgs({ args, options: { queue: { type: "string" } } });
      const only = queueName(values.queue, "--queue");
      const runtime = await context.openRuntime({ logTo: "stdout" });
      const { config, log } = runtime;
      try {
        if (!(runtime.deps.jobs instanceof RedisQueue)) {
          log.error("worker needs REDIS_BASE_URL", {
            detail: "without Redis, jobs run inline in the web process and no worker is needed",
          });
          return 78;
        }
        const concurrency = {
          "short-running": config.WORKER_SHORT_CONCURRENCY,
          "long-running": config.WORKER_LONG_CONCURRENCY,
        };
        if (only) { for (const q of QUEUES) if (q !== only) concurrency[q] = 0; }
        await runUntilSignal(
          new Worker({
            deps: runtime.deps,
            jobs,
            schedules,
            concurrency,
            leaseMs: config.WORKER_LEASE_SECONDS * 1000,
            graceMs: config.WORKER_GRACE_SECONDS * 1000,
          }),
        );
        return 0;
      } finally {
        await runtime.close();
      }
    },
  };
}

const QUEUE_USAGE = [
  "queue status [--json]",
  "queue retry-dead [--job NAME]",
  "queue purge QUEUE [--state queued|dead|delayed]",
  "queue health [--queue QUEUE]",
].join("\n       cli.ts ");

export const queueCommand: Command = {
  summary: "Inspect and operate the job queues (status, retry-dead, purge, health)",
  usage: QUEUE_USAGE,
  async run(args, context) {
    const [action, ...rest] = args;
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        json: { type: "boolean" },
        job: { type: "string" },
        state: { type: "string", default: "queued" },
        queue: { type: "string" },
      },
    });
    if (!["status", "retry-dead", "purge", "health"].includes(action)) {
      console.error(`Usage: cli.ts ${QUEUE_USAGE}`);
      return 2;
    }
    const runtime = await context.openRuntime();
    try {
      const queue = runtime.deps.jobs;
      if (!(queue instanceof RedisQueue)) {
        console.error("No REDIS_BASE_URL: jobs run inline in the web process; there is no queue.");
        return action === "health" ? 1 : 2;
      }
      switch (action) {
        case "status": {
          const status = await queueStatus(queue);
          if (values.json) console.log(JSON.stringify(status, null, 2));
          else {
            console.table(status.queues);
            console.table(status.workers.map((w) => ({ ...w, queues: w.queues.join(", ") })));
          }
          return 0;
        }
        case "retry-dead":
          console.log(`requeued ${await retryDead(queue, { job: values.job })} dead job(s)`);
          return 0;
        case "purge": {
          const target = queueName(positionals[0], "QUEUE");
          if (!target || !(STATES as readonly string[]).includes(values.state!)) {
            console.error(`Usage: cli.ts queue purge QUEUE [--state ${STATES.join("|")}]`);
            return 2;
          }
          const n = await purge(queue, target, values.state as QueueState);
          console.log(`purged ${n} ${values.state} job(s) from ${target}`);
          return 0;
        }
        default: {
          const only = queueName(values.queue, "--queue");
          const ok = await healthy(queue, only);
          console.log(ok ? "ok" : `no live worker listens on ${only ?? "every queue"}`);
          return ok ? 0 : 1;
        }
      }
    } finally {
      await runtime.close();
    }
  },
};

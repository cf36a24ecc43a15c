/** `worker`: runs until SIGINT/SIGTERM. Queues and schedules plug in here. */
import type { Command } from "../cli/commands.ts";
import { openRuntime } from "../runtime.ts";

export const workerCommand: Command = {
  summary: "Run the background worker (queued jobs and schedules)",
  usage: "worker",
  async run() {
    const runtime = await openRuntime();
    const { log } = runtime;
    log.info("worker started");
    await new Promise<void>((resolve) => {
      const stop = () => {
        Deno.removeSignalListener("SIGINT", stop);
        Deno.removeSignalListener("SIGTERM", stop);
        resolve();
      };
      Deno.addSignalListener("SIGINT", stop);
      Deno.addSignalListener("SIGTERM", stop);
    });
    await runtime.close();
    log.info("worker stopped");
    return 0;
  },
};

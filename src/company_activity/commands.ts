/**
 * `ingest-stova-events`: runs the Stova event identification (the newest file of the
 * data-flow bucket's ExportAventriEvents prefix, queued for ingestion unless ingested).
 * The original declares the task without scheduling it; this is how an operator runs it.
 */
import type { Command } from "../cli/command.ts";
import { stovaEventIdentificationJob } from "./jobs.ts";

export const ingestStovaEventsCommand: Command = {
  summary: "Queue the ingestion of the newest Stova (Aventri) events file, unless ingested",
  usage: "ingest-stova-events",
  run: async (args, context) => {
    if (args.length) {
      console.error("ingest-stova-events takes no arguments");
      return 2;
    }
    const runtime = await context.openRuntime();
    try {
      console.log(await runtime.deps.jobs.enqueue(stovaEventIdentificationJob, {}));
      return 0;
    } finally {
      await runtime.close();
    }
  },
};

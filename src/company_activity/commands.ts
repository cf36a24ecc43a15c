/**
 * `ingest-stova-events` and `ingest-stova-attendees`: queue the identification of the
 * newest file of the data-flow bucket's ExportAventriEvents or ExportAventriAttendees
 * prefix (queued for ingestion unless ingested). The original declares these tasks
 * without scheduling them; this is how an operator runs them (events first: attendees of
 * an event not ingested are skipped).
 */
import type { Command } from "../cli/command.ts";
import type { JobDefinition } from "../jobs/definition.ts";
import { stovaEventIdentificationJob } from "./jobs.ts";
import { stovaAttendeeIdentificationJob } from "./stova_attendees.ts";

function identificationCommand(
  name: string,
  what: string,
  job: JobDefinition<Record<string, never>>,
): Command {
  return {
    summary: `Queue the ingestion of the newest Stova (Aventri) ${what} file, unless ingested`,
    usage: name,
    run: async (args, context) => {
      if (args.length) {
        console.error(`${name} takes no arguments`);
        return 2;
      }
      const runtime = await context.openRuntime();
      try {
        console.log(await runtime.deps.jobs.enqueue(job, {}));
        return 0;
      } finally {
        await runtime.close();
      }
    },
  };
}

export const ingestStovaEventsCommand = identificationCommand(
  "ingest-stova-events",
  "events",
  stovaEventIdentificationJob,
);

export const ingestStovaAttendeesCommand = identificationCommand(
  "ingest-stova-attendees",
  "attendees",
  stovaAttendeeIdentificationJob,
);

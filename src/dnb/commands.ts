/**
 * `update-companies-from-dnb-service <last_updated_after> [--fields F]...`: the original's
 * management command of that name. It queues one run of the D&B updates job for changes
 * after the given time (on the worker with REDIS_BASE_URL, else here and now) and prints
 * the job id.
 */
import { parseArgs } from "node:util";
import type { Command } from "../cli/command.ts";
import { getCompanyUpdatesJob } from "./jobs.ts";
import { DNB_UPDATED_FIELDS, type DnbField } from "./rules.ts";

export const updateCompaniesFromDnbCommand: Command = {
  summary: "Query dnb-service for the latest company updates and apply them to matching " +
    "Data Hub company records",
  usage: "update-companies-from-dnb-service <last_updated_after (ISO datetime)> " +
    `[-f|--fields ${DNB_UPDATED_FIELDS.join("|")}]...`,
  run: async (args, context) => {
    const { values, positionals } = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: { fields: { type: "string", short: "f", multiple: true, default: [] } },
    });
    const [lastUpdatedAfter] = positionals;
    if (positionals.length !== 1 || Number.isNaN(Date.parse(lastUpdatedAfter))) {
      console.error("last_updated_after must be one ISO format datetime, e.g. 2019-11-11T12:00:00");
      return 2;
    }
    const fields = values.fields.flatMap((f) => f.split(",")).map((f) => f.trim()).filter(Boolean);
    const unknown = fields.filter((f) => !(DNB_UPDATED_FIELDS as readonly string[]).includes(f));
    if (unknown.length) {
      console.error(
        `invalid choice: ${unknown.join(", ")} (choose from ${DNB_UPDATED_FIELDS.join(", ")})`,
      );
      return 2;
    }
    const runtime = await context.openRuntime();
    try {
      const id = await runtime.deps.jobs.enqueue(getCompanyUpdatesJob, {
        last_updated_after: lastUpdatedAfter,
        fields_to_update: fields.length ? fields as DnbField[] : undefined,
      });
      console.log(id);
      return 0;
    } finally {
      await runtime.close();
    }
  },
};

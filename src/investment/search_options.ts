/**
 * The investment project search's body keys that are not filters, as the original's
 * SearchInvestmentProjectAPIView: `show_summary` adds the number of matching projects at
 * each stage (and, when filtering by investor company, its last won project).
 */
import { z } from "zod";
import { bool, type SearchOptions } from "../search/app.ts";
import { searchBackend } from "../search/engine.ts";
import { latestWonProject } from "./queries.ts";
import { STAGES } from "./rules.ts";

const SUMMARY_STAGES = [
  ["prospect", "Prospect", STAGES.prospect.id],
  ["assign_pm", "Assign PM", STAGES.assignPm.id],
  ["active", "Active", STAGES.active.id],
  ["verify_win", "Verify Win", STAGES.verifyWin.id],
  ["won", "Won", STAGES.won.id],
] as const;

const stageSummary = z.object({
  label: z.string(),
  id: z.string(),
  value: z.number().int(),
  last_won_project: z.object({
    id: z.string().nullable(),
    last_changed: z.string().nullable(),
    name: z.string().nullable(),
  }).optional(),
});

export const investmentSearchOptions: SearchOptions = {
  schema: {
    show_summary: bool().optional(),
  },
  async enhance(c, query, body) {
    if (body.show_summary !== true) return {};
    const backend = searchBackend(c.var.deps);
    const summary: Record<string, z.infer<typeof stageSummary>> = {};
    for (const [key, label, id] of SUMMARY_STAGES) {
      const { count } = await backend.search(c.var.db, {
        ...query,
        filters: [...query.filters, { match: "stage.id", value: id }],
        offset: 0,
        limit: 1,
      });
      summary[key] = { label, id, value: count };
    }
    const won = summary.won;
    won.last_won_project = { id: null, last_changed: null, name: null };
    const companies = body.investor_company as string[] | undefined;
    if (won.value > 0 && companies?.length) {
      const latest = await latestWonProject(c.var.db, companies[0], STAGES.won.id);
      if (latest) won.last_won_project = latest;
    }
    return { summary };
  },
  response: { summary: z.record(z.string(), stageSummary).optional() },
};

/** Reminder handlers: the caller's lists, dismissals, settings and summaries, per type. */
import type { App } from "../http/context.ts";
import { notFound } from "../http/errors.ts";
import { paginate, readPage } from "../http/pagination.ts";
import { parseSortby } from "../http/sortby.ts";
import { callerId } from "../auth/caller.ts";
import { activeFeaturesOf } from "../feature_flag/queries.ts";
import * as routes from "./routes.ts";
import * as q from "./queries.ts";
import {
  ALL_REMINDER_TYPES,
  EXPORT_NOTIFICATIONS_GROUP,
  INVESTMENT_NOTIFICATIONS_GROUP,
  REMINDER_TYPES as T,
  type ReminderType,
} from "./types.ts";

type Json = Record<string, never>;

function registerType(app: App, type: ReminderType) {
  const r = routes.reminderRoutes(type);

  app.openapi(r.list, async (c) => {
    const page = readPage(c);
    const result = await q.listReminders(c.var.db, type, {
      adviserId: callerId(c.var.caller)!,
      sort: parseSortby(c.req.valid("query").sortby, q.reminderSortChoices, ["-created_on"]),
      page,
    });
    return c.json(paginate(c, page, result.count, result.results as Json[]), 200);
  });

  app.openapi(r.dismiss, async (c) => {
    const { id } = c.req.valid("param");
    const at = c.var.deps.now();
    if (!await q.dismissReminder(c.var.db, type, callerId(c.var.caller)!, id, at)) {
      throw notFound(`${type.stem}Reminder`);
    }
    return c.body(null, 204);
  });

  app.openapi(r.getSubscription, async (c) => {
    return c.json(
      await q.subscriptionOf(c.var.db, type, callerId(c.var.caller)!) as unknown as Json,
      200,
    );
  });

  app.openapi(r.updateSubscription, async (c) => {
    const change = c.req.valid("json") as Partial<q.Subscription>;
    const me = callerId(c.var.caller)!;
    await q.subscriptionOf(c.var.db, type, me, { forUpdate: true });
    await q.updateSubscription(c.var.db, type, me, change);
    return c.json(await q.subscriptionOf(c.var.db, type, me) as unknown as Json, 200);
  });
}

export function registerReminderRoutes(app: App) {
  app.openapi(routes.subscriptionSummary, async (c) => {
    const me = callerId(c.var.caller)!;
    const summary: Record<string, q.Subscription> = {};
    for (const type of ALL_REMINDER_TYPES) {
      summary[type.summaryKey] = await q.subscriptionOf(c.var.db, type, me);
    }
    return c.json(summary as unknown as Json, 200);
  });

  app.openapi(routes.reminderSummary, async (c) => {
    const db = c.var.db;
    const me = callerId(c.var.caller)!;
    const { groups } = await activeFeaturesOf(db, me);
    const investment = groups.includes(INVESTMENT_NOTIFICATIONS_GROUP);
    const exports = groups.includes(EXPORT_NOTIFICATIONS_GROUP);
    const counts = await q.liveCounts(db, ALL_REMINDER_TYPES, me);
    const n = (type: ReminderType, shown = true) => shown ? counts.get(type.reminderTable)! : 0;
    const outstandingPropositions = investment ? await q.outstandingPropositions(db, me) : 0;
    const body = {
      investment: {
        estimated_land_date: n(T.estimatedLandDate, investment),
        no_recent_interaction: n(T.noRecentInvestmentInteraction, investment),
        outstanding_propositions: outstandingPropositions,
      },
      export: {
        no_recent_interaction: n(T.noRecentExportInteraction, exports),
        new_interaction: n(T.newExportInteraction, exports),
      },
      my_tasks: {
        due_date_approaching: n(T.upcomingTask),
        task_assigned_to_me_from_others: n(T.taskAssignedToMeFromOthers),
        task_amended_by_others: n(T.taskAmendedByOthers),
        task_overdue: n(T.taskOverdue),
        task_completed: n(T.taskCompleted),
        task_deleted_by_others: n(T.taskDeletedByOthers),
      },
    };
    const total = [body.investment, body.export, body.my_tasks]
      .flatMap((group) => Object.values(group))
      .reduce((a, b) => a + b, 0);
    return c.json({ count: total, ...body }, 200);
  });

  for (const type of ALL_REMINDER_TYPES) registerType(app, type);
}

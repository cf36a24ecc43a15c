/**
 * Routes and Zod schemas of reminders (`/v4/reminder…`), generated from the ten types
 * (./types.ts) as the original's viewsets: a list, a dismissal and the settings per
 * type, plus the two summaries. Authentication only (the original's empty permission
 * classes); every query is the caller's own.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { bearer } from "../auth/authenticate.ts";
import { pageQuery, paginatedSchema } from "../http/pagination.ts";
import { integerField, jsonBody, jsonResponse } from "../http/schemas.ts";
import { taskSchema } from "../task/routes.ts";
import { ALL_REMINDER_TYPES, type ReminderType } from "./types.ts";

const tags = ["reminder"];
const middleware = [bearer];

/** Python's repr of a list of ints, as the duplicate-days message shows it. */
const pythonList = (items: number[]) => `[${items.join(", ")}]`;

function daysSchema(unique: boolean) {
  return z.array(integerField({ min: 0, max: 32767 }))
    .max(5, "Ensure this field has no more than 5 elements.")
    .superRefine((days, ctx) => {
      if (!unique) return;
      const counts = new Map<number, number>();
      for (const d of days) counts.set(d, (counts.get(d) ?? 0) + 1);
      const duplicates = [...counts].filter(([, n]) => n > 1).map(([d]) => d);
      if (duplicates.length) {
        ctx.addIssue({
          code: "custom",
          message: `Duplicate reminder days are not allowed ${pythonList(duplicates)}`,
        });
      }
    });
}

export function subscriptionBody(type: ReminderType) {
  return type.hasDays
    ? z.object({ reminder_days: daysSchema(type.uniqueDays), email_reminders_enabled: z.boolean() })
      .partial()
    : z.object({ email_reminders_enabled: z.boolean() }).partial();
}

const subscriptionWithDays = z.object({
  reminder_days: z.array(z.number().int()),
  email_reminders_enabled: z.boolean(),
});
const subscriptionWithoutDays = z.object({ email_reminders_enabled: z.boolean() });
const subscriptionSchema = (type: ReminderType) =>
  type.hasDays ? subscriptionWithDays : subscriptionWithoutDays;

const idName = z.object({ id: z.string(), name: z.string() });
const projectReminder = z.object({
  id: z.string(),
  created_on: z.string(),
  event: z.string(),
  project: z.object({
    id: z.string(),
    name: z.string().nullable(),
    project_code: z.string().nullable(),
  }),
});
const exportReminder = z.object({
  id: z.string(),
  created_on: z.string(),
  last_interaction_date: z.string().nullable(),
  event: z.string(),
  company: idName,
  interaction: z.object({
    created_by: z.object({
      id: z.string(),
      name: z.string(),
      first_name: z.string(),
      last_name: z.string(),
      dit_team: idName.nullable(),
    }).nullable(),
    kind: z.string(),
    subject: z.string(),
    date: z.string(),
  }).nullable(),
});
const taskReminder = z.object({
  id: z.string(),
  event: z.string(),
  created_on: z.string(),
  task: taskSchema.pick({
    id: true,
    title: true,
    investment_project: true,
    company: true,
    due_date: true,
    interaction: true,
  }),
});
const REMINDER_SCHEMAS = { project: projectReminder, export: exportReminder, task: taskReminder };

/** The four routes of one reminder type. */
export function reminderRoutes(type: ReminderType) {
  const name = `${type.stem}Reminder`;
  return {
    list: createRoute({
      method: "get",
      path: `/v4/reminder/${type.kind}`,
      tags,
      summary: `The caller's live ${name}s (sortby created_on)`,
      middleware,
      request: { query: pageQuery.extend({ sortby: z.string().optional() }) },
      responses: {
        200: jsonResponse("A page of reminders", paginatedSchema(REMINDER_SCHEMAS[type.subject])),
      },
    }),
    dismiss: createRoute({
      method: "delete",
      path: `/v4/reminder/${type.kind}/{id}`,
      tags,
      summary: `Dismiss one of the caller's ${name}s`,
      middleware,
      request: {
        params: z.object({ id: z.guid().openapi({ param: { name: "id", in: "path" } }) }),
      },
      responses: { 204: { description: "Dismissed" } },
    }),
    getSubscription: createRoute({
      method: "get",
      path: `/v4/reminder/subscription/${type.kind}`,
      tags,
      summary: `The caller's ${type.stem} settings (created on first read)`,
      middleware,
      responses: { 200: jsonResponse("The settings", subscriptionSchema(type)) },
    }),
    updateSubscription: createRoute({
      method: "patch",
      path: `/v4/reminder/subscription/${type.kind}`,
      tags,
      summary: `Update the caller's ${type.stem} settings`,
      middleware,
      request: { body: jsonBody(subscriptionBody(type)) },
      responses: { 200: jsonResponse("The settings", subscriptionSchema(type)) },
    }),
  };
}

export const subscriptionSummary = createRoute({
  method: "get",
  path: "/v4/reminder/subscription/summary",
  tags,
  summary: "All ten of the caller's reminder settings (each created on first read)",
  middleware,
  responses: {
    200: jsonResponse(
      "The settings by type",
      z.object(
        Object.fromEntries(ALL_REMINDER_TYPES.map((t) => [t.summaryKey, subscriptionSchema(t)])),
      ),
    ),
  },
});

const count = z.number().int();
export const reminderSummary = createRoute({
  method: "get",
  path: "/v4/reminder/summary",
  tags,
  summary: "Counts of the caller's live reminders (investment and export behind feature groups)",
  middleware,
  responses: {
    200: jsonResponse(
      "The counts",
      z.object({
        count,
        investment: z.object({
          estimated_land_date: count,
          no_recent_interaction: count,
          outstanding_propositions: count,
        }),
        export: z.object({ no_recent_interaction: count, new_interaction: count }),
        my_tasks: z.object({
          due_date_approaching: count,
          task_assigned_to_me_from_others: count,
          task_amended_by_others: count,
          task_overdue: count,
          task_completed: count,
          task_deleted_by_others: count,
        }),
      }),
    ),
  },
});

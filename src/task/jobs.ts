/**
 * What follows a task change, and the two daily task reminders, as the original's
 * `datahub/task/signals.py` and `tasks.py`. Handlers queue the change jobs after their
 * commit; each job writes reminders and queues their e-mails in one transaction.
 *
 * - Advisers added to a task get the five task subscriptions (e-mail on) if missing, and,
 *   unless they made the change or created the task, a "assigned to me" reminder.
 * - Any other change notifies the task's advisers but the editor: deleted (archived),
 *   else completed, else amended (to the advisers it had before the change). One reminder
 *   of a type per task and adviser, ever.
 * - At 08:00 UTC: tasks whose reminder date is today, and tasks due yesterday (neither
 *   archived nor complete), remind their active assignees who hold the subscription; one
 *   reminder per task and adviser a calendar month.
 */
import { z } from "zod";
import type { AppDeps } from "../deps.ts";
import type { Db } from "../db/pool.ts";
import { defineJob } from "../jobs/definition.ts";
import { scheduledJob } from "../reminder/jobs.ts";
import { type PendingJobs, transactionWithJobs } from "../jobs/after_commit.ts";
import { queueEmail } from "../notification/emails.ts";
import { REMINDER_TYPES, type ReminderType } from "../reminder/types.ts";
import {
  hasLiveReminder,
  insertReminder,
  subscriptionOf,
  tryAdvisoryLock,
} from "../reminder/queries.ts";
import { type TaskEmailKind, taskEmailPersonalisation } from "./emails.ts";
import { type TaskEmailFacts, taskEmailFacts, taskRecipients } from "./queries.ts";

const T = REMINDER_TYPES;

/** The original's task jobs: long-running, 3 retries without delay. */
const TASK_JOB = { queue: "long-running", maxAttempts: 4, backoff: { kind: "none" } } as const;

/** Creates the reminder and, when the adviser wants e-mails, queues the task e-mail. */
async function remind(
  tx: Db,
  jobs: PendingJobs,
  deps: AppDeps,
  options: {
    type: ReminderType;
    task: TaskEmailFacts;
    adviserId: string;
    recipient: string;
    event: string;
    email: TaskEmailKind | null;
    at: Date;
  },
) {
  const { type, task, at } = options;
  const reminderId = await insertReminder(tx, type, {
    adviserId: options.adviserId,
    event: options.event,
    at,
    subject: { task_id: task.id },
  });
  if (!options.email) return;
  await queueEmail(tx, jobs, {
    service: "investment",
    recipient: options.recipient,
    templateId: deps.config.TASK_REMINDER_EMAIL_TEMPLATE_ID ?? "",
    personalisation: taskEmailPersonalisation(
      options.email,
      task,
      deps.config.DATAHUB_FRONTEND_BASE_URL,
    ),
    reminderTable: type.reminderTable,
    reminderIds: [reminderId],
    at,
  });
}

async function recipientEmail(tx: Db, adviserId: string) {
  const [row] = await tx<{ email: string; is_active: boolean }[]>`
    select coalesce(nullif(contact_email, ''), email) as email, is_active
    from company_advisor where id = ${adviserId}`;
  return row ?? null;
}

async function modifierName(tx: Db, adviserId: string | null): Promise<string> {
  if (!adviserId) return "";
  const [row] = await tx<{ name: string }[]>`
    select concat_ws(' ', nullif(first_name, ''), nullif(last_name, '')) as name
    from company_advisor where id = ${adviserId}`;
  return row?.name ?? "";
}

const SUBSCRIBED_ON_ASSIGNMENT = [
  T.upcomingTask,
  T.taskOverdue,
  T.taskCompleted,
  T.taskDeletedByOthers,
  T.taskAmendedByOthers,
];

export const notifyAdvisersAddedToTask = defineJob({
  name: "task.advisers_added",
  payload: z.object({
    task_id: z.uuid(),
    adviser_ids: z.array(z.uuid()),
    created_by: z.uuid().nullable(),
    modified_by: z.uuid().nullable(),
  }),
  ...TASK_JOB,
  run: async (payload, { deps }) => {
    const at = deps.now();
    await transactionWithJobs(deps, async (tx, jobs) => {
      const task = await taskEmailFacts(tx, payload.task_id);
      if (!task) return;
      const by = await modifierName(tx, payload.modified_by);
      for (const adviserId of payload.adviser_ids) {
        const adviser = await recipientEmail(tx, adviserId);
        if (!adviser) continue;
        for (const type of SUBSCRIBED_ON_ASSIGNMENT) {
          await subscriptionOf(tx, type, adviserId, { emailRemindersEnabled: true });
        }
        if (adviserId === payload.created_by || adviserId === payload.modified_by) continue;
        const subscription = await subscriptionOf(tx, T.taskAssignedToMeFromOthers, adviserId, {
          emailRemindersEnabled: true,
        });
        await remind(tx, jobs, deps, {
          type: T.taskAssignedToMeFromOthers,
          task,
          adviserId,
          recipient: adviser.email,
          event: `${task.title} assigned to me by ${by}`,
          email: subscription.email_reminders_enabled ? "assigned" : null,
          at,
        });
      }
    });
  },
});

export const TASK_CHANGES = ["deleted", "completed", "amended"] as const;

const CHANGE_TYPES: Record<(typeof TASK_CHANGES)[number], ReminderType> = {
  deleted: T.taskDeletedByOthers,
  completed: T.taskCompleted,
  amended: T.taskAmendedByOthers,
};

export const notifyAdvisersOfTaskChange = defineJob({
  name: "task.changed",
  payload: z.object({
    task_id: z.uuid(),
    change: z.enum(TASK_CHANGES),
    modified_by: z.uuid().nullable(),
    /** The task's advisers before the change (amendments go to them only). */
    adviser_ids: z.array(z.uuid()),
  }),
  ...TASK_JOB,
  run: async (payload, { deps }) => {
    const at = deps.now();
    const type = CHANGE_TYPES[payload.change];
    await transactionWithJobs(deps, async (tx, jobs) => {
      const task = await taskEmailFacts(tx, payload.task_id);
      if (!task) return;
      const by = await modifierName(tx, payload.modified_by);
      const advisers = await tx<{ id: string; email: string }[]>`
        select a.id::text as id, coalesce(nullif(a.contact_email, ''), a.email) as email
        from task_task_advisers ta join company_advisor a on a.id = ta.advisor_id
        where ta.task_id = ${task.id}
          and (${payload.change !== "amended"} or a.id = any(${payload.adviser_ids}::uuid[]))
          and a.id is distinct from ${payload.modified_by}
        order by ta.id`;
      for (const adviser of advisers) {
        if (
          await hasLiveReminder(tx, type, { adviserId: adviser.id, subject: { task_id: task.id } })
        ) {
          continue;
        }
        const [subscription] = await tx<{ email_reminders_enabled: boolean }[]>`
          select email_reminders_enabled from ${tx(type.subscriptionTable)}
          where adviser_id = ${adviser.id}`;
        await remind(tx, jobs, deps, {
          type,
          task,
          adviserId: adviser.id,
          recipient: adviser.email,
          event: `${task.title} ${type.stem}Reminder by ${by}`,
          email: subscription?.email_reminders_enabled ? payload.change : null,
          at,
        });
      }
    });
  },
});

/** Midnight UTC of the clock's day, and the first instant of its calendar month. */
function dayAndMonth(now: Date) {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  return { today: day.toISOString().slice(0, 10), month };
}

async function generateTaskReminders(
  deps: AppDeps,
  kind: "upcoming" | "overdue",
): Promise<number> {
  const type = kind === "upcoming" ? T.upcomingTask : T.taskOverdue;
  const at = deps.now();
  const { today, month } = dayAndMonth(at);
  return await transactionWithJobs(deps, async (tx, jobs) => {
    const lock = `generate_reminders_${kind === "upcoming" ? "upcoming_tasks" : "tasks_overdue"}`;
    if (!await tryAdvisoryLock(tx, lock)) return 0;
    const tasks = kind === "upcoming"
      ? tx`select id from task_task where reminder_date = ${today}::date`
      : tx`select id from task_task where due_date = ${today}::date - 1
          and not archived and status <> 'complete'`;
    let created = 0;
    for (const r of await taskRecipients(tx, tasks, type.subscriptionTable)) {
      const seen = await hasLiveReminder(tx, type, {
        adviserId: r.adviser_id,
        subject: { task_id: r.task_id },
        since: month,
      });
      if (seen) continue;
      const task = (await taskEmailFacts(tx, r.task_id))!;
      await remind(tx, jobs, deps, {
        type,
        task,
        adviserId: r.adviser_id,
        recipient: r.email,
        event: kind === "upcoming"
          ? `${task.reminder_days} days left to task due`
          : `${task.title} is now overdue`,
        email: r.email_reminders_enabled ? kind : null,
        at,
      });
      created++;
    }
    return created;
  });
}

/** The 08:00 job of one kind, logging how many reminders it wrote. */
function taskReminderJob(kind: "upcoming" | "overdue", name: string) {
  return scheduledJob(`task.${name}`, async (deps) => {
    deps.log.info(name, { created: await generateTaskReminders(deps, kind) });
  }, { maxAttempts: 6 });
}

export const generateUpcomingTaskReminders = taskReminderJob(
  "upcoming",
  "generate_reminders_upcoming_tasks",
);
export const generateOverdueTaskReminders = taskReminderJob(
  "overdue",
  "generate_reminders_tasks_overdue",
);

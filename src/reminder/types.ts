/**
 * The ten reminder types, declared once: their URL segment, tables, settings shape and
 * defaults. Routes, lists, dismissal, settings and summaries are generic over this table,
 * as the original's ten pairs of viewsets share two base classes.
 */

/** What a reminder of the type is about, which decides how its list items look. */
export type ReminderSubject = "project" | "export" | "task";

export interface ReminderType {
  /** URL segment: `/v4/reminder/<kind>` and `/v4/reminder/subscription/<kind>`. */
  kind: string;
  /** The original's model stem, e.g. `TaskAmendedByOthers` (reminder event texts use it). */
  stem: string;
  reminderTable: string;
  subscriptionTable: string;
  /** Key of the type in `GET /v4/reminder/subscription/summary`. */
  summaryKey: string;
  subject: ReminderSubject;
  /** Whether its settings have `reminder_days` (scheduled types). */
  hasDays: boolean;
  /** Whether duplicate `reminder_days` are refused (the three interaction types). */
  uniqueDays: boolean;
}

const t = (
  kind: string,
  stem: string,
  table: string,
  summaryKey: string,
  subject: ReminderSubject,
  options: { hasDays: boolean; uniqueDays?: boolean; reminderTable?: string },
): ReminderType => ({
  kind,
  stem,
  reminderTable: options.reminderTable ?? `reminder_${table}reminder`,
  subscriptionTable: `reminder_${table}subscription`,
  summaryKey,
  subject,
  hasDays: options.hasDays,
  uniqueDays: options.uniqueDays ?? false,
});

export const REMINDER_TYPES = {
  estimatedLandDate: t(
    "estimated-land-date",
    "UpcomingEstimatedLandDate",
    "upcomingestimatedlanddate",
    "estimated_land_date",
    "project",
    { hasDays: true },
  ),
  noRecentInvestmentInteraction: t(
    "no-recent-investment-interaction",
    "NoRecentInvestmentInteraction",
    "norecentinvestmentinteraction",
    "no_recent_investment_interaction",
    "project",
    { hasDays: true, uniqueDays: true },
  ),
  noRecentExportInteraction: t(
    "no-recent-export-interaction",
    "NoRecentExportInteraction",
    "norecentexportinteraction",
    "no_recent_export_interaction",
    "export",
    { hasDays: true, uniqueDays: true },
  ),
  newExportInteraction: t(
    "new-export-interaction",
    "NewExportInteraction",
    "newexportinteraction",
    "new_export_interaction",
    "export",
    { hasDays: true, uniqueDays: true },
  ),
  upcomingTask: t(
    "my-tasks-due-date-approaching",
    "UpcomingTask",
    "upcomingtaskreminder",
    "upcoming_task_reminder",
    "task",
    { hasDays: true, reminderTable: "reminder_upcomingtaskreminder" },
  ),
  taskAssignedToMeFromOthers: t(
    "my-tasks-task-assigned-to-me-from-others",
    "TaskAssignedToMeFromOthers",
    "taskassignedtomefromothers",
    "task_assigned_to_me_from_others",
    "task",
    { hasDays: false },
  ),
  taskOverdue: t("my-tasks-task-overdue", "TaskOverdue", "taskoverdue", "task_overdue", "task", {
    hasDays: true,
  }),
  taskAmendedByOthers: t(
    "my-tasks-task-amended-by-others",
    "TaskAmendedByOthers",
    "taskamendedbyothers",
    "task_amended_by_others",
    "task",
    { hasDays: false },
  ),
  taskCompleted: t(
    "my-tasks-task-completed",
    "TaskCompleted",
    "taskcompleted",
    "task_completed",
    "task",
    { hasDays: false },
  ),
  taskDeletedByOthers: t(
    "my-tasks-task-deleted-by-others",
    "TaskDeletedByOthers",
    "taskdeletedbyothers",
    "task_deleted_by_others",
    "task",
    { hasDays: false },
  ),
} as const satisfies Record<string, ReminderType>;

/** In the order of the subscription summary. */
export const ALL_REMINDER_TYPES: ReminderType[] = [
  REMINDER_TYPES.estimatedLandDate,
  REMINDER_TYPES.noRecentInvestmentInteraction,
  REMINDER_TYPES.noRecentExportInteraction,
  REMINDER_TYPES.newExportInteraction,
  REMINDER_TYPES.upcomingTask,
  REMINDER_TYPES.taskAssignedToMeFromOthers,
  REMINDER_TYPES.taskAmendedByOthers,
  REMINDER_TYPES.taskOverdue,
  REMINDER_TYPES.taskCompleted,
  REMINDER_TYPES.taskDeletedByOthers,
];

/** Feature groups that unlock the investment and export counts of the reminder summary. */
export const INVESTMENT_NOTIFICATIONS_GROUP = "investment-notifications";
export const EXPORT_NOTIFICATIONS_GROUP = "export-notifications";

/** User feature flags gating the scheduled interaction and land-date reminders. */
export const REMINDER_FEATURE_FLAGS = {
  estimatedLandDate: "investment-estimated-land-date-reminders",
  noRecentInvestmentInteraction: "investment-no-recent-interaction-reminders",
  noRecentExportInteraction: "export-no-recent-interaction-reminders",
  newExportInteraction: "export-new-interaction-reminders",
} as const;

/**
 * The personalisation of the six task e-mails (one Notify template,
 * TASK_REMINDER_EMAIL_TEMPLATE_ID), as the original's `datahub/task/emails.py`: subject
 * and heading "<subject>: <title>", the non-empty field lines, and the task's URL with
 * the campaign's UTM parameters.
 */
import { longDate } from "../core/dates.ts";
import type { TaskEmailFacts } from "./queries.ts";

export type TaskEmailKind =
  | "upcoming"
  | "overdue"
  | "assigned"
  | "completed"
  | "amended"
  | "deleted";

const CAMPAIGNS: Record<TaskEmailKind, string> = {
  upcoming: "task_due_date_approaching",
  overdue: "task_overdue",
  assigned: "task_assigned_by_others",
  completed: "task_completed",
  amended: "task_amended",
  deleted: "task_deleted",
};

function subjectOf(kind: TaskEmailKind, task: TaskEmailFacts): string {
  switch (kind) {
    case "upcoming":
      return `Your task is due in ${task.reminder_days} days`;
    case "overdue":
      return "Your task is now overdue";
    case "assigned":
      return "You have been assigned to task";
    case "completed":
      return "Task completed";
    case "amended":
      return "Task amended";
    case "deleted":
      return "Task deleted";
  }
}

export function taskEmailPersonalisation(
  kind: TaskEmailKind,
  task: TaskEmailFacts,
  frontendBaseUrl: string,
): Record<string, string> {
  const subject = `${subjectOf(kind, task)}: ${task.title}`;
  const lines = [
    task.project_name ? `Investment project: ${task.project_name}` : null,
    task.company_name ? `Company name: ${task.company_name}` : null,
    task.due_date ? `Date due: ${longDate(task.due_date)}` : null,
  ];
  if (kind === "completed") lines.push(`Completed by: ${task.modified_by_name ?? ""}`);
  if (kind === "amended" || kind === "deleted") {
    lines.push(`Amended by: ${task.modified_by_name ?? ""}`);
  }
  return {
    email_subject: subject,
    body_heading: subject,
    task_fields: lines.filter((l) => l !== null).join("\n"),
    task_url: `${frontendBaseUrl}/tasks/${task.id}?utm_source=individual&utm_medium=email_notify` +
      `&utm_campaign=${CAMPAIGNS[kind]}&utm_content=task`,
  };
}

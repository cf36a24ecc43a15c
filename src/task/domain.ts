/**
 * Tasks' manifest: their routes and search app, the change-notification jobs, and the
 * two 08:00 UTC reminder schedules (upcoming and overdue tasks), as the original's
 * cron table (always on); its Data Workspace dataset.
 */
import type { Domain } from "../manifest.ts";
import { schedule } from "../jobs/scheduler.ts";
import { registerTaskRoutes } from "./handlers.ts";
import { taskSearchApp } from "./search.ts";
import { tasksDataset } from "./dataset.ts";
import {
  generateOverdueTaskReminders,
  generateUpcomingTaskReminders,
  notifyAdvisersAddedToTask,
  notifyAdvisersOfTaskChange,
} from "./jobs.ts";
import { sendNotificationEmail } from "../notification/emails.ts";
import { taskIdsOfCompany, taskIdsOfInteraction, taskIdsOfProject } from "./queries.ts";

export const taskDomain: Domain = {
  name: "task",
  register: registerTaskRoutes,
  searchApps: [taskSearchApp],
  datasets: [tasksDataset],
  jobs: [notifyAdvisersAddedToTask, notifyAdvisersOfTaskChange, sendNotificationEmail],
  schedules: [
    schedule("schedule_reminders_upcoming_tasks", "0 8 * * *", generateUpcomingTaskReminders),
    schedule("schedule_reminders_tasks_overdue", "0 8 * * *", generateOverdueTaskReminders),
  ],
  embeddings: [
    { embedded: "company", entity: "task", find: taskIdsOfCompany },
    { embedded: "interaction", entity: "task", find: taskIdsOfInteraction },
    { embedded: "investment_project", entity: "task", find: taskIdsOfProject },
  ],
};

/** Tasks' dataset for Data Workspace (datahub/dataset/task/views.py). */
import { z } from "@hono/zod-openapi";
import { col, type Dataset, day, ts } from "../dataset/dataset.ts";

export const tasksDataset: Dataset = {
  name: "tasks-dataset",
  summary: "Tasks",
  row: z.object({
    created_on: col.datetime(),
    created_by_id: col.uuid(),
    modified_on: col.datetime(),
    modified_by_id: col.uuid(),
    archived: col.bool(),
    archived_on: col.datetime(),
    archived_by_id: col.uuid(),
    archived_reason: col.text(),
    id: col.uuid(),
    title: col.text(),
    description: col.text(),
    due_date: col.date(),
    reminder_days: col.int(),
    email_reminders_enabled: col.bool(),
    adviser_ids: col.uuids(),
    reminder_date: col.date(),
    investment_project_id: col.uuid(),
    company_id: col.uuid(),
    interaction_id: col.uuid(),
    status: col.text(),
  }),
  from: (sql) => sql`task_task t`,
  select: (sql) => ({
    created_on: ts(sql, "created_on"),
    modified_on: ts(sql, "modified_on"),
    archived_on: ts(sql, "archived_on"),
    due_date: day(sql, "due_date"),
    // ArrayAgg over the join, as the original: [null] without advisers.
    adviser_ids: sql`(select array_agg(a.id order by a.first_name, a.id) from (select 1) one
      left join task_task_advisers x on x.task_id = t.id
      left join company_advisor a on a.id = x.advisor_id)`,
    reminder_date: day(sql, "reminder_date"),
  }),
  updatedSince: "modified_on",
};

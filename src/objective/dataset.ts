/** Company objectives' dataset for Data Workspace. */
import { z } from "@hono/zod-openapi";
import { col, type Dataset, day, ts } from "../dataset/dataset.ts";

export const companyObjectiveDataset: Dataset = {
  name: "company-objective-dataset",
  summary: "Company objectives",
  row: z.object({
    id: col.uuid(),
    company_id: col.uuid(),
    subject: col.text(),
    detail: col.text(),
    target_date: col.date(),
    has_blocker: col.bool(),
    blocker_description: col.text(),
    progress: col.int(),
    created_on: col.datetime(),
    modified_on: col.datetime(),
    created_by_id: col.uuid(),
    modified_by_id: col.uuid(),
  }),
  from: (sql) => sql`company_objective t`,
  select: (sql) => ({
    target_date: day(sql, "target_date"),
    created_on: ts(sql, "created_on"),
    modified_on: ts(sql, "modified_on"),
  }),
};

/** HCSAT feedback's dataset for Data Workspace. */
import { z } from "@hono/zod-openapi";
import { col, type Dataset, ts } from "../dataset/dataset.ts";

export const hcsatDataset: Dataset = {
  name: "hcsat-dataset",
  summary: "HCSAT feedback",
  row: z.object({
    id: col.uuid(),
    created_on: col.datetime(),
    modified_on: col.datetime(),
    url: col.text(),
    was_useful: col.bool(),
    did_not_find_what_i_wanted: col.bool(),
    difficult_navigation: col.bool(),
    lacks_feature: col.bool(),
    unable_to_load: col.bool(),
    inaccurate_information: col.bool(),
    other_issues: col.bool(),
    other_issues_detail: col.text(),
    improvement_suggestion: col.text(),
  }),
  from: (sql) => sql`hcsat_customersatisfactiontoolfeedback t`,
  select: (sql) => ({ created_on: ts(sql, "created_on"), modified_on: ts(sql, "modified_on") }),
  updatedSince: "modified_on",
};

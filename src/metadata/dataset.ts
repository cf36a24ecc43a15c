/** Teams' dataset for Data Workspace. */
import { z } from "@hono/zod-openapi";
import { col, type Dataset, nameOf, ts } from "../dataset/dataset.ts";

export const teamsDataset: Dataset = {
  name: "teams-dataset",
  summary: "Teams",
  row: z.object({
    country__name: col.text(),
    disabled_on: col.datetime(),
    id: col.uuid(),
    name: col.text(),
    role__name: col.text(),
    uk_region__name: col.text(),
  }),
  from: (sql) => sql`metadata_team t`,
  select: (sql) => ({
    country__name: nameOf(sql, "metadata_country", "country_id"),
    disabled_on: ts(sql, "disabled_on"),
    role__name: nameOf(sql, "metadata_teamrole", "role_id"),
    uk_region__name: nameOf(sql, "metadata_ukregion", "uk_region_id"),
  }),
  ordering: [{ column: "id", type: "uuid" }],
};

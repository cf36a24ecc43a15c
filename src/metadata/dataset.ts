/** Teams' dataset for Data Workspace. */
import { z } from "@hono/zod-openapi";
import { col, type Dataset, of, ts } from "../dataset/dataset.ts";

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
  joins: {
    country: ["metadata_country", "country_id"],
    role: ["metadata_teamrole", "role_id"],
    uk_region: ["metadata_ukregion", "uk_region_id"],
  },
  select: (sql) => ({
    country__name: of(sql, "country"),
    disabled_on: ts(sql, "disabled_on"),
    role__name: of(sql, "role"),
    uk_region__name: of(sql, "uk_region"),
  }),
  ordering: [{ column: "id", type: "uuid" }],
};

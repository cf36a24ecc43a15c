/** Pipeline items' dataset for Data Workspace. */
import { z } from "@hono/zod-openapi";
import { col, type Dataset, day, num, treePath, ts } from "../dataset/dataset.ts";

export const pipelineItemsDataset: Dataset = {
  name: "pipeline-items-dataset",
  summary: "Pipeline items",
  row: z.object({
    adviser_id: col.uuid(),
    archived: col.bool(),
    company_id: col.uuid(),
    contact_ids: col.uuids(),
    created_on: col.datetime(),
    expected_win_date: col.date(),
    id: col.uuid(),
    likelihood_to_win: col.int(),
    modified_on: col.datetime(),
    name: col.text(),
    potential_value: col.number(),
    sector_name: col.text(),
    status: col.text(),
  }),
  from: (sql) => sql`company_list_pipelineitem t`,
  select: (sql) => ({
    contact_ids: sql`(select array_agg(x.contact_id order by c.created_on)
      from company_list_pipelineitem_contacts x join company_contact c on c.id = x.contact_id
      where x.pipelineitem_id = t.id)`,
    created_on: ts(sql, "created_on"),
    expected_win_date: day(sql, "expected_win_date"),
    modified_on: ts(sql, "modified_on"),
    potential_value: num(sql, "potential_value"),
    sector_name: treePath(sql, "metadata_sector", "sector_id"),
  }),
};

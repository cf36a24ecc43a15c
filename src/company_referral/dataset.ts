/** Company referrals' dataset for Data Workspace (datahub/dataset/company_referral/views.py). */
import { z } from "@hono/zod-openapi";
import { col, type Dataset, ts } from "../dataset/dataset.ts";

export const companyReferralsDataset: Dataset = {
  name: "company-referrals-dataset",
  summary: "Company referrals",
  row: z.object({
    company_id: col.uuid(),
    completed_by_id: col.uuid(),
    completed_on: col.datetime(),
    contact_id: col.uuid(),
    created_on: col.datetime(),
    created_by_id: col.uuid(),
    id: col.uuid(),
    interaction_id: col.uuid(),
    notes: col.text(),
    recipient_id: col.uuid(),
    status: col.text(),
    subject: col.text(),
  }),
  from: (sql) => sql`company_referral_companyreferral t`,
  select: (sql) => ({
    completed_on: ts(sql, "completed_on"),
    created_on: ts(sql, "created_on"),
  }),
  updatedSince: "modified_on",
};

/** Advisers' dataset for Data Workspace, and their user events (the API calls logged). */
import { z } from "@hono/zod-openapi";
import { col, type Dataset, ts } from "../dataset/dataset.ts";

export const advisersDataset: Dataset = {
  name: "advisers-dataset",
  summary: "Advisers",
  row: z.object({
    id: col.uuid(),
    date_joined: col.datetime(),
    first_name: col.text(),
    last_login: col.datetime(),
    last_name: col.text(),
    telephone_number: col.text(),
    contact_email: col.text(),
    dit_team_id: col.uuid(),
    is_active: col.bool(),
    sso_email_user_id: col.text(),
  }),
  from: (sql) => sql`company_advisor t`,
  select: (sql) => ({ date_joined: ts(sql, "date_joined"), last_login: ts(sql, "last_login") }),
  ordering: [{ column: "date_joined", type: "timestamptz" }, { column: "id", type: "uuid" }],
};

export const userEventsDataset: Dataset = {
  name: "user-events-dataset",
  summary: "User events (logged API calls)",
  row: z.object({
    adviser__id: col.uuid(),
    type: col.text(),
    api_url_path: col.text(),
    created_on: col.datetime(),
  }),
  from: (sql) => sql`user_event_log_userevent t`,
  select: (sql) => ({ adviser__id: sql`t.adviser_id`, created_on: ts(sql, "timestamp") }),
  ordering: [{ column: "timestamp", type: "timestamptz" }, { column: "id", type: "bigint" }],
  updatedSince: "timestamp",
};

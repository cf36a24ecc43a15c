/** Interactions' datasets for Data Workspace: interactions, and the countries they discussed. */
import { z } from "@hono/zod-openapi";
import type { Db } from "../db/pool.ts";
import { col, type Dataset, num, of, treePath, ts } from "../dataset/dataset.ts";

/** Names of an interaction's many-to-many rows, ordered; null when there are none. */
const names = (sql: Db, through: string, column: string, table: string, order: string) =>
  sql`(select array_agg(r.name order by r.${sql(order)})
    from ${sql(through)} x join ${sql(table)} r on r.id = x.${sql(column)}
    where x.interaction_id = t.id)`;

export const interactionsDataset: Dataset = {
  name: "interactions-dataset",
  summary: "Interactions",
  row: z.object({
    adviser_ids: col.uuids(),
    communication_channel__name: col.text(),
    company_id: col.uuid(),
    contact_ids: col.uuids(),
    created_by_id: col.uuid(),
    created_on: col.datetime(),
    date: col.datetime(),
    event_id: col.uuid(),
    grant_amount_offered: col.number(),
    id: col.uuid(),
    interaction_link: col.text(),
    investment_project_id: col.uuid(),
    company_export_id: col.uuid(),
    kind: col.text(),
    modified_on: col.datetime(),
    net_company_receipt: col.number(),
    notes: col.text(),
    policy_area_names: col.texts(),
    policy_feedback_notes: col.text(),
    policy_issue_type_names: col.texts(),
    related_trade_agreement_names: col.texts(),
    sector: col.text(),
    service_delivery_status__name: col.text(),
    service_delivery: col.text(),
    subject: col.text(),
    theme: col.text(),
    were_countries_discussed: col.bool(),
    export_barrier_type_names: col.texts(),
    export_barrier_notes: col.text(),
  }),
  from: (sql) => sql`interaction_interaction t`,
  joins: {
    communication_channel: ["interaction_communicationchannel", "communication_channel_id"],
    service_delivery_status: ["interaction_servicedeliverystatus", "service_delivery_status_id"],
  },
  select: (sql, context) => ({
    // ArrayAgg over a left join, as the original: [null] when there are none.
    adviser_ids: sql`(select array_agg(p.adviser_id order by p.id) from (select 1) one
      left join interaction_interactionditparticipant p on p.interaction_id = t.id)`,
    communication_channel__name: of(sql, "communication_channel"),
    contact_ids: sql`(select array_agg(x.contact_id order by x.contact_id) from (select 1) one
      left join interaction_interaction_contacts x on x.interaction_id = t.id)`,
    created_on: ts(sql, "created_on"),
    date: ts(sql, "date"),
    grant_amount_offered: num(sql, "grant_amount_offered"),
    interaction_link: sql`${context.frontendBaseUrl + "/interactions/"} || t.id::text`,
    modified_on: ts(sql, "modified_on"),
    net_company_receipt: num(sql, "net_company_receipt"),
    policy_area_names: names(
      sql,
      "interaction_interaction_policy_areas",
      "policyarea_id",
      "interaction_policyarea",
      "order",
    ),
    policy_issue_type_names: names(
      sql,
      "interaction_interaction_policy_issue_types",
      "policyissuetype_id",
      "interaction_policyissuetype",
      "order",
    ),
    related_trade_agreement_names: names(
      sql,
      "interaction_interaction_related_trade_agreements",
      "tradeagreement_id",
      "metadata_tradeagreement",
      "name",
    ),
    sector: sql`(select string_agg(a.segment, ' : ' order by a.lft)
      from company_company c join metadata_sector s on s.id = c.sector_id
        join metadata_sector a
          on a.tree_id = s.tree_id and a.lft <= s.lft and a.rght >= s.rght
      where c.id = t.company_id)`,
    service_delivery_status__name: of(sql, "service_delivery_status"),
    service_delivery: treePath(sql, "metadata_service", "service_id"),
    export_barrier_type_names: names(
      sql,
      "interaction_interaction_export_barrier_types",
      "exportbarriertype_id",
      "metadata_exportbarriertype",
      "name",
    ),
  }),
  updatedSince: "modified_on",
};

export const interactionsExportCountryDataset: Dataset = {
  name: "interactions-export-country-dataset",
  summary: "Countries discussed in interactions, and their status",
  row: z.object({
    country__name: col.text(),
    country__iso_alpha2_code: col.text(),
    created_on: col.datetime(),
    id: col.uuid(),
    interaction__company_id: col.uuid(),
    interaction__id: col.uuid(),
    status: col.text(),
  }),
  from: (sql) => sql`interaction_interactionexportcountry t`,
  joins: {
    country: ["metadata_country", "country_id"],
    interaction: ["interaction_interaction", "interaction_id"],
  },
  select: (sql) => ({
    country__name: of(sql, "country"),
    country__iso_alpha2_code: of(sql, "country", "iso_alpha2_code"),
    created_on: ts(sql, "created_on"),
    interaction__company_id: of(sql, "interaction", "company_id"),
    interaction__id: sql`t.interaction_id`,
  }),
  updatedSince: "modified_on",
};

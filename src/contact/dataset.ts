/** Contacts' dataset for Data Workspace. */
import { z } from "@hono/zod-openapi";
import { col, type Dataset, fullName, of, ts } from "../dataset/dataset.ts";

export const contactsDataset: Dataset = {
  name: "contacts-dataset",
  summary: "Contacts",
  row: z.object({
    address_1: col.text(),
    address_2: col.text(),
    address_country__name: col.text(),
    address_county: col.text(),
    address_postcode: col.text(),
    address_same_as_company: col.bool(),
    address_town: col.text(),
    archived: col.bool(),
    archived_on: col.datetime(),
    company_id: col.uuid(),
    created_by_id: col.uuid(),
    created_on: col.datetime(),
    email: col.text(),
    first_name: col.text(),
    id: col.uuid(),
    job_title: col.text(),
    last_name: col.text(),
    modified_on: col.datetime(),
    name: col.text(),
    notes: col.text(),
    primary: col.bool(),
    full_telephone_number: col.text(),
    valid_email: col.bool(),
  }),
  from: (sql) => sql`company_contact t`,
  joins: {
    address_country: ["metadata_country", "address_country_id"],
  },
  select: (sql) => ({
    address_country__name: of(sql, "address_country"),
    archived_on: ts(sql, "archived_on"),
    created_on: ts(sql, "created_on"),
    modified_on: ts(sql, "modified_on"),
    name: fullName(sql),
  }),
  updatedSince: "modified_on",
};

/**
 * Routes and Zod schemas of contacts: `/v3/contact…` (limit/offset, archive, audit) and
 * `/v4/contact…` (page numbers of 300; US and Canadian addresses need an area).
 */
import { notModifiedResponse } from "../http/cached.ts";
import { createRoute, z } from "@hono/zod-openapi";
import { bearer } from "../auth/authenticate.ts";
import { crud } from "../auth/permissions.ts";
import { pageQuery, paginatedSchema } from "../http/pagination.ts";
import {
  IdName,
  idParam,
  jsonBody,
  jsonResponse,
  NestedAdviser,
  nullableRef,
} from "../http/schemas.ts";
import { archiveRoutes } from "../core/archive.ts";
import { auditRoute } from "../core/audit.ts";

// Response schemas (named components of the OpenAPI document).

export const ContactV3 = z.object({
  id: z.guid(),
  name: z.string(),
  email: z.string(),
  notes: z.string().nullable(),
  title: IdName.nullable(),
  adviser: NestedAdviser.nullable(),
  company: IdName.nullable(),
  primary: z.boolean(),
  archived: z.boolean(),
  address_1: z.string().nullable(),
  address_2: z.string().nullable(),
  job_title: z.string().nullable(),
  last_name: z.string(),
  created_on: z.string().openapi({ format: "date-time" }).nullable(),
  first_name: z.string(),
  archived_by: NestedAdviser.nullable(),
  archived_on: z.string().openapi({ format: "date-time" }).nullable(),
  modified_on: z.string().openapi({ format: "date-time" }).nullable(),
  valid_email: z.boolean().nullable(),
  address_area: IdName.nullable(),
  address_town: z.string().nullable(),
  consent_data: z.unknown(),
  address_county: z.string().nullable(),
  address_country: IdName.nullable(),
  archived_reason: z.string().nullable(),
  address_postcode: z.string().nullable(),
  full_telephone_number: z.string(),
  address_same_as_company: z.boolean(),
  consent_data_last_modified: z.string().nullable(),
  archived_documents_url_path: z.string(),
  consent_data_management_url: z.string().nullable(),
}).openapi("ContactV3");

export const Contact = z.object({
  id: z.guid(),
  name: z.string(),
  email: z.string(),
  notes: z.string().nullable(),
  title: IdName.nullable(),
  adviser: NestedAdviser.nullable(),
  company: IdName.nullable(),
  primary: z.boolean(),
  archived: z.boolean(),
  address_1: z.string().nullable(),
  address_2: z.string().nullable(),
  job_title: z.string().nullable(),
  last_name: z.string(),
  created_on: z.string().openapi({ format: "date-time" }).nullable(),
  first_name: z.string(),
  archived_by: NestedAdviser.nullable(),
  archived_on: z.string().nullable(),
  modified_on: z.string().openapi({ format: "date-time" }).nullable(),
  valid_email: z.boolean().nullable(),
  address_area: IdName.nullable(),
  address_town: z.string().nullable(),
  consent_data: z.unknown(),
  address_county: z.string().nullable(),
  address_country: IdName.nullable(),
  archived_reason: z.string().nullable(),
  address_postcode: z.string().nullable(),
  full_telephone_number: z.string(),
  address_same_as_company: z.boolean(),
  consent_data_last_modified: z.string().nullable(),
  consent_data_management_url: z.string().nullable(),
  archived_documents_url_path: z.string().optional(),
}).openapi("Contact");

const tags = ["contact"];
const contactCrud = [bearer, crud("company.contact")];
const text = (max = 255) => z.string().trim().max(max);

/** Writable fields of ContactSerializer (read-only ones are ignored if sent). */
export const contactUpdateBody = z.object({
  title: nullableRef(),
  first_name: text().min(1),
  last_name: text().min(1),
  job_title: text().nullable(),
  company: nullableRef(),
  primary: z.boolean(),
  full_telephone_number: text(),
  email: text(254).min(1).pipe(z.email()),
  valid_email: z.boolean().nullable(),
  address_same_as_company: z.boolean(),
  address_1: text().nullable(),
  address_2: text().nullable(),
  address_town: text().nullable(),
  address_county: text().nullable(),
  address_postcode: text().nullable(),
  address_country: nullableRef(),
  address_area: nullableRef(),
  notes: z.string().nullable(),
}).partial();
export const contactCreateBody = contactUpdateBody.required({
  first_name: true,
  last_name: true,
  primary: true,
  email: true,
});
export type ContactInput = z.output<typeof contactUpdateBody>;

const listQuery = z.object({
  company_id: z.string().optional(),
  email: z.string().optional(),
  archived: z.string().optional(),
  sortby: z.string().optional(),
});

function routesFor(version: "v3" | "v4") {
  const base = `/${version}/contact`;
  const contact = version === "v3" ? ContactV3 : Contact;
  const page = version === "v3" ? "PaginatedContactsV3" : "PaginatedContacts";
  const query = version === "v3"
    ? pageQuery.extend(listQuery.shape)
    : listQuery.extend({ page: z.string().optional() });
  return {
    list: createRoute({
      method: "get",
      path: base,
      tags,
      summary: `List contacts (${version === "v3" ? "limit/offset" : "?page=, 300 a page"})`,
      middleware: contactCrud,
      request: { query },
      responses: { 200: jsonResponse("A page of contacts", paginatedSchema(contact, page)) },
    }),
    create: createRoute({
      method: "post",
      path: base,
      tags,
      summary: "Create a contact (the caller becomes its adviser)",
      middleware: contactCrud,
      request: { body: jsonBody(contactCreateBody) },
      responses: { 201: jsonResponse("The contact", contact) },
    }),
    detail: createRoute({
      method: "get",
      path: `${base}/{id}`,
      tags,
      summary: "One contact (with an ETag; `If-None-Match` gives 304)",
      middleware: contactCrud,
      request: { params: idParam },
      responses: { 200: jsonResponse("The contact", contact), ...notModifiedResponse },
    }),
    update: createRoute({
      method: "patch",
      path: `${base}/{id}`,
      tags,
      summary: "Update a contact (not while archived)",
      middleware: contactCrud,
      request: { params: idParam, body: jsonBody(contactUpdateBody) },
      responses: { 200: jsonResponse("The contact", contact) },
    }),
  };
}

export const v3 = routesFor("v3");
export const v4 = routesFor("v4");
export const contactArchive = archiveRoutes("/v3/contact/{id}", {
  schema: ContactV3,
  tag: "contact",
  middleware: contactCrud,
});
export const contactAudit = auditRoute("/v3/contact/{id}", {
  tag: "contact",
  middleware: contactCrud,
});

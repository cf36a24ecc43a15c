/**
 * The contact search app (`POST /v3/search/contact`, its CSV export and global search):
 * the original's `datahub/search/contact` document, filters, sort choices and export.
 *
 * A contact's document embeds its company (name, trading names, sector, UK region and,
 * when the address is shared, the company's address), which is why company writes
 * re-index the company's contacts (registered in ./handlers.ts).
 */
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";
import {
  bool,
  defineSearchApp,
  descends,
  exists,
  ids,
  match,
  partialText,
  queryBuilder,
  type SortTerm,
  str,
} from "../search/app.ts";
import {
  boolean,
  companyRef,
  date,
  englishText,
  idName,
  keyword,
  normalizedKeyword,
  person,
  sector,
  text,
  textKeywordTrigram,
} from "../search/mapping.ts";
import { adviserName, documentDatetime, jsonObject } from "../core/render.ts";
import { joinedAdviser, joinedRef, sectorDocuments } from "../search/joined.ts";
import { exportOrder, sectorPath } from "../company/search.ts";
import { IdName, NestedAdviser } from "../http/schemas.ts";
import { z } from "@hono/zod-openapi";

// Response schemas (named components of the OpenAPI document).

export const ContactSearchResult = z.object({
  id: z.guid(),
  name: z.string(),
  email: z.string(),
  notes: z.string().nullable(),
  title: IdName.nullable(),
  adviser: NestedAdviser.nullable(),
  company: z.object({
    id: z.guid(),
    name: z.string(),
    trading_names: z.array(z.string()),
  }).nullable(),
  primary: z.boolean(),
  archived: z.boolean(),
  address_1: z.string().nullable(),
  address_2: z.string().nullable(),
  job_title: z.string().nullable(),
  last_name: z.string(),
  created_by: z.object({
    id: z.guid(),
    name: z.string(),
    dit_team: IdName.nullable(),
    last_name: z.string(),
    first_name: z.string(),
  }).nullable(),
  created_on: z.string().openapi({ format: "date-time" }).nullable(),
  first_name: z.string(),
  archived_by: NestedAdviser.nullable(),
  archived_on: z.string().nullable(),
  modified_on: z.string().openapi({ format: "date-time" }).nullable(),
  valid_email: z.boolean().nullable(),
  address_area: IdName.nullable(),
  address_town: z.string().nullable(),
  address_county: z.string().nullable(),
  company_sector: z.object({
    id: z.guid(),
    name: z.string(),
    ancestors: z.array(z.object({
      id: z.guid(),
    })),
  }).nullable(),
  address_country: IdName.nullable(),
  archived_reason: z.string().nullable(),
  name_with_title: z.string(),
  address_postcode: z.string().nullable(),
  company_uk_region: IdName.nullable(),
  full_telephone_number: z.string(),
  address_same_as_company: z.boolean(),
  consent_data_last_modified: z.string().nullable(),
}).openapi("ContactSearchResult");

/** The contact's own address column, or the company's when the address is shared. */
const shared = (db: Db, column: string): Fragment =>
  db`case when ct.address_same_as_company then ${db(`co.${column}`)} else ${
    db(`ct.${column}`)
  } end`;

/**
 * Documents of these contacts (the original's `Contact` search model), in one set-based
 * query (references are joins).
 */
function contactDocumentsQuery(db: Db, wanted: string[]): Fragment {
  const name = adviserName(db, "ct");
  const doc = jsonObject(db, [
    ["id", db`ct.id`],
    ["address_1", shared(db, "address_1")],
    ["address_2", shared(db, "address_2")],
    ["address_town", shared(db, "address_town")],
    ["address_county", shared(db, "address_county")],
    ["address_postcode", shared(db, "address_postcode")],
    ["address_country", joinedRef(db, "address_country")],
    ["address_area", joinedRef(db, "address_area")],
    ["address_same_as_company", db`ct.address_same_as_company`],
    ["adviser", joinedAdviser(db, "owner")],
    ["archived", db`ct.archived`],
    ["archived_by", joinedAdviser(db, "archived_by")],
    ["archived_on", documentDatetime(db, db`ct.archived_on`)],
    ["archived_reason", db`ct.archived_reason`],
    [
      "company",
      db`case when co.id is null then null else jsonb_build_object('id', co.id,
        'name', co.name, 'trading_names', to_jsonb(co.trading_names)) end`,
    ],
    ["company_sector", db`sector.doc`],
    ["company_uk_region", joinedRef(db, "uk_region")],
    [
      "created_by",
      // The original's adviser_dict_with_team: `dit_team` is `{}` for an adviser without one.
      db`case when creator.id is null then null else jsonb_build_object('id', creator.id,
        'first_name', creator.first_name, 'last_name', creator.last_name,
        'name', ${adviserName(db, "creator")},
        'dit_team', case when creator_team.id is null then '{}'::jsonb
          else jsonb_build_object('id', creator_team.id, 'name', creator_team.name) end) end`,
    ],
    ["created_on", documentDatetime(db, db`ct.created_on`)],
    ["email", db`ct.email`],
    ["first_name", db`ct.first_name`],
    ["job_title", db`ct.job_title`],
    ["last_name", db`ct.last_name`],
    ["modified_on", documentDatetime(db, db`ct.modified_on`)],
    ["name", name],
    ["name_with_title", db`concat_ws(' ', nullif(title.name, ''), nullif(${name}, ''))`],
    ["notes", db`ct.notes`],
    ["primary", db`ct."primary"`],
    ["full_telephone_number", db`ct.full_telephone_number`],
    ["title", joinedRef(db, "title")],
    ["valid_email", db`ct.valid_email`],
    ["consent_data_last_modified", documentDatetime(db, db`ct.consent_data_last_modified`)],
  ]);
  // The batch's own rows are index probes (lateral), whatever the planner thinks of the
  // batch's size; references to small tables are hash joins.
  return db`
    with sector as materialized (${sectorDocuments(db)})
    select ${doc} as doc
    from unnest(${wanted}::uuid[]) as w(id)
    cross join lateral (select * from company_contact where id = w.id) ct
    left join lateral (select * from company_company where id = ct.company_id) co on true
    left join metadata_title title on title.id = ct.title_id
    left join metadata_country address_country
      on address_country.id = ${shared(db, "address_country_id")}
    left join metadata_administrativearea address_area
      on address_area.id = ${shared(db, "address_area_id")}
    left join company_advisor owner on owner.id = ct.adviser_id
    left join company_advisor archived_by on archived_by.id = ct.archived_by_id
    left join company_advisor creator on creator.id = ct.created_by_id
    left join metadata_team creator_team on creator_team.id = creator.dit_team_id
    left join sector on sector.id = co.sector_id
    left join metadata_ukregion uk_region on uk_region.id = co.uk_region_id`;
}

/**
 * The original's `SearchContactExportAPIView` rows. The interaction columns are those
 * of the contact's latest interaction (by date): its date and its participants' teams.
 */
async function contactExportRows(
  db: Db,
  wanted: string[],
  sort: SortTerm | null,
  context: { frontendBaseUrl: string },
) {
  const country = shared(db, "address_country_id");
  const area = shared(db, "address_area_id");
  const countryName = db`(select m.name from metadata_country m where m.id = ${country})`;
  const areaName = db`(select m.name from metadata_administrativearea m where m.id = ${area})`;
  return await db`
    select ${adviserName(db, "ct")} as name,
      ct.job_title,
      ct.created_on,
      ct.archived,
      concat(${`${context.frontendBaseUrl}/contacts/`}::text, ct.id) as link,
      co.name as company__name,
      ${sectorPath(db, db`co.sector_id`)} as company_sector_name,
      concat(${`${context.frontendBaseUrl}/companies/`}::text, co.id) as company_link,
      region.name as company__uk_region__name,
      ${countryName} as computed_country_name,
      ${areaName} as computed_area_name,
      ${shared(db, "address_postcode")} as computed_postcode,
      ct.full_telephone_number,
      ct.email,
      (select max(i.date) from interaction_interaction_contacts j
       join interaction_interaction i on i.id = j.interaction_id
       where j.contact_id = ct.id) as date_of_latest_interaction,
      (select (select string_agg(distinct t.name, ', ' order by t.name)
               from interaction_interactionditparticipant p
               join metadata_team t on t.id = p.team_id
               where p.interaction_id = i.id)
       from interaction_interaction_contacts j
       join interaction_interaction i on i.id = j.interaction_id
       where j.contact_id = ct.id order by i.date desc limit 1) as teams_of_latest_interaction,
      team.name as created_by__dit_team__name
    from company_contact ct
    left join company_company co on co.id = ct.company_id
    left join metadata_ukregion region on region.id = co.uk_region_id
    left join company_advisor creator on creator.id = ct.created_by_id
    left join metadata_team team on team.id = creator.dit_team_id
    where ct.id = any(${wanted}::uuid[])
    ${
    exportOrder(db, sort, {
      "address_country.name": countryName,
      "address_area.name": areaName,
      "company.name.keyword": db`co.name`,
      created_on: db`ct.created_on`,
      "last_name.keyword": db`ct.last_name`,
      modified_on: db`ct.modified_on`,
    }, db`ct.id`)
  }`;
}

export const contactSearchApp = defineSearchApp({
  result: ContactSearchResult,
  name: "contact",
  path: "/v3/search/contact",
  plural: "Contacts",
  table: "company_contact",
  global: true,
  viewPermissions: ["company.view_contact"],
  mapping: {
    id: keyword(),
    address_1: text(),
    address_2: text(),
    address_town: normalizedKeyword(),
    address_county: normalizedKeyword(),
    address_postcode: text(),
    address_country: idName(),
    address_area: idName(),
    address_same_as_company: boolean(),
    adviser: person(),
    archived: boolean(),
    archived_by: person(),
    archived_on: date(),
    archived_reason: text(),
    company: companyRef(),
    company_sector: sector(),
    company_uk_region: idName(),
    created_by: person({ team: true }),
    created_on: date(),
    email: normalizedKeyword(),
    first_name: text({ keyword: normalizedKeyword() }),
    job_title: textKeywordTrigram(),
    last_name: text({ keyword: normalizedKeyword() }),
    modified_on: date(),
    name: textKeywordTrigram(),
    name_with_title: textKeywordTrigram(),
    notes: englishText(),
    primary: boolean(),
    full_telephone_number: keyword(),
    title: idName(),
    valid_email: boolean(),
    consent_data_last_modified: date(),
  },
  searchFields: [
    "id",
    "name",
    "name.trigram",
    "name_with_title",
    "name_with_title.trigram",
    "email",
    "company.name",
    "company.name.trigram",
    "job_title",
    "job_title.trigram",
    "full_telephone_number",
  ],
  primaryTextFields: ["name", "name_with_title"],
  filters: {
    email: match("email", str()),
    name: partialText("name"),
    company: ids("company.id"),
    company_name: partialText("company.name", "company.trading_names"),
    company_sector: ids("company_sector.id"),
    company_sector_descends: descends(["company_sector"], {
      table: "metadata_sector",
      parentColumn: "parent_id",
    }),
    company_uk_region: ids("company_uk_region.id"),
    created_by: ids("created_by.id"),
    created_on_exists: exists("created_on"),
    address_country: ids("address_country.id"),
    archived: match("archived", bool()),
  },
  sortby: {
    "address_country.name": "address_country.name",
    "address_area.name": "address_area.name",
    "company.name": "company.name.keyword",
    created_on: "created_on",
    last_name: "last_name.keyword",
    modified_on: "modified_on",
  },
  ...queryBuilder(contactDocumentsQuery),
  export: {
    path: "/v3/search/contact/export",
    permission: "company.export_contact",
    columns: {
      name: "Name",
      job_title: "Job title",
      created_on: "Date created",
      archived: "Archived",
      link: "Link",
      company__name: "Company",
      company_sector_name: "Company sector",
      company_link: "Company link",
      company__uk_region__name: "Company UK region",
      computed_country_name: "Country",
      computed_area_name: "Area",
      computed_postcode: "Postcode",
      full_telephone_number: "Phone number",
      email: "Email address",
      date_of_latest_interaction: "Date of latest interaction",
      teams_of_latest_interaction: "Teams of latest interaction",
      created_by__dit_team__name: "Created by team",
    },
    rows: contactExportRows,
  },
});

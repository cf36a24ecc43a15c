/**
 * All SQL of Expand Your Business leads: the response JSON (RetrieveEYBLeadSerializer's
 * fields in order; `hiring`, `spend` and the audit log are added by the handlers), the
 * list of current leads with the original's filters and sort terms, and the lead names
 * investment projects show.
 */
import type { Db } from "../db/pool.ts";
import { type Fragment, joinFragments, where } from "../db/fragments.ts";
import { adviser, datetime, jsonObject, ref } from "../core/render.ts";
import { adviserRef, type VersionedEntity } from "../core/versions.ts";
import { orderBy, parseSortby } from "../http/sortby.ts";
import { listPage } from "../http/pagination.ts";
import { insertRow, updateRow } from "../db/rows.ts";

export const leadEntity: VersionedEntity = {
  entity: "eyb_lead",
  table: "investment_lead_eyblead",
  foreignKeys: {
    sector_id: { table: "metadata_sector" },
    proposed_investment_region_id: { table: "metadata_ukregion" },
    address_country_id: { table: "metadata_country" },
    company_id: { table: "company_company" },
    archived_by_id: adviserRef,
  },
  manyToMany: {
    advisers: {
      table: "investment_lead_eyblead_advisers",
      source: "eyblead_id",
      target: "advisor_id",
      ref: adviserRef,
    },
    investment_projects: {
      table: "investment_lead_eyblead_investment_projects",
      source: "eyblead_id",
      target: "investmentproject_id",
      ref: { table: "investment_investmentproject" },
    },
  },
};

/** A lead's name: `EYB Lead (<first 8 of its id>...)`, `for <company>` when it has one. */
export const leadName = (sql: Db, alias: string) =>
  sql`('EYB Lead (' || left(${sql(alias)}.id::text, 8) || '...)' || coalesce(' for ' ||
    (select c.name from company_company c where c.id = ${sql(alias)}.company_id), ''))`;

const col = (sql: Db, name: string) => sql`${sql(`l.${name}`)}`;

/** The lead aliased `l`. */
export function leadJson(sql: Db): Fragment {
  const text = (name: string): [string, Fragment] => [name, col(sql, name)];
  return jsonObject(sql, [
    text("archived"),
    ["archived_on", datetime(sql, sql`l.archived_on`)],
    text("archived_reason"),
    ["archived_by", sql`l.archived_by_id`],
    ["created_on", datetime(sql, sql`l.created_on`)],
    ["modified_on", datetime(sql, sql`l.modified_on`)],
    ["id", sql`l.id`],
    [
      "advisers",
      sql`(select coalesce(jsonb_agg(${adviser(sql, sql`j.advisor_id`)} order by j.id), '[]'::jsonb)
        from investment_lead_eyblead_advisers j where j.eyblead_id = l.id)`,
    ],
    text("triage_hashed_uuid"),
    ["triage_created", datetime(sql, sql`l.triage_created`)],
    ["triage_modified", datetime(sql, sql`l.triage_modified`)],
    ["sector", ref(sql, "metadata_sector", sql`l.sector_id`)],
    ["intent", sql`to_jsonb(l.intent)`],
    text("intent_other"),
    [
      "proposed_investment_region",
      ref(sql, "metadata_ukregion", sql`l.proposed_investment_region_id`),
    ],
    text("proposed_investment_city"),
    text("proposed_investment_location_none"),
    text("hiring"),
    text("spend"),
    text("spend_other"),
    text("is_high_value"),
    text("user_hashed_uuid"),
    ["user_created", datetime(sql, sql`l.user_created`)],
    ["user_modified", datetime(sql, sql`l.user_modified`)],
    text("company_name"),
    text("duns_number"),
    text("company_website"),
    ["company", ref(sql, "company_company", sql`l.company_id`)],
    text("full_name"),
    text("role"),
    text("email"),
    text("telephone_number"),
    text("agree_terms"),
    text("agree_info_email"),
    text("landing_timeframe"),
    text("utm_name"),
    text("utm_source"),
    text("utm_medium"),
    text("utm_content"),
    text("marketing_hashed_uuid"),
    [
      "address",
      sql`(case when l.address_1 = '' and l.address_2 = '' and l.address_town = ''
          and l.address_county = '' and l.address_postcode = '' and l.address_country_id is null
        then null else jsonb_build_object('line_1', l.address_1, 'line_2', l.address_2,
          'town', l.address_town, 'county', l.address_county, 'postcode', l.address_postcode,
          'area', null, 'country', ${
        ref(sql, "metadata_country", sql`l.address_country_id`)
      }) end)`,
    ],
    [
      "investment_projects",
      sql`(select coalesce(jsonb_agg(jsonb_build_object('name', p.name, 'id', p.id)
          order by j.id), '[]'::jsonb)
        from investment_lead_eyblead_investment_projects j
        join investment_investmentproject p on p.id = j.investmentproject_id
        where j.eyblead_id = l.id)`,
    ],
  ]);
}

export type LeadJson = Record<string, unknown>;

/** Leads the API shows: not archived, with both triage and user data. */
const current = (sql: Db) =>
  sql`not l.archived and l.user_hashed_uuid <> '' and l.triage_hashed_uuid <> ''`;

export async function findLead(db: Db, id: string): Promise<LeadJson | null> {
  const [row] = await db<{ lead: LeadJson }[]>`
    select ${leadJson(db)} as lead from investment_lead_eyblead l
    where l.id = ${id} and ${current(db)}`;
  return row?.lead ?? null;
}

export async function leadExists(db: Db, id: string): Promise<boolean> {
  return (await db`select 1 from investment_lead_eyblead where id = ${id}`).length > 0;
}

export interface LeadFilters {
  overseasRegions: string[];
  countries: string[];
  company?: string;
  sectors: string[];
  /** Undefined: no filter; empty: nothing matches. */
  values?: (boolean | null)[];
}

export async function listLeads(
  db: Db,
  options: { filters: LeadFilters; sortby?: string; page: { limit: number; offset: number } },
) {
  const f = options.filters;
  const conditions: Fragment[] = [current(db)];
  if (f.overseasRegions.length) {
    conditions.push(db`exists (select 1 from metadata_country m where m.id = l.address_country_id
      and m.overseas_region_id = any(${f.overseasRegions}::uuid[]))`);
  }
  if (f.countries.length) conditions.push(db`l.address_country_id = any(${f.countries}::uuid[])`);
  if (f.company) {
    const pattern = `%${f.company.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(db`(l.company_name ilike ${pattern} or exists (select 1 from company_company c
      where c.id = l.company_id and c.name ilike ${pattern}))`);
  }
  if (f.sectors.length) {
    conditions.push(db`exists (select 1 from metadata_sector s join metadata_sector top
        on top.tree_id = s.tree_id and top.lft <= s.lft and top.rght >= s.rght
      where s.id = l.sector_id and top.id = any(${f.sectors}::uuid[]))`);
  }
  if (f.values) {
    const parts = f.values.map((v) =>
      v === null ? db`l.is_high_value is null` : db`l.is_high_value = ${v}`
    );
    conditions.push(parts.length ? db`(${joinFragments(db, parts, "or")})` : db`false`);
  }
  const choices = {
    triage_created: "l.triage_created",
    triage_modified: "l.triage_modified",
    company__name: db`(select c.name from company_company c where c.id = l.company_id)`,
  };
  const terms = parseSortby(options.sortby, choices, ["-triage_created"]);
  const { count, rows } = await listPage<{ lead: LeadJson }>(db, {
    select: db`${leadJson(db)} as lead`,
    from: db`investment_lead_eyblead l`,
    key: "l.id",
    where: where(db, conditions),
    order: orderBy(db, terms, choices, "l.id"),
    page: options.page,
  });
  return { count, results: rows.map((r) => r.lead) };
}

// ---------------------------------------------------------------- ingestion (jobs.ts)

/** Lookups of the ingested records' references (ingest_rules.ts). */
export const ingestLookups = (db: Db) => ({
  async sectorBySegment(segment: string) {
    const [row] = await db<{ id: string }[]>`select id from metadata_sector
      where lower(segment) = lower(${segment}) order by tree_id, lft limit 1`;
    return row?.id ?? null;
  },
  async regionExists(name: string) {
    return (await db`select 1 from metadata_ukregion where lower(name) = lower(${name})`)
      .length > 0;
  },
  async regionByName(name: string) {
    const [row] = await db<{ id: string }[]>`select id from metadata_ukregion
      where name = ${name} limit 1`;
    return row?.id ?? null;
  },
  async countryByIso2(code: string) {
    const [row] = await db<{ id: string }[]>`select id from metadata_country
      where iso_alpha2_code = ${code} limit 1`;
    return row?.id ?? null;
  },
});

export async function leadWithMarketing(db: Db, hashedUuid: string): Promise<boolean> {
  return (await db`select 1 from investment_lead_eyblead
    where marketing_hashed_uuid = ${hashedUuid}`).length > 0;
}

/**
 * Updates the lead any of whose three components has `hashedUuid`, or creates one (the
 * original's update_or_create); returns its id and whether it was created.
 */
export async function upsertLead(
  db: Db,
  hashedUuid: string,
  columns: Record<string, unknown>,
  at: Date,
): Promise<{ id: string; created: boolean }> {
  const [found] = await db<{ id: string }[]>`select id from investment_lead_eyblead
    where ${hashedUuid} in (user_hashed_uuid, triage_hashed_uuid, marketing_hashed_uuid)
    order by created_on, id limit 1 for update`;
  if (found) {
    await updateRow(db, "investment_lead_eyblead", found.id, { ...columns, modified_on: at });
    return { id: found.id, created: false };
  }
  const id = await insertRow(db, "investment_lead_eyblead", {
    ...columns,
    created_on: at,
    modified_on: at,
  });
  return { id, created: true };
}

export interface LeadToLink {
  id: string;
  duns_number: string | null;
  company_name: string;
  sector_id: string | null;
  address_1: string;
  address_2: string;
  address_town: string;
  address_county: string;
  address_country_id: string | null;
  address_postcode: string;
  company_website: string;
  email: string;
  telephone_number: string;
  role: string;
  full_name: string;
}

/** Current leads without a company whose triage and user components are both in. */
export async function leadsToLink(db: Db): Promise<LeadToLink[]> {
  return await db<LeadToLink[]>`select id, duns_number, company_name, sector_id, address_1,
      address_2, address_town, address_county, address_country_id, address_postcode,
      company_website, email, telephone_number, role, full_name
    from investment_lead_eyblead
    where not archived and company_id is null and user_hashed_uuid = triage_hashed_uuid
      and user_hashed_uuid <> ''
    order by created_on, id`;
}

/** The one company with this DUNS number (none when there are several). */
export async function companyByDuns(db: Db, duns: string): Promise<string | null> {
  const rows = await db<{ id: string }[]>`select id from company_company
    where duns_number = ${duns} limit 2`;
  return rows.length === 1 ? rows[0].id : null;
}

export async function linkLeadCompany(db: Db, leadId: string, companyId: string, at: Date) {
  await db`update investment_lead_eyblead set company_id = ${companyId}, modified_on = ${at}
    where id = ${leadId}`;
}

/** A contact with the lead's e-mail on the company (case-insensitive). */
export async function companyHasContact(db: Db, companyId: string, email: string) {
  return (await db`select 1 from company_contact
    where company_id = ${companyId} and lower(email) = lower(${email}) limit 1`).length > 0;
}

/**
 * The D&B domain's SQL: finding companies by DUNS number, what the search and the family
 * trees show of them, reference-data lookups for the D&B mapping, and the companies the
 * hierarchy back-fill refreshes. Company writes go through the company domain's queries.
 */
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";
import { datetime, jsonObject, ref } from "../core/render.ts";
import { address } from "../company/queries.ts";
import { latestInteractionDate } from "../company/search.ts";
import type { Lookups, TreeDetails } from "./rules.ts";

/** The company holding this DUNS number, or null. */
export async function companyIdByDuns(db: Db, duns: string): Promise<string | null> {
  const [row] = await db<{ id: string }[]>`
    select id::text from company_company where duns_number = ${duns}`;
  return row?.id ?? null;
}

export interface LinkRow {
  id: string;
  duns_number: string | null;
}

/** The company's DUNS number, locked for the write; null when it does not exist. */
export async function lockCompanyDuns(db: Db, id: string): Promise<LinkRow | null> {
  const [row] = await db<LinkRow[]>`
    select id::text, duns_number from company_company where id = ${id} for update`;
  return row ?? null;
}

/** Whether a company exists and its DUNS number. */
export async function companyDuns(
  db: Db,
  id: string,
): Promise<{ duns_number: string | null } | null> {
  const [row] = await db<{ duns_number: string | null }[]>`
    select duns_number from company_company where id = ${id}`;
  return row ?? null;
}

/**
 * Data Hub companies matching D&B search results, by DUNS number, with their latest
 * interaction (by date, then creation, then id) when `withInteraction`.
 */
export async function matchedCompanies(
  db: Db,
  dunsNumbers: string[],
  withInteraction: boolean,
): Promise<Map<string, Record<string, unknown>>> {
  if (!dunsNumbers.length) return new Map();
  const latest = db`(select jsonb_build_object('id', i.id, 'created_on', ${
    datetime(db, db`i.created_on`)
  }, 'date', to_char(i.date at time zone 'UTC', 'YYYY-MM-DD'), 'subject', i.subject)
    from interaction_interaction i where i.company_id = c.id
    order by i.date desc, i.created_on desc nulls last, i.id limit 1)`;
  const pairs: [string, Fragment][] = [["id", db`c.id`]];
  if (withInteraction) pairs.push(["latest_interaction", latest]);
  const rows = await db<{ duns_number: string; company: Record<string, unknown> }[]>`
    select c.duns_number, ${jsonObject(db, pairs)} as company
    from company_company c where c.duns_number = any(${dunsNumbers}::text[])`;
  return new Map(rows.map((r) => [r.duns_number, r.company]));
}

/** An address as company search documents hold it: parts and country, no area. */
function treeAddress(db: Db, prefix: "address" | "registered_address"): Fragment {
  const col = (suffix: string) => db(`c.${prefix}_${suffix}`);
  return db`case when ${col("1")} = '' and ${col("2")} = '' and ${col("town")} = ''
      and ${col("county")} = '' and ${col("postcode")} = '' and ${col("country_id")} is null
      then null
    else jsonb_build_object('line_1', ${col("1")}, 'line_2', ${col("2")},
      'town', ${col("town")}, 'county', ${col("county")}, 'postcode', ${col("postcode")},
      'country', ${ref(db, "metadata_country", db`${col("country_id")}`)}) end`;
}

/** What a family tree shows of the Data Hub companies holding these DUNS numbers. */
export async function treeDetails(
  db: Db,
  dunsNumbers: string[],
): Promise<Map<string, TreeDetails>> {
  if (!dunsNumbers.length) return new Map();
  const rows = await db<{ details: TreeDetails }[]>`
    select ${
    jsonObject(db, [
      ["id", db`c.id`],
      ["name", db`c.name`],
      ["duns_number", db`c.duns_number`],
      ["uk_region", ref(db, "metadata_ukregion", db`c.uk_region_id`)],
      ["address", treeAddress(db, "address")],
      ["registered_address", treeAddress(db, "registered_address")],
      ["sector", ref(db, "metadata_sector", db`c.sector_id`)],
      ["latest_interaction_date", datetime(db, latestInteractionDate(db, db`c.id`))],
      ["archived", db`c.archived`],
      ["one_list_tier", ref(db, "company_onelisttier", db`c.one_list_tier_id`)],
      ["number_of_employees", db`c.number_of_employees`],
      ["headquarter_type", ref(db, "metadata_headquartertype", db`c.headquarter_type_id`)],
      ["is_out_of_business", db`c.is_out_of_business`],
    ])
  } as details
    from company_company c where c.duns_number = any(${dunsNumbers}::text[])`;
  return new Map(rows.map((r) => [r.details.duns_number, r.details]));
}

/** Data Hub ids of the companies holding these DUNS numbers, in the order given. */
export async function companyIdsByDuns(db: Db, dunsNumbers: string[]): Promise<string[]> {
  if (!dunsNumbers.length) return [];
  const rows = await db<{ id: string }[]>`
    select c.id::text from unnest(${dunsNumbers}::text[]) with ordinality d(duns, n)
    join company_company c on c.duns_number = d.duns order by d.n`;
  return rows.map((r) => r.id);
}

/** Companies manually linked under this one as their global headquarters. */
export async function manualSubsidiaries(db: Db, id: string): Promise<Record<string, unknown>[]> {
  const rows = await db<{ company: Record<string, unknown> }[]>`
    select ${
    jsonObject(db, [
      ["id", db`c.id`],
      ["name", db`c.name`],
      ["employee_range", ref(db, "metadata_employeerange", db`c.employee_range_id`)],
      ["headquarter_type", ref(db, "metadata_headquartertype", db`c.headquarter_type_id`)],
      ["uk_region", ref(db, "metadata_ukregion", db`c.uk_region_id`)],
      ["archived", db`c.archived`],
      ["address", address(db, "address")],
      ["hierarchy", db`'0'`],
      ["one_list_tier", ref(db, "company_onelisttier", db`c.one_list_tier_id`)],
      ["trading_names", db`to_jsonb(c.trading_names)`],
    ])
  } as company
    from company_company c where c.global_headquarters_id = ${id}
    order by c.name, c.id`;
  return rows.map((r) => r.company);
}

export async function manualSubsidiaryCount(db: Db, id: string): Promise<number> {
  const [{ n }] = await db<{ n: number }[]>`
    select count(*)::int as n from company_company where global_headquarters_id = ${id}`;
  return n;
}

/** Reference-data lookups for the D&B mapping (countries by ISO code, areas by name). */
export function lookups(db: Db): Lookups {
  return {
    country: async (iso) => {
      const [row] = await db<{ id: string }[]>`
        select id::text from metadata_country where iso_alpha2_code = ${iso}
        order by position, id limit 1`;
      return row?.id ?? null;
    },
    area: async (countryId, name) => {
      const [row] = await db<{ id: string }[]>`
        select id::text from metadata_administrativearea
        where name = ${name} and country_id = ${countryId} order by position, id limit 1`;
      return row?.id ?? null;
    },
  };
}

/** What a change request or investigation sends of an address's references. */
export async function countryCode(db: Db, id: string): Promise<string | null> {
  const [row] = await db<{ code: string }[]>`
    select iso_alpha2_code as code from metadata_country where id = ${id}`;
  return row?.code ?? null;
}

export async function areaNames(
  db: Db,
  id: string,
): Promise<{ name: string; abbrev_name: string } | null> {
  const [row] = await db<{ name: string; abbrev_name: string }[]>`
    select name, area_code as abbrev_name from metadata_administrativearea where id = ${id}`;
  return row ?? null;
}

/** The stored address of the company with this DUNS number, for a change request. */
export interface StoredAddress {
  address_1: string;
  address_2: string;
  address_town: string;
  address_county: string;
  address_postcode: string;
  address_country_id: string | null;
  address_area_id: string | null;
}

export async function addressByDuns(db: Db, duns: string): Promise<StoredAddress | null> {
  const [row] = await db<StoredAddress[]>`
    select address_1, address_2, address_town, address_county, address_postcode,
      address_country_id::text, address_area_id::text
    from company_company where duns_number = ${duns}`;
  return row ?? null;
}

/** USD per GBP from the latest USD→GBP rate (the original's `convert_gbp_to_usd`). */
export async function gbpToUsdRate(db: Db): Promise<number | null> {
  const [row] = await db<{ rate: number }[]>`
    select exchange_rate as rate from metadata_exchangerate
    where from_currency_code = 'USD' and to_currency_code = 'GBP'
    order by created_on desc nulls last limit 1`;
  return row && row.rate ? 1 / row.rate : null;
}

/**
 * D&B-linked companies last refreshed before `before` (or never), those with the most
 * recent interactions first, then the least recently refreshed.
 */
export async function outdatedCompanies(db: Db, before: Date, limit: number): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    select c.id::text from company_company c
    where c.duns_number is not null and (c.dnb_modified_on <= ${before} or c.dnb_modified_on is null)
    order by ${
    latestInteractionDate(db, db`c.id`)
  } desc nulls last, c.dnb_modified_on nulls first, c.id
    limit ${limit}`;
  return rows.map((r) => r.id);
}

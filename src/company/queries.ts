/**
 * All SQL of companies: the v4 response JSON (built in SQL), the list with its filters
 * and autocomplete, reads for validation, writes, the One List core team and export
 * countries with their history.
 */
import type { Db } from "../db/pool.ts";
import { wordPrefixPattern } from "../http/filter_values.ts";
import { givenColumns, insertRow, updateRow } from "../db/rows.ts";
import { cachedFragments, type Fragment, where } from "../db/fragments.ts";
import {
  adviser,
  adviserWithTeam,
  datetime,
  documentsById,
  jsonObject,
  ref,
} from "../core/render.ts";
import {
  administrativeAreaRef,
  adviserRef,
  sectorRef,
  type VersionedEntity,
} from "../core/versions.ts";
import { orderBy, type SortChoices, type SortTerm } from "../http/sortby.ts";
import { listKeys } from "../http/pagination.ts";
import type { PageVersions } from "../core/cache_version.ts";
import { contactsOfCompanyJson } from "../contact/queries.ts";
import { onAdviserLists } from "../company_list/queries.ts";
import { UNITED_KINGDOM } from "./rules.ts";
import { type AdviserActivity, monthsBefore } from "../core/housekeeping.ts";

const countryRef = { table: "metadata_country" };
const companyRef = { table: "company_company" };

/** How companies are versioned; the core team is part of each version, as the original. */
export const companyEntity: VersionedEntity = {
  entity: "company",
  table: "company_company",
  foreignKeys: {
    archived_by_id: adviserRef,
    business_type_id: { table: "metadata_businesstype" },
    sector_id: sectorRef,
    employee_range_id: { table: "metadata_employeerange" },
    turnover_range_id: { table: "metadata_turnoverrange" },
    uk_region_id: { table: "metadata_ukregion" },
    address_area_id: administrativeAreaRef,
    address_country_id: countryRef,
    registered_address_area_id: administrativeAreaRef,
    registered_address_country_id: countryRef,
    headquarter_type_id: { table: "metadata_headquartertype" },
    one_list_tier_id: { table: "company_onelisttier" },
    global_headquarters_id: companyRef,
    one_list_account_owner_id: adviserRef,
    export_experience_category_id: { table: "company_exportexperiencecategory" },
    transferred_to_id: companyRef,
    transferred_by_id: adviserRef,
  },
  manyToMany: {
    export_to_countries: {
      table: "company_company_export_to_countries",
      source: "company_id",
      target: "country_id",
      ref: countryRef,
    },
    future_interest_countries: {
      table: "company_company_future_interest_countries",
      source: "company_id",
      target: "country_id",
      ref: countryRef,
    },
    one_list_core_team_members: {
      table: "company_onelistcoreteammember",
      source: "company_id",
      target: "adviser_id",
      ref: adviserRef,
      sortNames: true,
    },
  },
};

export interface CompanyView {
  /** `archived_documents_url_path` (company.view_company_document). */
  documents: boolean;
  /** `export_countries` (company.view_companyexportcountry). */
  exportCountries: boolean;
  /** `archived_documents_url_path` of embedded contacts (company.view_contact_document). */
  contactDocuments: boolean;
  /** Adds `is_in_adviser_list` (autocomplete lists only). */
  inAdviserList?: Fragment;
}

/** A v4 nested address, or null when every part is blank. */
export function address(sql: Db, prefix: "address" | "registered_address"): Fragment {
  const col = (suffix: string) => sql(`c.${prefix}_${suffix}`);
  return sql`case when ${col("1")} = '' and ${col("2")} = '' and ${col("town")} = ''
      and ${col("county")} = '' and ${col("postcode")} = '' and ${col("area_id")} is null
      and ${col("country_id")} is null then null
    else jsonb_build_object('line_1', ${col("1")}, 'line_2', ${col("2")},
      'town', ${col("town")}, 'county', ${col("county")}, 'postcode', ${col("postcode")},
      'area', ${ref(sql, "metadata_administrativearea", sql`${col("area_id")}`)},
      'country', ${ref(sql, "metadata_country", sql`${col("country_id")}`)}) end`;
}

function countryList(sql: Db, table: string): Fragment {
  return sql`(select coalesce(jsonb_agg(jsonb_build_object('name', m.name, 'id', m.id)
      order by m.name, m.id), '[]'::jsonb)
    from ${sql(table)} j join metadata_country m on m.id = j.country_id
    where j.company_id = c.id)`;
}

/** The company aliased `c` as the v4 CompanySerializer renders it. */
export function companyJson(sql: Db, view: CompanyView): Fragment {
  return view.inAdviserList ? buildCompanyJson(sql, view) : companyJsonOfView(sql, view);
}

/** Views without a per-request part render the same SQL: built once per flag set. */
const companyJsonOfView = cachedFragments(
  (view: CompanyView) => `${view.documents}/${view.exportCountries}/${view.contactDocuments}`,
  (sql, view) => buildCompanyJson(sql, view),
);

function buildCompanyJson(sql: Db, view: CompanyView): Fragment {
  const groupHq = sql`(select h.id from company_company h
    where h.id = coalesce(c.global_headquarters_id, c.id))`;
  const pairs: [string, Fragment | null][] = [
    ["id", sql`c.id`],
    ["reference_code", sql`c.reference_code`],
    ["name", sql`c.name`],
    ["trading_names", sql`to_jsonb(c.trading_names)`],
    [
      "uk_based",
      sql`case when c.address_country_id is null then null
        else c.address_country_id = ${UNITED_KINGDOM}::uuid end`,
    ],
    ["company_number", sql`c.company_number`],
    ["vat_number", sql`c.vat_number`],
    ["duns_number", sql`c.duns_number`],
    ["created_on", datetime(sql, sql`c.created_on`)],
    ["modified_on", datetime(sql, sql`c.modified_on`)],
    ["modified_by", adviser(sql, sql`c.modified_by_id`)],
    ["archived", sql`c.archived`],
    ["archived_on", datetime(sql, sql`c.archived_on`)],
    ["archived_reason", sql`c.archived_reason`],
    ["archived_by", adviser(sql, sql`c.archived_by_id`)],
    ["description", sql`c.description`],
    ["transferred_by", sql`c.transferred_by_id`],
    ["transferred_on", datetime(sql, sql`c.transferred_on`)],
    ["transferred_to", ref(sql, "company_company", sql`c.transferred_to_id`)],
    ["transfer_reason", sql`c.transfer_reason`],
    // RelaxedURLField: a stored URL without a scheme is shown with http://.
    [
      "website",
      sql`case when c.website <> '' and position('://' in c.website) = 0
        then 'http://' || c.website else c.website end`,
    ],
    ["business_type", ref(sql, "metadata_businesstype", sql`c.business_type_id`)],
    [
      "one_list_group_tier",
      ref(
        sql,
        "company_onelisttier",
        sql`(select h.one_list_tier_id from company_company h where h.id = ${groupHq})`,
      ),
    ],
    ["contacts", contactsOfCompanyJson(sql, sql`c.id`, { documents: view.contactDocuments })],
    ["employee_range", ref(sql, "metadata_employeerange", sql`c.employee_range_id`)],
    ["number_of_employees", sql`c.number_of_employees`],
    ["is_number_of_employees_estimated", sql`c.is_number_of_employees_estimated`],
    ["export_to_countries", countryList(sql, "company_company_export_to_countries")],
    ["future_interest_countries", countryList(sql, "company_company_future_interest_countries")],
    ["headquarter_type", ref(sql, "metadata_headquartertype", sql`c.headquarter_type_id`)],
    [
      "one_list_group_global_account_manager",
      adviserWithTeam(
        sql,
        sql`(select h.one_list_account_owner_id from company_company h where h.id = ${groupHq})`,
      ),
    ],
    ["global_headquarters", ref(sql, "company_company", sql`c.global_headquarters_id`)],
    ["sector", ref(sql, "metadata_sector", sql`c.sector_id`)],
    ["turnover_range", ref(sql, "metadata_turnoverrange", sql`c.turnover_range_id`)],
    ["turnover", sql`c.turnover`],
    [
      "turnover_gbp",
      sql`(select (c.turnover * x.exchange_rate)::float8 from metadata_exchangerate x
        where x.from_currency_code = 'USD' and x.to_currency_code = 'GBP'
        order by x.created_on desc nulls last limit 1)`,
    ],
    ["is_turnover_estimated", sql`c.is_turnover_estimated`],
    ["uk_region", ref(sql, "metadata_ukregion", sql`c.uk_region_id`)],
    [
      "export_experience_category",
      ref(sql, "company_exportexperiencecategory", sql`c.export_experience_category_id`),
    ],
    ["address", address(sql, "address")],
    ["registered_address", address(sql, "registered_address")],
    ["pending_dnb_investigation", sql`c.pending_dnb_investigation`],
    ["export_potential", sql`c.export_potential`],
    ["last_modified_potential", datetime(sql, sql`c.last_modified_potential`)],
    ["great_profile_status", sql`c.great_profile_status`],
    [
      "is_global_ultimate",
      sql`coalesce(c.duns_number <> '' and c.duns_number = c.global_ultimate_duns_number, false)`,
    ],
    ["global_ultimate_duns_number", sql`c.global_ultimate_duns_number`],
    ["dnb_modified_on", datetime(sql, sql`c.dnb_modified_on`)],
    ["export_segment", sql`c.export_segment`],
    ["export_sub_segment", sql`c.export_sub_segment`],
    [
      "is_global_headquarters",
      sql`coalesce((select t.name = 'ghq' from metadata_headquartertype t
        where t.id = c.headquarter_type_id), false)`,
    ],
    [
      "global_ultimate_country",
      sql`case when c.global_ultimate_duns_number <> '' then
        (select m.name from company_company g join metadata_country m on m.id = g.address_country_id
         where g.duns_number = c.global_ultimate_duns_number limit 1) end`,
    ],
    ["strategy", sql`c.strategy`],
    ["is_out_of_business", sql`c.is_out_of_business`],
  ];
  if (view.documents) {
    pairs.push(["archived_documents_url_path", sql`c.archived_documents_url_path`]);
  }
  if (view.exportCountries) {
    pairs.push([
      "export_countries",
      sql`(select coalesce(jsonb_agg(jsonb_build_object(
          'country', jsonb_build_object('name', m.name, 'id', m.id), 'status', e.status)
          order by e.id), '[]'::jsonb)
        from company_companyexportcountry e join metadata_country m on m.id = e.country_id
        where e.company_id = c.id)`,
    ]);
  }
  if (view.inAdviserList) pairs.push(["is_in_adviser_list", view.inAdviserList]);
  return jsonObject(sql, pairs);
}

export async function findCompany(db: Db, id: string, view: CompanyView) {
  const [row] = await db<{ company: Record<string, unknown> }[]>`
    select ${companyJson(db, view)} as company from company_company c where c.id = ${id}`;
  return row?.company ?? null;
}

export const companySortChoices: SortChoices = { name: "c.name", created_on: "c.created_on" };

export interface CompanyFilters {
  globalHeadquartersId?: string;
  globalUltimateDunsNumber?: string;
  /** `autocomplete`: token-prefix match on the name, the caller's list companies first. */
  autocomplete?: { term: string; adviserId: string };
}

/**
 * One page of companies: the ids (in order) and the total. Documents are rendered apart
 * (cached, see `companyTexts`); autocomplete pages carry `inAdviserList`, the caller's
 * own part of each document, in `view`. The total of the unfiltered list is counted
 * once per change of the table (`countOf`).
 */
export async function listCompanies(
  db: Db,
  options: {
    filters: CompanyFilters;
    sort: SortTerm[];
    page: { limit: number; offset: number };
    view: CompanyView;
    countAll: (count: () => Promise<number>, versions?: Map<string, string>) => Promise<number>;
    /** Cache versions to read with the page's ids (see `listKeys`). */
    versions?: PageVersions;
  },
) {
  const { filters } = options;
  const conditions: Fragment[] = [];
  if (filters.globalHeadquartersId) {
    conditions.push(db`c.global_headquarters_id = ${filters.globalHeadquartersId}`);
  }
  if (filters.globalUltimateDunsNumber !== undefined) {
    conditions.push(db`c.global_ultimate_duns_number = ${filters.globalUltimateDunsNumber}`);
  }
  let view = options.view;
  let order = orderBy(db, options.sort, companySortChoices, "c.id");
  if (filters.autocomplete) {
    const tokens = filters.autocomplete.term.split(/\s+/).filter(Boolean);
    for (const token of tokens) conditions.push(db`c.name ~* ${wordPrefixPattern(token)}`);
    const inList = onAdviserLists(db, db`c.id`, filters.autocomplete.adviserId);
    view = { ...view, inAdviserList: inList };
    // The caller's list companies first, then by name, as the original's
    // WithListAutocompleteFilter (a blank term only orders by name). An explicit sortby
    // wins, as DRF's OrderingFilter runs after the filters.
    if (!options.sort.length) {
      order = tokens.length ? db`order by ${inList} desc, c.name, c.id` : db`order by c.name, c.id`;
    }
  }
  const { count, keys, versions } = await listKeys(db, {
    from: db`company_company c`,
    key: "c.id",
    where: where(db, conditions),
    order,
    page: options.page,
    count: conditions.length ? undefined : options.countAll,
    versions: options.versions,
  });
  return { count, ids: keys, view, versions };
}

/** The v4 documents of the companies of `ids` in `view`, as JSON text by id. */
export const companyTexts = (db: Db, ids: string[], view: CompanyView) =>
  documentsById(db, { json: companyJson(db, view), table: "company_company", alias: "c", ids });

/** The stored columns validation and the actions need, locked for the write. */
export interface CompanyRow {
  id: string;
  name: string;
  duns_number: string | null;
  business_type_id: string | null;
  sector_id: string | null;
  company_number: string | null;
  uk_region_id: string | null;
  headquarter_type_id: string | null;
  global_headquarters_id: string | null;
  one_list_tier_id: string | null;
  one_list_account_owner_id: string | null;
  transferred_to_id: string | null;
  transfer_reason: string;
  address_1: string;
  address_2: string;
  address_town: string;
  address_county: string;
  address_postcode: string;
  address_area_id: string | null;
  address_country_id: string | null;
  registered_address_1: string;
  registered_address_2: string;
  registered_address_town: string;
  registered_address_county: string;
  registered_address_postcode: string;
  registered_address_area_id: string | null;
  registered_address_country_id: string | null;
}

export async function lockCompany(db: Db, id: string): Promise<CompanyRow | null> {
  const [row] = await db<CompanyRow[]>`
    select id, name, duns_number, business_type_id, sector_id, company_number, uk_region_id,
      headquarter_type_id, global_headquarters_id, one_list_tier_id, one_list_account_owner_id,
      transferred_to_id, transfer_reason, address_1, address_2, address_town, address_county,
      address_postcode, address_area_id, address_country_id, registered_address_1,
      registered_address_2, registered_address_town, registered_address_county,
      registered_address_postcode, registered_address_area_id, registered_address_country_id
    from company_company where id = ${id} for update`;
  return row ?? null;
}

/** The company's name, or null when it does not exist. */
export async function companyName(db: Db, id: string): Promise<string | null> {
  const [row] = await db<{ name: string }[]>`select name from company_company where id = ${id}`;
  return row?.name ?? null;
}

/** The headquarter type of a company, or undefined when the company does not exist. */
export async function headquarterTypeOf(
  db: Db,
  id: string,
): Promise<string | null | undefined> {
  const [row] = await db<{ headquarter_type_id: string | null }[]>`
    select headquarter_type_id from company_company where id = ${id}`;
  return row ? row.headquarter_type_id : undefined;
}

export async function hasSubsidiaries(db: Db, id: string): Promise<boolean> {
  const rows = await db`select 1 from company_company where global_headquarters_id = ${id} limit 1`;
  return rows.length > 0;
}

export type CompanyColumns = Record<string, string | string[] | boolean | Date | null>;

export function insertCompany(db: Db, columns: CompanyColumns): Promise<string> {
  return insertRow(db, "company_company", columns);
}

export function updateCompany(db: Db, id: string, columns: CompanyColumns): Promise<void> {
  return updateRow(db, "company_company", id, columns);
}

/** The One List core team of the company's group: account manager first, then by name. */
export async function groupCoreTeam(db: Db, id: string) {
  const rows = await db<{ member: Record<string, unknown> }[]>`
    with hq as (
      select h.id, h.one_list_account_owner_id as owner from company_company c
      join company_company h on h.id = coalesce(c.global_headquarters_id, c.id)
      where c.id = ${id}
    ), team as (
      select hq.owner as adviser_id, true as gam, 0 as rank from hq where hq.owner is not null
      union all
      select m.adviser_id, false, 1 from company_onelistcoreteammember m, hq
      where m.company_id = hq.id and m.adviser_id is distinct from hq.owner
    )
    select jsonb_build_object('adviser', ${adviserWithTeam(db, db`team.adviser_id`)},
      'is_global_account_manager', team.gam) as member
    from team join company_advisor a on a.id = team.adviser_id
    order by team.rank, a.first_name, a.last_name, a.id`;
  return rows.map((r) => r.member);
}

/** Replaces the core team with `adviserIds`. */
export async function replaceCoreTeam(db: Db, companyId: string, adviserIds: string[]) {
  await db`delete from company_onelistcoreteammember
    where company_id = ${companyId} and not (adviser_id = any(${adviserIds}::uuid[]))`;
  for (const adviserId of adviserIds) {
    await db`insert into company_onelistcoreteammember (company_id, adviser_id)
      values (${companyId}, ${adviserId}) on conflict (company_id, adviser_id) do nothing`;
  }
}

export interface ExportCountry {
  country: string;
  status: string;
}

/**
 * Adds one export country as the original's `Company.add_export_country` (used when an
 * interaction records countries discussed): a new country is inserted with the status; a
 * recorded one takes the new status only when it differs and the row was last modified
 * before `recordDate`, so older news never overwrites newer. The original calls it without
 * `track_history` from interactions, so nothing goes to the history table and the legacy
 * country lists are left as they are.
 */
export async function addExportCountry(
  db: Db,
  companyId: string,
  item: ExportCountry,
  change: { recordDate: Date; by: string | null; at: Date },
) {
  const { recordDate, by, at } = change;
  await db`
    insert into company_companyexportcountry as e
      (created_on, modified_on, created_by_id, modified_by_id, country_id, company_id, status)
    values (${at}, ${at}, ${by}, ${by}, ${item.country}, ${companyId}, ${item.status})
    on conflict (country_id, company_id) do update
      set status = excluded.status, modified_on = excluded.modified_on,
          modified_by_id = excluded.modified_by_id
      where e.status <> excluded.status and e.modified_on < ${recordDate}`;
}

/**
 * Replaces the company's export countries, logging each insert, status update and delete
 * to the history table, then re-derives the legacy M2M lists from the statuses.
 */
export async function replaceExportCountries(
  db: Db,
  companyId: string,
  items: ExportCountry[],
  change: { by: string | null; at: Date },
) {
  const { by, at } = change;
  const history = (type: string, row: { id: string; country_id: string; status: string }) =>
    db`insert into company_companyexportcountryhistory
        (history_date, history_user_id, history_type, id, country_id, company_id, status)
      values (${at}, ${by}, ${type}, ${row.id}, ${row.country_id}, ${companyId}, ${row.status})`;

  for (const item of items) {
    const [existing] = await db<{ id: string; status: string }[]>`
      select id, status from company_companyexportcountry
      where company_id = ${companyId} and country_id = ${item.country} for update`;
    if (!existing) {
      const [row] = await db<{ id: string; country_id: string; status: string }[]>`
        insert into company_companyexportcountry
          (created_on, modified_on, created_by_id, modified_by_id, country_id, company_id, status)
        values (${at}, ${at}, ${by}, ${by}, ${item.country}, ${companyId}, ${item.status})
        returning id, country_id, status`;
      await history("insert", row);
    } else if (existing.status !== item.status) {
      const [row] = await db<{ id: string; country_id: string; status: string }[]>`
        update company_companyexportcountry
        set status = ${item.status}, modified_on = ${at}, modified_by_id = ${by}
        where id = ${existing.id} returning id, country_id, status`;
      await history("update", row);
    }
  }
  const removed = await db<{ id: string; country_id: string; status: string }[]>`
    delete from company_companyexportcountry
    where company_id = ${companyId}
      and not (country_id = any(${items.map((i) => i.country)}::uuid[]))
    returning id, country_id, status`;
  for (const row of removed) await history("delete", row);

  for (
    const [table, status] of [
      ["company_company_export_to_countries", "currently_exporting"],
      ["company_company_future_interest_countries", "future_interest"],
    ] as const
  ) {
    await db`delete from ${db(table)} where company_id = ${companyId}`;
    await db`insert into ${db(table)} (company_id, country_id)
      select company_id, country_id from company_companyexportcountry
      where company_id = ${companyId} and status = ${status}`;
  }
  await db`update company_company set modified_on = ${at}, modified_by_id = ${by}
    where id = ${companyId}`;
}

/** Advisers who created, changed, archived, own or transferred a company since `since`. */
export const companyAdviserActivity: AdviserActivity = (db, since) =>
  db`
  select unnest(array[created_by_id, modified_by_id, archived_by_id, one_list_account_owner_id,
                      transferred_by_id]) as adviser_id
  from company_company where modified_on >= ${since}
  union all
  select adviser_id from company_onelistcoreteammember`;

/**
 * Companies the automatic archive may take (the original's rule, less what other
 * domains keep through `inUse`): not archived, untouched for three months, not in use,
 * and every company of the same D&B global ultimate is archived or a candidate too.
 */
export async function companiesToArchive(
  db: Db,
  options: { now: Date; inUse: Fragment; limit: number },
): Promise<{ id: string }[]> {
  const quiet = monthsBefore(options.now, 3);
  return await db<{ id: string }[]>`
    with candidate as (
      select c.id, c.global_ultimate_duns_number from company_company c
      where not c.archived and c.created_on < ${quiet} and c.modified_on < ${quiet}
        and c.id not in (select company_id from (${options.inUse}) used where company_id is not null)
    )
    select cand.id::text as id from candidate cand
    where not exists (
      select 1 from company_company related
      where cand.global_ultimate_duns_number <> ''
        and related.global_ultimate_duns_number = cand.global_ultimate_duns_number
        and not related.archived
        and related.id not in (select id from candidate)
    )
    order by cand.id
    limit ${options.limit}`;
}

/** Archives companies as the system (no adviser), with the original's reason. */
export async function archiveCompaniesAutomatically(db: Db, ids: string[], at: Date) {
  await db`
    update company_company
    set archived = true, archived_on = ${at}, archived_by_id = null,
        archived_reason = 'This record was automatically archived due to inactivity'
    where id = any(${ids}::uuid[])`;
}

/** Subsidiaries of a company (their documents embed its One List team). */
export async function subsidiaryIds(db: Db, id: string): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    select id::text from company_company where global_headquarters_id = ${id}`;
  return rows.map((r) => r.id);
}

/** `{id, company {id, name}, year_awarded, category, citation, year_expired}` of award `k`. */
export const kingsAwardJson = (db: Db): Fragment =>
  db`jsonb_build_object('id', k.id,
    'company', (select jsonb_build_object('name', c.name, 'id', c.id) from company_company c
      where c.id = k.company_id),
    'year_awarded', k.year_awarded, 'category', k.category, 'citation', k.citation,
    'year_expired', k.year_expired)`;

/** A company's King's Awards, latest first, as the original's KingsAwardRecipientSerializer. */
export async function kingsAwards(db: Db, companyId: string) {
  const rows = await db<{ award: Record<string, unknown> }[]>`
    select ${kingsAwardJson(db)} as award from company_activity_kingsawardrecipient k
    where k.company_id = ${companyId}
    order by k.year_awarded desc, k.category`;
  return rows.map((r) => r.award);
}

/**
 * A company created by an ingestion (Stova attendees, great.gov.uk enquiries, EYB leads):
 * the columns given a value, the others keep their defaults.
 */
export async function insertIngestedCompany(
  db: Db,
  columns: {
    name: string;
    source: string;
    address_country_id: string | null;
    company_number?: string | null;
    duns_number?: string | null;
    business_type_id?: string | null;
    employee_range_id?: string | null;
    sector_id?: string | null;
    address_1?: string;
    address_2?: string;
    address_town?: string;
    address_county?: string;
    address_postcode?: string;
    website?: string;
  },
  at: Date,
): Promise<string> {
  return await insertRow(db, "company_company", {
    ...givenColumns(columns),
    created_on: at,
    modified_on: at,
  });
}

/**
 * All SQL of export wins: the win as WinSerializer renders it (built in SQL), the
 * company's legacy-shaped list, the visibility rule of the original's WinViewSet, writes
 * of the win with its children, and the customer response tokens.
 */
import type { Db } from "../db/pool.ts";
import { insertRow, updateRow } from "../db/rows.ts";
import { type Fragment, where } from "../db/fragments.ts";
import { adviser, adviserName, datetime, jsonObject, ref } from "../core/render.ts";
import { adviserRef, type VersionedEntity } from "../core/versions.ts";
import { orderBy, type SortChoices, type SortTerm } from "../http/sortby.ts";
import { listPage, type Page } from "../http/pagination.ts";

/** Wins are versioned, as the original registers Win with reversion. */
export const winEntity: VersionedEntity = {
  entity: "export_win",
  table: "export_win_win",
  foreignKeys: {
    adviser_id: adviserRef,
    lead_officer_id: adviserRef,
    line_manager_id: adviserRef,
    company_id: { table: "company_company" },
    country_id: { table: "metadata_country" },
    sector_id: { table: "metadata_sector" },
    customer_location_id: { table: "export_win_winukregion" },
    type_id: { table: "export_win_wintype" },
    goods_vs_services_id: { table: "export_win_expectedvaluerelation" },
    hvc_id: { table: "export_win_hvc" },
    hvo_programme_id: { table: "export_win_hvoprogrammes" },
    team_type_id: { table: "export_win_teamtype" },
    hq_team_id: { table: "export_win_hqteamregionorpost" },
    business_potential_id: { table: "export_win_businesspotential" },
    export_experience_id: { table: "company_exportexperience" },
  },
  manyToMany: {
    company_contacts: {
      table: "export_win_win_company_contacts",
      source: "win_id",
      target: "contact_id",
      ref: {
        table: "company_contact",
        name: (sql) => sql`concat_ws(' ', r.first_name, r.last_name)`,
      },
    },
    type_of_support: {
      table: "export_win_win_type_of_support",
      source: "win_id",
      target: "supporttype_id",
      ref: { table: "export_win_supporttype" },
    },
    associated_programme: {
      table: "export_win_win_associated_programme",
      source: "win_id",
      target: "associatedprogramme_id",
      ref: { table: "export_win_associatedprogramme" },
    },
    team_members: {
      table: "export_win_win_team_members",
      source: "win_id",
      target: "advisor_id",
      ref: adviserRef,
    },
  },
};

function refArray(sql: Db, join: string, column: string, table: string): Fragment {
  return sql`coalesce((select jsonb_agg(jsonb_build_object('id', r.id, 'name', r.name)
      order by r.name, r.id)
    from ${sql(join)} j join ${sql(table)} r on r.id = j.${sql(column)}
    where j.win_id = w.id), '[]'::jsonb)`;
}

const contactName = (sql: Db, alias: string) =>
  sql`concat_ws(' ', nullif(${sql(alias)}.first_name, ''), nullif(${sql(alias)}.last_name, ''))`;

function winAdvisersJson(sql: Db): Fragment {
  return sql`coalesce((select jsonb_agg(jsonb_build_object(
      'id', wa.id, 'adviser', ${adviser(sql, sql`wa.adviser_id`)}, 'name', wa.name,
      'team_type', ${ref(sql, "export_win_teamtype", sql`wa.team_type_id`)},
      'hq_team', ${ref(sql, "export_win_hqteamregionorpost", sql`wa.hq_team_id`)},
      'location', wa.location) order by wa.created_on, wa.id)
    from export_win_winadviser wa where wa.win_id = w.id), '[]'::jsonb)`;
}

function ratingRef(sql: Db, column: string): Fragment {
  return ref(sql, "export_win_rating", sql`cr.${sql(column)}`);
}

const RESPONSE_BOOLEANS = [
  "involved_state_enterprise",
  "interventions_were_prerequisite",
  "support_improved_speed",
  "has_enabled_expansion_into_new_market",
  "has_enabled_expansion_into_existing_market",
  "has_increased_exports_as_percent_of_turnover",
  "company_was_at_risk_of_not_exporting",
  "has_explicit_export_plans",
  "case_study_willing",
];
const RATINGS = [
  "our_support",
  "access_to_contacts",
  "access_to_information",
  "improved_profile",
  "gained_confidence",
  "developed_relationships",
  "overcame_problem",
];

/** The fields both response serializers share (ratings, answers, sources). */
function responseAnswers(sql: Db): [string, Fragment][] {
  return [
    ...RATINGS.map((r): [string, Fragment] => [r, ratingRef(sql, `${r}_id`)]),
    ...RESPONSE_BOOLEANS.map((b): [string, Fragment] => [b, sql`cr.${sql(b)}`]),
    [
      "expected_portion_without_help",
      ref(sql, "export_win_withoutoursupport", sql`cr.expected_portion_without_help_id`),
    ],
    ["last_export", ref(sql, "export_win_experience", sql`cr.last_export_id`)],
    ["agree_with_win", sql`cr.agree_with_win`],
    ["comments", sql`cr.comments`],
    ["marketing_source", ref(sql, "export_win_marketingsource", sql`cr.marketing_source_id`)],
    ["other_marketing_source", sql`cr.other_marketing_source`],
  ];
}

/** CustomerResponseSerializer of the response aliased `cr`. */
function customerResponseJson(sql: Db): Fragment {
  return sql`(select ${
    jsonObject(sql, [
      ["id", sql`cr.id`],
      ...responseAnswers(sql),
      ["name", sql`cr.name`],
      ["responded_on", datetime(sql, sql`cr.responded_on`)],
    ])
  } from export_win_customerresponse cr where cr.win_id = w.id)`;
}

function breakdownsJson(sql: Db): Fragment {
  return sql`coalesce((select jsonb_agg(jsonb_build_object('id', b.id,
      'type', jsonb_build_object('id', bt.id, 'name', bt.name),
      'year', b.year, 'value', b.value) order by bt."order", b.year, b.id)
    from export_win_breakdown b join export_win_breakdowntype bt on bt.id = b.type_id
    where b.win_id = w.id), '[]'::jsonb)`;
}

function sentOn(sql: Db, fn: "min" | "max"): Fragment {
  const agg = fn === "min" ? sql`min(t.created_on)` : sql`max(t.created_on)`;
  return datetime(
    sql,
    sql`(select ${agg} from export_win_customerresponsetoken t
      join export_win_customerresponse cr on cr.id = t.customer_response_id
      where cr.win_id = w.id)`,
  );
}

/** The win aliased `w` as WinSerializer renders it. */
function winJson(sql: Db): Fragment {
  const advisers = winAdvisersJson(sql);
  return jsonObject(sql, [
    ["id", sql`w.id`],
    ["adviser", adviser(sql, sql`w.adviser_id`)],
    ["adviser_name", sql`w.adviser_name`],
    ["adviser_email_address", sql`w.adviser_email_address`],
    ["advisers", advisers],
    ["contributing_advisers", advisers],
    ["breakdowns", breakdownsJson(sql)],
    ["company", ref(sql, "company_company", sql`w.company_id`)],
    ["company_name", sql`w.company_name`],
    [
      "company_contacts",
      sql`coalesce((select jsonb_agg(jsonb_build_object('id', ct.id,
          'name', ${contactName(sql, "ct")}, 'email', ct.email) order by ct.first_name, ct.id)
        from export_win_win_company_contacts j join company_contact ct on ct.id = j.contact_id
        where j.win_id = w.id), '[]'::jsonb)`,
    ],
    ["customer_name", sql`w.customer_name`],
    ["customer_job_title", sql`w.customer_job_title`],
    ["customer_email_address", sql`w.customer_email_address`],
    ["complete", sql`w.complete`],
    ["customer_location", ref(sql, "export_win_winukregion", sql`w.customer_location_id`)],
    ["business_type", sql`w.business_type`],
    ["description", sql`w.description`],
    ["name_of_customer", sql`w.name_of_customer`],
    ["name_of_customer_confidential", sql`w.name_of_customer_confidential`],
    ["name_of_export", sql`w.name_of_export`],
    ["date", sql`to_char(w.date, 'YYYY-MM-DD')`],
    ["country", ref(sql, "metadata_country", sql`w.country_id`)],
    ["type", ref(sql, "export_win_wintype", sql`w.type_id`)],
    ["total_expected_export_value", sql`w.total_expected_export_value`],
    ["total_expected_non_export_value", sql`w.total_expected_non_export_value`],
    ["total_expected_odi_value", sql`w.total_expected_odi_value`],
    [
      "goods_vs_services",
      ref(sql, "export_win_expectedvaluerelation", sql`w.goods_vs_services_id`),
    ],
    ["sector", ref(sql, "metadata_sector", sql`w.sector_id`)],
    ["is_prosperity_fund_related", sql`w.is_prosperity_fund_related`],
    ["hvc", ref(sql, "export_win_hvc", sql`w.hvc_id`)],
    ["hvo_programme", ref(sql, "export_win_hvoprogrammes", sql`w.hvo_programme_id`)],
    ["has_hvo_specialist_involvement", sql`w.has_hvo_specialist_involvement`],
    ["is_e_exported", sql`w.is_e_exported`],
    [
      "type_of_support",
      refArray(sql, "export_win_win_type_of_support", "supporttype_id", "export_win_supporttype"),
    ],
    [
      "associated_programme",
      refArray(
        sql,
        "export_win_win_associated_programme",
        "associatedprogramme_id",
        "export_win_associatedprogramme",
      ),
    ],
    ["is_personally_confirmed", sql`w.is_personally_confirmed`],
    ["is_line_manager_confirmed", sql`w.is_line_manager_confirmed`],
    ["lead_officer", adviser(sql, sql`w.lead_officer_id`)],
    ["lead_officer_name", sql`w.lead_officer_name`],
    ["lead_officer_email_address", sql`w.lead_officer_email_address`],
    ["team_type", ref(sql, "export_win_teamtype", sql`w.team_type_id`)],
    ["hq_team", ref(sql, "export_win_hqteamregionorpost", sql`w.hq_team_id`)],
    [
      "business_potential",
      ref(sql, "export_win_businesspotential", sql`w.business_potential_id`),
    ],
    ["export_experience", ref(sql, "company_exportexperience", sql`w.export_experience_id`)],
    ["location", sql`w.location`],
    ["created_on", datetime(sql, sql`w.created_on`)],
    ["modified_on", datetime(sql, sql`w.modified_on`)],
    ["customer_response", customerResponseJson(sql)],
    ["audit", sql`w.audit`],
    [
      "team_members",
      sql`coalesce((select jsonb_agg(${adviser(sql, sql`j.advisor_id`)} order by j.id)
        from export_win_win_team_members j where j.win_id = w.id), '[]'::jsonb)`,
    ],
    [
      "company_export",
      sql`(select jsonb_build_object('id', e.id, 'title', e.title)
        from company_companyexport e where e.id = w.company_export_id)`,
    ],
    ["first_sent", sentOn(sql, "min")],
    ["last_sent", sentOn(sql, "max")],
    ["migrated_on", datetime(sql, sql`w.migrated_on`)],
  ]);
}

/** What every list and detail reads: live (not soft-deleted), not anonymous wins. */
const FROM = (sql: Db) =>
  sql`export_win_win w
    left join export_win_customerresponse cr on cr.win_id = w.id
    left join company_company co on co.id = w.company_id`;

/**
 * The original's WinViewSet.get_queryset: wins the adviser submitted, leads or is a team
 * member of, and confirmed wins they contributed to.
 */
function visibleTo(sql: Db, adviserId: string): Fragment {
  return sql`(w.adviser_id = ${adviserId} or w.lead_officer_id = ${adviserId}
    or exists (select 1 from export_win_win_team_members tm
               where tm.win_id = w.id and tm.advisor_id = ${adviserId})
    or (cr.agree_with_win is true and exists (select 1 from export_win_winadviser wa
               where wa.win_id = w.id and wa.adviser_id = ${adviserId})))`;
}

function confirmedCondition(sql: Db, confirmed: boolean | null): Fragment {
  return confirmed === null
    ? sql`cr.agree_with_win is null`
    : sql`cr.agree_with_win = ${confirmed}`;
}

export const winSortChoices: SortChoices = {
  customer_response__responded_on: "cr.responded_on",
  created_on: "w.created_on",
  company__name: "co.name",
};
export const companyWinSortChoices: SortChoices = {
  customer_response__responded_on: "cr.responded_on",
  created_on: "w.created_on",
};
export const defaultWinSort = ["-customer_response__responded_on", "-created_on"];

export async function listWins(
  db: Db,
  options: { adviserId: string; confirmed?: boolean | null; sort: SortTerm[]; page: Page },
) {
  const base = [db`not w.is_deleted`, db`not w.is_anonymous_win`, visibleTo(db, options.adviserId)];
  const conditions = [...base];
  if (options.confirmed !== undefined) {
    conditions.push(confirmedCondition(db, options.confirmed));
  }
  const { count, rows } = await listPage<{ win: Record<string, unknown> }>(db, {
    select: db`${winJson(db)} as win`,
    from: FROM(db),
    key: "w.id",
    where: where(db, conditions),
    order: orderBy(db, options.sort, winSortChoices, "w.id"),
    page: options.page,
  });
  const [counts] = await db<{ null: number; true: number; false: number }[]>`
    select count(*) filter (where cr.agree_with_win is null)::int as "null",
           count(*) filter (where cr.agree_with_win)::int as "true",
           count(*) filter (where cr.agree_with_win = false)::int as "false"
    from ${FROM(db)} ${where(db, base)}`;
  return { count, results: rows.map((r) => r.win), confirmed: counts };
}

/**
 * One win as WinViewSet.retrieve finds it: a confirmed win for anyone, otherwise only
 * for advisers it is visible to (`adviserId` null: no visibility rule, for writes that
 * already checked it).
 */
export async function findWin(db: Db, id: string, adviserId: string | null) {
  const visible = adviserId === null
    ? db`true`
    : db`(cr.agree_with_win is true or ${visibleTo(db, adviserId)})`;
  const [row] = await db<{ win: Record<string, unknown> }[]>`
    select ${winJson(db)} as win from ${FROM(db)}
    where w.id = ${id} and not w.is_deleted and not w.is_anonymous_win and ${visible}`;
  return row?.win ?? null;
}

export interface WinState {
  id: string;
  agree_with_win: boolean | null;
  customer_response_id: string;
  contributing_adviser_ids: string[];
}

/** Locks a win visible to the adviser (the original's get_object) and reads its state. */
export async function lockVisibleWin(
  db: Db,
  id: string,
  adviserId: string,
): Promise<WinState | null> {
  const [row] = await db<WinState[]>`
    select w.id, cr.agree_with_win, cr.id as customer_response_id,
      array(select wa.adviser_id::text from export_win_winadviser wa
            where wa.win_id = w.id and wa.adviser_id is not null) as contributing_adviser_ids
    from ${FROM(db)}
    where w.id = ${id} and not w.is_deleted and not w.is_anonymous_win
      and ${visibleTo(db, adviserId)}
    for update of w`;
  return row ?? null;
}

export type Columns = Record<string, string | number | boolean | Date | null>;

export function insertWin(db: Db, columns: Columns): Promise<string> {
  return insertRow(db, "export_win_win", columns);
}

export function updateWin(db: Db, id: string, columns: Columns): Promise<void> {
  return updateRow(db, "export_win_win", id, columns);
}

export interface BreakdownRow {
  type: string;
  year: number;
  value: number;
}
export interface WinAdviserRow {
  adviser: string;
  team_type: string;
  hq_team: string;
  location?: string;
}

export async function replaceBreakdowns(
  db: Db,
  winId: string,
  rows: BreakdownRow[],
  at: Date,
  by: string | null,
) {
  await db`delete from export_win_breakdown where win_id = ${winId}`;
  for (const b of rows) {
    await db`insert into export_win_breakdown
        (win_id, type_id, year, value, created_on, modified_on, created_by_id, modified_by_id)
      values (${winId}, ${b.type}, ${b.year}, ${b.value}, ${at}, ${at}, ${by}, ${by})`;
  }
}

export async function replaceWinAdvisers(
  db: Db,
  winId: string,
  rows: WinAdviserRow[],
  at: Date,
  by: string | null,
) {
  await db`delete from export_win_winadviser where win_id = ${winId}`;
  for (const a of rows) {
    await db`insert into export_win_winadviser (win_id, adviser_id, team_type_id, hq_team_id,
        location, created_on, modified_on, created_by_id, modified_by_id)
      values (${winId}, ${a.adviser}, ${a.team_type}, ${a.hq_team}, ${a.location ?? ""},
        ${at}, ${at}, ${by}, ${by})`;
  }
}

const M2M: Record<string, [string, string]> = {
  company_contacts: ["export_win_win_company_contacts", "contact_id"],
  type_of_support: ["export_win_win_type_of_support", "supporttype_id"],
  associated_programme: ["export_win_win_associated_programme", "associatedprogramme_id"],
  team_members: ["export_win_win_team_members", "advisor_id"],
};

/** Sets one many-to-many list of a win (Django's `.set()`). */
export async function setMembers(db: Db, winId: string, field: string, ids: string[]) {
  const [table, column] = M2M[field];
  await db`delete from ${db(table)} where win_id = ${winId}`;
  for (const id of ids) {
    await db`insert into ${db(table)} (win_id, ${db(column)}) values (${winId}, ${id})`;
  }
}

/** The model's save(): totals are the sums of the breakdowns of each type. */
export async function recalculateTotals(db: Db, winId: string) {
  await db`update export_win_win w set
      total_expected_export_value = coalesce((select sum(value) from export_win_breakdown
        where win_id = w.id and type_id = 'cecb1f61-abd2-4715-a0c9-b196b52671d9'), 0),
      total_expected_non_export_value = coalesce((select sum(value) from export_win_breakdown
        where win_id = w.id and type_id = '07fbb895-8e04-48f8-bedb-f7054dbdb85f'), 0),
      total_expected_odi_value = coalesce((select sum(value) from export_win_breakdown
        where win_id = w.id and type_id = '833e7aad-912b-4b93-89b4-64b05222c958'), 0)
    where w.id = ${winId} and w.migrated_on is null`;
}

export async function insertCustomerResponse(db: Db, winId: string, at: Date, by: string | null) {
  const [{ id }] = await db<{ id: string }[]>`
    insert into export_win_customerresponse (win_id, created_on, modified_on, created_by_id,
      modified_by_id) values (${winId}, ${at}, ${at}, ${by}, ${by}) returning id`;
  return id;
}

/** Contacts of a win, in the order the original reads them (`.all()` / `.first()`). */
export async function winContacts(db: Db, winId: string) {
  return await db<{ id: string; email: string; first_name: string }[]>`
    select ct.id, ct.email, ct.first_name from export_win_win_company_contacts j
    join company_contact ct on ct.id = j.contact_id where j.win_id = ${winId} order by j.id`;
}

/**
 * The original's create_token_for_contact: expire the contact's unexpired tokens for
 * this response, then a new token valid for seven days.
 */
export async function createToken(
  db: Db,
  contactId: string,
  customerResponseId: string,
  at: Date,
): Promise<string> {
  await db`update export_win_customerresponsetoken set expires_on = ${at}
    where company_contact_id = ${contactId} and customer_response_id = ${customerResponseId}
      and expires_on >= ${at}`;
  const expires = new Date(at.getTime() + 7 * 24 * 3600_000);
  const [{ id }] = await db<{ id: string }[]>`
    insert into export_win_customerresponsetoken (expires_on, company_contact_id,
      customer_response_id, created_on)
    values (${expires}, ${contactId}, ${customerResponseId}, ${at}) returning id`;
  return id;
}

/** What the e-mails about a win say (country, lead officer, goods and services, ...). */
export async function emailFacts(db: Db, customerResponseId: string) {
  const [row] = await db<{
    win_id: string;
    company_id: string | null;
    company_name: string | null;
    country: string;
    goods_services: string;
    lead_officer_name: string;
    lead_officer_first_name: string;
    lead_officer_email: string;
    contact_name: string | null;
    total_value: string;
    agree_with_win: boolean | null;
  }[]>`
    select w.id as win_id, w.company_id, co.name as company_name, c.name as country,
      coalesce(g.name, '') as goods_services,
      ${
    adviserName(db, "lo")
  } as lead_officer_name, coalesce(lo.first_name, '') as lead_officer_first_name,
      coalesce(lo.contact_email, '') as lead_officer_email,
      (select ${contactName(db, "ct")} from export_win_win_company_contacts j
        join company_contact ct on ct.id = j.contact_id where j.win_id = w.id
        order by j.id limit 1) as contact_name,
      (select coalesce(sum(value), 0)::text from export_win_breakdown where win_id = w.id)
        as total_value,
      cr.agree_with_win
    from export_win_customerresponse cr join export_win_win w on w.id = cr.win_id
    join metadata_country c on c.id = w.country_id
    left join export_win_expectedvaluerelation g on g.id = w.goods_vs_services_id
    left join company_advisor lo on lo.id = w.lead_officer_id
    left join company_company co on co.id = w.company_id
    where cr.id = ${customerResponseId}`;
  return row ?? null;
}

/**
 * A token that exists and has not expired, counted as used (the original's get_object);
 * null otherwise (404).
 */
export async function useToken(db: Db, tokenId: string, at: Date) {
  const [row] = await db<{ id: string; customer_response_id: string; contact_id: string }[]>`
    update export_win_customerresponsetoken set times_used = times_used + 1
    where id = ${tokenId} and expires_on > ${at}
    returning id, customer_response_id, company_contact_id as contact_id`;
  return row ?? null;
}

export async function expireToken(db: Db, tokenId: string, at: Date) {
  await db`update export_win_customerresponsetoken set expires_on = ${at} where id = ${tokenId}`;
}

/** PublicCustomerResponseSerializer of a response, with the token's contact. */
export async function findPublicResponse(db: Db, customerResponseId: string, contactId: string) {
  const [row] = await db<{ response: Record<string, unknown> }[]>`
    select ${
    jsonObject(db, [
      [
        "win",
        jsonObject(db, [
          ["date", db`to_char(w.date, 'YYYY-MM-DD')`],
          ["country", ref(db, "metadata_country", db`w.country_id`)],
          [
            "goods_vs_services",
            ref(db, "export_win_expectedvaluerelation", db`w.goods_vs_services_id`),
          ],
          [
            "export_experience",
            ref(db, "company_exportexperience", db`w.export_experience_id`),
          ],
          ["lead_officer", adviser(db, db`w.lead_officer_id`)],
          ["breakdowns", breakdownsJson(db)],
          ["description", db`w.description`],
        ]),
      ],
      ...responseAnswers(db),
      [
        "company_contact",
        db`(select jsonb_build_object('id', ct.id, 'name', ${contactName(db, "ct")},
            'email', ct.email) from company_contact ct where ct.id = ${contactId})`,
      ],
    ])
  } as response
    from export_win_customerresponse cr join export_win_win w on w.id = cr.win_id
    where cr.id = ${customerResponseId}`;
  return row?.response ?? null;
}

export async function winOfResponse(db: Db, customerResponseId: string) {
  const [row] = await db<{ win_id: string }[]>`
    select win_id from export_win_customerresponse where id = ${customerResponseId}`;
  return row?.win_id ?? null;
}

export async function updateCustomerResponse(db: Db, id: string, columns: Columns) {
  await updateRow(db, "export_win_customerresponse", id, columns);
}

/** The company's wins in the legacy shape (DataHubLegacyExportWinSerializer). */
export async function listCompanyWins(
  db: Db,
  options: { companyId: string; confirmed?: boolean | null; sort: SortTerm[]; page: Page },
) {
  const conditions = [db`w.company_id = ${options.companyId}`, db`not w.is_deleted`];
  if (options.confirmed !== undefined) {
    conditions.push(confirmedCondition(db, options.confirmed));
  }
  const officer = db`(case when lo.id is not null
      then jsonb_build_object('id', lo.id, 'name', ${
    adviserName(db, "lo")
  }, 'email', lo.contact_email)
      else jsonb_build_object('name', w.lead_officer_name, 'email', w.lead_officer_email_address)
    end || jsonb_build_object('team', jsonb_build_object(
      'type', (select name from export_win_teamtype where id = w.team_type_id),
      'sub_type', (select name from export_win_hqteamregionorpost where id = w.hq_team_id))))`;
  const select = jsonObject(db, [
    ["id", db`w.id`],
    [
      "adviser",
      db`(case when ad.id is not null
        then jsonb_build_object('id', ad.id, 'name', ${
        adviserName(db, "ad")
      }, 'email', ad.contact_email)
        else jsonb_build_object('name', w.adviser_name, 'email', w.adviser_email_address) end)`,
    ],
    ["title", db`w.name_of_export`],
    ["date", db`to_char(w.date, 'YYYY-MM-DD')`],
    ["created", datetime(db, db`w.created_on`)],
    ["country", db`(select name from metadata_country where id = w.country_id)`],
    ["sector", db`(select name from metadata_sector where id = w.sector_id)`],
    [
      "business_potential",
      db`(select export_win_id from export_win_businesspotential
        where id = w.business_potential_id)`,
    ],
    ["business_type", db`w.business_type`],
    ["name_of_export", db`w.name_of_export`],
    ["officer", officer],
    ["lead_officer", officer],
    [
      "contact",
      db`coalesce((select jsonb_build_object('id', ct.id, 'name', ${contactName(db, "ct")},
          'email', ct.email, 'job_title', ct.job_title)
        from export_win_win_company_contacts j join company_contact ct on ct.id = j.contact_id
        where j.win_id = w.id order by j.id limit 1),
        jsonb_build_object('name', w.customer_name, 'email', w.customer_email_address,
          'job_title', w.customer_job_title))`,
    ],
    [
      "value",
      db`jsonb_build_object('export', jsonb_build_object(
        'total', w.total_expected_export_value,
        'breakdowns', coalesce((select jsonb_agg(jsonb_build_object(
            'year', (extract(year from w.date + make_interval(years => b.year - 1))
              - case when extract(month from w.date) > 3 then 0 else 1 end)::int,
            'value', b.value) order by b.year, b.id)
          from export_win_breakdown b join export_win_breakdowntype bt on bt.id = b.type_id
          where b.win_id = w.id and bt.name = 'Export'), '[]'::jsonb)))`,
    ],
    ["customer", db`w.company_name`],
    [
      "response",
      db`(case when cr.responded_on is not null then jsonb_build_object(
        'confirmed', cr.agree_with_win, 'date', api_datetime(cr.responded_on)) end)`,
    ],
    [
      "hvc",
      db`(select jsonb_build_object('code', h.campaign_id, 'name', h.name)
        from export_win_hvc h where h.id = w.hvc_id)`,
    ],
    [
      "team_members",
      db`coalesce((select jsonb_agg(${adviser(db, db`j.advisor_id`)} order by j.id)
        from export_win_win_team_members j where j.win_id = w.id), '[]'::jsonb)`,
    ],
    ["contributing_advisers", winAdvisersJson(db)],
  ]);
  const { count, rows } = await listPage<{ win: Record<string, unknown> }>(db, {
    select: db`${select} as win`,
    from: db`export_win_win w left join export_win_customerresponse cr on cr.win_id = w.id`,
    joins: db`left join company_advisor lo on lo.id = w.lead_officer_id
      left join company_advisor ad on ad.id = w.adviser_id`,
    key: "w.id",
    where: where(db, conditions),
    order: orderBy(db, options.sort, companyWinSortChoices, "w.id"),
    page: options.page,
  });
  return { count, results: rows.map((r) => r.win) };
}

export async function companyExists(db: Db, id: string): Promise<boolean> {
  return (await db`select 1 from company_company where id = ${id}`).length > 0;
}

/**
 * The original's auto_resend_client_email_from_unconfirmed_win selection: unanswered
 * responses created within the last 22 days, with fewer than 4 tokens, none issued in
 * the last 6 days.
 */
export async function responsesToResend(db: Db, at: Date) {
  const maturity = new Date(at.getTime() - 22 * 24 * 3600_000);
  const recent = new Date(at.getTime() - 6 * 24 * 3600_000);
  return await db<{ id: string; win_id: string }[]>`
    select cr.id, cr.win_id from export_win_customerresponse cr
    join export_win_win w on w.id = cr.win_id and not w.is_deleted
    where cr.agree_with_win is null and cr.created_on >= ${maturity}
      and (select count(*) from export_win_customerresponsetoken t
           where t.customer_response_id = cr.id) < 4
      and not exists (select 1 from export_win_customerresponsetoken t
           where t.customer_response_id = cr.id and t.created_on > ${recent})
    order by cr.created_on, cr.id`;
}

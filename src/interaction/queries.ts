/**
 * All SQL of interactions: the response JSON (built in SQL, v3 and v4 key sets), the
 * list with its filters and sort terms, the stored row that validation merges with,
 * and the writes (the row, its M2M sets, adviser participants, export countries).
 * Companies and contacts are only named here (`{id, name}`, a contact's names and job
 * title); everything else about them, and the linked export, goes through their domains.
 */
import { eventRef } from "../event/queries.ts";
import type { Db } from "../db/pool.ts";
import { replaceLinks, updateRow } from "../db/rows.ts";
import { cachedFragments, type Fragment, where } from "../db/fragments.ts";
import {
  adviser,
  adviserName,
  adviserWithEmailAndTeam,
  datetime,
  documentsById,
  jsonObject,
  ref,
} from "../core/render.ts";
import { adviserRef, type ManyToMany, type VersionedEntity } from "../core/versions.ts";
import { orderBy, parseSortby, type SortChoices } from "../http/sortby.ts";
import { listKeys } from "../http/pagination.ts";
import type { PageVersions } from "../core/cache_version.ts";
import { companyExportRef, exportLinkJson } from "../company_export/queries.ts";
import type { ApiVersion, ExportCountryInput } from "./rules.ts";
import { projectLinkJson } from "../investment/queries.ts";
import { opportunityLinkJson } from "../large_capital/queries.ts";
import { type AdviserActivity, type CompanyInUse, yearsBefore } from "../core/housekeeping.ts";

/** M2M fields of the interaction: field → join table and its target column. */
export const M2M = {
  companies: { table: "interaction_interaction_companies", target: "company_id" },
  contacts: { table: "interaction_interaction_contacts", target: "contact_id" },
  policy_areas: { table: "interaction_interaction_policy_areas", target: "policyarea_id" },
  policy_issue_types: {
    table: "interaction_interaction_policy_issue_types",
    target: "policyissuetype_id",
  },
  related_trade_agreements: {
    table: "interaction_interaction_related_trade_agreements",
    target: "tradeagreement_id",
  },
  export_barrier_types: {
    table: "interaction_interaction_export_barrier_types",
    target: "exportbarriertype_id",
  },
} as const;
export type M2MField = keyof typeof M2M;

const contactRef = {
  table: "company_contact",
  name: (sql: Db) => sql`concat_ws(' ', nullif(r.first_name, ''), nullif(r.last_name, ''))`,
};
const m2mRefs: Record<M2MField, ManyToMany["ref"]> = {
  companies: { table: "company_company" },
  contacts: contactRef,
  policy_areas: { table: "interaction_policyarea" },
  policy_issue_types: { table: "interaction_policyissuetype" },
  related_trade_agreements: { table: "metadata_tradeagreement" },
  export_barrier_types: { table: "metadata_exportbarriertype" },
};

/** How interactions are versioned; participants are versioned as an adviser list. */
export const interactionEntity: VersionedEntity = {
  entity: "interaction",
  table: "interaction_interaction",
  foreignKeys: {
    company_id: { table: "company_company" },
    service_id: { table: "metadata_service" },
    communication_channel_id: { table: "interaction_communicationchannel" },
    service_delivery_status_id: { table: "interaction_servicedeliverystatus" },
    company_export_id: companyExportRef,
    investment_project_id: { table: "investment_investmentproject" },
    large_capital_opportunity_id: { table: "opportunity_largecapitalopportunity" },
    archived_by_id: adviserRef,
  },
  manyToMany: {
    ...Object.fromEntries(
      Object.entries(M2M).map(([field, m]) => [field, {
        table: m.table,
        source: "interaction_id",
        target: m.target,
        ref: m2mRefs[field as M2MField],
      }]),
    ),
    dit_participants: {
      table: "interaction_interactionditparticipant",
      source: "interaction_id",
      target: "adviser_id",
      ref: adviserRef,
    },
  },
};

/** `{id, name}` list of an M2M field of the interaction aliased `i`. */
function m2mJson(sql: Db, field: M2MField, order: Fragment): Fragment {
  const m = M2M[field];
  const target = m2mRefs[field].table;
  return sql`(select coalesce(jsonb_agg(jsonb_build_object('id', r.id, 'name', r.name)
      order by ${order}), '[]'::jsonb)
    from ${sql(m.table)} j join ${sql(target)} r on r.id = j.${sql(m.target)}
    where j.interaction_id = i.id)`;
}

/**
 * The interaction aliased `i` as the version's serializer renders it: the same SQL for
 * every statement of a version, so built once per version (a list's render spent more
 * CPU building this fragment than PostgreSQL spent running it).
 */
export const interactionJson: (sql: Db, version: ApiVersion) => Fragment = cachedFragments(
  (version: ApiVersion) => version,
  (sql, version) => buildInteractionJson(sql, version),
);

function buildInteractionJson(sql: Db, version: ApiVersion): Fragment {
  const pairs: [string, Fragment | null][] = [
    ["id", sql`i.id`],
    ["company", ref(sql, "company_company", sql`i.company_id`)],
    ["companies", m2mJson(sql, "companies", sql`j.id`)],
    [
      "contacts",
      sql`(select coalesce(jsonb_agg(jsonb_build_object('id', ct.id,
          'name', ${adviserName(sql, "ct")}, 'first_name', ct.first_name,
          'last_name', ct.last_name, 'job_title', ct.job_title) order by ct.id), '[]'::jsonb)
        from interaction_interaction_contacts j join company_contact ct on ct.id = j.contact_id
        where j.interaction_id = i.id)`,
    ],
    ["created_on", datetime(sql, sql`i.created_on`)],
    ["created_by", adviser(sql, sql`i.created_by_id`)],
    ["event", eventRef(sql, sql`i.event_id`)],
    [
      "is_event",
      sql`(case when i.kind = 'service_delivery' then i.event_id is not null end)`,
    ],
    ["status", sql`i.status`],
    ["kind", sql`i.kind`],
    ["modified_by", adviser(sql, sql`i.modified_by_id`)],
    ["modified_on", datetime(sql, sql`i.modified_on`)],
    ["date", sql`api_date(i.date)`],
    [
      "dit_participants",
      sql`(select coalesce(jsonb_agg(jsonb_build_object(
          'adviser', ${adviser(sql, sql`p.adviser_id`)},
          'team', ${ref(sql, "metadata_team", sql`p.team_id`)}) order by p.id), '[]'::jsonb)
        from interaction_interactionditparticipant p where p.interaction_id = i.id)`,
    ],
    [
      "communication_channel",
      ref(sql, "interaction_communicationchannel", sql`i.communication_channel_id`),
    ],
    ["grant_amount_offered", sql`i.grant_amount_offered::text`],
    ["investment_project", projectLinkJson(sql, sql`i.investment_project_id`)],
    ["company_export", exportLinkJson(sql, sql`i.company_export_id`)],
    [
      "large_capital_opportunity",
      opportunityLinkJson(sql, sql`i.large_capital_opportunity_id`),
    ],
    ["net_company_receipt", sql`i.net_company_receipt::text`],
    ["service", ref(sql, "metadata_service", sql`i.service_id`)],
    ["service_answers", sql`i.service_answers`],
    [
      "service_delivery_status",
      ref(sql, "interaction_servicedeliverystatus", sql`i.service_delivery_status_id`),
    ],
    ["subject", sql`i.subject`],
    ["theme", sql`i.theme`],
    ["notes", sql`i.notes`],
    ["archived_documents_url_path", sql`i.archived_documents_url_path`],
    ["policy_feedback_notes", sql`i.policy_feedback_notes`],
    ["was_policy_feedback_provided", sql`i.was_policy_feedback_provided`],
    ["were_countries_discussed", sql`i.were_countries_discussed`],
    [
      "export_countries",
      sql`(select coalesce(jsonb_agg(jsonb_build_object(
          'country', jsonb_build_object('id', c.id, 'name', c.name), 'status', ec.status)
          order by c.name, ec.id), '[]'::jsonb)
        from interaction_interactionexportcountry ec join metadata_country c on c.id = ec.country_id
        where ec.interaction_id = i.id)`,
    ],
    ["archived", sql`i.archived`],
    ["archived_by", adviser(sql, sql`i.archived_by_id`)],
    ["archived_on", datetime(sql, sql`i.archived_on`)],
    ["archived_reason", sql`i.archived_reason`],
    // The referral this interaction completed (company_referral), if any.
    [
      "company_referral",
      sql`(select jsonb_build_object('id', cr.id, 'subject', cr.subject,
          'created_on', api_datetime(cr.created_on),
          'created_by', ${adviserWithEmailAndTeam(sql, sql`cr.created_by_id`)},
          'recipient', ${adviserWithEmailAndTeam(sql, sql`cr.recipient_id`)})
        from company_referral_companyreferral cr where cr.interaction_id = i.id)`,
    ],
    ["related_trade_agreements", m2mJson(sql, "related_trade_agreements", sql`r.name, r.id`)],
  ];
  if (version === "v4") {
    pairs.push(
      ["helped_remove_export_barrier", sql`i.helped_remove_export_barrier`],
      ["export_barrier_types", m2mJson(sql, "export_barrier_types", sql`r."order", r.name`)],
      ["export_barrier_notes", sql`i.export_barrier_notes`],
      ["has_related_trade_agreements", sql`i.has_related_trade_agreements`],
    );
  }
  return jsonObject(sql, pairs);
}

/** The documents of the interactions of `ids` as `version` renders them, as JSON text by id. */
export const interactionTexts = (db: Db, ids: string[], version: ApiVersion) =>
  documentsById(db, {
    json: interactionJson(db, version),
    table: "interaction_interaction",
    alias: "i",
    ids,
  });

export async function findInteraction(db: Db, id: string, version: ApiVersion) {
  const [row] = await db<{ interaction: Record<string, unknown> }[]>`
    select ${interactionJson(db, version)} as interaction
    from interaction_interaction i where i.id = ${id}`;
  return row?.interaction ?? null;
}

/** The first contact (by link order) of the interaction aliased `i`, column `column`. */
const firstContact = (sql: Db, column: "first_name" | "last_name") =>
  sql`(select ct.${sql(column)} from interaction_interaction_contacts j
    join company_contact ct on ct.id = j.contact_id
    where j.interaction_id = i.id order by j.id limit 1)`;

export function interactionSortChoices(sql: Db): SortChoices {
  return {
    company__name: sql`(select c.name from company_company c where c.id = i.company_id)`,
    created_on: "i.created_on",
    date: "i.date",
    first_name_of_first_contact: firstContact(sql, "first_name"),
    last_name_of_first_contact: firstContact(sql, "last_name"),
    subject: "i.subject",
  };
}

export interface InteractionFilters {
  companyId?: string;
  contactId?: string;
  eventId?: string;
  investmentProjectId?: string;
  largeCapitalOpportunityId?: string;
  companyExportId?: string;
}

export async function listInteractions(
  db: Db,
  options: {
    filters: InteractionFilters;
    /** The caller's record scope as a condition on `i` (see src/auth/scoping.ts). */
    scope: Fragment;
    /** The raw `sortby`; unknown names are ignored, default `-date,-created_on`. */
    sortby: string | undefined;
    page: { limit: number; offset: number };
    /** Cache versions to read with the page's ids (see `listKeys`). */
    versions?: PageVersions;
  },
) {
  const f = options.filters;
  const conditions: Fragment[] = [options.scope];
  if (f.companyId) conditions.push(db`i.company_id = ${f.companyId}`);
  if (f.contactId) {
    conditions.push(db`exists (select 1 from interaction_interaction_contacts j
      where j.interaction_id = i.id and j.contact_id = ${f.contactId})`);
  }
  if (f.eventId) conditions.push(db`i.event_id = ${f.eventId}`);
  if (f.investmentProjectId) {
    conditions.push(db`i.investment_project_id = ${f.investmentProjectId}`);
  }
  if (f.largeCapitalOpportunityId) {
    conditions.push(db`i.large_capital_opportunity_id = ${f.largeCapitalOpportunityId}`);
  }
  if (f.companyExportId) conditions.push(db`i.company_export_id = ${f.companyExportId}`);
  const whereClause = where(db, conditions);
  const choices = interactionSortChoices(db);
  const terms = parseSortby(options.sortby, choices, ["-date", "-created_on"]);
  const { count, keys, versions } = await listKeys(db, {
    from: db`interaction_interaction i`,
    key: "i.id",
    where: whereClause,
    order: orderBy(db, terms, choices, "i.id"),
    page: options.page,
    versions: options.versions,
  });
  return { count, ids: keys, versions };
}

/** The stored values validation merges the sent data with, locked for the update. */
export interface StoredInteraction {
  id: string;
  kind: string;
  status: string;
  theme: string | null;
  date: Date;
  created_by_id: string | null;
  company_id: string | null;
  communication_channel_id: string | null;
  service_id: string | null;
  service_answers: unknown;
  investment_project_id: string | null;
  company_export_id: string | null;
  event_id: string | null;
  service_delivery_status_id: string | null;
  was_policy_feedback_provided: boolean;
  policy_feedback_notes: string;
  were_countries_discussed: boolean | null;
  has_related_trade_agreements: boolean | null;
  helped_remove_export_barrier: boolean | null;
  export_barrier_notes: string;
  companies: string[];
  contacts: string[];
  related_trade_agreements: string[];
  export_barrier_types: string[];
  export_countries: ExportCountryInput[];
}

export async function lockInteraction(db: Db, id: string): Promise<StoredInteraction | null> {
  const ids = (field: M2MField) =>
    db`(select coalesce(array_agg(j.${db(M2M[field].target)}::text order by j.id), '{}')
      from ${db(M2M[field].table)} j where j.interaction_id = i.id)`;
  const [row] = await db<StoredInteraction[]>`
    select i.id, i.kind, i.status, i.theme, i.date, i.created_by_id, i.company_id, i.communication_channel_id,
      i.service_id, i.service_answers, i.investment_project_id, i.company_export_id, i.event_id,
      i.service_delivery_status_id, i.was_policy_feedback_provided, i.policy_feedback_notes,
      i.were_countries_discussed, i.has_related_trade_agreements, i.helped_remove_export_barrier,
      i.export_barrier_notes,
      ${ids("companies")} as companies, ${ids("contacts")} as contacts,
      ${ids("related_trade_agreements")} as related_trade_agreements,
      ${ids("export_barrier_types")} as export_barrier_types,
      (select coalesce(jsonb_agg(jsonb_build_object('country', ec.country_id, 'status', ec.status)
        order by ec.id), '[]'::jsonb)
       from interaction_interactionexportcountry ec where ec.interaction_id = i.id)
        as export_countries
    from interaction_interaction i where i.id = ${id} for update`;
  return row ?? null;
}

/** Whether the interaction exists (for permission checks made before it is loaded). */
export async function interactionExists(db: Db, id: string): Promise<boolean> {
  return (await db`select 1 from interaction_interaction where id = ${id}`).length > 0;
}

/** Whether the service has child services (only leaves may be chosen). */
export async function serviceHasChildren(db: Db, serviceId: string): Promise<boolean> {
  const rows = await db`select 1 from metadata_service where parent_id = ${serviceId} limit 1`;
  return rows.length > 0;
}

/** The service's questions, each with the ids of its answer options. */
export async function serviceQuestions(
  db: Db,
  serviceId: string | null,
): Promise<Map<string, Set<string>>> {
  const questions = new Map<string, Set<string>>();
  if (!serviceId) return questions;
  const rows = await db<{ question: string; option: string | null }[]>`
    select q.id::text as question, o.id::text as option
    from interaction_servicequestion q
    left join interaction_serviceansweroption o on o.question_id = q.id
    where q.service_id = ${serviceId}`;
  for (const r of rows) {
    if (!questions.has(r.question)) questions.set(r.question, new Set());
    if (r.option) questions.get(r.question)!.add(r.option);
  }
  return questions;
}

export type InteractionColumns = Record<string, unknown>;

export async function insertInteraction(db: Db, columns: InteractionColumns): Promise<string> {
  const [{ id }] = await db<{ id: string }[]>`
    insert into interaction_interaction ${db(columns as Record<string, string>)} returning id`;
  return id;
}

export function updateInteraction(db: Db, id: string, columns: InteractionColumns): Promise<void> {
  return updateRow(db, "interaction_interaction", id, columns);
}

/** Replaces an M2M set; kept members keep their link (and so their order). */
export async function replaceM2M(db: Db, id: string, field: M2MField, ids: string[]) {
  const { table, target } = M2M[field];
  await replaceLinks(db, { table, source: "interaction_id", target }, id, ids);
}

/**
 * Makes the participants exactly `advisers`: new ones are added with the adviser's
 * current team, which stays with the participant if the adviser later moves.
 */
export async function replaceParticipants(db: Db, id: string, advisers: string[]) {
  await db`delete from interaction_interactionditparticipant
    where interaction_id = ${id} and not (adviser_id = any(${advisers}::uuid[]))`;
  for (const adviserId of advisers) {
    await db`insert into interaction_interactionditparticipant (interaction_id, adviser_id, team_id)
      select ${id}, a.id, a.dit_team_id from company_advisor a where a.id = ${adviserId}
      on conflict (interaction_id, adviser_id) do nothing`;
  }
}

/**
 * Makes the export countries those of `items`: countries already recorded keep their
 * status (as the original), new ones are added, missing ones removed.
 */
export async function replaceExportCountries(
  db: Db,
  id: string,
  items: ExportCountryInput[],
  meta: { by: string | null; at: Date },
) {
  const countries = items.map((item) => item.country);
  await db`delete from interaction_interactionexportcountry
    where interaction_id = ${id} and not (country_id = any(${countries}::uuid[]))`;
  for (const item of items) {
    await db`insert into interaction_interactionexportcountry
      (interaction_id, country_id, status, created_on, modified_on, created_by_id, modified_by_id)
      values (${id}, ${item.country}, ${item.status}, ${meta.at}, ${meta.at}, ${meta.by},
              ${meta.by})
      on conflict (country_id, interaction_id) do nothing`;
  }
}

/**
 * The latest interaction of the company `companyId` — by date, then newest created, then
 * id, as the original's company list items annotate it — as a one-row subquery for a
 * lateral join. Its columns: `date`, `created_on` and `id` to order by, and `json`, the
 * list item serializer's `{id, created_on, date, subject, dit_participants}` (each
 * participant's adviser and team as `{id, name}` or null).
 */
export function latestInteractionOfCompany(sql: Db, companyId: Fragment): Fragment {
  return sql`(select li.id, li.date, li.created_on, jsonb_build_object(
      'id', li.id, 'created_on', ${datetime(sql, sql`li.created_on`)},
      'date', api_date(li.date), 'subject', li.subject,
      'dit_participants', (select coalesce(jsonb_agg(jsonb_build_object(
          'adviser', (select jsonb_build_object('id', a.id, 'name', ${adviserName(sql, "a")})
            from company_advisor a where a.id = p.adviser_id),
          'team', (select jsonb_build_object('id', t.id, 'name', t.name)
            from metadata_team t where t.id = p.team_id)) order by p.id), '[]'::jsonb)
        from interaction_interactionditparticipant p where p.interaction_id = li.id)) as json
    from interaction_interaction li where li.company_id = ${companyId}
    order by li.date desc, li.created_on desc, li.id limit 1)`;
}

/** Interactions of a company (their search documents embed it). */
export async function interactionIdsOfCompany(db: Db, companyId: string): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    select id from interaction_interaction where company_id = ${companyId}
    union select interaction_id from interaction_interaction_companies
    where company_id = ${companyId}`;
  return rows.map((r) => r.id);
}

/** Interactions a contact took part in (their search documents embed it). */
export async function interactionIdsOfContact(db: Db, contactId: string): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    select interaction_id as id from interaction_interaction_contacts
    where contact_id = ${contactId}`;
  return rows.map((r) => r.id);
}

/** Advisers who recorded, changed, archived or took part in an interaction since `since`. */
export const interactionAdviserActivity: AdviserActivity = (db, since) =>
  db`
  select unnest(array[i.created_by_id, i.modified_by_id, i.archived_by_id]) as adviser_id
  from interaction_interaction i where i.date >= ${since} or i.modified_on >= ${since}
  union all
  select p.adviser_id from interaction_interactionditparticipant p
  join interaction_interaction i on i.id = p.interaction_id
  where i.date >= ${since} or i.modified_on >= ${since}`;

/** Companies with an interaction in the last five years stay (automatic archive rule). */
export const companiesWithRecentInteractions: CompanyInUse = (db, now) =>
  db`
  select i.company_id from interaction_interaction i where i.date >= ${yearsBefore(now, 5)}
  union all
  select ic.company_id from interaction_interaction_companies ic
  join interaction_interaction i on i.id = ic.interaction_id
  where i.date >= ${yearsBefore(now, 5)}`;

/** The company whose `latest_interaction_date` the interaction feeds (its legacy company). */
export async function companyOfInteraction(db: Db, id: string): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    select company_id::text as id from interaction_interaction
    where id = ${id} and company_id is not null`;
  return rows.map((r) => r.id);
}

/** The interactions at this event (their documents embed it). */
export async function interactionIdsOfEvent(db: Db, eventId: string): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    select id::text from interaction_interaction where event_id = ${eventId}`;
  return rows.map((r) => r.id);
}

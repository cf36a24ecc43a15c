/**
 * The interaction search app (`POST /v3/search/interaction`, its CSV export, the policy
 * feedback export and global search): the original's `datahub/search/interaction`
 * document, filters, sort choices and exports, declared once.
 *
 * A document embeds the interaction's company (name, trading names, sector, the group's
 * One List tier), contacts and adviser participants, so company and contact writes
 * re-index interactions (registered in ./handlers.ts). The other way round, the company
 * document's `latest_interaction_date` reads interactions, so an interaction write
 * re-indexes its company (registered here, where the search documents are declared).
 */
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";
import {
  bool,
  type CsvRow,
  defineSearchApp,
  descends,
  exists,
  type ExportContext,
  ids,
  match,
  partialText,
  queryBuilder,
  range,
  singleOrList,
  type SortTerm,
  str,
} from "../search/app.ts";
import {
  boolean,
  companyRef,
  date,
  double,
  englishText,
  idNameNotIndexed,
  idNamePartial,
  keyword,
  normalizedKeyword,
  notIndexed,
  object,
  sector,
  text,
  textWithTrigram,
  trigramText,
} from "../search/mapping.ts";
import { Decimal } from "../search/csv.ts";
import { adviserName, documentDatetime, jsonObject } from "../core/render.ts";
import { joinedAdviser, joinedRef, sectorDocuments } from "../search/joined.ts";
import { exportOrder, sectorPath } from "../company/search.ts";
import { IdName, NestedAdviser } from "../http/schemas.ts";
import { z } from "@hono/zod-openapi";

// Response schemas (named components of the OpenAPI document).

export const InteractionSearchResult = z.object({
  id: z.guid(),
  date: z.string().openapi({ format: "date-time" }),
  kind: z.string(),
  event: IdName.nullable(),
  notes: z.string(),
  company: z.object({
    id: z.guid(),
    name: z.string(),
    trading_names: z.array(z.string()),
  }).nullable(),
  service: IdName.nullable(),
  subject: z.string(),
  contacts: z.array(NestedAdviser),
  is_event: z.boolean().nullable(),
  companies: z.array(z.object({
    id: z.guid(),
    name: z.string(),
    trading_names: z.array(z.string()),
  })),
  created_on: z.string().openapi({ format: "date-time" }).nullable(),
  modified_on: z.string().openapi({ format: "date-time" }).nullable(),
  policy_areas: z.array(IdName),
  company_sector: z.object({
    id: z.guid(),
    name: z.string(),
    ancestors: z.array(z.object({
      id: z.guid(),
    })),
  }).nullable(),
  dit_participants: z.array(z.object({
    team: IdName.nullable(),
    adviser: NestedAdviser.nullable(),
  })),
  investment_project: IdName.nullable(),
  policy_issue_types: z.array(IdName),
  net_company_receipt: z.number().nullable(),
  grant_amount_offered: z.number().nullable(),
  communication_channel: IdName.nullable(),
  service_delivery_status: IdName.nullable(),
  investment_project_sector: z.unknown(),
  company_one_list_group_tier: IdName.nullable(),
  was_policy_feedback_provided: z.boolean(),
}).openapi("InteractionSearchResult");

/** `{id, name, trading_names}` of the left-joined company `alias`, or null. */
const joinedCompany = (db: Db, alias: string): Fragment =>
  db`case when ${db(alias)}.id is null then null else jsonb_build_object('id', ${db(alias)}.id,
    'name', ${db(alias)}.name, 'trading_names', to_jsonb(${db(alias)}.trading_names)) end`;

/** `{id, name}` list of an M2M lookup of the interaction `i`, by name (a lateral body). */
const m2mRefs = (db: Db, table: string, target: string, lookup: string): Fragment =>
  db`select coalesce(jsonb_agg(jsonb_build_object('id', r.id, 'name', r.name)
      order by r.name, r.id), '[]'::jsonb) as refs
    from ${db(table)} j join ${db(lookup)} r on r.id = j.${db(target)}
    where j.interaction_id = i.id`;

/**
 * Documents of these interactions (the original's `Interaction` search model), in one
 * set-based query: references are joins, lists are aggregated per batch and joined.
 */
function interactionDocumentsQuery(db: Db, wanted: string[]): Fragment {
  const doc = jsonObject(db, [
    ["id", db`i.id`],
    ["company", joinedCompany(db, "c")],
    ["companies", db`coalesce(companies.list, '[]'::jsonb)`],
    ["company_sector", db`company_sector.doc`],
    // The group's tier: that of the global headquarters, else the company's own.
    ["company_one_list_group_tier", joinedRef(db, "group_tier")],
    ["communication_channel", joinedRef(db, "communication_channel")],
    ["contacts", db`coalesce(contacts.list, '[]'::jsonb)`],
    ["created_on", documentDatetime(db, db`i.created_on`)],
    ["date", documentDatetime(db, db`i.date`)],
    ["dit_participants", db`coalesce(participants.list, '[]'::jsonb)`],
    ["event", joinedRef(db, "event")],
    [
      "investment_project",
      db`case when ip.id is null then null else jsonb_build_object('id', ip.id, 'name', ip.name)
        end`,
    ],
    ["investment_project_sector", db`project_sector.doc`],
    ["is_event", db`(case when i.kind = 'service_delivery' then i.event_id is not null end)`],
    ["grant_amount_offered", db`i.grant_amount_offered::float8`],
    ["kind", db`i.kind`],
    ["modified_on", documentDatetime(db, db`i.modified_on`)],
    ["net_company_receipt", db`i.net_company_receipt::float8`],
    ["notes", db`i.notes`],
    ["policy_areas", db`policy_areas.refs`],
    ["policy_issue_types", db`policy_issue_types.refs`],
    ["service", joinedRef(db, "service")],
    ["service_delivery_status", joinedRef(db, "service_delivery_status")],
    ["subject", db`i.subject`],
    ["was_policy_feedback_provided", db`i.was_policy_feedback_provided`],
    ["were_countries_discussed", db`i.were_countries_discussed`],
    ["export_countries", db`coalesce(export_countries.list, '[]'::jsonb)`],
  ]);
  // The batch's own rows and per-row lists are index probes (lateral), whatever the
  // planner thinks of the batch's size; references to small tables are hash joins.
  return db`
    with sector as materialized (${sectorDocuments(db)})
    select ${doc} as doc
    from unnest(${wanted}::uuid[]) as w(id)
    cross join lateral (select * from interaction_interaction where id = w.id) i
    left join lateral (select * from company_company where id = i.company_id) c on true
    left join lateral (
      select one_list_tier_id from company_company
      where id = coalesce(c.global_headquarters_id, c.id)
    ) g on true
    left join lateral (
      select id, name, sector_id from investment_investmentproject
      where id = i.investment_project_id
    ) ip on true
    left join lateral (
      select jsonb_agg(${joinedCompany(db, "co")} order by j.id) as list
      from interaction_interaction_companies j left join company_company co on co.id = j.company_id
      where j.interaction_id = i.id
    ) companies on true
    left join lateral (
      select jsonb_agg(jsonb_build_object('id', ct.id,
          'first_name', ct.first_name, 'last_name', ct.last_name,
          'name', ${adviserName(db, "ct")}) order by ct.id) as list
      from interaction_interaction_contacts j join company_contact ct on ct.id = j.contact_id
      where j.interaction_id = i.id
    ) contacts on true
    left join lateral (
      select jsonb_agg(jsonb_build_object(
          'adviser', ${joinedAdviser(db, "a")},
          'team', ${joinedRef(db, "t")}) order by p.id) as list
      from interaction_interactionditparticipant p
      left join company_advisor a on a.id = p.adviser_id
      left join metadata_team t on t.id = p.team_id
      where p.interaction_id = i.id
    ) participants on true
    left join lateral (
      ${
    m2mRefs(db, "interaction_interaction_policy_areas", "policyarea_id", "interaction_policyarea")
  }
    ) policy_areas on true
    left join lateral (
      ${
    m2mRefs(
      db,
      "interaction_interaction_policy_issue_types",
      "policyissuetype_id",
      "interaction_policyissuetype",
    )
  }
    ) policy_issue_types on true
    left join lateral (
      select jsonb_agg(jsonb_build_object(
          'country', jsonb_build_object('id', m.id, 'name', m.name), 'status', ec.status)
          order by m.id) as list
      from interaction_interactionexportcountry ec join metadata_country m on m.id = ec.country_id
      where ec.interaction_id = i.id
    ) export_countries on true
    left join company_onelisttier group_tier on group_tier.id = g.one_list_tier_id
    left join sector company_sector on company_sector.id = c.sector_id
    left join interaction_communicationchannel communication_channel
      on communication_channel.id = i.communication_channel_id
    left join event_event event on event.id = i.event_id
    left join sector project_sector on project_sector.id = ip.sector_id
    left join metadata_service service on service.id = i.service_id
    left join interaction_servicedeliverystatus service_delivery_status
      on service_delivery_status.id = i.service_delivery_status_id`;
}

// ---------------------------------------------------------------- CSV exports

/** `Kind` choices' display names (the original's `get_choices_as_case_expression`). */
const kindName = (db: Db) =>
  db`case i.kind when 'interaction' then 'Interaction'
    when 'service_delivery' then 'Service delivery' else i.kind end`;

/** A service's full name (`Parent : Child`), from its tree's segments. */
const servicePath = (db: Db) =>
  db`(select string_agg(a.segment, ' : ' order by a.lft)
    from metadata_service s join metadata_service a
      on a.tree_id = s.tree_id and a.lft <= s.lft and a.rght >= s.rght
    where s.id = i.service_id)`;

/** Values of the interaction's participants, alphabetically, `, `-separated. */
const participantsAgg = (db: Db, value: Fragment) =>
  db`(select string_agg(v, ', ' order by v) from (
      select ${value} as v from interaction_interactionditparticipant p
      left join company_advisor a on a.id = p.adviser_id
      left join metadata_team t on t.id = p.team_id
      left join metadata_country tc on tc.id = t.country_id
      where p.interaction_id = i.id) x)`;

/** The columns both exports share, as the original annotates them. */
function sharedColumns(db: Db, context: ExportContext): Fragment {
  const names = (table: string, target: string, lookup: string, delimiter: string) =>
    db`(select string_agg(r.name, ${delimiter}::text order by r.name)
      from ${db(table)} j join ${db(lookup)} r on r.id = j.${db(target)}
      where j.interaction_id = i.id)`;
  return db`
    i.date,
    ${kindName(db)} as kind_name,
    ${servicePath(db)} as service_name,
    i.subject,
    concat(${`${context.frontendBaseUrl}/interactions/`}::text, i.id) as link,
    c.name as company__name,
    concat(${`${context.frontendBaseUrl}/companies/`}::text, c.id) as company_link,
    (select m.name from metadata_country m where m.id = c.address_country_id)
      as company__address_country__name,
    (select m.name from metadata_ukregion m where m.id = c.uk_region_id)
      as company__uk_region__name,
    ${sectorPath(db, db`c.sector_id`)} as company_sector_name,
    (select string_agg(v, ', ' order by v) from (
        select concat_ws(' ', nullif(ct.first_name, ''), nullif(ct.last_name, ''),
                         '(' || nullif(ct.job_title, '') || ')') as v
        from interaction_interaction_contacts j join company_contact ct on ct.id = j.contact_id
        where j.interaction_id = i.id) x) as contact_names,
    ${
    participantsAgg(
      db,
      db`concat_ws(' ', nullif(a.first_name, ''), nullif(a.last_name, ''),
        '(' || nullif(t.name, '') || ')')`,
    )
  } as adviser_names,
    (select ev.name from event_event ev where ev.id = i.event_id) as event__name,
    (select m.name from interaction_communicationchannel m
     where m.id = i.communication_channel_id) as communication_channel__name,
    (select m.name from interaction_servicedeliverystatus m
     where m.id = i.service_delivery_status_id) as service_delivery_status__name,
    i.net_company_receipt::text as net_company_receipt,
    ${
    names(
      "interaction_interaction_policy_issue_types",
      "policyissuetype_id",
      "interaction_policyissuetype",
      ", ",
    )
  } as policy_issue_type_names,
    ${
    // Some policy areas contain commas, hence the original's semicolons.
    names(
      "interaction_interaction_policy_areas",
      "policyarea_id",
      "interaction_policyarea",
      "; ",
    )} as policy_area_names,
    i.policy_feedback_notes,
    i.notes`;
}

/** `ORDER BY` of an export: the sortby's column (company name, date, subject), then id. */
const exportSort = (db: Db, sort: SortTerm | null) =>
  exportOrder(db, sort, {
    "company.name.keyword": db`c.name`,
    date: db`i.date`,
    "subject.keyword": db`i.subject`,
  }, db`i.id`);

/** Money as the original writes a Decimal (normalised). */
const withDecimals = (rows: CsvRow[]) =>
  rows.map((r) => ({
    ...r,
    net_company_receipt: r.net_company_receipt === null
      ? null
      : new Decimal(String(r.net_company_receipt)),
  }));

/** The original's `SearchInteractionExportAPIView` rows. */
async function interactionExportRows(
  db: Db,
  wanted: string[],
  sort: SortTerm | null,
  context: ExportContext,
): Promise<CsvRow[]> {
  const rows = await db<CsvRow[]>`
    select ${sharedColumns(db, context)}
    from interaction_interaction i
    left join company_company c on c.id = i.company_id
    where i.id = any(${wanted}::uuid[])
    ${exportSort(db, sort)}`;
  return withDecimals(rows);
}

/** The original's `SearchInteractionPolicyFeedbackExportAPIView` rows. */
async function policyFeedbackExportRows(
  db: Db,
  wanted: string[],
  sort: SortTerm | null,
  context: ExportContext,
): Promise<CsvRow[]> {
  const rows = await db<CsvRow[]>`
    select ${sharedColumns(db, context)},
      i.created_on,
      i.modified_on,
      ghq.name as company__global_headquarters__name,
      (select m.name from metadata_country m where m.id = ghq.address_country_id)
        as company__global_headquarters__address_country__name,
      (select m.name from company_onelisttier m where m.id = c.one_list_tier_id)
        as company__one_list_tier__name,
      (select cl.name from metadata_sector s
       join metadata_sector root on root.tree_id = s.tree_id and root.parent_id is null
       join metadata_sectorcluster cl on cl.id = root.sector_cluster_id
       where s.id = c.sector_id) as company_sector_cluster,
      c.turnover as company__turnover,
      c.number_of_employees as company__number_of_employees,
      ${participantsAgg(db, db`t.name`)} as team_names,
      ${participantsAgg(db, db`tc.name`)} as team_countries,
      i.was_policy_feedback_provided,
      ${participantsAgg(db, db`a.email`)} as adviser_emails
    from interaction_interaction i
    left join company_company c on c.id = i.company_id
    left join company_company ghq on ghq.id = c.global_headquarters_id
    where i.id = any(${wanted}::uuid[])
    ${exportSort(db, sort)}`;
  return withDecimals(rows);
}

/** Export columns the original always leaves blank (predicted policy tags). */
const TAG_COLUMNS = Object.fromEntries(
  [1, 2, 3, 4, 5].flatMap((n) => [
    [`tag_${n}`, `tag_${n}`],
    [`probability_score_tag_${n}`, `probability_score_tag_${n}`],
  ]),
);

/** A contact or adviser as the document holds them: searchable by name. */
const person = () =>
  object({
    id: keyword(),
    first_name: notIndexed(text()),
    last_name: notIndexed(text()),
    name: textWithTrigram(),
  });

export const interactionSearchApp = defineSearchApp({
  result: InteractionSearchResult,
  name: "interaction",
  path: "/v3/search/interaction",
  plural: "Interactions",
  table: "interaction_interaction",
  global: true,
  viewPermissions: ["interaction.view_all_interaction"],
  mapping: {
    id: keyword(),
    company: companyRef(),
    companies: companyRef(),
    company_sector: sector(),
    company_one_list_group_tier: idNameNotIndexed(),
    communication_channel: idNameNotIndexed(),
    contacts: person(),
    created_on: date(),
    date: date(),
    dit_participants: object({
      adviser: person(),
      team: object({ id: keyword(), name: textWithTrigram() }),
    }),
    event: idNamePartial(),
    investment_project: idNameNotIndexed(),
    investment_project_sector: sector(),
    is_event: notIndexed(boolean()),
    grant_amount_offered: notIndexed(double()),
    kind: keyword(),
    modified_on: date(),
    net_company_receipt: notIndexed(double()),
    notes: notIndexed(text()),
    policy_areas: idNameNotIndexed(),
    policy_issue_types: idNameNotIndexed(),
    service: idNamePartial(),
    service_delivery_status: idNameNotIndexed(),
    subject: text({ english: englishText(), keyword: normalizedKeyword(), trigram: trigramText() }),
    was_policy_feedback_provided: boolean(),
    were_countries_discussed: boolean(),
    export_countries: object({
      id: notIndexed(keyword()),
      country: object({ id: keyword(), name: notIndexed(text()) }),
      status: notIndexed(text()),
    }),
  },
  searchFields: [
    "id",
    "company.name",
    "company.name.trigram",
    "companies.name",
    "companies.name.trigram",
    "contacts.id",
    "contacts.name",
    "contacts.name.trigram",
    "event.name",
    "event.name.trigram",
    "service.name",
    "service.name.trigram",
    "subject",
    "subject.trigram",
    "subject.english",
    "dit_participants.adviser.name",
    "dit_participants.adviser.name.trigram",
    "dit_participants.team.name",
    "dit_participants.team.name.trigram",
  ],
  // Interactions have no `name`: their subject and company are what people type.
  primaryTextFields: ["subject", "company.name"],
  filters: {
    kind: match("kind", singleOrList(str())),
    company: ids("company.id"),
    subject: partialText("subject"),
    company_name: partialText("company.name", "company.trading_names"),
    company_one_list_group_tier: ids("company_one_list_group_tier.id"),
    created_on_exists: exists("created_on"),
    dit_participants__adviser: ids("dit_participants.adviser.id"),
    dit_participants__team: ids("dit_participants.team.id"),
    date_after: range("date", "gte"),
    date_before: range("date", "lte"),
    communication_channel: ids("communication_channel.id"),
    investment_project: ids("investment_project.id"),
    policy_areas: ids("policy_areas.id"),
    policy_issue_types: ids("policy_issue_types.id"),
    sector_descends: descends(["company_sector", "investment_project_sector"], {
      table: "metadata_sector",
      parentColumn: "parent_id",
    }),
    service: ids("service.id"),
    was_policy_feedback_provided: match("was_policy_feedback_provided", bool()),
    contacts: ids("contacts.id"),
  },
  sortby: {
    "company.name": "company.name.keyword",
    date: "date",
    subject: "subject.keyword",
  },
  defaultSort: "date:desc",
  excludeFromResults: ["export_countries", "were_countries_discussed"],
  ...queryBuilder(interactionDocumentsQuery),
  export: [
    {
      path: "/v3/search/interaction/export",
      permission: "interaction.export_interaction",
      columns: {
        date: "Date",
        kind_name: "Type",
        service_name: "Service",
        subject: "Subject",
        link: "Link",
        company__name: "Company",
        company_link: "Company link",
        company__address_country__name: "Company country",
        company__uk_region__name: "Company UK region",
        company_sector_name: "Company sector",
        contact_names: "Contacts",
        adviser_names: "Advisers",
        event__name: "Event",
        communication_channel__name: "Communication channel",
        service_delivery_status__name: "Service delivery status",
        net_company_receipt: "Net company receipt",
        policy_issue_type_names: "Policy issue types",
        policy_area_names: "Policy areas",
        policy_feedback_notes: "Policy feedback notes",
        notes: "Notes",
      },
      rows: interactionExportRows,
    },
    {
      path: "/v3/search/interaction/policy-feedback",
      permission: "interaction.export_interaction",
      columns: {
        date: "Date",
        created_on: "Created date",
        modified_on: "Modified date",
        link: "Link",
        service_name: "Service",
        subject: "Subject",
        company__name: "Company",
        company__global_headquarters__name: "Parent",
        company__global_headquarters__address_country__name: "Parent country",
        company__address_country__name: "Company country",
        company__uk_region__name: "Company UK region",
        company__one_list_tier__name: "One List Tier",
        company_sector_name: "Company sector",
        company_sector_cluster: "Company sector cluster",
        company__turnover: "turnover",
        company__number_of_employees: "number_of_employees",
        team_names: "team_names",
        team_countries: "team_countries",
        kind_name: "kind_name",
        communication_channel__name: "Communication channel",
        was_policy_feedback_provided: "was_policy_feedback_provided",
        policy_issue_type_names: "Policy issue types",
        policy_area_names: "Policy areas",
        policy_feedback_notes: "Policy feedback notes",
        notes: "Notes",
        adviser_names: "advisers",
        adviser_emails: "adviser_emails",
        ...TAG_COLUMNS,
        contact_names: "Contacts",
        event__name: "Event",
        service_delivery_status__name: "Service delivery status",
        net_company_receipt: "Net company receipt",
      },
      rows: policyFeedbackExportRows,
    },
  ],
});

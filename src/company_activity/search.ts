/**
 * The company activity search app (`POST /v4/search/company-activity`, the company page's
 * timeline; also a global search entity): the original's `CompanyActivity` document, one
 * per row of company_activity_companyactivity, with the source it stands for (an
 * interaction, referral, investment project, OMIS order, great.gov.uk export enquiry or
 * EYB lead).
 */
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";
import {
  defineSearchApp,
  ids,
  match,
  partialText,
  range,
  type SearchDocument,
  str,
} from "../search/app.ts";
import {
  boolean,
  companyRef,
  countryOrArea,
  date,
  englishText,
  idName,
  idNameNotIndexed,
  idNamePartial,
  keyword,
  normalizedKeyword,
  notIndexed,
  object,
  person,
  text,
  textKeywordTrigram,
  trigramText,
} from "../search/mapping.ts";
import { adviserName, documentDatetime, jsonObject, ref } from "../core/render.ts";
import { companyDocument } from "../company/search.ts";
import { relativesFlag, withRelatives } from "../dnb/related.ts";

/** A contact with its job title (contact_job_field). */
const contactJob = () =>
  object({
    id: keyword(),
    first_name: normalizedKeyword(),
    last_name: normalizedKeyword(),
    name: textKeywordTrigram(),
    job_title: normalizedKeyword(),
  });

/** `{id, first_name, last_name, name}` of the adviser or contact (contact_or_adviser_dict). */
const personDocument = (db: Db, table: string, id: Fragment): Fragment =>
  db`(select jsonb_build_object('id', p.id, 'first_name', p.first_name,
      'last_name', p.last_name, 'name', ${adviserName(db, "p")})
    from ${db(table)} p where p.id = ${id})`;

/** The interaction aliased `i` as the activity shows it (activity_interaction_dict). */
const interactionDocument = (db: Db): Fragment =>
  jsonObject(db, [
    ["id", db`i.id`],
    ["date", documentDatetime(db, db`i.date`)],
    ["subject", db`i.subject`],
    ["kind", db`i.kind`],
    [
      "dit_participants",
      db`(select coalesce(jsonb_agg(jsonb_build_object(
          'adviser', ${personDocument(db, "company_advisor", db`dp.adviser_id`)},
          'team', ${ref(db, "metadata_team", db`dp.team_id`)}) order by dp.id), '[]'::jsonb)
        from interaction_interactionditparticipant dp where dp.interaction_id = i.id)`,
    ],
    [
      "communication_channel",
      ref(db, "interaction_communicationchannel", db`i.communication_channel_id`),
    ],
    [
      "contacts",
      db`(select coalesce(jsonb_agg(${
        personDocument(db, "company_contact", db`j.contact_id`)
      } order by j.id), '[]'::jsonb)
        from interaction_interaction_contacts j where j.interaction_id = i.id)`,
    ],
    ["service", ref(db, "metadata_service", db`i.service_id`)],
  ]);

/** The referral aliased `cr` as the activity shows it (activity_referral_dict). */
const referralDocument = (db: Db): Fragment =>
  jsonObject(db, [
    ["id", db`cr.id`],
    ["completed_on", documentDatetime(db, db`cr.completed_on`)],
    ["created_on", documentDatetime(db, db`cr.created_on`)],
    ["subject", db`cr.subject`],
    ["notes", db`cr.notes`],
    ["status", db`cr.status`],
    ["recipient", personDocument(db, "company_advisor", db`cr.recipient_id`)],
    ["created_by", personDocument(db, "company_advisor", db`cr.created_by_id`)],
    ["contact", personDocument(db, "company_contact", db`cr.contact_id`)],
  ]);

/** `{id, first_name, last_name, name, job_title}` of each contact of the link table. */
const contactsWithJob = (db: Db, table: string, owner: string, id: Fragment): Fragment =>
  db`(select coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'first_name', p.first_name,
      'last_name', p.last_name, 'name', ${adviserName(db, "p")}, 'job_title', p.job_title)
      order by p.id), '[]'::jsonb)
    from ${db(table)} j join company_contact p on p.id = j.contact_id
    where j.${db(owner)} = ${id})`;

/** The investment project aliased `ip` as the activity shows it (activity_investment_dict). */
const investmentDocument = (db: Db): Fragment =>
  jsonObject(db, [
    ["id", db`ip.id`],
    ["name", db`ip.name`],
    ["investment_type", ref(db, "metadata_investmenttype", db`ip.investment_type_id`)],
    ["estimated_land_date", db`to_char(ip.estimated_land_date, 'YYYY-MM-DD')`],
    ["total_investment", db`ip.total_investment::float8`],
    ["foreign_equity_investment", db`ip.foreign_equity_investment::float8`],
    ["gross_value_added", db`ip.gross_value_added::float8`],
    ["number_new_jobs", db`ip.number_new_jobs`],
    ["created_by", personDocument(db, "company_advisor", db`ip.created_by_id`)],
    [
      "client_contacts",
      contactsWithJob(
        db,
        "investment_investmentproject_client_contacts",
        "investmentproject_id",
        db`ip.id`,
      ),
    ],
    [
      "eyb_leads",
      db`(select coalesce(jsonb_agg(jsonb_build_object('id', l.id,
          'company_name', l.company_name, 'created_on', ${documentDatetime(db, db`l.created_on`)},
          'triage_created', ${documentDatetime(db, db`l.triage_created`)},
          'is_high_value', l.is_high_value) order by l.id), '[]'::jsonb)
        from investment_lead_eyblead_investment_projects j
        join investment_lead_eyblead l on l.id = j.eyblead_id
        where j.investmentproject_id = ip.id)`,
    ],
  ]);

/** `{id, first_name, last_name, name, job_title}` of a contact (contact_job_dict). */
const contactJobDocument = (db: Db, id: Fragment): Fragment =>
  db`(select jsonb_build_object('id', p.id, 'first_name', p.first_name,
      'last_name', p.last_name, 'name', ${adviserName(db, "p")}, 'job_title', p.job_title)
    from company_contact p where p.id = ${id})`;

/** The OMIS order aliased `o` as the activity shows it (activity_order_dict). */
const orderDocument = (db: Db): Fragment =>
  jsonObject(db, [
    ["id", db`o.id`],
    ["created_on", documentDatetime(db, db`o.created_on`)],
    ["reference", db`o.reference`],
    ["primary_market", ref(db, "metadata_country", db`o.primary_market_id`)],
    ["uk_region", ref(db, "metadata_ukregion", db`o.uk_region_id`)],
    ["contact", contactJobDocument(db, db`o.contact_id`)],
    ["created_by", personDocument(db, "company_advisor", db`o.created_by_id`)],
  ]);

/** The great.gov.uk enquiry aliased `g` as the activity shows it (activity_great_dict). */
const greatDocument = (db: Db): Fragment =>
  jsonObject(db, [
    ["id", db`g.id`],
    ["form_created_at", documentDatetime(db, db`g.form_created_at`)],
    ["meta_full_name", db`g.meta_full_name`],
    ["meta_email_address", db`g.meta_email_address`],
    ["contact", contactJobDocument(db, db`g.contact_id`)],
    ["meta_subject", db`g.meta_subject`],
    ["data_enquiry", db`g.data_enquiry`],
  ]);

/** The EYB lead aliased `l` as the activity shows it (activity_eyb_lead_dict). */
const eybLeadDocument = (db: Db): Fragment =>
  jsonObject(db, [
    ["id", db`l.id`],
    ["created_on", documentDatetime(db, db`l.created_on`)],
    ["triage_created", documentDatetime(db, db`l.triage_created`)],
    ["company_name", db`l.company_name`],
    ["duns_number", db`l.duns_number`],
    ["is_high_value", db`l.is_high_value`],
  ]);

async function activityDocuments(db: Db, wanted: string[]): Promise<SearchDocument[]> {
  const doc = jsonObject(db, [
    ["id", db`ca.id`],
    ["activity_source", db`ca.activity_source`],
    ["date", documentDatetime(db, db`ca.date`)],
    ["company", companyDocument(db, db`ca.company_id`)],
    [
      "interaction",
      db`(select ${interactionDocument(db)} from interaction_interaction i
        where i.id = ca.interaction_id)`,
    ],
    [
      "referral",
      db`(select ${referralDocument(db)} from company_referral_companyreferral cr
        where cr.id = ca.referral_id)`,
    ],
    [
      "investment",
      db`(select ${investmentDocument(db)} from investment_investmentproject ip
        where ip.id = ca.investment_id)`,
    ],
    [
      "order",
      db`(select ${orderDocument(db)} from order_order o where o.id = ca.order_id)`,
    ],
    [
      "great_export_enquiry",
      db`(select ${greatDocument(db)} from company_activity_greatexportenquiry g
        where g.id = ca.great_export_enquiry_id)`,
    ],
    [
      "eyb_lead",
      db`(select ${eybLeadDocument(db)} from investment_lead_eyblead l
        where l.id = ca.eyb_lead_id)`,
    ],
  ]);
  const rows = await db<{ doc: SearchDocument }[]>`
    select ${doc} as doc from company_activity_companyactivity ca
    where ca.id = any(${wanted}::uuid[])`;
  return rows.map((r) => r.doc);
}

export const companyActivitySearchApp = defineSearchApp({
  name: "company-activity",
  path: "/v4/search/company-activity",
  plural: "Company activities",
  table: "company_activity_companyactivity",
  global: true,
  viewPermissions: ["company_activity.view_companyactivity"],
  mapping: {
    id: keyword(),
    activity_source: text(),
    date: date(),
    company: companyRef(),
    interaction: object({
      id: keyword(),
      subject: text({
        english: englishText(),
        keyword: normalizedKeyword(),
        trigram: trigramText(),
      }),
      service: idNamePartial(),
      kind: notIndexed(text()),
      date: date(),
      dit_participants: object({ adviser: person(), team: idName() }),
      communication_channel: idNameNotIndexed(),
      contacts: person(),
    }),
    referral: object({
      id: keyword(),
      subject: notIndexed(text()),
      notes: notIndexed(text()),
      status: notIndexed(text()),
      completed_on: date(),
      created_on: date(),
      created_by: person(),
      recipient: person(),
      contact: person(),
    }),
    investment: object({
      id: keyword(),
      name: notIndexed(text()),
      investment_type: idName(),
      estimated_land_date: date(),
      total_investment: notIndexed(text()),
      foreign_equity_investment: notIndexed(text()),
      gross_value_added: notIndexed(text()),
      number_new_jobs: notIndexed(text()),
      created_by: person(),
      client_contacts: contactJob(),
    }),
    order: object({
      id: keyword(),
      created_on: date(),
      reference: notIndexed(text()),
      primary_market: countryOrArea(),
      uk_region: countryOrArea(),
      contact: contactJob(),
      created_by: person(),
    }),
    great_export_enquiry: object({
      id: keyword(),
      form_created_at: date(),
      meta_full_name: notIndexed(text()),
      meta_email_address: notIndexed(text()),
      contact: contactJob(),
      meta_subject: notIndexed(text()),
      data_enquiry: notIndexed(text()),
    }),
    eyb_lead: object({
      id: keyword(),
      created_on: date(),
      company_name: notIndexed(text()),
      duns_number: notIndexed(text()),
      triage_created: date(),
      is_high_value: boolean(),
    }),
  },
  searchFields: [
    "id",
    "company.name",
    "company.name.trigram",
    "interaction.subject",
    "interaction.subject.trigram",
  ],
  primaryTextFields: ["company.name", "interaction.subject"],
  filters: {
    id: ids("id"),
    date_after: range("date", "gte"),
    date_before: range("date", "lte"),
    interaction: ids("interaction.id"),
    company: withRelatives(ids("company.id")),
    include_parent_companies: relativesFlag,
    include_subsidiary_companies: relativesFlag,
    company_name: match([
      "company.name",
      "company.name.trigram",
      "company.trading_names",
      "company.trading_names.trigram",
    ], str()),
    activity_source: match("activity_source", str()),
    dit_participants__adviser: ids([
      "interaction.dit_participants.adviser.id",
      "referral.recipient.id",
      "referral.created_by.id",
    ]),
    subject: partialText("interaction.subject"),
  },
  sortby: {
    date: "date",
    subject: "interaction.subject.keyword",
  },
  otherErrors: { 502: "dnb-service failed while finding the company's relatives" },
  build: activityDocuments,
});

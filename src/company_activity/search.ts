/**
 * The company activity search app (`POST /v4/search/company-activity`, the company page's
 * timeline; also a global search entity): the original's `CompanyActivity` document, one
 * per row of company_activity_companyactivity, with the source it stands for.
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
  companyRef,
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
  trigramText,
} from "../search/mapping.ts";
import { adviserName, documentDatetime, jsonObject, ref } from "../core/render.ts";
import { companyDocument } from "../company/search.ts";

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
    // Sources not built yet.
    ["investment", null],
    ["order", null],
    ["great_export_enquiry", null],
    ["eyb_lead", null],
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
    investment: object({ id: keyword() }),
    order: object({ id: keyword() }),
    great_export_enquiry: object({ id: keyword() }),
    eyb_lead: object({ id: keyword() }),
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
    company: ids("company.id"),
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
  build: activityDocuments,
});

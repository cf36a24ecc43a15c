/**
 * Rows of the domains whose feeds and datasets the machine-client tests read: an event,
 * a company referral, a task, an export win (with a breakdown, an adviser, a customer
 * response and its tokens) and an Expand Your Business lead, inserted directly with known
 * values.
 */
import type { Sql } from "../../src/db/pool.ts";
import { createAdviser } from "./app.ts";

export const UK = "80756b9a-5d95-e211-a939-e4115bead28a";

const first = async (sql: Sql, table: string, where = sql`true`) =>
  (await sql<{ id: string; name: string }[]>`
    select id::text, name from ${sql(table)} where ${where} order by id limit 1`)[0];

/** Inserts one of each, created and modified at `at`. */
export async function insertMachineRows(sql: Sql, at = "2012-07-12T15:06:03Z") {
  const team = await first(sql, "metadata_team");
  const adviser = await createAdviser(sql, {
    firstName: "Ada",
    lastName: "Lovelace",
    teamId: team.id,
  });
  const [company] = await sql<{ id: string }[]>`
    insert into company_company (name, company_number, duns_number, created_on, modified_on,
      address_country_id)
    values ('Widgets Ltd', '01234567', '123456789', ${at}, ${at}, ${UK}) returning id`;
  const [contact] = await sql<{ id: string }[]>`
    insert into company_contact (first_name, last_name, job_title, company_id, "primary", email,
      created_on, modified_on)
    values ('Grace', 'Hopper', 'Director', ${company.id}, true, 'grace@example.test', ${at}, ${at})
    returning id`;

  const eventType = await first(sql, "event_eventtype");
  const programme = await first(sql, "event_programme");
  const tradeAgreement = await first(sql, "metadata_tradeagreement");
  const [event] = await sql<{ id: string }[]>`
    insert into event_event (name, event_type_id, start_date, end_date, address_1,
      address_town, address_country_id, notes, organiser_id, lead_team_id,
      has_related_trade_agreements, created_on, modified_on, created_by_id)
    values ('Trade show', ${eventType.id}, '2012-08-01', '2012-08-03', '1 Street', 'London',
      ${UK}, 'Notes', ${adviser.id}, ${team.id}, true, ${at}, ${at}, ${adviser.id})
    returning id`;
  await sql`insert into event_event_teams (event_id, team_id) values (${event.id}, ${team.id})`;
  await sql`insert into event_event_related_programmes (event_id, programme_id)
    values (${event.id}, ${programme.id})`;
  await sql`insert into event_event_related_trade_agreements (event_id, tradeagreement_id)
    values (${event.id}, ${tradeAgreement.id})`;

  const recipient = await createAdviser(sql, { firstName: "Bob", lastName: "Smith" });
  const [referral] = await sql<{ id: string }[]>`
    insert into company_referral_companyreferral (company_id, contact_id, recipient_id, subject,
      notes, created_on, modified_on, created_by_id)
    values (${company.id}, ${contact.id}, ${recipient.id}, 'Please help', 'Some notes', ${at},
      ${at}, ${adviser.id})
    returning id`;

  const [task] = await sql<{ id: string }[]>`
    insert into task_task (title, due_date, reminder_days, reminder_date, company_id,
      created_on, modified_on, created_by_id)
    values ('Call back', '2012-08-10', 3, '2012-08-07', ${company.id}, ${at}, ${at},
      ${adviser.id})
    returning id`;
  await sql`insert into task_task_advisers (task_id, advisor_id) values (${task.id}, ${adviser.id})`;

  const [hvcRow] = await sql<
    { id: string; legacy_id: number; campaign_id: string; financial_year: number }[]
  >`select id::text, legacy_id, campaign_id, financial_year from export_win_hvc
    order by legacy_id limit 1`;
  const teamType = await first(sql, "export_win_teamtype");
  const hqTeam = await first(
    sql,
    "export_win_hqteamregionorpost",
    sql`team_type_id = ${teamType.id}`,
  );
  const [win] = await sql<{ id: string }[]>`
    insert into export_win_win (adviser_id, lead_officer_id, company_id, country_id, date,
      name_of_export, description, hvc_id, team_type_id, hq_team_id, total_expected_export_value,
      created_on, modified_on)
    values (${adviser.id}, ${adviser.id}, ${company.id}, ${UK}, '2024-02-10', 'Widgets',
      'A win', ${hvcRow.id}, ${teamType.id}, ${hqTeam.id}, 50000, ${at}, ${at})
    returning id`;
  await sql`insert into export_win_win_company_contacts (win_id, contact_id)
    values (${win.id}, ${contact.id})`;
  await sql`insert into export_win_win_associated_programme (win_id, associatedprogramme_id)
    select ${win.id}, id from export_win_associatedprogramme order by "order", id limit 3`;
  await sql`insert into export_win_win_type_of_support (win_id, supporttype_id)
    select ${win.id}, id from export_win_supporttype order by "order", id limit 2`;
  await sql`insert into export_win_breakdown (win_id, type_id, year, value, legacy_id,
      created_on, modified_on)
    values (${win.id}, (select id from export_win_breakdowntype order by id limit 1), 2, 1000,
      7, ${at}, ${at})`;
  await sql`insert into export_win_winadviser (win_id, adviser_id, team_type_id, hq_team_id,
      location, legacy_id, created_on, modified_on)
    values (${win.id}, ${adviser.id}, ${teamType.id}, ${hqTeam.id}, 'Leeds', 8, ${at}, ${at})`;
  const [response] = await sql<{ id: string }[]>`
    insert into export_win_customerresponse (win_id, responded_on, agree_with_win, our_support_id,
      comments, other_marketing_source, created_on, modified_on)
    values (${win.id}, ${at}, true,
      (select id from export_win_rating where export_win_id = '3'), 'Great', '', ${at}, ${at})
    returning id`;
  for (const created of ["2024-03-02T10:00:00Z", "2024-03-01T10:00:00Z"]) {
    await sql`insert into export_win_customerresponsetoken (customer_response_id, expires_on,
        created_on)
      values (${response.id}, ${created}::timestamptz + interval '7 days', ${created})`;
  }

  const [lead] = await sql<{ id: string }[]>`
    insert into investment_lead_eyblead (company_name, sector_segments, intent, company_id,
      triage_created, created_on, modified_on)
    values ('Widgets Ltd', '{Aerospace}', '{find_people}', ${company.id}, ${at}, ${at}, ${at})
    returning id`;

  return {
    team,
    adviser,
    company,
    contact,
    event,
    eventType,
    programme,
    tradeAgreement,
    referral,
    recipient,
    task,
    win,
    lead,
    hvc: {
      id: hvcRow.id,
      legacyId: hvcRow.legacy_id,
      campaignId: hvcRow.campaign_id,
      financialYear: hvcRow.financial_year,
    },
  };
}

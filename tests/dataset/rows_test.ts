import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import { DATA_FLOW, MACHINE_ENV, signedGet } from "../helpers/machine.ts";
import { registry } from "../../src/domains.ts";
import { insertMachineRows } from "../helpers/machine_rows.ts";

const UK = "80756b9a-5d95-e211-a939-e4115bead28a";

Deno.test("datasets of the built domains: rows in their declared shapes", async (t) => {
  const ctx = await testApp({
    env: { ...MACHINE_ENV, DATAHUB_FRONTEND_BASE_URL: "http://fe.test" },
  });
  const { sql } = ctx;
  const staff = await createAdviser(sql, { superuser: true });
  const [{ id: SECTOR }] = await sql<{ id: string }[]>`
    select id from metadata_sector where parent_id is not null order by id limit 1`;
  // A logged user event (the original's user-events rows come from such calls).
  await sql`insert into user_event_log_userevent (adviser_id, type, api_url_path, timestamp)
    values (${staff.id}, 'search_export', '/v4/search/company/export', '2024-05-01T10:00:00Z')`;
  const [company] = await sql<{ id: string }[]>`
    insert into company_company (name, created_on, modified_on, sector_id, address_country_id)
    values ('Rows Ltd', now(), now(), ${SECTOR}, ${UK}) returning id`;
  await sql`insert into company_onelistcoreteammember (company_id, adviser_id)
    values (${company.id}, ${staff.id})`;
  const [contact] = await sql<{ id: string }[]>`
    insert into company_contact (first_name, last_name, company_id, "primary", email, created_on,
      modified_on)
    values ('Ann', '', ${company.id}, true, 'ann@example.test', now(), now()) returning id`;
  const [exp] = await sql<{ id: string }[]>`
    insert into company_companyexport (company_id, title, owner_id, created_on, modified_on,
      estimated_export_value_amount, estimated_win_date, destination_country_id, sector_id)
    values (${company.id}, 'Export', ${staff.id}, now(), now(), 1000, '2025-01-31', ${UK},
      ${SECTOR})
    returning id`;
  await sql`insert into company_companyexport_contacts (companyexport_id, contact_id)
    values (${exp.id}, ${contact.id})`;
  await sql`insert into company_companyexport_team_members (companyexport_id, advisor_id)
    values (${exp.id}, ${staff.id})`;
  await sql`insert into company_companyexportcountry (company_id, country_id, status, created_on,
      modified_on)
    values (${company.id}, ${UK}, 'currently_exporting', now(), now())`;
  await sql`insert into company_companyexportcountryhistory (history_date, history_type, id,
      country_id, company_id, status)
    values (now(), 'insert', gen_random_uuid(), ${UK}, ${company.id}, 'currently_exporting')`;
  const [item] = await sql<{ id: string }[]>`
    insert into company_list_pipelineitem (company_id, adviser_id, status, name, potential_value,
      likelihood_to_win, expected_win_date, sector_id, created_on, modified_on)
    values (${company.id}, ${staff.id}, 'leads', 'Deal', 5000, 2, '2025-06-01', ${SECTOR}, now(),
      now())
    returning id`;
  await sql`insert into company_list_pipelineitem_contacts (pipelineitem_id, contact_id)
    values (${item.id}, ${contact.id})`;
  await sql`insert into company_objective (company_id, subject, target_date, has_blocker,
      progress, created_on, modified_on)
    values (${company.id}, 'Grow', '2025-12-31', false, 10, now(), now())`;
  const [interaction] = await sql<{ id: string }[]>`
    insert into interaction_interaction (kind, date, subject, was_policy_feedback_provided,
      company_id, grant_amount_offered, created_on, modified_on, service_id)
    values ('service_delivery', '2024-05-01', 'Help', false, ${company.id}, 12.5, now(), now(),
      (select id from metadata_service where parent_id is not null limit 1))
    returning id`;
  await sql`insert into interaction_interactionexportcountry (country_id, interaction_id, status,
      created_on, modified_on)
    values (${UK}, ${interaction.id}, 'future_interest', now(), now())`;
  await sql`insert into order_order (reference, public_token, company_id, contact_id, sector_id,
      created_by_id, created_on, modified_on)
    values ('ABC123/24', 'rows-test-token', ${company.id}, ${contact.id}, ${SECTOR}, ${staff.id},
      now(), now())`;
  const [project] = await sql<{ id: string }[]>`
    insert into investment_investmentproject (name, description, investment_type_id,
      investor_company_id, sector_id, created_on, modified_on)
    values ('Project', 'd', '3e143372-496c-4d1e-8278-6fdd3da9b48b', ${company.id}, ${SECTOR},
      now(), now())
    returning id`;
  const [lead] = await sql<{ id: string }[]>`
    insert into investment_lead_eyblead (company_id, sector_id, created_on, modified_on)
    values (${company.id}, ${SECTOR}, now(), now()) returning id`;
  await sql`insert into investment_lead_eyblead_investment_projects
    (eyblead_id, investmentproject_id) values (${lead.id}, ${project.id})`;
  // Events, referrals, tasks and export wins (after the rows above, which the steps read first).
  await insertMachineRows(sql, "2030-01-01T00:00:00Z");
  await call(ctx.app, "POST", "/v4/hcsat", {
    token: staff.token,
    body: { url: "https://datahub.test/", was_useful: true },
  });

  for (const dataset of registry.datasets) {
    await t.step(`${dataset.name}: rows match the declared columns and types`, async () => {
      const res = await signedGet(ctx, DATA_FLOW, `/v4/dataset/${dataset.name}`);
      assert.equal(res.status, 200, res.text);
      assert.ok(res.body.results.length > 0, `${dataset.name} has rows`);
      for (const row of res.body.results) {
        assert.deepEqual(Object.keys(row), Object.keys(dataset.row.shape));
        dataset.row.parse(row);
      }
    });
  }

  await t.step("values as the original renders them", async () => {
    const get = async (name: string, id?: string) => {
      const res = await signedGet(ctx, DATA_FLOW, `/v4/dataset/${name}`);
      return id ? res.body.results.find((r: { id: string }) => r.id === id) : res.body.results[0];
    };
    const companyRow = await get("companies-dataset", company.id);
    assert.deepEqual(companyRow.one_list_core_team_advisers, [staff.id]);
    assert.match(companyRow.sector_name, / : /);
    assert.equal((await get("contacts-dataset")).name, "Ann");
    const exportRow = await get("company-export-dataset");
    assert.equal(exportRow.estimated_export_value_amount, 1000);
    assert.equal(exportRow.estimated_win_date, "2025-01-31");
    assert.equal(exportRow.company_name, "Rows Ltd");
    assert.deepEqual(exportRow.contact_ids, [contact.id]);
    assert.deepEqual(exportRow.team_member_ids, [staff.id]);
    assert.deepEqual((await get("pipeline-items-dataset")).contact_ids, [contact.id]);
    const interactionRow = await get("interactions-dataset");
    assert.equal(interactionRow.interaction_link, `http://fe.test/interactions/${interaction.id}`);
    assert.equal(interactionRow.grant_amount_offered, 12.5);
    assert.deepEqual(interactionRow.adviser_ids, [null]);
    assert.equal(interactionRow.policy_area_names, null);
    assert.equal(interactionRow.date, "2024-05-01T00:00:00Z");
    assert.match(interactionRow.service_delivery, / : /);
    const country = await get("interactions-export-country-dataset");
    assert.equal(country.interaction__company_id, company.id);
    assert.equal(country.country__iso_alpha2_code, "GB");
    const event = await get("user-events-dataset");
    assert.deepEqual(event, {
      adviser__id: staff.id,
      type: "search_export",
      api_url_path: "/v4/search/company/export",
      created_on: "2024-05-01T10:00:00Z",
    });
  });

  await ctx.close();
});

/**
 * Investment for machine clients: the investment projects, SPI report and Expand Your
 * Business datasets (Hawk scope `datasets`) and the project-added and large capital
 * Activity Stream feeds (scope `activity_stream`), pinned to the original's columns and
 * item shapes (datahub/dataset/investment_project, expand_your_business;
 * datahub/activity_stream/investment, investor_profile, opportunity).
 */
import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import { ACTIVITY_STREAM, DATA_FLOW, MACHINE_ENV, signedGet } from "../helpers/machine.ts";

const FRONTEND = "http://frontend.test";
const FDI = "3e143372-496c-4d1e-8278-6fdd3da9b48b";
const NEW_SITE = "f8447013-cfdc-4f35-a146-6619665388b3";
const COLD_CALL = "0c4f8e74-d34f-4aca-b764-a44cdc2d0087";
const AIRCRAFT = "b422c9d2-5f95-e211-a939-e4115bead28a";
const ACTIVITY = "fea31ce4-391c-4e9a-ada2-0f02ce06b8f5";
const IST_CMC_TEAM = "525f4ae6-cee9-e511-8ffa-e4115bead28a";
const NEW_INVESTOR = "e6a01052-8c36-4a32-b5b9-fc2be4b34408";
const WON = "945ea6d1-eee3-4f5b-9144-84a75b71b8e6";
const REQUESTED_MORE_INFO = "73ceedc1-c139-4bdf-9e47-17b1bae488da";
const ASSIGNED_TO_IST_CMC = "2591b204-8a31-4824-a93b-d7a03dca8cb5";
const AFTERCARE_OFFERED = "79824229-fd87-483f-b929-8f2b9531492b";
const UK = "80756b9a-5d95-e211-a939-e4115bead28a";

Deno.test("investment datasets and activity feeds", async (t) => {
  const ctx = await testApp({ env: { ...MACHINE_ENV, DATAHUB_FRONTEND_BASE_URL: FRONTEND } });
  const { app, sql } = ctx;
  const owner = await createAdviser(sql, {
    superuser: true,
    teamId: IST_CMC_TEAM,
    firstName: "Pat",
    lastName: "Jones",
  });
  const [company] = await sql<{ id: string }[]>`
    insert into company_company (name, company_number, duns_number, address_country_id,
      sector_id, created_on)
    values ('Investor Ltd', '01234567', '123456789', ${UK}, ${AIRCRAFT}, now()) returning id`;
  const [contact] = await sql<{ id: string }[]>`
    insert into company_contact (first_name, last_name, job_title, company_id, "primary", email)
    values ('Ann', 'Lee', 'CEO', ${company.id}, true, 'ann@example.test') returning id`;
  const created = await call(app, "POST", "/v3/investment", {
    token: owner.token,
    body: {
      name: "Wind farm",
      description: "Turbines",
      investment_type: FDI,
      fdi_type: NEW_SITE,
      estimated_land_date: "2030-01-01",
      investor_company: company.id,
      investor_type: NEW_INVESTOR,
      client_contacts: [contact.id],
      client_relationship_manager: owner.id,
      referral_source_adviser: owner.id,
      referral_source_activity: COLD_CALL,
      sector: AIRCRAFT,
      business_activities: [ACTIVITY],
      total_investment: 1000000,
      number_new_jobs: 12,
    },
  });
  assert.equal(created.status, 201, created.text);
  const project = created.body;
  const [sector] = await sql<{ name: string }[]>`
    select string_agg(a.segment, ' : ' order by a.lft) as name from metadata_sector s
    join metadata_sector a on a.tree_id = s.tree_id and a.lft <= s.lft and a.rght >= s.rght
    where s.id = ${AIRCRAFT}`;

  await t.step("investment-projects-dataset: the original's columns", async () => {
    const res = await signedGet(ctx, DATA_FLOW, "/v4/dataset/investment-projects-dataset");
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.results.length, 1);
    const row = res.body.results[0];
    assert.deepEqual(Object.keys(row).length, 66);
    assert.equal(row.id, project.id);
    assert.equal(row.name, "Wind farm");
    assert.equal(row.project_reference, project.project_code);
    assert.equal(row.investment_type__name, "FDI");
    assert.equal(row.fdi_type__name, "Creation of new site or activity");
    assert.equal(row.stage__name, "Prospect");
    assert.equal(row.status, "ongoing");
    assert.equal(row.estimated_land_date, "2030-01-01");
    assert.equal(row.total_investment, 1000000);
    assert.equal(row.number_new_jobs, 12);
    assert.equal(row.sector_name, sector.name);
    assert.equal(row.investor_company_sector, sector.name);
    assert.equal(row.uk_company_sector, null);
    assert.deepEqual(row.client_contact_ids, [contact.id]);
    assert.deepEqual(row.client_contact_names, ["Ann Lee"]);
    assert.deepEqual(row.client_contact_emails, ["ann@example.test"]);
    // ArrayAgg over a join: [null] when empty; the names subqueries: null.
    assert.deepEqual(row.competing_countries, [null]);
    assert.deepEqual(row.team_member_ids, [null]);
    assert.equal(row.actual_uk_region_names, null);
    assert.equal(row.eyb_lead_ids, null);
    assert.equal(row.level_of_involvement_name, "");
    assert.equal(row.project_first_moved_to_won, null);
    assert.equal(row.created_by_id, owner.id);
    const later = await signedGet(
      ctx,
      DATA_FLOW,
      "/v4/dataset/investment-projects-dataset?updated_since=2999-01-01",
    );
    assert.deepEqual(later.body.results, []);
  });

  await t.step("investment-projects-activity-dataset: the SPI report's values", async () => {
    const empty = await signedGet(
      ctx,
      DATA_FLOW,
      "/v4/dataset/investment-projects-activity-dataset",
    );
    assert.deepEqual(empty.body.results, [{
      investment_project_id: project.id,
      enquiry_processed: "",
      enquiry_type: "",
      enquiry_processed_by_id: "",
      assigned_to_ist: "",
      project_manager_assigned: "",
      project_manager_assigned_by_id: "",
      project_moved_to_won: "",
      aftercare_offered_on: "",
      propositions: [],
    }]);

    const interaction = async (service: string, at: string) => {
      await sql`insert into interaction_interaction (kind, theme, date, subject, notes, was_policy_feedback_provided,
          investment_project_id, company_id, service_id, created_by_id, created_on, modified_on)
        values ('interaction', 'investment', ${at}::text::timestamptz, 'SPI', '', false, ${project.id},
          ${company.id}, ${service}, ${owner.id}, ${at}::text::timestamptz, now())`;
    };
    await interaction(REQUESTED_MORE_INFO, "2017-01-02T10:00:00Z");
    await interaction(ASSIGNED_TO_IST_CMC, "2017-01-03T10:00:00.5Z");
    await interaction(AFTERCARE_OFFERED, "2017-03-01T09:00:00Z");
    await sql`update investment_investmentproject set project_manager_id = ${owner.id},
      project_manager_first_assigned_on = '2017-01-04T11:11:11Z',
      project_manager_first_assigned_by_id = ${owner.id} where id = ${project.id}`;
    await sql`insert into investment_investmentprojectstagelog
      (investment_project_id, stage_id, created_on)
      values (${project.id}, ${WON}, '2017-02-01T00:00:00Z')`;
    await sql`insert into proposition_proposition (investment_project_id, adviser_id, deadline,
        status, name, scope, created_on, modified_on)
      values (${project.id}, ${owner.id}, '2017-01-05', 'ongoing', 'A', 's',
          '2017-01-01T00:00:00Z', '2017-01-04T11:11:11Z'),
        (${project.id}, ${owner.id}, '2017-01-06', 'completed', 'B', 's',
          '2017-01-02T00:00:00Z', '2017-01-04T11:11:11Z')`;
    const [service] = await sql<{ name: string }[]>`
      select string_agg(a.segment, ' : ' order by a.lft) as name from metadata_service s
      join metadata_service a on a.tree_id = s.tree_id and a.lft <= s.lft and a.rght >= s.rght
      where s.id = ${REQUESTED_MORE_INFO}`;

    const res = await signedGet(ctx, DATA_FLOW, "/v4/dataset/investment-projects-activity-dataset");
    assert.deepEqual(res.body.results, [{
      investment_project_id: project.id,
      enquiry_processed: "2017-01-02T10:00:00+00:00",
      enquiry_type: service.name,
      enquiry_processed_by_id: owner.id,
      assigned_to_ist: "2017-01-03T10:00:00.500000+00:00",
      project_manager_assigned: "2017-01-04T11:11:11+00:00",
      project_manager_assigned_by_id: owner.id,
      project_moved_to_won: "2017-02-01T00:00:00+00:00",
      aftercare_offered_on: "2017-03-01T09:00:00+00:00",
      propositions: [
        { deadline: "2017-01-05", status: "ongoing", modified_on: "", adviser_id: owner.id },
        {
          deadline: "2017-01-06",
          status: "completed",
          modified_on: "2017-01-04T11:11:11+00:00",
          adviser_id: owner.id,
        },
      ],
    }]);
  });

  await t.step("expand-your-business-dataset: ids, and the projects by name", async () => {
    const [lead] = await sql<{ id: string }[]>`
      insert into investment_lead_eyblead (triage_hashed_uuid, user_hashed_uuid, company_id,
        sector_id, intent, created_on, modified_on, triage_created)
      values ('t1', 'u1', ${company.id}, ${AIRCRAFT}, '{build}', '2024-01-01T00:00:00Z',
        '2024-01-02T00:00:00Z', '2024-01-01T00:00:00Z') returning id`;
    await sql`insert into investment_lead_eyblead_investment_projects
      (eyblead_id, investmentproject_id) values (${lead.id}, ${project.id})`;
    await sql`insert into investment_lead_eyblead (triage_hashed_uuid, created_on, modified_on)
      values ('t2', '2024-01-01T00:00:00Z', '2024-01-03T00:00:00Z')`;
    const res = await signedGet(ctx, DATA_FLOW, "/v4/dataset/expand-your-business-dataset");
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.results.length, 2);
    const [first, second] = res.body.results;
    assert.equal(first.id, lead.id);
    assert.equal(first.modified_on, "2024-01-02T00:00:00Z");
    assert.equal(first.company, company.id);
    assert.equal(first.sector, AIRCRAFT);
    assert.deepEqual(first.intent, ["build"]);
    assert.deepEqual(first.investment_project_ids, [project.id]);
    assert.equal(first.triage_created, "2024-01-01T00:00:00Z");
    assert.deepEqual(second.investment_project_ids, []);
    assert.equal(second.company, null);
    const dataset = await signedGet(ctx, DATA_FLOW, "/v4/dataset/investment-projects-dataset");
    assert.deepEqual(dataset.body.results[0].eyb_lead_ids, [lead.id]);
  });

  await t.step("investment/project-added: an Add by its creator", async () => {
    // The feed waits a second for late commits: move the row into the past.
    await sql`update investment_investmentproject set modified_on = modified_on - interval '1 minute'`;
    const res = await signedGet(
      ctx,
      ACTIVITY_STREAM,
      "/v3/activity-stream/investment/project-added",
    );
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.summary, "Investment Activities Added");
    const [item] = res.body.orderedItems;
    assert.deepEqual(item, {
      id: `dit:DataHubInvestmentProject:${project.id}:Add`,
      type: "Add",
      published: project.created_on,
      generator: { name: "dit:dataHub", type: "Application" },
      actor: {
        id: `dit:DataHubAdviser:${owner.id}`,
        type: ["Person", "dit:Adviser"],
        "dit:emailAddress": owner.email,
        name: "Pat Jones",
      },
      object: {
        id: `dit:DataHubInvestmentProject:${project.id}`,
        type: ["dit:InvestmentProject"],
        startTime: project.created_on,
        name: "Wind farm",
        "dit:investmentType": { name: "FDI" },
        "dit:estimatedLandDate": "2030-01-01",
        "dit:totalInvestment": 1000000,
        "dit:numberNewJobs": 12,
        attributedTo: [
          {
            id: `dit:DataHubCompany:${company.id}`,
            "dit:dunsNumber": "123456789",
            "dit:companiesHouseNumber": "01234567",
            type: ["Organization", "dit:Company"],
            name: "Investor Ltd",
          },
          {
            id: `dit:DataHubContact:${contact.id}`,
            type: ["Person", "dit:Contact"],
            url: `${FRONTEND}/contacts/${contact.id}`,
            "dit:emailAddress": "ann@example.test",
            "dit:jobTitle": "CEO",
            name: "Ann Lee",
          },
        ],
        url: `${FRONTEND}/investments/projects/${project.id}/details`,
      },
    });
  });

  await t.step("interaction feed: an interaction's project is its context", async () => {
    await sql`update interaction_interaction set modified_on = now() - interval '1 minute'`;
    const res = await signedGet(ctx, ACTIVITY_STREAM, "/v3/activity-stream/interaction");
    assert.equal(res.status, 200, res.text);
    assert.ok(res.body.orderedItems.length > 0);
    for (const item of res.body.orderedItems) {
      assert.deepEqual(item.object.context, [{
        id: `dit:DataHubInvestmentProject:${project.id}`,
        type: "dit:InvestmentProject",
        name: "Wind farm",
        url: `${FRONTEND}/investments/projects/${project.id}/details`,
      }]);
    }
  });

  await t.step("large capital feeds: Announces with the set keys only", async () => {
    const profile = await call(app, "POST", "/v4/large-investor-profile", {
      token: owner.token,
      body: { investor_company: company.id },
    });
    assert.equal(profile.status, 201, profile.text);
    const [ticket] = await sql<{ id: string; name: string }[]>`
      select id, name from investor_profile_dealticketsize order by "order" limit 1`;
    const patched = await call(app, "PATCH", `/v4/large-investor-profile/${profile.body.id}`, {
      token: owner.token,
      body: { deal_ticket_sizes: [ticket.id], investable_capital: 5000, notes_on_locations: "" },
    });
    assert.equal(patched.status, 200, patched.text);
    await sql`update investor_profile_largecapitalinvestorprofile
      set modified_on = modified_on - interval '1 minute'`;
    const res = await signedGet(
      ctx,
      ACTIVITY_STREAM,
      "/v3/activity-stream/investment/large-capital-investor-profiles",
    );
    assert.equal(res.status, 200, res.text);
    const [item] = res.body.orderedItems;
    const type = "DataHubLargeCapitalInvestorProfile";
    const team = {
      id: `dit:DataHubTeam:${IST_CMC_TEAM}`,
      type: ["Group", "dit:Team"],
      name: "IST - CMC",
    };
    const staff = (role: string) => ({
      id: `dit:DataHubAdviser:${owner.id}`,
      type: ["Person", "dit:Adviser"],
      "dit:emailAddress": owner.email,
      name: "Pat Jones",
      "dit:team": team,
      [`dit:${type}:role`]: role,
    });
    assert.equal(item.id, `dit:${type}:${profile.body.id}:Announce`);
    assert.equal(item.type, "Announce");
    assert.deepEqual(item.object.type, ["dit:LargeCapitalInvestorProfile"]);
    assert.equal(item.object.url, `${FRONTEND}/investments/profiles/${profile.body.id}`);
    assert.equal(item.object.attributedTo[0].id, `dit:DataHubCompany:${company.id}`);
    assert.deepEqual(item.object.attributedTo.slice(1), [staff("creator"), staff("modifier")]);
    assert.deepEqual(item.object["dit:dealTicketSizes"], [{ name: ticket.name }]);
    assert.equal(item.object["dit:investableCapital"], 5000);
    assert.deepEqual(item.object["dit:countryOfOrigin"], { name: "United Kingdom" });
    assert.equal("dit:notesOnLocations" in item.object, false);
    assert.equal("dit:investorType" in item.object, false);
    assert.equal("dit:requiredChecksConductedBy" in item.object, false);

    const [status] = await sql<{ id: string }[]>`
      select id from opportunity_opportunitystatus order by "order" limit 1`;
    const [oppType] = await sql<{ id: string }[]>`
      select id from opportunity_opportunitytype order by "order" limit 1`;
    const [opportunityId] = (await sql<{ id: string }[]>`
      insert into opportunity_largecapitalopportunity (name, type_id, status_id, description,
        dit_support_provided, lead_dit_relationship_manager_id, required_checks_conducted_by_id,
        total_investment_sought, created_on, modified_on)
      values ('Harbour', ${oppType.id}, ${status.id}, 'A harbour', false, ${owner.id},
        ${owner.id}, 250, now() - interval '1 minute', now() - interval '1 minute')
      returning id`).map((r) => r.id);
    await sql`insert into opportunity_largecapitalopportunity_promoters
      (largecapitalopportunity_id, company_id) values (${opportunityId}, ${company.id})`;
    const opp = await signedGet(
      ctx,
      ACTIVITY_STREAM,
      "/v3/activity-stream/investment/large-capital-opportunity",
    );
    const [oppItem] = opp.body.orderedItems;
    assert.equal(oppItem.id, `dit:DataHubLargeCapitalOpportunity:${opportunityId}:Announce`);
    assert.equal(oppItem.object.name, "Harbour");
    assert.equal(oppItem.object.description, "A harbour");
    assert.equal(oppItem.object.attributedTo.length, 1);
    assert.equal(oppItem.object.attributedTo[0].id, `dit:DataHubAdviser:${owner.id}`);
    assert.deepEqual(oppItem.object["dit:promoters"].map((c: { id: string }) => c.id), [
      `dit:DataHubCompany:${company.id}`,
    ]);
    // A one-item list, as the original's trailing comma makes it.
    assert.deepEqual(oppItem.object["dit:requiredChecksConductedBy"], [{
      id: `dit:DataHubAdviser:${owner.id}`,
      type: ["Person", "dit:Adviser"],
      "dit:emailAddress": owner.email,
      name: "Pat Jones",
      "dit:team": team,
    }]);
    assert.equal(oppItem.object["dit:totalInvestmentSought"], 250);
    assert.equal(oppItem.object["dit:statusId"], status.id);
    assert.equal("dit:ditSupportProvided" in oppItem.object, false);
    assert.equal("dit:assetClasses" in oppItem.object, false);
  });
  await ctx.close();
});

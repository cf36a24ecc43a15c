import assert from "node:assert/strict";
import { call, createAdviser, HeldQueue, testApp } from "../helpers/app.ts";

const FDI = "3e143372-496c-4d1e-8278-6fdd3da9b48b";
const NEW_SITE = "f8447013-cfdc-4f35-a146-6619665388b3";
const COLD_CALL = "0c4f8e74-d34f-4aca-b764-a44cdc2d0087";
const AIRCRAFT = "b422c9d2-5f95-e211-a939-e4115bead28a";
const ACTIVITY = "fea31ce4-391c-4e9a-ada2-0f02ce06b8f5";

Deno.test("interactions linked to investment projects follow the project's association", async (t) => {
  const ctx = await testApp({ deps: { jobs: new HeldQueue() } });
  const { app, sql } = ctx;
  const teams = await sql<{ id: string }[]>`
    insert into metadata_team (id, name)
    values (gen_random_uuid(), 'Team A'), (gen_random_uuid(), 'Team B') returning id`;
  const user = await createAdviser(sql, { superuser: true, teamId: teams[0].id });
  const restricted = await createAdviser(sql, {
    teamId: teams[0].id,
    permissions: [
      "interaction.view_associated_investmentproject_interaction",
      "interaction.add_associated_investmentproject_interaction",
      "interaction.change_associated_investmentproject_interaction",
    ],
  });
  const outsider = await createAdviser(sql, { superuser: true, teamId: teams[1].id });
  const [{ id: company }] = await sql<{ id: string }[]>`
    insert into company_company (name, created_on) values ('Investor Ltd', now()) returning id`;
  const [{ id: contact }] = await sql<{ id: string }[]>`
    insert into company_contact (first_name, last_name, company_id, "primary", email, created_on)
    values ('Ann', 'Lee', ${company}, true, 'ann@example.test', now()) returning id`;
  const [channel] = await sql<{ id: string }[]>`
    select id from interaction_communicationchannel limit 1`;
  const [service] = await sql<{ id: string }[]>`
    select s.id from metadata_service s
    where not exists (select 1 from metadata_service c where c.parent_id = s.id)
      and not exists (select 1 from interaction_servicequestion q where q.service_id = s.id)
    limit 1`;

  const project = async (token: string, crm: string) => {
    const res = await call(app, "POST", "/v3/investment", {
      token,
      body: {
        name: "Project",
        description: "d",
        investment_type: FDI,
        fdi_type: NEW_SITE,
        estimated_land_date: "2030-01-01",
        investor_company: company,
        client_contacts: [contact],
        client_relationship_manager: crm,
        referral_source_adviser: crm,
        referral_source_activity: COLD_CALL,
        sector: AIRCRAFT,
        business_activities: [ACTIVITY],
      },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; project_code: string };
  };
  const ours = await project(user.token, user.id);
  const theirs = await project(outsider.token, outsider.id);

  const interaction = (projectId: string | null) => ({
    kind: "interaction",
    theme: "investment",
    communication_channel: channel.id,
    subject: "Visit",
    date: "2024-03-01",
    dit_participants: [{ adviser: user.id }],
    company,
    contacts: [contact],
    service: service.id,
    was_policy_feedback_provided: false,
    related_trade_agreements: [],
    investment_project: projectId,
  });

  let linked = "";
  await t.step("an interaction names its project", async () => {
    const res = await call(app, "POST", "/v4/interaction", {
      token: user.token,
      body: interaction(ours.id),
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    linked = res.body.id;
    assert.deepEqual(res.body.investment_project, {
      id: ours.id,
      name: "Project",
      project_code: ours.project_code,
    });
    const other = await call(app, "POST", "/v4/interaction", {
      token: user.token,
      body: interaction(theirs.id),
    });
    assert.equal(other.status, 201);
    const filtered = await call(app, "GET", `/v4/interaction?investment_project_id=${ours.id}`, {
      token: user.token,
    });
    assert.deepEqual(filtered.body.results.map((i: { id: string }) => i.id), [linked]);
  });

  await t.step("associated-only advisers see and add only on their team's projects", async () => {
    const list = await call(app, "GET", "/v4/interaction", { token: restricted.token });
    assert.deepEqual(list.body.results.map((i: { id: string }) => i.id), [linked]);
    const seen = await call(app, "GET", `/v4/interaction/${linked}`, { token: restricted.token });
    assert.equal(seen.status, 200);
    const created = await call(app, "POST", "/v4/interaction", {
      token: restricted.token,
      body: interaction(ours.id),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const refused = await call(app, "POST", "/v4/interaction", {
      token: restricted.token,
      body: interaction(theirs.id),
    });
    assert.deepEqual(refused.body, {
      investment_project: [
        "You don't have permission to add an interaction for this investment project.",
      ],
    });
  });

  await t.step("an interaction names a large capital opportunity", async () => {
    const opportunity = await call(app, "POST", "/v4/large-capital-opportunity", {
      token: user.token,
      body: { name: "Harbour" },
    });
    assert.equal(opportunity.status, 201);
    const res = await call(app, "POST", "/v4/interaction", {
      token: user.token,
      body: {
        ...interaction(null),
        theme: "large_capital_opportunity",
        large_capital_opportunity: opportunity.body.id,
      },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(res.body.large_capital_opportunity, {
      id: opportunity.body.id,
      name: "Harbour",
    });
    const filtered = await call(
      app,
      "GET",
      `/v4/interaction?large_capital_opportunity_id=${opportunity.body.id}`,
      { token: user.token },
    );
    assert.deepEqual(filtered.body.results.map((i: { id: string }) => i.id), [res.body.id]);
  });

  await t.step("a project's write re-indexes its interactions and activity", async () => {
    await sql`delete from change_feed`;
    const res = await call(app, "PATCH", `/v3/investment/${ours.id}`, {
      token: user.token,
      body: { name: "Renamed" },
    });
    assert.equal(res.status, 200);
    const feed = await sql<{ entity: string }[]>`
      select distinct entity from change_feed order by entity`;
    // Its company activity (the investor company's timeline) too.
    assert.deepEqual(feed.map((r) => r.entity), [
      "company-activity",
      "interaction",
      "investment_project",
    ]);
  });

  await ctx.close();
});

import assert from "node:assert/strict";
import { createApp } from "../../src/http/app.ts";
import { registry } from "../../src/domains.ts";
import { call, createAdviser, HeldQueue, testApp, testDeps } from "../helpers/app.ts";

const REQUIRED = "This field is required.";
const NOT_NULL = "This field may not be null.";
const FDI = "3e143372-496c-4d1e-8278-6fdd3da9b48b";
const NEW_SITE = "f8447013-cfdc-4f35-a146-6619665388b3";
const COLD_CALL = "0c4f8e74-d34f-4aca-b764-a44cdc2d0087";
const AIRCRAFT = "b422c9d2-5f95-e211-a939-e4115bead28a";
const RETAIL = "a2dbd807-ae52-421c-8d1d-88adfc7a506b";
const STAGE = {
  prospect: "8a320cc9-ae2e-443e-9d26-2f36452c2ced",
  assignPm: "c9864359-fb1a-4646-a4c1-97d10189fc03",
  active: "7606cc19-20da-4b74-aba1-2cec0d753ad8",
  verifyWin: "49b8f6f3-0c50-4150-a965-2c974f3149e3",
  won: "945ea6d1-eee3-4f5b-9144-84a75b71b8e6",
};
const FRANCE = "82756b9a-5d95-e211-a939-e4115bead28a";
const ALL = [
  "investment.view_all_investmentproject",
  "investment.add_investmentproject",
  "investment.change_all_investmentproject",
];
const ASSOCIATED = [
  "investment.view_associated_investmentproject",
  "investment.change_associated_investmentproject",
];

Deno.test("investment projects: /v3/investment", async (t) => {
  const ctx = await testApp({ deps: { jobs: new HeldQueue() } });
  const { app, sql } = ctx;
  const teams = await sql<{ id: string }[]>`
    insert into metadata_team (id, name)
    values (gen_random_uuid(), 'Team A'), (gen_random_uuid(), 'Team B') returning id`;
  const user = await createAdviser(sql, { permissions: ALL, teamId: teams[0].id });
  const other = await createAdviser(sql, { permissions: [], teamId: teams[1].id });
  const [{ id: company }] = await sql<{ id: string }[]>`
    insert into company_company (name, created_on, address_country_id)
    values ('Investor Ltd', now(), ${FRANCE}) returning id`;
  const [{ id: contact }] = await sql<{ id: string }[]>`
    insert into company_contact (first_name, last_name, company_id, "primary", email, created_on)
    values ('Ann', 'Lee', ${company}, true, 'ann@example.test', now()) returning id`;

  const body = (overrides: Record<string, unknown> = {}) => ({
    name: "Project",
    description: "A description",
    investment_type: { id: FDI },
    fdi_type: NEW_SITE,
    estimated_land_date: "2030-01-01",
    investor_company: company,
    client_contacts: [{ id: contact }],
    client_relationship_manager: user.id,
    referral_source_adviser: user.id,
    referral_source_activity: COLD_CALL,
    sector: AIRCRAFT,
    business_activities: [{ id: "befab707-5abd-4f47-8477-57f091e6dac9" }],
    other_business_activity: "Other things",
    ...overrides,
  });
  const post = (b: unknown, token = user.token) =>
    call(app, "POST", "/v3/investment", { token, body: b });
  const patch = (id: string, b: unknown, token = user.token) =>
    call(app, "PATCH", `/v3/investment/${id}`, { token, body: b });

  await t.step("create: required, null and empty fields as the original", async () => {
    const empty = await post({});
    assert.equal(empty.status, 400);
    assert.deepEqual(empty.body, {
      business_activities: [REQUIRED],
      client_contacts: [REQUIRED],
      client_relationship_manager: [REQUIRED],
      description: [REQUIRED],
      investor_company: [REQUIRED],
      investment_type: [REQUIRED],
      name: [REQUIRED],
      referral_source_activity: [REQUIRED],
      referral_source_adviser: [REQUIRED],
      sector: [REQUIRED],
    });
    const nulls = await post(Object.fromEntries(Object.keys(empty.body).map((k) => [k, null])));
    assert.deepEqual(
      nulls.body,
      Object.fromEntries(Object.keys(empty.body).map((k) => [k, [NOT_NULL]])),
    );
    const lists = await post({ business_activities: [], client_contacts: [] });
    assert.deepEqual(lists.body.business_activities, ["This list may not be empty."]);
    assert.deepEqual(lists.body.client_contacts, ["This list may not be empty."]);
  });

  await t.step("create: conditional and estimated land date rules", async () => {
    const noFdiType = await post(body({ fdi_type: undefined }));
    assert.equal(noFdiType.status, 400);
    assert.deepEqual(noFdiType.body, { fdi_type: [REQUIRED] });
    const noDate = await post(
      body({ estimated_land_date: null, referral_source_activity: undefined }),
    );
    assert.deepEqual(noDate.body, {
      estimated_land_date: [REQUIRED],
      referral_source_activity: [REQUIRED],
    });
    const other = await post(body({ other_business_activity: undefined }));
    assert.deepEqual(other.body, { other_business_activity: [REQUIRED] });
    const unknown = crypto.randomUUID();
    const missing = await post(body({ sector: unknown }));
    assert.deepEqual(missing.body, {
      sector: [`Invalid pk "${unknown}" - object does not exist.`],
    });
    const [{ n }] = await sql<{ n: number }[]>`
      select (select count(*) from investment_investmentproject)
        + (select count(*) from reversion_version where entity = 'investment_project')
        + (select count(*) from change_feed where entity = 'investment_project') as n`;
    assert.equal(Number(n), 0, "a failed request leaves no project, version or change");
  });

  let projectId = "";
  await t.step("create: code, derived values, stage log, note", async () => {
    const res = await post(body({
      foreign_equity_investment: 100,
      note: { text: "First contact" },
    }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const p = res.body;
    projectId = p.id;
    assert.match(p.project_code, /^DHP-\d{8}$/);
    assert.deepEqual(p.stage, { id: STAGE.prospect, name: "Prospect" });
    assert.equal(p.status, "ongoing");
    assert.equal(p.gross_value_added, "21");
    assert.equal(p.gva_multiplier.sector_classification_gva_multiplier, "capital");
    assert.deepEqual(p.investor_company_country, { id: FRANCE, name: "France" });
    assert.deepEqual(p.country_investment_originates_from, { id: FRANCE, name: "France" });
    assert.equal(p.level_of_involvement_simplified, "unspecified");
    assert.deepEqual(p.client_contacts, [{ id: contact, name: "Ann Lee" }]);
    assert.deepEqual(p.client_relationship_manager_team.id, teams[0].id);
    assert.equal(p.created_by.id, user.id);
    assert.deepEqual(p.created_by.dit_team.id, teams[0].id);
    assert.equal(p.stage_log.length, 1);
    assert.equal("archived_documents_url_path" in p, false, "needs the document permission");
    assert.deepEqual(
      [...p.incomplete_fields].sort(),
      [
        "client_cannot_provide_total_investment",
        "client_considering_other_countries",
        "client_requirements",
        "strategic_drivers",
        "total_investment",
        "uk_region_locations",
      ],
    );
    assert.equal(p.value_complete, false, "client_cannot_provide_total_investment is missing");
    assert.equal(p.requirements_complete, false);
    assert.equal(p.team_complete, true);
  });

  await t.step("GVA follows business activities (retail: labour multiplier × jobs)", async () => {
    const res = await patch(projectId, { business_activities: [RETAIL], number_new_jobs: 2 });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.gross_value_added, "103967");
    assert.equal(res.body.gva_multiplier.sector_classification_gva_multiplier, "labour");
  });

  await t.step("PATCH: a stage move checks everything the stage requires", async () => {
    const res = await patch(projectId, { stage: { id: STAGE.assignPm } });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      client_cannot_provide_total_investment: [REQUIRED],
      total_investment: [REQUIRED],
      client_considering_other_countries: [REQUIRED],
      client_requirements: [REQUIRED],
      strategic_drivers: [REQUIRED],
      uk_region_locations: [REQUIRED],
    });
    const [driver] = await sql<{ id: string }[]>`
      select id from metadata_investmentstrategicdriver limit 1`;
    const [region] = await sql<{ id: string }[]>`select id from metadata_ukregion limit 1`;
    const ok = await patch(projectId, {
      stage: { id: STAGE.assignPm },
      client_cannot_provide_total_investment: false,
      total_investment: "1000",
      client_considering_other_countries: false,
      client_requirements: "Offices",
      strategic_drivers: [driver.id],
      uk_region_locations: [region.id],
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.stage.name, "Assign PM");
    assert.equal(ok.body.total_investment, "1000");
    assert.equal(ok.body.stage_log.length, 2);
    assert.deepEqual(ok.body.incomplete_fields, [
      "project_manager",
      "project_assurance_adviser",
      "likelihood_to_land",
    ]);
  });

  await t.step("PATCH: only the sent fields without a stage move (invalid state)", async () => {
    await sql`update investment_investmentproject set stage_id = ${STAGE.active}
      where id = ${projectId}`;
    const res = await patch(projectId, { project_manager: null });
    assert.deepEqual(res.body, { project_manager: [REQUIRED] });
    const fine = await patch(projectId, { name: "Renamed" });
    assert.equal(fine.status, 200);
    assert.deepEqual(await patch(projectId, { name: "" }).then((r) => r.body), {
      name: ["This field may not be blank."],
    });
    assert.deepEqual(await patch(projectId, { priority: "4_urgent" }).then((r) => r.body), {
      priority: ['"4_urgent" is not a valid choice.'],
    });
  });

  await t.step("stage moves: Verify win by PM/PAA only, Won by the IVT only", async () => {
    const verify = await patch(projectId, { stage: STAGE.verifyWin });
    assert.deepEqual(verify.body, {
      stage: [
        "Only the Project Manager or Project Assurance Adviser can move the project to the ‘Verify win’ stage.",
      ],
    });
    const won = await patch(projectId, { stage: STAGE.won });
    assert.deepEqual(won.body, {
      stage: ["Only the Investment Verification Team can move the project to the ‘Won’ stage."],
    });
  });

  await t.step("update-stage: any stage, status follows Won", async () => {
    const denied = await call(app, "POST", `/v3/investment/${projectId}/update-stage`, {
      token: user.token,
      body: { stage: STAGE.won },
    });
    assert.equal(denied.status, 403);
    const ivt = await createAdviser(sql, {
      permissions: [...ALL, "investment.change_to_any_stage_investmentproject"],
      teamId: teams[0].id,
    });
    const res = await call(app, "POST", `/v3/investment/${projectId}/update-stage`, {
      token: ivt.token,
      body: { stage: { id: STAGE.won } },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.stage, { id: STAGE.won, name: "Won" });
    assert.equal(res.body.status, "won");
    assert.equal(res.body.incomplete_fields.length > 0, true);
    const back = await call(app, "POST", `/v3/investment/${projectId}/update-stage`, {
      token: ivt.token,
      body: { stage: { id: STAGE.verifyWin } },
    });
    assert.equal(back.body.status, "ongoing");
    const missing = await call(app, "POST", `/v3/investment/${projectId}/update-stage`, {
      token: ivt.token,
      body: {},
    });
    assert.deepEqual(missing.body, { stage: [REQUIRED] });
  });

  await t.step("archive / unarchive with a reason; audit with notes", async () => {
    const noReason = await call(app, "POST", `/v3/investment/${projectId}/archive`, {
      token: user.token,
      body: {},
    });
    assert.deepEqual(noReason.body, { reason: [REQUIRED] });
    const archived = await call(app, "POST", `/v3/investment/${projectId}/archive`, {
      token: user.token,
      body: { reason: "Dead" },
    });
    assert.equal(archived.status, 200);
    assert.equal(archived.body.archived, true);
    assert.equal(archived.body.archived_reason, "Dead");
    assert.equal(archived.body.archived_by.id, user.id);
    const restored = await call(app, "POST", `/v3/investment/${projectId}/unarchive`, {
      token: user.token,
    });
    assert.equal(restored.body.archived, false);
    const noted = await patch(projectId, {
      name: "Noted",
      note: { text: "Risky", activity_type: "9810a38f-95f6-4cb4-87f4-369eef23d2ca" },
    });
    assert.equal(noted.status, 200);
    const audit = await call(app, "GET", `/v3/investment/${projectId}/audit`, {
      token: user.token,
    });
    assert.equal(audit.status, 200);
    const [latest] = audit.body.results;
    assert.deepEqual(latest.changes.name, ["Renamed", "Noted"]);
    assert.equal(latest.note.text, "Risky");
    assert.equal(latest.note.activity_type.name, "Risk");
    assert.equal(audit.body.results[1].note, null);
  });

  await t.step("list: sorted by -created_on, investor company and autocomplete", async () => {
    const second = await post(body({ name: "Wind farm" }));
    assert.equal(second.status, 201);
    const list = await call(app, "GET", "/v3/investment", { token: user.token });
    assert.equal(list.body.count, 2);
    assert.deepEqual(list.body.results.map((p: { name: string }) => p.name), [
      "Wind farm",
      "Noted",
    ]);
    const byName = await call(app, "GET", "/v3/investment?sortby=name", { token: user.token });
    assert.equal(byName.body.results[0].name, "Noted");
    const auto = await call(app, "GET", "/v3/investment?autocomplete=far", { token: user.token });
    assert.deepEqual(auto.body.results.map((p: { name: string }) => p.name), ["Wind farm"]);
    const byCompany = await call(
      app,
      "GET",
      `/v3/investment?investor_company_id=${crypto.randomUUID()}`,
      { token: user.token },
    );
    assert.deepEqual(byCompany.body, {
      investor_company_id: [
        "Select a valid choice. That choice is not one of the available choices.",
      ],
    });
    const investor = await call(app, "GET", `/v3/investment?investor_company_id=${company}`, {
      token: user.token,
    });
    assert.equal(investor.body.count, 2);
  });

  await t.step("associated-only advisers: their team's projects, 403 elsewhere", async () => {
    const restricted = await createAdviser(sql, {
      permissions: ASSOCIATED,
      teamId: teams[1].id,
    });
    const list = await call(app, "GET", "/v3/investment", { token: restricted.token });
    assert.equal(list.body.count, 0);
    const item = await call(app, "GET", `/v3/investment/${projectId}`, {
      token: restricted.token,
    });
    assert.equal(item.status, 403);
    const add = await call(app, "POST", `/v3/investment/${projectId}/team-member`, {
      token: user.token,
      body: { adviser: other.id, role: "Sector adviser" },
    });
    assert.equal(add.status, 201, JSON.stringify(add.body));
    assert.deepEqual(add.body.investment_project, { id: projectId, name: "Noted" });
    const now = await call(app, "GET", `/v3/investment/${projectId}`, {
      token: restricted.token,
    });
    assert.equal(now.status, 200);
    assert.equal(
      (await call(app, "GET", "/v3/investment", { token: restricted.token })).body.count,
      1,
    );
    const changed = await patch(projectId, { name: "Changed" }, restricted.token);
    assert.equal(changed.status, 200);
    const noTeam = await createAdviser(sql, { permissions: ASSOCIATED, teamId: null });
    assert.equal(
      (await call(app, "GET", "/v3/investment", { token: noTeam.token })).body.count,
      0,
    );
    const none = await createAdviser(sql, { permissions: [] });
    assert.equal(
      (await call(app, "GET", "/v3/investment", { token: none.token })).status,
      403,
    );
  });

  await t.step("team members: add, replace, get, patch, delete", async () => {
    const path = `/v3/investment/${projectId}/team-member`;
    const missing = await call(app, "POST", path, { token: user.token, body: {} });
    assert.deepEqual(missing.body, { adviser: [REQUIRED], role: [REQUIRED] });
    const nulls = await call(app, "POST", path, {
      token: user.token,
      body: { adviser: null, role: null },
    });
    assert.deepEqual(nulls.body, { adviser: [NOT_NULL], role: [NOT_NULL] });
    const blank = await call(app, "POST", path, {
      token: user.token,
      body: { adviser: { id: user.id }, role: "" },
    });
    assert.deepEqual(blank.body, { role: ["This field may not be blank."] });
    const dup = await call(app, "POST", path, {
      token: user.token,
      body: { adviser: other.id, role: "Again" },
    });
    assert.deepEqual(dup.body, {
      non_field_errors: ["The fields investment_project, adviser must make a unique set."],
    });
    const noProject = await call(
      app,
      "POST",
      `/v3/investment/${crypto.randomUUID()}/team-member`,
      { token: user.token, body: {} },
    );
    assert.equal(noProject.status, 404);

    const third = await createAdviser(sql, { teamId: teams[0].id });
    const invalid = await call(app, "PUT", path, {
      token: user.token,
      body: [
        { adviser: null, role: "Sector adviser" },
        { adviser: { id: user.id }, role: "Sector adviser" },
        { adviser: { id: third.id }, role: "" },
      ],
    });
    assert.equal(invalid.status, 400);
    assert.deepEqual(invalid.body, [
      { adviser: [NOT_NULL] },
      {},
      { role: ["This field may not be blank."] },
    ]);
    const duplicate = await call(app, "PUT", path, {
      token: user.token,
      body: [
        { adviser: { id: user.id }, role: "A" },
        { adviser: { id: third.id }, role: "B" },
        { adviser: { id: user.id }, role: "C" },
      ],
    });
    const dupMessage = "You cannot add the same adviser as a team member more than once.";
    assert.deepEqual(duplicate.body, [
      { adviser: [dupMessage] },
      {},
      { adviser: [dupMessage] },
    ]);
    const replaced = await call(app, "PUT", path, {
      token: user.token,
      body: [
        { adviser: { id: user.id }, role: "Sector adviser" },
        { adviser: { id: third.id }, role: "Area adviser" },
      ],
    });
    assert.equal(replaced.status, 200);
    assert.deepEqual(replaced.body.map((m: { role: string }) => m.role), [
      "Sector adviser",
      "Area adviser",
    ]);
    const project = await call(app, "GET", `/v3/investment/${projectId}`, { token: user.token });
    assert.deepEqual(
      project.body.team_members.map((m: { adviser: { id: string } }) => m.adviser.id),
      [user.id, third.id],
    );
    const one = await call(app, "GET", `${path}/${third.id}`, { token: user.token });
    assert.equal(one.body.role, "Area adviser");
    const renamed = await call(app, "PATCH", `${path}/${third.id}`, {
      token: user.token,
      body: { role: "Lead" },
    });
    assert.equal(renamed.body.role, "Lead");
    const gone = await call(app, "GET", `${path}/${crypto.randomUUID()}`, { token: user.token });
    assert.equal(gone.status, 404);
    const versions = async () =>
      Number(
        (await sql<{ n: number }[]>`select count(*)::int as n from reversion_version
        where entity = 'investment_project_team_member'`)[0].n,
      );
    const before = await versions();
    assert.ok(before >= 4, "adds, replacements and updates are versioned");
    assert.equal(
      (await call(app, "DELETE", `${path}/${third.id}`, { token: user.token })).status,
      204,
    );
    assert.equal(await versions(), before, "a removal leaves no version");
    assert.equal((await call(app, "DELETE", path, { token: user.token })).status, 204);
    const after = await call(app, "GET", `/v3/investment/${projectId}`, { token: user.token });
    assert.deepEqual(after.body.team_members, []);
  });

  await t.step("EYB leads linked from the project", async () => {
    const [{ id: lead }] = await sql<{ id: string }[]>`
      insert into investment_lead_eyblead (triage_hashed_uuid, user_hashed_uuid, company_id)
      values ('t', 'u', ${company}) returning id`;
    const res = await patch(projectId, { eyb_leads: [lead] });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.eyb_leads, [
      { id: lead, name: `EYB Lead (${lead.slice(0, 8)}...) for Investor Ltd` },
    ]);
  });

  await t.step(
    "list: cached documents follow writes through another instance and SQL",
    async () => {
      // A second app instance (another process's caches) reads what this one writes.
      const reader = createApp(testDeps(ctx.db), registry.domains);
      const admin = await createAdviser(sql, { superuser: true });
      const created = await post(body({ name: "Cached" }));
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const id = created.body.id;
      const listed = async (token = user.token) => {
        const res = await call(reader, "GET", "/v3/investment?limit=500", { token });
        assert.equal(res.status, 200);
        return res.body.results.find((p: { id: string }) => p.id === id);
      };
      const detail = await call(reader, "GET", `/v3/investment/${id}`, { token: user.token });
      assert.deepEqual(await listed(), detail.body, "a listed document is the detail's");
      assert.equal((await patch(id, { name: "Renamed" })).status, 200);
      assert.equal((await listed()).name, "Renamed");
      await sql`update investment_investmentproject set description = 'Set in SQL' where id = ${id}`;
      assert.equal((await listed()).description, "Set in SQL");
      await sql`insert into investment_investmentprojectteammember
      (investment_project_id, adviser_id, role) values (${id}, ${other.id}, 'Helper')`;
      assert.deepEqual((await listed()).team_members.map((m: { role: string }) => m.role), [
        "Helper",
      ]);
      // A client contact renamed through the contact API is seen in the listed project.
      const renamed = await call(app, "PATCH", `/v4/contact/${contact}`, {
        token: admin.token,
        body: { first_name: "Anne", address_same_as_company: true },
      });
      assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
      assert.deepEqual((await listed()).client_contacts, [{ id: contact, name: "Anne Lee" }]);
      // Each caller variant has its own documents: the gated field follows the permission.
      assert.equal("archived_documents_url_path" in await listed(admin.token), true);
      assert.equal("archived_documents_url_path" in await listed(), false);
    },
  );

  await ctx.close();
});

import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";

const FDI = "3e143372-496c-4d1e-8278-6fdd3da9b48b";
const NEW_SITE = "f8447013-cfdc-4f35-a146-6619665388b3";
const COLD_CALL = "0c4f8e74-d34f-4aca-b764-a44cdc2d0087";
const AIRCRAFT = "b422c9d2-5f95-e211-a939-e4115bead28a";
const ACTIVITY = "fea31ce4-391c-4e9a-ada2-0f02ce06b8f5";
const REQUIRED = "This field is required.";
const INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices.";

Deno.test("propositions: /v3/investment/{id}/proposition and /v4/proposition", async (t) => {
  const ctx = await testApp();
  const { app, sql } = ctx;
  const teams = await sql<{ id: string }[]>`
    insert into metadata_team (id, name)
    values (gen_random_uuid(), 'Team A'), (gen_random_uuid(), 'Team B') returning id`;
  const user = await createAdviser(sql, {
    superuser: true,
    teamId: teams[0].id,
    firstName: "Pat",
    lastName: "Jones",
  });
  const [{ id: company }] = await sql<{ id: string }[]>`
    insert into company_company (name, created_on) values ('Investor Ltd', now()) returning id`;
  const [{ id: contact }] = await sql<{ id: string }[]>`
    insert into company_contact (first_name, last_name, company_id, "primary", email, created_on)
    values ('Ann', 'Lee', ${company}, true, 'ann@example.test', now()) returning id`;
  const created = await call(app, "POST", "/v3/investment", {
    token: user.token,
    body: {
      name: "Project",
      description: "d",
      investment_type: FDI,
      fdi_type: NEW_SITE,
      estimated_land_date: "2030-01-01",
      investor_company: company,
      client_contacts: [contact],
      client_relationship_manager: user.id,
      referral_source_adviser: user.id,
      referral_source_activity: COLD_CALL,
      sector: AIRCRAFT,
      business_activities: [ACTIVITY],
    },
  });
  assert.equal(created.status, 201);
  const project = created.body as { id: string; name: string; project_code: string };
  const base = `/v3/investment/${project.id}/proposition`;

  let first = "";
  await t.step("create: required fields, then the proposition", async () => {
    const missing = await call(app, "POST", base, { token: user.token, body: {} });
    assert.deepEqual(missing.body, {
      adviser: [REQUIRED],
      deadline: [REQUIRED],
      name: [REQUIRED],
      scope: [REQUIRED],
    });
    const res = await call(app, "POST", base, {
      token: user.token,
      body: { adviser: user.id, deadline: "2030-05-01", name: "Offices", scope: "Find offices" },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    first = res.body.id;
    assert.deepEqual(res.body.investment_project, {
      id: project.id,
      name: "Project",
      project_code: project.project_code,
    });
    assert.deepEqual(res.body.adviser, {
      id: user.id,
      first_name: "Pat",
      last_name: "Jones",
      name: "Pat Jones",
    });
    assert.equal(res.body.status, "ongoing");
    assert.equal(res.body.details, "");
    assert.equal(res.body.deadline, "2030-05-01");
    const noProject = await call(app, "POST", `/v3/investment/${crypto.randomUUID()}/proposition`, {
      token: user.token,
      body: {},
    });
    assert.equal(noProject.status, 404);
    assert.deepEqual(noProject.body, { detail: "Specified investment project does not exist" });
  });

  await t.step("complete needs a document; abandon once", async () => {
    const complete = await call(app, "POST", `${base}/${first}/complete`, {
      token: user.token,
      body: {},
    });
    assert.equal(complete.status, 400);
    assert.deepEqual(complete.body, {
      non_field_errors: ["Proposition has no documents uploaded."],
    });
    const blank = await call(app, "POST", `${base}/${first}/abandon`, {
      token: user.token,
      body: { details: "" },
    });
    assert.deepEqual(blank.body, { details: ["This field may not be blank."] });
    const abandoned = await call(app, "POST", `${base}/${first}/abandon`, {
      token: user.token,
      body: { details: "Not needed" },
    });
    assert.equal(abandoned.status, 200);
    assert.equal(abandoned.body.status, "abandoned");
    assert.equal(abandoned.body.details, "Not needed");
    const again = await call(app, "POST", `${base}/${first}/abandon`, {
      token: user.token,
      body: { details: "Again" },
    });
    assert.equal(again.status, 409);
    assert.deepEqual(again.body, {
      detail: "The action cannot be performed in the current status abandoned.",
    });
  });

  await t.step("lists: per project and across projects, filters, sort", async () => {
    await call(app, "POST", base, {
      token: user.token,
      body: { adviser: user.id, deadline: "2031-01-01", name: "Later", scope: "s" },
    });
    const list = await call(app, "GET", base, { token: user.token });
    assert.deepEqual(list.body.results.map((p: { name: string }) => p.name), ["Later", "Offices"]);
    const ongoing = await call(app, "GET", `${base}?status=ongoing`, { token: user.token });
    assert.equal(ongoing.body.count, 1);
    const all = await call(
      app,
      "GET",
      `/v4/proposition?investment_project_id=${project.id}&sortby=deadline`,
      {
        token: user.token,
      },
    );
    assert.deepEqual(all.body.results.map((p: { name: string }) => p.name), ["Offices", "Later"]);
    const bad = await call(
      app,
      "GET",
      `/v4/proposition?investment_project_id=${crypto.randomUUID()}&status=nope`,
      { token: user.token },
    );
    assert.deepEqual(bad.body, {
      investment_project_id: [INVALID_CHOICE],
      status: ["Select a valid choice. nope is not one of the available choices."],
    });
    const one = await call(app, "GET", `${base}/${first}`, { token: user.token });
    assert.equal(one.body.name, "Offices");
  });

  await t.step("associated-only advisers: their team's projects only", async () => {
    const insider = await createAdviser(sql, {
      teamId: teams[0].id,
      permissions: ["proposition.view_associated_proposition"],
    });
    const outsider = await createAdviser(sql, {
      teamId: teams[1].id,
      permissions: ["proposition.view_associated_proposition"],
    });
    assert.equal((await call(app, "GET", base, { token: insider.token })).body.count, 2);
    const denied = await call(app, "GET", base, { token: outsider.token });
    assert.equal(denied.status, 403);
    const nobody = await createAdviser(sql, { teamId: teams[0].id });
    assert.equal((await call(app, "GET", "/v4/proposition", { token: nobody.token })).status, 403);
  });

  await ctx.close();
});

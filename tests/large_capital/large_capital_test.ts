import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";

const REQUIRED = "This field is required.";
const CLEARED = "02d6fc9b-fbb9-4621-b247-d86f2487898e";
const NOT_YET_CHECKED = "81fafe5a-ed32-4f46-bdc5-2cafedf828e8";
const LARGE_CAPITAL = "c064e66a-a6bc-4ad6-9a88-0bdd69519f55";
const SEEKING = "1386d4f4-732d-44b9-af8e-dffe7dd07d7b";

const isoDaysAgo = (days: number) =>
  new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

Deno.test("large capital: investor profiles and opportunities", async (t) => {
  const ctx = await testApp();
  const { app, sql } = ctx;
  const user = await createAdviser(sql, {
    permissions: [
      "investor_profile.view_largecapitalinvestorprofile",
      "investor_profile.add_largecapitalinvestorprofile",
      "investor_profile.change_largecapitalinvestorprofile",
      "opportunity.view_largecapitalopportunity",
      "opportunity.add_largecapitalopportunity",
      "opportunity.change_largecapitalopportunity",
    ],
  });
  const companies = await sql<{ id: string }[]>`
    insert into company_company (name, created_on) values ('Fund A', now()), ('Fund B', now())
    returning id`;
  const [ticket] = await sql<{ id: string; name: string }[]>`
    select id, name from investor_profile_dealticketsize order by "order" limit 1`;

  let profileId = "";
  await t.step("profile: create, one per company, incomplete fields", async () => {
    const missing = await call(app, "POST", "/v4/large-investor-profile", {
      token: user.token,
      body: {},
    });
    assert.deepEqual(missing.body, { investor_company: [REQUIRED] });
    const negative = await call(app, "POST", "/v4/large-investor-profile", {
      token: user.token,
      body: { investor_company: companies[0].id, investable_capital: -1 },
    });
    assert.deepEqual(negative.body, {
      investable_capital: ["Ensure this value is greater than or equal to 0."],
    });
    const res = await call(app, "POST", "/v4/large-investor-profile", {
      token: user.token,
      body: {
        investor_company: { id: companies[0].id },
        investable_capital: 1000,
        deal_ticket_sizes: [ticket.id],
      },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    profileId = res.body.id;
    assert.deepEqual(res.body.investor_company, { id: companies[0].id, name: "Fund A" });
    assert.equal(res.body.investable_capital, 1000);
    assert.deepEqual(res.body.deal_ticket_sizes, [ticket]);
    assert.deepEqual(res.body.incomplete_details_fields, [
      "investor_type",
      "global_assets_under_management",
      "investor_description",
      "required_checks_conducted",
    ]);
    assert.equal(res.body.incomplete_requirements_fields.includes("deal_ticket_sizes"), false);
    assert.deepEqual(res.body.incomplete_location_fields, [
      "uk_region_locations",
      "notes_on_locations",
      "other_countries_being_considered",
    ]);
    const again = await call(app, "POST", "/v4/large-investor-profile", {
      token: user.token,
      body: { investor_company: companies[0].id },
    });
    assert.deepEqual(again.body, {
      investor_company: ["Investor company already has large capital investor profile"],
    });
    const moved = await call(app, "PATCH", `/v4/large-investor-profile/${profileId}`, {
      token: user.token,
      body: { investor_company: companies[1].id },
    });
    assert.deepEqual(moved.body, { investor_company: ["Investor company can not be updated"] });
    const list = await call(
      app,
      "GET",
      `/v4/large-investor-profile?investor_company_id=${companies[0].id}`,
      { token: user.token },
    );
    assert.equal(list.body.count, 1);
  });

  await t.step("profile: required checks rules", async () => {
    const path = `/v4/large-investor-profile/${profileId}`;
    const bare = await call(app, "PATCH", path, {
      token: user.token,
      body: { required_checks_conducted: CLEARED },
    });
    assert.deepEqual(bare.body, {
      required_checks_conducted_on: ["Enter the date of the most recent checks"],
      required_checks_conducted_by: ["Enter the person responsible for the most recent checks"],
    });
    const old = await call(app, "PATCH", path, {
      token: user.token,
      body: {
        required_checks_conducted: CLEARED,
        required_checks_conducted_on: isoDaysAgo(400),
        required_checks_conducted_by: user.id,
      },
    });
    assert.deepEqual(old.body, {
      required_checks_conducted_on: [
        "Date of most recent checks must be within the last 12 months",
      ],
    });
    const noValue = await call(app, "PATCH", path, {
      token: user.token,
      body: { required_checks_conducted_by: user.id },
    });
    assert.deepEqual(noValue.body, {
      required_checks_conducted: ["Enter a value for required checks conducted"],
    });
    const ok = await call(app, "PATCH", path, {
      token: user.token,
      body: {
        required_checks_conducted: CLEARED,
        required_checks_conducted_on: isoDaysAgo(10),
        required_checks_conducted_by: user.id,
      },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.required_checks_conducted_by.id, user.id);
    const blanked = await call(app, "PATCH", path, {
      token: user.token,
      body: { required_checks_conducted: NOT_YET_CHECKED },
    });
    assert.equal(blanked.status, 200);
    assert.equal(blanked.body.required_checks_conducted_on, null);
    assert.equal(blanked.body.required_checks_conducted_by, null);
  });

  await t.step("opportunity: defaults, validation, list filters, audit", async () => {
    const missing = await call(app, "POST", "/v4/large-capital-opportunity", {
      token: user.token,
      body: {},
    });
    assert.deepEqual(missing.body, { name: [REQUIRED] });
    const res = await call(app, "POST", "/v4/large-capital-opportunity", {
      token: user.token,
      body: { name: "Harbour wind", promoters: [companies[1].id], opportunity_value: "5000" },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(res.body.type, { id: LARGE_CAPITAL, name: "Large capital" });
    assert.equal(res.body.status.id, SEEKING);
    assert.equal(res.body.dit_support_provided, false);
    assert.equal(res.body.opportunity_value, "5000");
    assert.deepEqual(res.body.promoters, [{ id: companies[1].id, name: "Fund B" }]);
    assert.ok(res.body.incomplete_details_fields.includes("description"));
    const id = res.body.id;
    const renamed = await call(app, "PATCH", `/v4/large-capital-opportunity/${id}`, {
      token: user.token,
      body: { name: "Harbour wind farm", lead_dit_relationship_manager: user.id },
    });
    assert.equal(renamed.status, 200);
    const auto = await call(app, "GET", "/v4/large-capital-opportunity?autocomplete=harb", {
      token: user.token,
    });
    assert.equal(auto.body.count, 1);
    const none = await call(app, "GET", "/v4/large-capital-opportunity?autocomplete=zzz", {
      token: user.token,
    });
    assert.equal(none.body.count, 0);
    const audit = await call(app, "GET", `/v4/large-capital-opportunity/${id}/audit`, {
      token: user.token,
    });
    assert.equal(audit.status, 200);
    assert.deepEqual(audit.body.results[0].changes.name, ["Harbour wind", "Harbour wind farm"]);
    const unknown = crypto.randomUUID();
    const badRef = await call(app, "PATCH", `/v4/large-capital-opportunity/${id}`, {
      token: user.token,
      body: { investment_projects: [unknown] },
    });
    assert.deepEqual(badRef.body, {
      investment_projects: [`Invalid pk "${unknown}" - object does not exist.`],
    });
    const denied = await createAdviser(sql, {});
    assert.equal(
      (await call(app, "GET", "/v4/large-capital-opportunity", { token: denied.token })).status,
      403,
    );
  });

  await ctx.close();
});

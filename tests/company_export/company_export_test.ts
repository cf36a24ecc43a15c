import assert from "node:assert/strict";
import { ADVISER_KEYS } from "../helpers/shapes.ts";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import type { Sql } from "../../src/db/pool.ts";

const UK = "80756b9a-5d95-e211-a939-e4115bead28a";
const FRANCE = "82756b9a-5d95-e211-a939-e4115bead28a";
const SECTOR = "af959812-6095-e211-a939-e4115bead28a";

const KEYS = [
  "archived",
  "archived_by",
  "archived_on",
  "archived_reason",
  "company",
  "contacts",
  "created_by",
  "created_on",
  "destination_country",
  "estimated_export_value_amount",
  "estimated_export_value_years",
  "estimated_win_date",
  "export_potential",
  "exporter_experience",
  "id",
  "modified_by",
  "modified_on",
  "notes",
  "owner",
  "sector",
  "status",
  "team_members",
  "title",
];

async function company(sql: Sql, name: string): Promise<string> {
  const [{ id }] = await sql<{ id: string }[]>`
    insert into company_company (name) values (${name}) returning id`;
  return id;
}

Deno.test("company export pipeline", async (t) => {
  const ctx = await testApp();
  const { app, sql } = ctx;
  let clock = new Date("2024-01-01T00:00:00Z");
  ctx.deps.now = () => clock;
  const [team] = await sql`select id, name from metadata_team limit 1`;
  const user = await createAdviser(sql, { firstName: "Ann", lastName: "Lee", teamId: team.id });
  const colleague = await createAdviser(sql, { firstName: "Bob", lastName: "Ray" });
  const stranger = await createAdviser(sql);
  const acme = await company(sql, "Acme");
  const beta = await company(sql, "Beta");
  const [{ id: contactId }] = await sql`
    insert into company_contact (first_name, last_name, "primary", email, company_id)
    values ('Jo', 'Smith', true, 'jo@example.test', ${acme}) returning id`;
  const [year] = await sql`select id, name from company_exportyear limit 1`;
  const [experience] = await sql`select id, name from company_exportexperience limit 1`;
  const valid = (extra: Record<string, unknown> = {}) => ({
    company: acme,
    owner: user.id,
    team_members: [colleague.id],
    contacts: [contactId],
    destination_country: UK,
    sector: SECTOR,
    exporter_experience: experience.id,
    estimated_win_date: "2025-03-01",
    estimated_export_value_amount: "250000",
    estimated_export_value_years: year.id,
    export_potential: "high",
    title: "Widgets to the UK",
    notes: "",
    ...extra,
  });

  let id = "";
  await t.step("create: 201 with the serializer's keys and nested shapes", async () => {
    assert.equal((await call(app, "POST", "/v4/export", { body: valid() })).status, 401);
    const res = await call(app, "POST", "/v4/export", { token: user.token, body: valid() });
    assert.equal(res.status, 201);
    id = res.body.id;
    assert.deepEqual(Object.keys(res.body).sort(), KEYS);
    assert.deepEqual(res.body.owner, {
      id: user.id,
      name: "Ann Lee",
      first_name: "Ann",
      last_name: "Lee",
      dit_team: { id: team.id, name: team.name },
    });
    assert.deepEqual(res.body.team_members, [{ id: colleague.id, name: "Bob Ray" }]);
    assert.deepEqual(res.body.contacts, [
      { id: contactId, name: "Jo Smith", email: "jo@example.test" },
    ]);
    assert.deepEqual(res.body.company, { id: acme, name: "Acme" });
    assert.deepEqual(res.body.estimated_export_value_years, { id: year.id, name: year.name });
    assert.equal(res.body.estimated_export_value_amount, "250000");
    assert.equal(res.body.status, "active");
    assert.equal(res.body.created_by, user.id);
    assert.equal(res.body.archived_by, null);
  });

  await t.step("validation, verbatim", async () => {
    const empty = await call(app, "POST", "/v4/export", { token: user.token, body: {} });
    assert.equal(empty.status, 400);
    assert.deepEqual(empty.body, {
      company: ["This field is required."],
      owner: ["This field is required."],
      contacts: ["This field is required."],
      destination_country: ["This field is required."],
      sector: ["This field is required."],
      estimated_export_value_years: ["This field is required."],
      title: ["This field is required."],
      estimated_export_value_amount: ["This field is required."],
      estimated_win_date: ["This field is required."],
      export_potential: ["This field is required."],
    });
    const six = await Promise.all(Array.from({ length: 6 }, () => createAdviser(sql)));
    const many = await call(app, "POST", "/v4/export", {
      token: user.token,
      body: valid({ team_members: six.map((a) => a.id) }),
    });
    assert.deepEqual(many.body, { team_members: ["You can only add 5 team members"] });
    const badStatus = await call(app, "POST", "/v4/export", {
      token: user.token,
      body: valid({ status: "lost" }),
    });
    assert.deepEqual(badStatus.body, { status: ['"lost" is not a valid choice.'] });
    const ghost = crypto.randomUUID();
    const missing = await call(app, "POST", "/v4/export", {
      token: user.token,
      body: valid({ owner: ghost, contacts: [ghost] }),
    });
    assert.deepEqual(missing.body, {
      owner: [`Invalid pk "${ghost}" - object does not exist.`],
      contacts: [`Invalid pk "${ghost}" - object does not exist.`],
    });
    const amount = await call(app, "POST", "/v4/export", {
      token: user.token,
      body: valid({ estimated_export_value_amount: "1".repeat(20) }),
    });
    assert.deepEqual(amount.body, {
      estimated_export_value_amount: ["Ensure that there are no more than 19 digits in total."],
    });
  });

  await t.step("detail, PATCH and DELETE (archives, 204)", async () => {
    const got = await call(app, "GET", `/v4/export/${id}`, { token: user.token });
    assert.equal(got.status, 200);
    clock = new Date("2024-02-01T00:00:00Z");
    const res = await call(app, "PATCH", `/v4/export/${id}`, {
      token: colleague.token,
      body: { title: "New title", team_members: [], status: "won" },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.title, "New title");
    assert.deepEqual(res.body.team_members, []);
    assert.equal(res.body.modified_by, colleague.id);
    assert.equal(res.body.modified_on, "2024-02-01T00:00:00Z");
    const unknown = await call(app, "GET", `/v4/export/${crypto.randomUUID()}`, {
      token: user.token,
    });
    assert.deepEqual(unknown.body, { detail: "No CompanyExport matches the given query." });
    const del = await call(app, "DELETE", `/v4/export/${id}`, { token: user.token });
    assert.equal(del.status, 204);
    const after = await call(app, "GET", `/v4/export/${id}`, { token: user.token });
    assert.equal(after.body.archived, true);
    assert.equal(after.body.archived_by, user.id);
    assert.equal(
      after.body.archived_reason,
      "Archived instead of deleting when DELETE request received",
    );
    const versions = await sql`select 1 from reversion_version where object_id = ${id}`;
    assert.equal(versions.length, 3);
    assert.equal(
      (await call(app, "DELETE", `/v4/export/${crypto.randomUUID()}`, { token: user.token }))
        .status,
      404,
    );
  });

  await t.step("list: only the caller's exports; filters; sortby", async () => {
    const make = async (token: string, extra: Record<string, unknown>) =>
      (await call(app, "POST", "/v4/export", { token, body: valid(extra) })).body.id as string;
    clock = new Date("2024-03-01T00:00:00Z");
    const b = await make(user.token, {
      title: "B",
      company: beta,
      destination_country: FRANCE,
      export_potential: "low",
      estimated_win_date: "2026-01-01",
      estimated_export_value_amount: "300000",
      team_members: [],
    });
    clock = new Date("2024-04-01T00:00:00Z");
    const c = await make(colleague.token, {
      title: "C",
      owner: colleague.id,
      team_members: [user.id],
      estimated_export_value_amount: 5,
    });
    clock = new Date("2024-05-01T00:00:00Z");
    await make(stranger.token, { title: "Not mine", owner: stranger.id, team_members: [] });
    const titles = async (query: string, token = user.token) => {
      const res = await call(app, "GET", `/v4/export${query}`, { token });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.results.map((r: { title: string }) => r.title);
    };
    assert.deepEqual(await titles(""), ["C", "B", "New title"]);
    assert.deepEqual(await titles("?archived=false"), ["C", "B"]);
    assert.deepEqual(await titles(`?destination_country=${FRANCE}`), ["B"]);
    assert.deepEqual(await titles(`?owner=${colleague.id}`), ["C"]);
    assert.deepEqual(await titles("?status=won&status=inactive"), ["New title"]);
    assert.deepEqual(await titles("?export_potential=low"), ["B"]);
    assert.deepEqual(await titles(`?team_members=${user.id}`), ["C"]);
    assert.deepEqual(await titles("?estimated_win_date_after=2025-12-31"), ["B"]);
    assert.deepEqual(await titles("?estimated_win_date_before=2025-12-31"), ["C", "New title"]);
    assert.deepEqual(await titles("?sortby=title"), ["B", "C", "New title"]);
    assert.deepEqual(await titles("?sortby=company__name,-title"), ["New title", "C", "B"]);
    assert.deepEqual(await titles("?sortby=estimated_export_value_amount"), [
      "C",
      "New title",
      "B",
    ]);
    assert.deepEqual(await titles("", stranger.token), ["Not mine"]);
    const page = await call(app, "GET", "/v4/export?limit=1&offset=1", { token: user.token });
    assert.equal(page.body.count, 3);
    assert.deepEqual(page.body.results.map((r: { id: string }) => r.id), [b]);
    assert.ok(c);
  });

  await t.step("list: bad filter values are DRF 400s", async () => {
    const bad = async (query: string) =>
      (await call(app, "GET", `/v4/export${query}`, { token: user.token })).body;
    const choice = "Select a valid choice. That choice is not one of the available choices.";
    assert.deepEqual(await bad("?owner=nope"), { owner: [choice] });
    assert.deepEqual(await bad(`?sector=${crypto.randomUUID()}`), { sector: [choice] });
    assert.deepEqual(await bad("?status=lost"), {
      status: ["Select a valid choice. lost is not one of the available choices."],
    });
    assert.deepEqual(await bad("?estimated_win_date_after=01/02/2024"), {
      estimated_win_date: ["Enter a valid date."],
    });
    assert.deepEqual(await bad("?team_members=abc"), {
      team_members: ["“abc” is not a valid value."],
    });
    const ghost = crypto.randomUUID();
    assert.deepEqual(await bad(`?team_members=${ghost}`), {
      team_members: [`Select a valid choice. ${ghost} is not one of the available choices.`],
    });
  });

  await t.step("owners of the caller's exports, unpaginated", async () => {
    const res = await call(app, "GET", "/v4/export/owner", { token: user.token });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.map((a: { id: string }) => a.id), [user.id, colleague.id]);
    assert.deepEqual(Object.keys(res.body[0]).sort(), ADVISER_KEYS);
    assert.deepEqual(Object.keys(res.body[0].dit_team).sort(), [
      "country",
      "disabled_on",
      "id",
      "name",
      "role",
      "tags",
      "uk_region",
    ]);
    assert.equal((await call(app, "GET", "/v4/export/owner")).status, 401);
  });

  await ctx.close();
});

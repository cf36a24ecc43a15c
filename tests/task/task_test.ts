import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import type { Sql } from "../../src/db/pool.ts";
import { insertProject, projectCodeOf } from "../helpers/investment.ts";

const KEYS = [
  "advisers",
  "archived",
  "archived_by",
  "archived_reason",
  "company",
  "created_by",
  "created_on",
  "description",
  "due_date",
  "email_reminders_enabled",
  "id",
  "interaction",
  "investment_project",
  "modified_by",
  "modified_on",
  "reminder_days",
  "status",
  "title",
];

async function company(sql: Sql, name: string): Promise<string> {
  const [{ id }] = await sql<{ id: string }[]>`
    insert into company_company (name) values (${name}) returning id`;
  return id;
}

Deno.test("tasks", async (t) => {
  const ctx = await testApp();
  const { app, sql } = ctx;
  ctx.deps.now = () => new Date("2024-06-01T12:00:00Z");
  const ann = await createAdviser(sql, { firstName: "Ann", lastName: "Lee" });
  const bob = await createAdviser(sql, { firstName: "Bob", lastName: "Ray" });
  const acme = await company(sql, "Acme");
  const zeta = await company(sql, "Zeta");

  let id = "";
  await t.step("create: 201 with the serializer's keys; reminder date derived", async () => {
    const body = {
      title: "Call Acme",
      description: "About exports",
      due_date: "2024-06-20",
      reminder_days: 5,
      email_reminders_enabled: true,
      advisers: [ann.id, { id: bob.id }],
      company: acme,
    };
    assert.equal((await call(app, "POST", "/v4/task", { body })).status, 401);
    const res = await call(app, "POST", "/v4/task", { token: ann.token, body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    id = res.body.id;
    assert.deepEqual(Object.keys(res.body).sort(), KEYS);
    assert.deepEqual(res.body.company, { id: acme, name: "Acme" });
    assert.deepEqual(res.body.advisers.map((a: { id: string }) => a.id), [ann.id, bob.id]);
    assert.deepEqual(res.body.advisers[0], {
      id: ann.id,
      name: "Ann Lee",
      first_name: "Ann",
      last_name: "Lee",
    });
    assert.equal(res.body.created_by.id, ann.id);
    assert.equal(res.body.status, "active");
    assert.equal(res.body.archived, false);
    assert.equal(res.body.investment_project, null);
    assert.equal(res.body.interaction, null);
    assert.equal(res.body.created_on, "2024-06-01T12:00:00Z");
    const [row] = await sql`select to_char(reminder_date, 'YYYY-MM-DD') as d from task_task
      where id = ${id}`;
    assert.equal(row.d, "2024-06-15");
    const [event] = await sql`select type, api_url_path, data from user_event_log_userevent
      where adviser_id = ${ann.id} and type = 'task_created'`;
    assert.equal(event.api_url_path, "/v4/task");
    assert.equal(event.data.id, id);
    assert.equal(event.data.title, "Call Acme");
  });

  await t.step("bad input: DRF messages on the fields", async () => {
    const post = (body: unknown) => call(app, "POST", "/v4/task", { token: ann.token, body });
    let res = await post({});
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      title: ["This field is required."],
      advisers: ["This field is required."],
    });
    res = await post({ title: "x", advisers: [] });
    assert.deepEqual(res.body, { advisers: ["This list may not be empty."] });
    // DRF checks each field before the body: a missing reference wins over two relations.
    res = await post({ title: "x", advisers: [ann.id], company: acme, interaction: acme });
    assert.deepEqual(res.body, {
      interaction: [`Invalid pk "${acme}" - object does not exist.`],
    });
    const missing = crypto.randomUUID();
    res = await post({ title: "x", advisers: [missing], company: missing });
    assert.deepEqual(res.body, {
      company: [`Invalid pk "${missing}" - object does not exist.`],
      advisers: [`Invalid pk "${missing}" - object does not exist.`],
    });
    res = await post({ title: "x", advisers: [ann.id], due_date: "soon" });
    assert.equal(res.status, 400);
    assert.ok(res.body.due_date);
  });

  let other = "";
  await t.step("list: filters and sortby", async () => {
    const res = await call(app, "POST", "/v4/task", {
      token: bob.token,
      body: { title: "Alpha task", advisers: [bob.id], company: zeta, due_date: "2024-07-01" },
    });
    other = res.body.id;
    const list = async (query: string) =>
      (await call(app, "GET", `/v4/task${query}`, { token: ann.token })).body;
    assert.equal((await list("")).count, 2);
    assert.deepEqual((await list(`?advisers=${ann.id}`)).results.map((r: { id: string }) => r.id), [
      id,
    ]);
    assert.deepEqual((await list(`?company=${zeta}`)).results.map((r: { id: string }) => r.id), [
      other,
    ]);
    assert.deepEqual((await list("?sortby=title")).results.map((r: { id: string }) => r.id), [
      other,
      id,
    ]);
    assert.deepEqual((await list("?sortby=-due_date")).results.map((r: { id: string }) => r.id), [
      other,
      id,
    ]);
    assert.equal((await list("?archived=true")).count, 0);
    const bad = await call(app, "GET", "/v4/task?company=nope", { token: ann.token });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.company);
  });

  await t.step("detail, PATCH, 404", async () => {
    assert.equal((await call(app, "GET", `/v4/task/${id}`, { token: bob.token })).body.id, id);
    const missing = await call(app, "GET", `/v4/task/${crypto.randomUUID()}`, {
      token: bob.token,
    });
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { detail: "No Task matches the given query." });
    const res = await call(app, "PATCH", `/v4/task/${id}`, {
      token: bob.token,
      body: { title: "Call Acme today", due_date: "2024-06-10" },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.title, "Call Acme today");
    assert.equal(res.body.modified_by.id, bob.id);
    assert.equal(res.body.created_by.id, ann.id);
    const [row] = await sql`select to_char(reminder_date, 'YYYY-MM-DD') as d from task_task
      where id = ${id}`;
    assert.equal(row.d, "2024-06-05");
  });

  await t.step("status-complete, status-active, archive", async () => {
    let res = await call(app, "POST", `/v4/task/${id}/status-complete`, { token: ann.token });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, "complete");
    res = await call(app, "POST", `/v4/task/${id}/status-active`, { token: ann.token });
    assert.equal(res.body.status, "active");
    res = await call(app, "POST", `/v4/task/${id}/archive`, {
      token: ann.token,
      body: { reason: "Done elsewhere" },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.archived, true);
    assert.equal(res.body.archived_reason, "Done elsewhere");
    assert.equal(res.body.archived_by.id, ann.id);
    res = await call(app, "POST", `/v4/task/${id}/archive`, { token: ann.token, body: {} });
    assert.deepEqual(res.body, { reason: ["This field is required."] });
    const list = await call(app, "GET", "/v4/task?archived=true", { token: ann.token });
    assert.deepEqual(list.body.results.map((r: { id: string }) => r.id), [id]);
  });

  await t.step("companies-and-projects: of my tasks, by name", async () => {
    let res = await call(app, "GET", "/v4/task/companies-and-projects", { token: ann.token });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { companies: [{ id: acme, name: "Acme" }], projects: [] });
    res = await call(app, "GET", "/v4/task/companies-and-projects", { token: bob.token });
    assert.deepEqual(res.body.companies, [{ id: acme, name: "Acme" }, { id: zeta, name: "Zeta" }]);
  });

  await ctx.close();
});

Deno.test("tasks on investment projects", async (t) => {
  const ctx = await testApp();
  const { app, sql } = ctx;
  ctx.deps.now = () => new Date("2024-06-01T12:00:00Z");
  const ann = await createAdviser(sql, { firstName: "Ann", lastName: "Lee" });
  const bob = await createAdviser(sql, { firstName: "Bob", lastName: "Ray" });
  const investor = await company(sql, "Investor Ltd");
  const acme = await company(sql, "Acme");
  const project = await insertProject(sql, { name: "Wind farm", investorCompanyId: investor });
  const bare = await insertProject(sql, { name: "Anonymous plant" });
  const code = await projectCodeOf(sql, project);
  const post = (body: Record<string, unknown>, token = ann.token) =>
    call(app, "POST", "/v4/task", { token, body: { title: "Visit", advisers: [ann.id], ...body } });

  let id = "";
  await t.step("the project, and its investor company as the task's company", async () => {
    const res = await post({ investment_project: project });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    id = res.body.id;
    assert.deepEqual(res.body.investment_project, {
      id: project,
      name: "Wind farm",
      project_code: code,
      investor_company: { id: investor, name: "Investor Ltd" },
    });
    assert.deepEqual(res.body.company, { id: investor, name: "Investor Ltd" });
    const noInvestor = await post({ investment_project: { id: bare } });
    assert.equal(noInvestor.status, 201);
    assert.equal(noInvestor.body.investment_project.investor_company, null);
    assert.equal(noInvestor.body.company, null);
  });

  await t.step("bad input: a missing project, or a project and a company", async () => {
    const missing = crypto.randomUUID();
    let res = await post({ investment_project: missing, company: acme });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      investment_project: [`Invalid pk "${missing}" - object does not exist.`],
    });
    res = await post({ investment_project: project, company: acme });
    assert.deepEqual(res.body, {
      non_field_errors: [
        "You can assign either a company, investment project or interaction to a task",
      ],
    });
  });

  await t.step("list filter, PATCH to a company and back", async () => {
    await post({ company: acme });
    const list = async (
      query: string,
    ) => (await call(app, "GET", `/v4/task${query}`, { token: ann.token }));
    const res = await list(`?investment_project=${project}`);
    assert.deepEqual(res.body.results.map((r: { id: string }) => r.id), [id]);
    assert.equal((await list("?investment_project=nope")).status, 400);
    let patched = await call(app, "PATCH", `/v4/task/${id}`, {
      token: ann.token,
      body: { investment_project: null, company: acme },
    });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body.company, { id: acme, name: "Acme" });
    patched = await call(app, "PATCH", `/v4/task/${id}`, {
      token: ann.token,
      body: { investment_project: project, company: null },
    });
    assert.equal(patched.body.investment_project.id, project);
  });

  await t.step(
    "companies-and-projects: projects, and their investors among companies",
    async () => {
      const res = await call(app, "GET", "/v4/task/companies-and-projects", { token: ann.token });
      assert.deepEqual(res.body, {
        companies: [{ id: acme, name: "Acme" }, { id: investor, name: "Investor Ltd" }],
        projects: [{ id: bare, name: "Anonymous plant" }, { id: project, name: "Wind farm" }],
      });
      const bobs = await call(app, "GET", "/v4/task/companies-and-projects", { token: bob.token });
      assert.deepEqual(bobs.body, { companies: [], projects: [] });
    },
  );

  await t.step("deleting the project deletes its tasks", async () => {
    await sql`delete from investment_investmentproject where id = ${project}`;
    const res = await call(app, "GET", `/v4/task/${id}`, { token: ann.token });
    assert.equal(res.status, 404);
  });

  await ctx.close();
});

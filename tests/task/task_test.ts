import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import type { Sql } from "../../src/db/pool.ts";

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
    res = await post({ title: "x", advisers: [ann.id], company: acme, interaction: acme });
    assert.deepEqual(res.body, {
      non_field_errors: [
        "You can assign either a company, investment project or interaction to a task",
      ],
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

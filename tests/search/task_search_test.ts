import assert from "node:assert/strict";
import { call, createAdviser } from "../helpers/app.ts";
import { taskSearchApp } from "../../src/task/search.ts";
import { backendsUnderTest, searchTestApp } from "./support.ts";
import { insertProject, projectCodeOf } from "../helpers/investment.ts";

for (const { name, env, ignore } of backendsUnderTest) {
  Deno.test({ name: `task search (${name})`, ignore }, async (t) => {
    const ctx = await searchTestApp(env, [taskSearchApp]);
    const { app, sql } = ctx;
    ctx.deps.now = () => new Date("2024-06-01T12:00:00Z");
    const ann = await createAdviser(sql, {
      permissions: ["task.view_task"],
      firstName: "Ann",
      lastName: "Lee",
    });
    const bob = await createAdviser(sql, {
      permissions: ["task.view_task"],
      firstName: "Bob",
      lastName: "Ray",
    });
    const nobody = await createAdviser(sql, { firstName: "No", lastName: "Permission" });
    const [{ id: acme }] = await sql`insert into company_company (name) values ('Acme')
      returning id::text`;
    const create = async (token: string, body: Record<string, unknown>) =>
      (await call(app, "POST", "/v4/task", { token, body })).body.id as string;
    const annsOwn = await create(ann.token, {
      title: "Export plan review",
      advisers: [ann.id],
      company: acme,
      due_date: "2024-06-20",
    });
    const annToBob = await create(ann.token, {
      title: "Call the exporter",
      advisers: [bob.id],
      due_date: "2024-06-10",
    });
    const bobsOwn = await create(bob.token, { title: "Bob's private plan", advisers: [bob.id] });
    const [{ id: investor }] = await sql`insert into company_company (name)
      values ('Investor Ltd') returning id::text`;
    const project = await insertProject(sql, { name: "Wind farm", investorCompanyId: investor });
    const bobsForAnn = await create(bob.token, {
      title: "Site visit",
      advisers: [ann.id, bob.id],
      investment_project: project,
      due_date: "2024-06-30",
    });
    await ctx.deps.jobs.idle();
    await ctx.sync();
    const search = (body: unknown, token = ann.token) =>
      call(app, "POST", "/v4/search/task", { token, body });
    const ids = (res: { body: { results: { id: string }[] } }) =>
      res.body.results.map((r) => r.id).sort();

    await t.step("needs a login and task.view_task", async () => {
      assert.equal((await call(app, "POST", "/v4/search/task", { body: {} })).status, 401);
      assert.equal((await search({}, nobody.token)).status, 403);
    });

    await t.step("only tasks I created or am assigned to", async () => {
      assert.deepEqual(ids(await search({})), [annsOwn, annToBob, bobsForAnn].sort());
      assert.deepEqual(ids(await search({}, bob.token)), [annToBob, bobsOwn, bobsForAnn].sort());
    });

    await t.step("documents, free text, filters and sortby", async () => {
      const res = await search({ original_query: "export plan" });
      assert.equal(res.status, 200);
      assert.deepEqual(ids(res), [annsOwn]);
      const doc = res.body.results[0];
      assert.equal(doc.title, "Export plan review");
      assert.deepEqual(doc.company, { id: acme, name: "Acme" });
      assert.equal(doc.created_by.id, ann.id);
      assert.deepEqual(doc.advisers.map((a: { id: string }) => a.id), [ann.id]);
      assert.equal(doc.due_date, "2024-06-20");
      assert.equal(doc.status, "active");
      assert.match(doc.modified_on, /^2024-06-01T12:00:00(\.0+)?\+00:00$/);
      assert.deepEqual(ids(await search({ advisers: [bob.id] })), [annToBob, bobsForAnn].sort());
      assert.deepEqual(ids(await search({ company: acme })), [annsOwn]);
      assert.deepEqual(ids(await search({ created_by: ann.id }, bob.token)), [annToBob]);
      const sorted = await search({ sortby: "due_date:asc" });
      assert.deepEqual(sorted.body.results.map((r: { id: string }) => r.id), [
        annToBob,
        annsOwn,
        bobsForAnn,
      ]);
      const bad = await search({ sortby: "title" });
      assert.equal(bad.status, 400);
    });

    await t.step("a project's task: the project, its investor as the company", async () => {
      const res = await search({ investment_project: project });
      assert.deepEqual(ids(res), [bobsForAnn]);
      assert.deepEqual(res.body.results[0].investment_project, {
        id: project,
        name: "Wind farm",
        project_code: await projectCodeOf(sql, project),
      });
      assert.deepEqual(res.body.results[0].company, { id: investor, name: "Investor Ltd" });
      assert.deepEqual(ids(await search({ company: investor })), [bobsForAnn]);
      const sorted = await search({ sortby: "investment_project.name:desc" });
      assert.equal(sorted.body.results[0].id, bobsForAnn);
    });

    await t.step("renaming the project updates its tasks' documents", async () => {
      const admin = await createAdviser(sql, { superuser: true });
      const res = await call(app, "PATCH", `/v3/investment/${project}`, {
        token: admin.token,
        body: { name: "Offshore wind farm" },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      await ctx.deps.jobs.idle();
      await ctx.sync();
      const found = await search({ investment_project: project });
      assert.equal(found.body.results[0].investment_project.name, "Offshore wind farm");
    });

    await t.step("not_created_by and not_advisers leave tasks out", async () => {
      assert.deepEqual(ids(await search({ not_created_by: bob.id })), [annsOwn, annToBob].sort());
      assert.deepEqual(ids(await search({ not_created_by: [ann.id, bob.id] })), []);
      assert.deepEqual(ids(await search({ not_advisers: [bob.id] })), [annsOwn]);
      assert.deepEqual(
        ids(await search({ not_advisers: [bob.id], not_created_by: ann.id }, bob.token)),
        [],
      );
      assert.deepEqual(
        ids(await search({ original_query: "plan", not_advisers: ann.id }, bob.token)),
        [bobsOwn],
      );
      const bad = await search({ not_advisers: ["nope"] });
      assert.equal(bad.status, 400);
    });

    await t.step("archiving updates the document", async () => {
      await call(app, "POST", `/v4/task/${annsOwn}/archive`, {
        token: ann.token,
        body: { reason: "done" },
      });
      await ctx.deps.jobs.idle();
      await ctx.sync();
      assert.deepEqual(ids(await search({ archived: true })), [annsOwn]);
    });

    await ctx.close();
  });
}

import assert from "node:assert/strict";
import { call, createAdviser } from "../helpers/app.ts";
import { taskSearchApp } from "../../src/task/search.ts";
import { backendsUnderTest, searchTestApp } from "./support.ts";

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
      assert.deepEqual(ids(await search({})), [annsOwn, annToBob].sort());
      assert.deepEqual(ids(await search({}, bob.token)), [annToBob, bobsOwn].sort());
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
      assert.deepEqual(ids(await search({ advisers: [bob.id] })), [annToBob]);
      assert.deepEqual(ids(await search({ company: acme })), [annsOwn]);
      assert.deepEqual(ids(await search({ created_by: ann.id }, bob.token)), [annToBob]);
      const sorted = await search({ sortby: "due_date:asc" });
      assert.deepEqual(sorted.body.results.map((r: { id: string }) => r.id), [annToBob, annsOwn]);
      const bad = await search({ sortby: "title" });
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

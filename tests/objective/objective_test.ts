import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import type { Sql } from "../../src/db/pool.ts";

const KEYS = [
  "archived",
  "archived_by",
  "archived_on",
  "archived_reason",
  "blocker_description",
  "company",
  "created_on",
  "detail",
  "has_blocker",
  "id",
  "modified_by",
  "modified_on",
  "progress",
  "subject",
  "target_date",
];

async function company(sql: Sql, name: string): Promise<string> {
  const [{ id }] = await sql<{ id: string }[]>`
    insert into company_company (name) values (${name}) returning id`;
  return id;
}

Deno.test("company objectives", async (t) => {
  const ctx = await testApp();
  const { app, sql } = ctx;
  ctx.deps.now = () => new Date("2024-06-01T12:00:00Z");
  // Objectives need only a signed-in adviser.
  const user = await createAdviser(sql, { firstName: "Ann", lastName: "Lee" });
  const acme = await company(sql, "Acme");
  const other = await company(sql, "Other");
  const base = `/v4/company/${acme}/objective`;
  const valid = {
    subject: "Grow exports",
    detail: "Get in touch",
    target_date: "2030-06-06",
    company: acme,
    has_blocker: true,
    blocker_description: "More words",
    progress: 80,
  };

  let id = "";
  await t.step("create: 201 with the serializer's keys", async () => {
    assert.equal((await call(app, "POST", base, { body: valid })).status, 401);
    const res = await call(app, "POST", base, { token: user.token, body: valid });
    assert.equal(res.status, 201);
    id = res.body.id;
    assert.deepEqual(Object.keys(res.body).sort(), KEYS);
    assert.deepEqual(res.body.company, { id: acme, name: "Acme" });
    assert.equal(res.body.target_date, "2030-06-06");
    assert.equal(res.body.progress, 80);
    assert.equal(res.body.archived_by, null);
    assert.deepEqual(res.body.modified_by, {
      id: user.id,
      name: "Ann Lee",
      first_name: "Ann",
      last_name: "Lee",
    });
    assert.equal(res.body.created_on, "2024-06-01T12:00:00Z");
  });

  await t.step("validation: required fields, progress 0..100, references", async () => {
    const missing = await call(app, "POST", base, { token: user.token, body: {} });
    assert.deepEqual(missing.body, {
      subject: ["This field is required."],
      target_date: ["This field is required."],
      company: ["This field is required."],
      has_blocker: ["This field is required."],
      progress: ["This field is required."],
    });
    const cases: [Record<string, unknown>, unknown][] = [
      [{ progress: 101 }, { progress: ["Ensure this value is less than or equal to 100."] }],
      [{ progress: -1 }, { progress: ["Ensure this value is greater than or equal to 0."] }],
      [{ progress: "abc" }, { progress: ["A valid integer is required."] }],
      [{ subject: "" }, { subject: ["This field may not be blank."] }],
      [{ target_date: "tomorrow" }, {
        target_date: ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
      }],
      [{ has_blocker: null }, { has_blocker: ["This field may not be null."] }],
    ];
    for (const [change, expected] of cases) {
      const res = await call(app, "POST", base, {
        token: user.token,
        body: { ...valid, ...change },
      });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, expected);
    }
    const ghost = crypto.randomUUID();
    const res = await call(app, "POST", base, {
      token: user.token,
      body: { ...valid, company: ghost },
    });
    assert.deepEqual(res.body, { company: [`Invalid pk "${ghost}" - object does not exist.`] });
  });

  await t.step("detail and PATCH; unknown ids are 404", async () => {
    const got = await call(app, "GET", `${base}/${id}`, { token: user.token });
    assert.equal(got.status, 200);
    assert.equal(got.body.subject, "Grow exports");
    const res = await call(app, "PATCH", `${base}/${id}`, {
      token: user.token,
      body: { subject: "Amended subject", progress: "90" },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.subject, "Amended subject");
    assert.equal(res.body.progress, 90);
    const tooFar = await call(app, "PATCH", `${base}/${id}`, {
      token: user.token,
      body: { progress: 150 },
    });
    assert.equal(tooFar.status, 400);
    const unknown = await call(app, "GET", `${base}/${crypto.randomUUID()}`, {
      token: user.token,
    });
    assert.deepEqual(unknown.body, { detail: "No Objective matches the given query." });
    assert.equal((await call(app, "GET", `${base}/nope`, { token: user.token })).status, 404);
    const versions = await sql`select 1 from reversion_version where object_id = ${id}`;
    assert.equal(versions.length, 2);
  });

  await t.step("archive (no unarchive route), then counts and archived filter", async () => {
    const none = await call(app, "POST", `/v4/company/objective/${id}/archive`, {
      token: user.token,
      body: {},
    });
    assert.deepEqual(none.body, { reason: ["This field is required."] });
    const res = await call(app, "POST", `/v4/company/objective/${id}/archive`, {
      token: user.token,
      body: { reason: "completed" },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.archived, true);
    assert.equal(res.body.archived_reason, "completed");
    assert.deepEqual(res.body.archived_by, {
      id: user.id,
      name: "Ann Lee",
      first_name: "Ann",
      last_name: "Lee",
    });
    const unarchive = await call(app, "POST", `/v4/company/objective/${id}/unarchive`, {
      token: user.token,
    });
    assert.equal(unarchive.status, 404);
    for (const date of ["2025-04-04", "2020-02-02"]) {
      await call(app, "POST", base, {
        token: user.token,
        body: { ...valid, target_date: date },
      });
    }
    await call(app, "POST", `/v4/company/${other}/objective`, {
      token: user.token,
      body: { ...valid, company: other },
    });
    const count = await call(app, "GET", `${base}/count`, { token: user.token });
    assert.deepEqual(count.body, { archived_count: 1, not_archived_count: 2 });
    const empty = await call(app, "GET", `/v4/company/${crypto.randomUUID()}/objective/count`, {
      token: user.token,
    });
    assert.deepEqual(empty.body, { archived_count: 0, not_archived_count: 0 });
    const dates = async (query: string) =>
      (await call(app, "GET", `${base}${query}`, { token: user.token })).body.results.map((
        r: { target_date: string },
      ) => r.target_date);
    assert.deepEqual(await dates(""), ["2020-02-02", "2025-04-04", "2030-06-06"]);
    assert.deepEqual(await dates("?sortby=-target_date"), [
      "2030-06-06",
      "2025-04-04",
      "2020-02-02",
    ]);
    assert.deepEqual(await dates("?archived=true"), ["2030-06-06"]);
    assert.deepEqual(await dates("?archived=False"), ["2020-02-02", "2025-04-04"]);
    assert.deepEqual(await dates("?archived=None"), ["2020-02-02", "2025-04-04", "2030-06-06"]);
    const page = await call(app, "GET", `${base}?limit=1&offset=1`, { token: user.token });
    assert.equal(page.body.count, 3);
    assert.equal(page.body.results[0].target_date, "2025-04-04");
  });

  await ctx.close();
});

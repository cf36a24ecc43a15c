import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import type { Sql } from "../../src/db/pool.ts";

const PERMS = ["view", "add", "change", "delete"].map((a) => `company_list.${a}_pipelineitem`);
const SECTOR = "af959812-6095-e211-a939-e4115bead28a";

const KEYS = [
  "archived",
  "archived_on",
  "archived_reason",
  "company",
  "contacts",
  "created_on",
  "expected_win_date",
  "id",
  "likelihood_to_win",
  "modified_on",
  "name",
  "potential_value",
  "sector",
  "status",
];

async function company(sql: Sql, name: string, archived = false): Promise<string> {
  const [{ id }] = await sql<{ id: string }[]>`
    insert into company_company (name, archived, turnover, export_potential)
    values (${name}, ${archived}, 1000, 'high') returning id`;
  return id;
}

async function contact(sql: Sql, companyId: string, first: string): Promise<string> {
  const [{ id }] = await sql<{ id: string }[]>`
    insert into company_contact (first_name, last_name, "primary", email, company_id)
    values (${first}, 'Smith', true, 'a@example.test', ${companyId}) returning id`;
  return id;
}

Deno.test("pipeline items", async (t) => {
  const ctx = await testApp();
  const { app, sql } = ctx;
  let clock = new Date("2024-01-01T00:00:00Z");
  ctx.deps.now = () => clock;
  const user = await createAdviser(sql, { permissions: PERMS });
  const other = await createAdviser(sql, { permissions: PERMS });
  const viewer = await createAdviser(sql, { permissions: ["company_list.view_pipelineitem"] });
  const acme = await company(sql, "Acme");
  const archivedCompany = await company(sql, "Old", true);
  const jane = await contact(sql, acme, "Jane");

  const post = (body: unknown, token = user.token) =>
    call(app, "POST", "/v4/pipeline-item", { token, body });

  let id = "";
  await t.step("create with every field; response keys and values", async () => {
    const res = await post({
      company: acme,
      name: "Big deal",
      status: "leads",
      contacts: [jane],
      sector: { id: SECTOR },
      likelihood_to_win: "1",
      expected_win_date: "2019-04-19",
      potential_value: 1000,
      archived: false,
      archived_on: null,
      archived_reason: null,
    });
    assert.equal(res.status, 201);
    id = res.body.id;
    assert.deepEqual(Object.keys(res.body).sort(), KEYS);
    const [sector] = await sql`select segment from metadata_sector where id = ${SECTOR}`;
    assert.deepEqual(res.body, {
      id,
      company: { id: acme, name: "Acme", turnover: 1000, export_potential: "high" },
      name: "Big deal",
      status: "leads",
      created_on: "2024-01-01T00:00:00Z",
      modified_on: "2024-01-01T00:00:00Z",
      contacts: [{ id: jane, name: "Jane Smith" }],
      sector: { id: SECTOR, segment: sector.segment },
      potential_value: "1000",
      likelihood_to_win: 1,
      expected_win_date: "2019-04-19",
      archived: false,
      archived_on: null,
      archived_reason: null,
    });
    const versions = await sql`select 1 from reversion_version where object_id = ${id}`;
    assert.equal(versions.length, 1);
  });

  await t.step("create validation, verbatim", async () => {
    const cases: [unknown, unknown][] = [
      [{}, { company: ["This field is required."], status: ["This field is required."] }],
      [{ company: null }, {
        company: ["This field may not be null."],
        status: ["This field is required."],
      }],
      [{ status: null }, {
        company: ["This field is required."],
        status: ["This field may not be null."],
      }],
      [{ company: "", status: "", name: "" }, {
        company: ["This field may not be null."],
        status: ['"" is not a valid choice.'],
      }],
      [{ company: acme, status: "leads" }, { non_field_errors: ["This field is required."] }],
      [{ company: acme, status: "leads", name: "" }, { name: ["This field may not be blank."] }],
      [{ company: archivedCompany, status: "leads", name: "x" }, {
        company: ["An archived company can't be added to the pipeline."],
      }],
      [{ company: acme, status: "leads", name: "x", potential_value: "1.5" }, {
        potential_value: ["Ensure that there are no more than 0 decimal places."],
      }],
      [{ company: acme, status: "leads", name: "x", potential_value: "abc" }, {
        potential_value: ["A valid number is required."],
      }],
      [{ company: acme, status: "leads", name: "x", likelihood_to_win: 7 }, {
        likelihood_to_win: ['"7" is not a valid choice.'],
      }],
      [{ company: acme, status: "leads", name: "x", expected_win_date: "19/04/2019" }, {
        expected_win_date: ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
      }],
      [{ company: acme, status: "leads", name: "x", contacts: "nope" }, {
        contacts: ['Expected a list of items but got type "str".'],
      }],
    ];
    for (const [body, expected] of cases) {
      const res = await post(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.deepEqual(res.body, expected, JSON.stringify(body));
    }
    const missing = crypto.randomUUID();
    const res = await post({ company: acme, status: "leads", name: "x", contacts: [missing] });
    assert.deepEqual(res.body, { contacts: [`Invalid pk "${missing}" - object does not exist.`] });
  });

  await t.step("permissions and another adviser's item", async () => {
    assert.equal((await call(app, "GET", "/v4/pipeline-item")).status, 401);
    const denied = await post({ company: acme, status: "leads", name: "x" }, viewer.token);
    assert.equal(denied.status, 403);
    const detail = { detail: "No PipelineItem matches the given query." };
    for (const method of ["GET", "PATCH", "DELETE"]) {
      const res = await call(app, method, `/v4/pipeline-item/${id}`, {
        token: other.token,
        body: method === "PATCH" ? { status: "win" } : undefined,
      });
      assert.deepEqual([res.status, res.body], [404, detail], method);
    }
    const archive = await call(app, "POST", `/v4/pipeline-item/${id}/archive`, {
      token: other.token,
      body: { reason: "x" },
    });
    assert.deepEqual([archive.status, archive.body], [404, detail]);
    const list = await call(app, "GET", "/v4/pipeline-item", { token: other.token });
    assert.equal(list.body.count, 0);
  });

  await t.step("PATCH: allowed fields only; contacts replaced; modified_on moves", async () => {
    clock = new Date("2024-02-01T00:00:00Z");
    const refused = await call(app, "PATCH", `/v4/pipeline-item/${id}`, {
      token: user.token,
      body: { company: acme },
    });
    assert.deepEqual(refused.body, { company: ["field not allowed to be update."] });
    const res = await call(app, "PATCH", `/v4/pipeline-item/${id}`, {
      token: user.token,
      body: { status: "win", name: "BATMAN", contacts: [], sector: null, potential_value: null },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, "win");
    assert.equal(res.body.name, "BATMAN");
    assert.deepEqual(res.body.contacts, []);
    assert.equal(res.body.sector, null);
    assert.equal(res.body.potential_value, null);
    assert.equal(res.body.modified_on, "2024-02-01T00:00:00Z");
    assert.equal(res.body.created_on, "2024-01-01T00:00:00Z");
    const blank = await call(app, "PATCH", `/v4/pipeline-item/${id}`, {
      token: user.token,
      body: { name: "" },
    });
    assert.deepEqual(blank.body, { name: ["This field may not be blank."] });
  });

  await t.step("DELETE only once archived; archive/unarchive round trip", async () => {
    const early = await call(app, "DELETE", `/v4/pipeline-item/${id}`, { token: user.token });
    assert.equal(early.status, 400);
    assert.deepEqual(early.body, {
      non_field_errors: "Only archived pipeline item can be deleted.",
    });
    const archived = await call(app, "POST", `/v4/pipeline-item/${id}/archive`, {
      token: user.token,
      body: { reason: "Lost" },
    });
    assert.equal(archived.status, 200);
    assert.deepEqual(Object.keys(archived.body).sort(), KEYS);
    assert.equal(archived.body.archived, true);
    assert.equal(archived.body.archived_reason, "Lost");
    assert.equal(archived.body.archived_on, "2024-02-01T00:00:00Z");
    const back = await call(app, "POST", `/v4/pipeline-item/${id}/unarchive`, {
      token: user.token,
    });
    assert.equal(back.body.archived, false);
    assert.equal(back.body.archived_reason, "");
    await call(app, "POST", `/v4/pipeline-item/${id}/archive`, {
      token: user.token,
      body: { reason: "Lost" },
    });
    const del = await call(app, "DELETE", `/v4/pipeline-item/${id}`, { token: user.token });
    assert.equal(del.status, 204);
    const gone = await call(app, "GET", `/v4/pipeline-item/${id}`, { token: user.token });
    assert.equal(gone.status, 404);
  });

  await t.step("list: filters, sortby, default -created_on, pagination", async () => {
    const names = ["b", "a", "c"];
    const statuses = ["leads", "win", "leads"];
    for (let i = 0; i < 3; i++) {
      clock = new Date(Date.UTC(2024, 3, i + 1));
      await post({ company: acme, status: statuses[i], name: names[i] });
    }
    await sql`update company_list_pipelineitem set archived = true where name = 'c'`;
    const get = async (query: string) =>
      await call(app, "GET", `/v4/pipeline-item${query}`, { token: user.token });
    const namesOf = (res: { body: { results: { name: string }[] } }) =>
      res.body.results.map((r) => r.name);
    assert.deepEqual(namesOf(await get("")), ["c", "a", "b"]);
    assert.deepEqual(namesOf(await get("?sortby=name")), ["a", "b", "c"]);
    assert.deepEqual(namesOf(await get("?sortby=-modified_on")), ["c", "a", "b"]);
    assert.deepEqual(namesOf(await get("?status=leads")), ["c", "b"]);
    assert.deepEqual(namesOf(await get("?archived=false")), ["a", "b"]);
    assert.deepEqual(namesOf(await get("?archived=maybe")), ["c", "a", "b"]);
    assert.deepEqual(namesOf(await get(`?company_id=${acme}`)), ["c", "a", "b"]);
    const page = await get("?limit=2");
    assert.equal(page.body.count, 3);
    assert.ok(page.body.next.includes("offset=2"));
    const badStatus = await get("?status=invalid");
    assert.deepEqual([badStatus.status, badStatus.body], [400, {
      status: ["Select a valid choice. invalid is not one of the available choices."],
    }]);
    const badCompany = await get(`?company_id=${crypto.randomUUID()}`);
    assert.deepEqual(badCompany.body, {
      company_id: ["Select a valid choice. That choice is not one of the available choices."],
    });
    assert.equal((await get("?company_id=zzz")).status, 400);
  });

  await ctx.close();
});

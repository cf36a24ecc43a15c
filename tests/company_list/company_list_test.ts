import assert from "node:assert/strict";
import { call, createAdviser, HeldQueue, testApp } from "../helpers/app.ts";
import type { Sql } from "../../src/db/pool.ts";

const LIST_PERMS = [
  "company_list.view_companylist",
  "company_list.add_companylist",
  "company_list.change_companylist",
  "company_list.delete_companylist",
];
const ITEM_PERMS = [
  "company.view_company",
  "company_list.view_companylistitem",
  "company_list.add_companylistitem",
  "company_list.delete_companylistitem",
];

async function company(sql: Sql, name: string, archived = false): Promise<string> {
  const [{ id }] = await sql<{ id: string }[]>`
    insert into company_company (name, archived, trading_names, created_on)
    values (${name}, ${archived}, ${["Trading " + name]}, now()) returning id`;
  return id;
}

Deno.test("company lists and their items", async (t) => {
  // The search sync job is held so the change-feed rows of each write stay inspectable
  // (the sync consumes rows of entities with no search app, such as list items).
  const ctx = await testApp({ deps: { jobs: new HeldQueue() } });
  const { app, sql } = ctx;
  const fixed = new Date("2024-05-01T09:00:00.5Z");
  ctx.deps.now = () => fixed;
  const user = await createAdviser(sql, { permissions: [...LIST_PERMS, ...ITEM_PERMS] });
  const other = await createAdviser(sql, { permissions: [...LIST_PERMS, ...ITEM_PERMS] });
  const noPerms = await createAdviser(sql);
  const listsOnly = await createAdviser(sql, { permissions: LIST_PERMS });
  const acme = await company(sql, "Acme");
  const zeta = await company(sql, "Zeta");
  const gone = await company(sql, "Gone", true);

  const create = async (token: string, name: string) =>
    (await call(app, "POST", "/v4/company-list", { token, body: { name } })).body.id as string;

  await t.step("auth: 401 without a token, 403 without the model permission", async () => {
    assert.equal((await call(app, "GET", "/v4/company-list")).status, 401);
    const res = await call(app, "GET", "/v4/company-list", { token: noPerms.token });
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, { detail: "You do not have permission to perform this action." });
    const post = await call(app, "POST", "/v4/company-list", {
      token: noPerms.token,
      body: { name: "x" },
    });
    assert.equal(post.status, 403);
  });

  let listId = "";
  await t.step("create answers 201 without item_count; get has it", async () => {
    const res = await call(app, "POST", "/v4/company-list", {
      token: user.token,
      body: { name: "  Key accounts " },
    });
    assert.equal(res.status, 201);
    listId = res.body.id;
    assert.deepEqual(res.body, {
      id: listId,
      name: "Key accounts",
      created_on: "2024-05-01T09:00:00.500000Z",
    });
    const got = await call(app, "GET", `/v4/company-list/${listId}`, { token: user.token });
    assert.deepEqual(got.body, { ...res.body, item_count: 0 });
  });

  await t.step("validation messages as DRF", async () => {
    const cases: [unknown, unknown][] = [
      [{}, { name: ["This field is required."] }],
      [{ name: null }, { name: ["This field may not be null."] }],
      [{ name: "" }, { name: ["This field may not be blank."] }],
      [{ name: "x".repeat(256) }, { name: ["Ensure this field has no more than 255 characters."] }],
    ];
    for (const [body, expected] of cases) {
      const res = await call(app, "POST", "/v4/company-list", { token: user.token, body });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, expected);
    }
    const patch = await call(app, "PATCH", `/v4/company-list/${listId}`, {
      token: user.token,
      body: { name: "" },
    });
    assert.deepEqual(patch.body, { name: ["This field may not be blank."] });
    const notJson = await call(app, "POST", "/v4/company-list", {
      token: user.token,
      body: "{",
    });
    assert.equal(notJson.status, 400);
  });

  await t.step("another adviser's list is a 404 on every route", async () => {
    const detail = { detail: "No CompanyList matches the given query." };
    for (const method of ["GET", "PATCH", "DELETE"]) {
      const res = await call(app, method, `/v4/company-list/${listId}`, {
        token: other.token,
        body: method === "PATCH" ? { name: "Mine now" } : undefined,
      });
      assert.equal(res.status, 404, method);
      assert.deepEqual(res.body, detail);
    }
    const put = await call(app, "PUT", `/v4/company-list/${listId}/item/${acme}`, {
      token: other.token,
    });
    assert.deepEqual([put.status, put.body], [404, detail]);
    const items = await call(app, "GET", `/v4/company-list/${listId}/item`, {
      token: other.token,
    });
    assert.deepEqual([items.status, items.body], [404, { detail: "Not found." }]);
    const bad = await call(app, "GET", "/v4/company-list/not-a-uuid", { token: user.token });
    assert.equal(bad.status, 404);
    const listed = await call(app, "GET", "/v4/company-list", { token: other.token });
    assert.equal(listed.body.count, 0);
  });

  await t.step("PUT adds idempotently, versions once; archived companies refused", async () => {
    const versions = async () =>
      (await sql`select count(*)::int as n from reversion_version
        where entity = 'company_list_item'`)[0].n;
    const before = await versions();
    for (let i = 0; i < 2; i++) {
      const res = await call(app, "PUT", `/v4/company-list/${listId}/item/${acme}`, {
        token: user.token,
      });
      assert.equal(res.status, 204);
      assert.equal(res.text, "");
    }
    assert.equal(await versions(), before + 1);
    const feed = await sql`select 1 from change_feed where entity = 'company_list_item'`;
    assert.equal(feed.length, 1);
    const archived = await call(app, "PUT", `/v4/company-list/${listId}/item/${gone}`, {
      token: user.token,
    });
    assert.equal(archived.status, 400);
    assert.deepEqual(archived.body, {
      non_field_errors: "An archived company can't be added to a company list.",
    });
    const missing = await call(
      app,
      "PUT",
      `/v4/company-list/${listId}/item/${crypto.randomUUID()}`,
      { token: user.token },
    );
    assert.deepEqual(missing.body, { detail: "No Company matches the given query." });
    await call(app, "PUT", `/v4/company-list/${listId}/item/${zeta}`, { token: user.token });
  });

  await t.step("item permissions need view_company plus the item codename", async () => {
    for (const method of ["PUT", "DELETE"]) {
      const res = await call(app, method, `/v4/company-list/${listId}/item/${acme}`, {
        token: listsOnly.token,
      });
      assert.equal(res.status, 403, method);
    }
    const res = await call(app, "GET", `/v4/company-list/${listId}/item`, {
      token: listsOnly.token,
    });
    assert.equal(res.status, 403);
  });

  await t.step("items list: company, created_on, latest_interaction (null)", async () => {
    const res = await call(app, "GET", `/v4/company-list/${listId}/item?sortby=company`, {
      token: user.token,
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.count, 2);
    const acmeItem = res.body.results.find((r: { company: { id: string } }) =>
      r.company.id === acme
    );
    assert.deepEqual(acmeItem, {
      company: { id: acme, name: "Acme", archived: false, trading_names: ["Trading Acme"] },
      created_on: "2024-05-01T09:00:00.500000Z",
      latest_interaction: null,
    });
    const paged = await call(app, "GET", `/v4/company-list/${listId}/item?limit=1&offset=1`, {
      token: user.token,
    });
    assert.equal(paged.body.results.length, 1);
    assert.ok(paged.body.previous);
    assert.equal(paged.body.next, null);
  });

  await t.step("list of lists: item_count, items__company_id filter, sortby", async () => {
    const second = await create(user.token, "A second list");
    await call(app, "PUT", `/v4/company-list/${second}/item/${zeta}`, { token: user.token });
    const all = await call(app, "GET", "/v4/company-list", { token: user.token });
    assert.deepEqual(
      all.body.results.map((r: { name: string; item_count: number }) => [r.name, r.item_count]),
      [["A second list", 1], ["Key accounts", 2]],
    );
    const withAcme = await call(app, "GET", `/v4/company-list?items__company_id=${acme}`, {
      token: user.token,
    });
    assert.deepEqual(withAcme.body.results.map((r: { id: string }) => r.id), [listId]);
    const byCount = await call(app, "GET", "/v4/company-list?sortby=-item_count", {
      token: user.token,
    });
    assert.equal(byCount.body.results[0].id, listId);
    const unknownSort = await call(app, "GET", "/v4/company-list?sortby=nonsense", {
      token: user.token,
    });
    assert.equal(unknownSort.status, 200);
    const bad = await call(app, "GET", "/v4/company-list?items__company_id=invalid_id", {
      token: user.token,
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { items__company_id: ["“invalid_id” is not a valid UUID."] });
    const empty = await call(app, "GET", "/v4/company-list?items__company_id=", {
      token: user.token,
    });
    assert.equal(empty.body.count, 2);
  });

  await t.step("rename keeps item_count; DELETE item and list answer 204", async () => {
    const res = await call(app, "PATCH", `/v4/company-list/${listId}`, {
      token: user.token,
      body: { name: "Renamed" },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), ["created_on", "id", "item_count", "name"]);
    assert.equal(res.body.name, "Renamed");
    assert.equal(res.body.item_count, 2);
    const removed = await call(app, "DELETE", `/v4/company-list/${listId}/item/${acme}`, {
      token: user.token,
    });
    assert.equal(removed.status, 204);
    const again = await call(app, "DELETE", `/v4/company-list/${listId}/item/${acme}`, {
      token: user.token,
    });
    assert.equal(again.status, 204);
    const deleted = await call(app, "DELETE", `/v4/company-list/${listId}`, {
      token: user.token,
    });
    assert.equal(deleted.status, 204);
    const gone = await call(app, "GET", `/v4/company-list/${listId}`, { token: user.token });
    assert.equal(gone.status, 404);
    const items = await sql`select 1 from company_list_companylistitem where list_id = ${listId}`;
    assert.equal(items.length, 0);
  });

  await ctx.close();
});

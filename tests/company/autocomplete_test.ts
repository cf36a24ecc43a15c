/**
 * `GET /v4/company?autocomplete=` ranks the caller's own list companies first (the
 * original's WithListAutocompleteFilter), reading the lists through the company list
 * domain; someone else's lists do not count.
 */
import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";

const PERMISSIONS = [
  "company.view_company",
  "company_list.add_companylist",
  "company_list.add_companylistitem",
];

Deno.test("company autocomplete: the caller's list companies first", async (t) => {
  const ctx = await testApp();
  const { app, sql } = ctx;
  const user = await createAdviser(sql, { permissions: PERMISSIONS });
  const other = await createAdviser(sql, { permissions: PERMISSIONS });

  const ids = new Map<string, string>();
  for (const name of ["Global Alpha", "Global Beta", "Global Gamma", "Globetrotters"]) {
    const [{ id }] = await sql<{ id: string }[]>`
      insert into company_company (name, created_on) values (${name}, now()) returning id`;
    ids.set(name, id);
  }
  const [{ id: local }] = await sql<{ id: string }[]>`
    insert into company_company (name, created_on) values ('Local Global Ltd', now())
    returning id`;
  ids.set("Local Global Ltd", local);

  const addToList = async (token: string, listName: string, companies: string[]) => {
    const list = await call(app, "POST", "/v4/company-list", { token, body: { name: listName } });
    assert.equal(list.status, 201);
    for (const name of companies) {
      const put = await call(app, "PUT", `/v4/company-list/${list.body.id}/item/${ids.get(name)}`, {
        token,
      });
      assert.equal(put.status, 204);
    }
  };
  await addToList(user.token, "Key", ["Local Global Ltd", "Global Gamma"]);
  await addToList(user.token, "Also key", ["Global Gamma"]);
  await addToList(other.token, "Theirs", ["Global Beta"]);

  const search = async (query: string) => {
    const res = await call(app, "GET", `/v4/company?${query}`, { token: user.token });
    assert.equal(res.status, 200);
    return res.body.results as { id: string; name: string; is_in_adviser_list?: boolean }[];
  };

  await t.step("own list companies first, then by name; flagged is_in_adviser_list", async () => {
    const results = await search("autocomplete=glob");
    assert.deepEqual(results.map((c) => [c.name, c.is_in_adviser_list]), [
      ["Global Gamma", true],
      ["Local Global Ltd", true],
      ["Global Alpha", false],
      ["Global Beta", false],
      ["Globetrotters", false],
    ]);
    const other = await call(app, "GET", "/v4/company?autocomplete=glob", {
      token: (await createAdviser(sql, { permissions: PERMISSIONS })).token,
    });
    assert.deepEqual(other.body.results.map((c: { name: string }) => c.name), [
      "Global Alpha",
      "Global Beta",
      "Global Gamma",
      "Globetrotters",
      "Local Global Ltd",
    ]);
  });

  await t.step("every token must prefix a word", async () => {
    const results = await search("autocomplete=glob%20gam");
    assert.deepEqual(results.map((c) => c.name), ["Global Gamma"]);
  });

  await t.step("an explicit sortby wins over the ranking", async () => {
    const results = await search("autocomplete=glob&sortby=-name");
    assert.deepEqual(results.map((c) => c.name), [
      "Local Global Ltd",
      "Globetrotters",
      "Global Gamma",
      "Global Beta",
      "Global Alpha",
    ]);
  });

  await t.step("a blank term matches everything, by name only", async () => {
    const blank = await search("autocomplete=%20&limit=1000");
    const byName = await search("sortby=name&limit=1000");
    assert.deepEqual(blank.map((c) => c.id), byName.map((c) => c.id));
    assert.equal(blank.find((c) => c.name === "Global Gamma")?.is_in_adviser_list, true);
  });

  await ctx.close();
});

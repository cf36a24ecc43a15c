/**
 * `GET /v4/company-activity/kings-award` as the original's KingsAwardRecipientViewSet
 * tests pin it: any signed-in adviser, latest year first then company name, comma lists
 * of years and category aliases (an unknown alias is a 400 listing the valid ones).
 */
import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";

const PATH = "/v4/company-activity/kings-award";

Deno.test("King's Award recipients", async (t) => {
  const ctx = await testApp();
  const { app, sql } = ctx;
  const user = await createAdviser(sql, {});
  const company = async (name: string) =>
    (await sql<{ id: string }[]>`
      insert into company_company (name, created_on) values (${name}, now())
      returning id::text`)[0].id;
  const award = async (companyId: string, year: number, category: string) =>
    (await sql<{ id: string }[]>`
      insert into company_activity_kingsawardrecipient
        (company_id, year_awarded, category, citation, year_expired)
      values (${companyId}, ${year}, ${category}, 'For excellence', ${year + 5})
      returning id::text`)[0].id;
  const alpha = await company("Alpha Ltd");
  const beta = await company("Beta Ltd");
  const innovation = "Innovation (Technology)";
  const trade = "International Trade (Export)";
  const a2024 = await award(beta, 2024, innovation);
  const b2024 = await award(alpha, 2024, innovation);
  const a2023 = await award(alpha, 2023, trade);
  const a2025 = await award(beta, 2025, "Sustainable Development (Environmental Achievement)");
  const ids = async (query = "") => {
    const res = await call(app, "GET", `${PATH}${query}`, { token: user.token });
    assert.equal(res.status, 200, res.text);
    return (res.body.results as { id: string }[]).map((r) => r.id);
  };

  await t.step("a signed-in adviser; latest year first, then company name", async () => {
    assert.equal((await call(app, "GET", PATH)).status, 401);
    const res = await call(app, "GET", PATH, { token: user.token });
    assert.equal(res.body.count, 4);
    assert.deepEqual(res.body.results.map((r: { id: string }) => r.id), [
      a2025,
      b2024,
      a2024,
      a2023,
    ]);
    assert.deepEqual(res.body.results[1], {
      id: b2024,
      company: { id: alpha, name: "Alpha Ltd" },
      year_awarded: 2024,
      category: innovation,
      citation: "For excellence",
      year_expired: 2029,
    });
    // The requested order replaces the default one: awards of a year come in any order.
    const ascending = await ids("?sortby=year_awarded");
    assert.deepEqual([ascending[0], ascending[3]], [a2023, a2025]);
    assert.deepEqual(await ids("?sortby=-year_awarded,company__name"), [
      a2025,
      b2024,
      a2024,
      a2023,
    ]);
  });

  await t.step("year_awarded: a comma list", async () => {
    assert.deepEqual(await ids("?year_awarded=2022"), []);
    assert.deepEqual(await ids("?year_awarded=2023,2024"), [b2024, a2024, a2023]);
    const bad = await call(app, "GET", `${PATH}?year_awarded=soon`, { token: user.token });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { year_awarded: ["Enter a number."] });
  });

  await t.step("category: aliases, any case, blanks ignored", async () => {
    assert.deepEqual(await ids("?category=innovation"), [b2024, a2024]);
    assert.deepEqual(
      await ids(`?category=${encodeURIComponent(" INNOVATION , international-trade ")}`),
      [b2024, a2024, a2023],
    );
    assert.deepEqual(await ids("?category=promoting-opportunity"), []);
    assert.equal((await ids(`?category=${encodeURIComponent(", , ")}`)).length, 4);
    const bad = await call(
      app,
      "GET",
      `${PATH}?category=innovation,invalid-alias,another-invalid`,
      {
        token: user.token,
      },
    );
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, [
      "Invalid category alias(es): invalid-alias, another-invalid. Valid aliases are: " +
      "international-trade, innovation, export-and-technology, sustainable-development, " +
      "promoting-opportunity.",
    ]);
  });

  await ctx.close();
});

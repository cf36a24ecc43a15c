import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import { formatCurrency, formatCurrencyRange } from "../../src/investment_lead/rules.ts";
import { recordVersions } from "../../src/core/versions.ts";
import { leadEntity } from "../../src/investment_lead/queries.ts";

const FRANCE = "82756b9a-5d95-e211-a939-e4115bead28a";

Deno.test("EYB lead ranges are formatted as the original", () => {
  assert.equal(formatCurrencyRange("0-9", ""), "Less than 10");
  assert.equal(formatCurrencyRange("1-10", ""), "1 to 10");
  assert.equal(formatCurrencyRange("500+", ""), "More than 500");
  assert.equal(formatCurrencyRange("500000-1000000"), "£500,000 to £1 million");
  assert.equal(formatCurrencyRange("0-499999"), "Less than £500,000");
  assert.equal(formatCurrencyRange("2000000+"), "More than £2 million");
  assert.equal(formatCurrencyRange("SPECIFIC_AMOUNT"), "Specific amount");
  assert.equal(formatCurrencyRange(""), "");
  assert.equal(formatCurrency(2500000), "£2.5 million");
  assert.equal(formatCurrency("75.5"), "£75.50");
  assert.equal(formatCurrency(1500000000), "£1.5 billion");
});

Deno.test("EYB leads: /v4/investment-lead/eyb", async (t) => {
  const ctx = await testApp();
  const { app, sql } = ctx;
  const user = await createAdviser(sql, { permissions: ["investment_lead.view_eyblead"] });
  const [{ id: company }] = await sql<{ id: string }[]>`
    insert into company_company (name, created_on) values ('Acme Robotics', now()) returning id`;
  const [sector] = await sql<{ id: string; root: string }[]>`
    select s.id::text, r.id::text as root from metadata_sector s
    join metadata_sector r on r.tree_id = s.tree_id and r.level = 0
    where s.level = 2 order by s.name limit 1`;
  const [{ region }] = await sql<{ region: string }[]>`
    select overseas_region_id::text as region from metadata_country where id = ${FRANCE}`;
  const lead = async (values: Record<string, unknown>) =>
    (await sql<{ id: string }[]>`
      insert into investment_lead_eyblead ${sql(values as Record<string, string>)} returning id`)[0]
      .id;
  const high = await lead({
    triage_hashed_uuid: "t1",
    user_hashed_uuid: "u1",
    triage_created: "2024-01-02T00:00:00Z",
    is_high_value: true,
    company_id: company,
    sector_id: sector.id,
    address_country_id: FRANCE,
    address_1: "1 Rue",
    hiring: "1-10",
    spend: "500000-1000000",
    created_on: new Date().toISOString(),
  });
  const unknown = await lead({
    triage_hashed_uuid: "t2",
    user_hashed_uuid: "u2",
    triage_created: "2024-03-01T00:00:00Z",
    company_name: "Bolt Ltd",
  });
  const archived = await lead({
    triage_hashed_uuid: "t3",
    user_hashed_uuid: "u3",
    archived: true,
  });
  await lead({ triage_hashed_uuid: "t4", user_hashed_uuid: "" });
  const ids = (body: { results: { id: string }[] }) => body.results.map((r) => r.id);
  const list = (query = "") =>
    call(app, "GET", `/v4/investment-lead/eyb${query}`, { token: user.token });

  await t.step("list: current leads, newest triage first, filters", async () => {
    assert.deepEqual(ids((await list()).body), [unknown, high]);
    assert.deepEqual(ids((await list("?value=high")).body), [high]);
    assert.deepEqual(ids((await list("?value=unknown&value=low")).body), [unknown]);
    assert.deepEqual(ids((await list("?value=nonsense")).body), []);
    assert.deepEqual(ids((await list(`?country=${FRANCE}`)).body), [high]);
    assert.deepEqual(ids((await list(`?overseas_region=${region}`)).body), [high]);
    assert.deepEqual(ids((await list(`?sector=${sector.root}`)).body), [high]);
    assert.deepEqual(ids((await list("?company=bolt")).body), [unknown]);
    assert.deepEqual(ids((await list("?company=robot")).body), [high]);
    assert.deepEqual(ids((await list("?sortby=triage_created")).body), [high, unknown]);
  });

  await t.step("detail: formatted ranges, address, audit log; archived is 404", async () => {
    await recordVersions(sql, { userId: null, at: new Date() }, [{ entity: leadEntity, id: high }]);
    await sql`update investment_lead_eyblead set spend = '2000000+' where id = ${high}`;
    await recordVersions(sql, { userId: null, at: new Date() }, [{ entity: leadEntity, id: high }]);
    const res = await call(app, "GET", `/v4/investment-lead/eyb/${high}`, { token: user.token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.hiring, "1 to 10");
    assert.equal(res.body.spend, "More than £2 million");
    assert.deepEqual(res.body.company, { id: company, name: "Acme Robotics" });
    assert.equal(res.body.address.line_1, "1 Rue");
    assert.equal(res.body.address.area, null);
    assert.equal(res.body.address.country.id, FRANCE);
    assert.equal(res.body.audit_log.length, 1);
    assert.deepEqual(res.body.audit_log[0].changes.spend, ["500000-1000000", "2000000+"]);
    const gone = await call(app, "GET", `/v4/investment-lead/eyb/${archived}`, {
      token: user.token,
    });
    assert.equal(gone.status, 404);
    const audit = await call(app, "GET", `/v4/investment-lead/eyb/${high}/audit`, {
      token: user.token,
    });
    assert.equal(audit.body.count, 1);
    const denied = await createAdviser(sql, {});
    assert.equal(
      (await list().then(() =>
        call(app, "GET", "/v4/investment-lead/eyb", {
          token: denied.token,
        })
      )).status,
      403,
    );
  });

  await ctx.close();
});

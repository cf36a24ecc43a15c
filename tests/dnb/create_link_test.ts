import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import {
  dnbEnv,
  NEW_YORK,
  SEARCH,
  startDnbService,
  ukRecord,
  UNITED_KINGDOM,
  UNITED_STATES,
  usRecord,
} from "../helpers/dnb_service.ts";
import { DNB_COMPANY_FIELDS } from "../../src/dnb/rules.ts";

const NOW = new Date("2019-01-01T11:12:13Z");

Deno.test("POST /v4/dnb/company-create", async (t) => {
  const dnb = startDnbService();
  const ctx = await testApp({ env: dnbEnv(dnb), deps: { now: () => NOW } });
  const { app, sql } = ctx;
  const user = await createAdviser(sql, { superuser: true });
  const create = (body: unknown, token = user.token) =>
    call(app, "POST", "/v4/dnb/company-create", { token, body });
  const answer = (...records: unknown[]) => dnb.json(SEARCH, { results: records });
  const clear = () => sql`delete from company_company`;

  await t.step("a UK company: the original's field mapping, versioned and indexed", async () => {
    answer(ukRecord());
    const res = await create({ duns_number: 123456789 });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(JSON.parse(dnb.seen(SEARCH).slice(-1)[0].body), {
      duns_number: "123456789",
    });
    const company = res.body;
    assert.deepEqual(Object.keys(company).sort(), [...DNB_COMPANY_FIELDS].sort());
    const uk = { id: UNITED_KINGDOM, name: "United Kingdom" };
    assert.deepEqual(
      {
        name: company.name,
        trading_names: company.trading_names,
        address: company.address,
        registered_address: company.registered_address,
        uk_based: company.uk_based,
        duns_number: company.duns_number,
        company_number: company.company_number,
        number_of_employees: company.number_of_employees,
        is_number_of_employees_estimated: company.is_number_of_employees_estimated,
        turnover: company.turnover,
        is_turnover_estimated: company.is_turnover_estimated,
        website: company.website,
        global_ultimate_duns_number: company.global_ultimate_duns_number,
        is_global_ultimate: company.is_global_ultimate,
        dnb_modified_on: company.dnb_modified_on,
        pending_dnb_investigation: company.pending_dnb_investigation,
        is_out_of_business: company.is_out_of_business,
        employee_range: company.employee_range,
        turnover_range: company.turnover_range,
        sector: company.sector,
      },
      {
        name: "FOO BICYCLE LIMITED",
        trading_names: [],
        address: {
          line_1: "Unit 10, Ockham Drive",
          line_2: "",
          town: "GREENFORD",
          county: "",
          postcode: "UB6 0F2",
          area: null,
          country: uk,
        },
        registered_address: {
          line_1: "C/O LONE VARY",
          line_2: "",
          town: "GREENFORD",
          county: "",
          postcode: "UB6 0F2",
          area: null,
          country: uk,
        },
        uk_based: true,
        duns_number: "123456789",
        company_number: "01261539",
        number_of_employees: 260,
        is_number_of_employees_estimated: true,
        turnover: 50651895,
        is_turnover_estimated: null,
        website: "http://foo.com",
        global_ultimate_duns_number: "291332174",
        is_global_ultimate: false,
        dnb_modified_on: "2019-01-01T11:12:13Z",
        pending_dnb_investigation: false,
        is_out_of_business: false,
        employee_range: null,
        turnover_range: null,
        sector: null,
      },
    );
    const [row] = await sql`select created_by_id::text as c, modified_by_id::text as m
      from company_company where id = ${company.id}`;
    assert.deepEqual(row, { c: user.id, m: user.id });
    const versions = await sql`select r.user_id::text from reversion_version v
      join reversion_revision r on r.id = v.revision_id where v.object_id = ${company.id}`;
    assert.deepEqual(versions.map((v) => v.user_id), [user.id]);
    await ctx.deps.jobs.idle();
    const [doc] = await sql`select doc->>'name' as name from search_company
      where id = ${company.id}`;
    assert.equal(doc?.name, "FOO BICYCLE LIMITED");
  });

  await t.step("an existing DUNS number is a 400 before D&B is asked", async () => {
    const before = dnb.seen(SEARCH).length;
    const res = await create({ duns_number: "123456789" });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      duns_number: ["Company with duns_number: 123456789 already exists in DataHub."],
    });
    assert.equal(dnb.seen(SEARCH).length, before);
    await clear();
  });

  await t.step("a non-UK company: area by name, no company number", async () => {
    answer(usRecord());
    const res = await create({ duns_number: "123456789" });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.address, {
      line_1: "150 Madison Ave",
      line_2: "",
      town: "New York",
      county: "",
      postcode: "10033-1062",
      area: { id: NEW_YORK, name: "New York" },
      country: { id: UNITED_STATES, name: "United States" },
    });
    assert.equal(res.body.registered_address, null);
    assert.equal(res.body.company_number, null);
    assert.equal(res.body.uk_based, false);
    assert.deepEqual(res.body.trading_names, ["Acme"]);
    assert.equal(res.body.website, "http://acme.com");
    assert.equal(res.body.turnover, 1000000);
    await clear();
  });

  await t.step("turnover in another currency than USD is dropped", async () => {
    answer(ukRecord({ annual_sales_currency: "GBP", is_annual_sales_estimated: true }));
    const res = await create({ duns_number: "123456789" });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.turnover, null);
    assert.equal(res.body.is_turnover_estimated, null);
    await clear();
  });

  await t.step("bad DUNS numbers: the original's messages", async () => {
    const cases: [unknown, unknown][] = [
      [{ duns_number: null }, { duns_number: ["This field may not be null."] }],
      [{ duns_number: "foobarbaz" }, { duns_number: ["Enter a valid integer."] }],
      [{ duns_number: "12345678" }, {
        duns_number: ["Ensure this field has at least 9 characters."],
      }],
      [{ duns_number: "1234567890" }, {
        duns_number: ["Ensure this field has no more than 9 characters."],
      }],
      [{ not_duns_number: "123456789" }, { duns_number: ["This field is required."] }],
    ];
    for (const [body, errors] of cases) {
      const res = await create(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.deepEqual(res.body, errors);
    }
  });

  await t.step("none, several or another company found", async () => {
    const cases: [unknown[], number, string][] = [
      [[], 400, "Cannot find a company with duns_number: 123456789"],
      [["foo", "bar"], 502, "Multiple companies found with duns_number: 123456789"],
      [
        [{ duns_number: "012345678" }],
        502,
        "DUNS number of the company: 012345678 did not match searched DUNS number: 123456789",
      ],
    ];
    for (const [results, status, detail] of cases) {
      answer(...results);
      const res = await create({ duns_number: 123456789 });
      assert.equal(res.status, status);
      assert.deepEqual(res.body, { detail });
    }
  });

  await t.step("D&B records Data Hub cannot take: 400 with the serializer's errors", async () => {
    const cases: [string, unknown][] = [
      ["primary_name", { name: ["This field may not be null."] }],
      ["trading_names", { trading_names: ["This field may not be null."] }],
      ["address_line_1", { address: { line_1: ["This field is required."] } }],
      ["address_town", { address: { town: ["This field is required."] } }],
      ["address_country", { address: { country: ["This field is required."] } }],
    ];
    for (const [missing, errors] of cases) {
      const record = ukRecord();
      delete record[missing];
      answer(record);
      const res = await create({ duns_number: 123456789 });
      assert.equal(res.status, 400, missing);
      assert.deepEqual(res.body, errors);
    }
    answer(ukRecord({ address_country: "FOO" }));
    assert.deepEqual((await create({ duns_number: 123456789 })).body, {
      address: { country: ["This field is required."] },
    });
    for (const gu of ["foobarbaz", "12345678", "1234567890"]) {
      answer(ukRecord({ global_ultimate_duns_number: gu }));
      const res = await create({ duns_number: 123456789 });
      assert.equal(res.status, 400);
      assert.ok(res.body.global_ultimate_duns_number, JSON.stringify(res.body));
    }
    const [{ n }] = await sql`select count(*)::int as n from company_company`;
    assert.equal(n, 0);
  });

  await t.step("missing optional fields still create the company", async () => {
    const overrides = [
      { domain: null },
      { trading_names: [] },
      { annual_sales: null },
      { employee_number: null },
      { registered_address_line_1: "" },
      { registered_address_country: "" },
      { address_county: "" },
      { global_ultimate_duns_number: null },
    ];
    for (const override of overrides) {
      answer(ukRecord(override));
      const res = await create({ duns_number: 123456789 });
      assert.equal(res.status, 200, `${JSON.stringify(override)}: ${res.text}`);
      if ("registered_address_line_1" in override || "registered_address_country" in override) {
        assert.equal(res.body.registered_address, null);
      }
      await clear();
    }
  });

  await t.step("dnb-service errors are 502; permissions are checked first", async () => {
    for (const status of [400, 401, 403, 404, 405, 500, 502]) {
      dnb.status(SEARCH, status);
      const res = await create({ duns_number: 123456789 });
      assert.equal(res.status, 502);
      assert.deepEqual(res.body, { detail: `DNB service returned an error status: ${status}` });
    }
    dnb.hang(SEARCH);
    const slow = await create({ duns_number: 123456789 });
    assert.equal(slow.status, 502);
    assert.deepEqual(slow.body, { detail: "Encountered a timeout interacting with DNB service" });
    for (const permissions of [[], ["company.add_company"], ["company.view_company"]]) {
      const adviser = await createAdviser(sql, { permissions });
      assert.equal((await create({ duns_number: 123456789 }, adviser.token)).status, 403);
    }
  });

  await ctx.close();
  await dnb.close();
});

Deno.test("POST /v4/dnb/company-link", async (t) => {
  const dnb = startDnbService();
  const ctx = await testApp({ env: dnbEnv(dnb), deps: { now: () => NOW } });
  const { app, sql } = ctx;
  const user = await createAdviser(sql, { superuser: true });
  const link = (
    body: unknown,
    options: { token?: string; headers?: Record<string, string> } = {},
  ) => call(app, "POST", "/v4/dnb/company-link", { token: user.token, body, ...options });
  const company = async (duns: string | null = null) => {
    const [{ id }] = await sql`insert into company_company (name, duns_number, modified_on)
      values ('Plain Ltd', ${duns}, '2018-01-01T00:00:00Z') returning id::text`;
    return id as string;
  };

  await t.step("406 unless JSON, 403 without view and change", async () => {
    const id = await company();
    const res = await link("x", { headers: { "content-type": "text/html" } });
    assert.equal(res.status, 406);
    for (const permissions of [[], ["company.change_company"], ["company.view_company"]]) {
      const adviser = await createAdviser(sql, { permissions });
      const denied = await link({ company_id: id, duns_number: "123456789" }, {
        token: adviser.token,
      });
      assert.equal(denied.status, 403);
    }
  });

  await t.step("bad input is a 400", async () => {
    const id = await company();
    for (
      const override of [
        { duns_number: null },
        { duns_number: "foobarbaz" },
        { duns_number: "12345678" },
        { company_id: null },
        { company_id: "does-not-exist" },
        { company_id: "11111111-2222-3333-4444-555555555555" },
      ]
    ) {
      const res = await link({ company_id: id, duns_number: "123456789", ...override });
      assert.equal(res.status, 400, JSON.stringify(override));
    }
    const missing = await link({
      company_id: "11111111-2222-3333-4444-555555555555",
      duns_number: "123456789",
    });
    assert.deepEqual(missing.body, {
      company_id: ['Invalid pk "11111111-2222-3333-4444-555555555555" - object does not exist.'],
    });
  });

  await t.step("already linked, or the DUNS number taken", async () => {
    const linked = await company("123456789");
    const res = await link({ company_id: linked, duns_number: "012345678" });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      detail: `Company ${linked} is already linked with duns number 123456789`,
    });
    const other = await company();
    const taken = await link({ company_id: other, duns_number: "123456789" });
    assert.deepEqual(taken.body, {
      duns_number: ["Company with duns_number: 123456789 already exists in DataHub."],
    });
    await sql`delete from company_company`;
  });

  await t.step("D&B does not know it: 400; D&B fails: 502", async () => {
    const id = await company();
    dnb.json(SEARCH, { results: [] });
    const res = await link({ company_id: id, duns_number: "123456789" });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { detail: "Cannot find a company with duns_number: 123456789" });
    dnb.status(SEARCH, 500);
    assert.equal((await link({ company_id: id, duns_number: "123456789" })).status, 502);
    const [row] = await sql`select duns_number from company_company where id = ${id}`;
    assert.equal(row.duns_number, null, "rolled back");
  });

  await t.step("valid: linked, refreshed from D&B, one version, the full company", async () => {
    const id = await company();
    dnb.json(SEARCH, { results: [ukRecord()] });
    const res = await link({ company_id: id, duns_number: "123456789" });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.duns_number, "123456789");
    assert.equal(res.body.name, "FOO BICYCLE LIMITED");
    assert.equal(res.body.company_number, "01261539");
    assert.equal(res.body.global_ultimate_duns_number, "291332174");
    assert.equal(res.body.number_of_employees, 260);
    assert.equal(res.body.turnover, 50651895);
    assert.equal(res.body.address.line_1, "Unit 10, Ockham Drive");
    assert.equal(res.body.dnb_modified_on, "2019-01-01T11:12:13Z");
    assert.equal(res.body.modified_on, "2019-01-01T11:12:13Z");
    assert.equal(res.body.modified_by.id, user.id);
    assert.ok("turnover_gbp" in res.body, "the whole CompanySerializer");
    const versions = await sql`select r.comment, r.user_id::text from reversion_version v
      join reversion_revision r on r.id = v.revision_id where v.object_id = ${id}`;
    assert.deepEqual(versions.map((v) => ({ ...v })), [
      { comment: "Updated from D&B [admin:link_company_with_dnb]", user_id: user.id },
    ]);
  });

  await ctx.close();
  await dnb.close();
});

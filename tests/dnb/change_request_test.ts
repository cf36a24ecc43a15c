import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import {
  ALABAMA,
  CHANGE_REQUEST_GET,
  CHANGE_REQUEST_POST,
  closedUrl,
  DNB_TOKEN,
  dnbEnv,
  INVESTIGATION,
  NEW_YORK,
  startDnbService,
  TEXAS,
  UNITED_KINGDOM,
  UNITED_STATES,
} from "../helpers/dnb_service.ts";

const PENDING = {
  id: "11111111-2222-3333-4444-555555555555",
  status: "pending",
  created_on: "2020-01-05T11:00:00",
};

Deno.test("/v4/dnb/company-change-request", async (t) => {
  const dnb = startDnbService();
  const ctx = await testApp({ env: dnbEnv(dnb) });
  const { app, sql } = ctx;
  const user = await createAdviser(sql, { superuser: true });
  const post = (body: unknown, token = user.token) =>
    call(app, "POST", "/v4/dnb/company-change-request", { token, body });
  const get = (query: string) =>
    call(app, "GET", `/v4/dnb/company-change-request${query}`, { token: user.token });
  await sql`insert into company_company (name, duns_number, address_1, address_2, address_town,
      address_county, address_postcode, address_country_id, address_area_id)
    values ('Foo Ltd', '123456789', '1 Old Road', 'Old Town', 'London', 'Greater London', 'W1 1AA',
      ${UNITED_KINGDOM}, ${TEXAS})`;
  const echo = () =>
    dnb.on(
      CHANGE_REQUEST_POST,
      ({ body }) => Response.json({ ...PENDING, ...(body as object) }, { status: 201 }),
    );

  await t.step("403 without view and change; 406 unless JSON", async () => {
    for (const permissions of [[], ["company.change_company"], ["company.view_company"]]) {
      const adviser = await createAdviser(sql, { permissions });
      assert.equal((await post({}, adviser.token)).status, 403);
    }
    const res = await call(app, "POST", "/v4/dnb/company-change-request", {
      token: user.token,
      body: "x",
      headers: { "content-type": "text/plain" },
    });
    assert.equal(res.status, 406);
  });

  await t.step("bad input: the original's messages", async () => {
    const cases: [unknown, unknown][] = [
      [{ duns_number: "123456789" }, { changes: ["This field is required."] }],
      [{ changes: { website: "example.com" } }, { duns_number: ["This field is required."] }],
      [{ duns_number: "123456789", changes: {} }, { changes: ["No changes submitted."] }],
      [{ duns_number: "123456789", changes: { website: "Foo Bar" } }, {
        changes: { website: ["Enter a valid URL."] },
      }],
      [{ duns_number: "987654321", changes: { name: "Foo Bar" } }, {
        duns_number: ["Company with duns_number: 987654321 does not exists in DataHub."],
      }],
    ];
    for (const [body, errors] of cases) {
      const res = await post(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.deepEqual(res.body, errors);
    }
    assert.equal(dnb.seen(CHANGE_REQUEST_POST).length, 0);
  });

  await t.step("every field renamed for dnb-service; the answer passed back", async () => {
    echo();
    const res = await post({
      duns_number: "123456789",
      changes: {
        name: "Foo Bar",
        trading_names: ["Foo Bar INC"],
        website: "https://example.com",
        address: {
          line_1: "123 Fake Street",
          line_2: "Foo",
          town: "Beverly Hills",
          county: "Los Angeles",
          area: { id: ALABAMA },
          postcode: "91012",
          country: { id: UNITED_STATES },
        },
        number_of_employees: 100,
        turnover: 1000,
      },
    });
    assert.equal(res.status, 200, res.text);
    const sent = {
      duns_number: "123456789",
      changes: {
        primary_name: "Foo Bar",
        trading_names: ["Foo Bar INC"],
        domain: "example.com",
        address_line_1: "123 Fake Street",
        address_line_2: "Foo",
        address_town: "Beverly Hills",
        address_county: "Los Angeles",
        address_area: { name: "Alabama", abbrev_name: "AL" },
        address_country: "US",
        address_postcode: "91012",
        employee_number: 100,
        annual_sales: 1000,
      },
    };
    const [seen] = dnb.seen(CHANGE_REQUEST_POST).slice(-1);
    assert.deepEqual(JSON.parse(seen.body), sent);
    assert.equal(seen.authorization, `Token ${DNB_TOKEN}`);
    assert.deepEqual(res.body, { ...PENDING, ...sent });
  });

  await t.step("a website is sent as its domain; turnover_gbp as USD", async () => {
    echo();
    await post({ duns_number: "123456789", changes: { website: "https://example.com/hello" } });
    assert.deepEqual(JSON.parse(dnb.seen(CHANGE_REQUEST_POST).slice(-1)[0].body).changes, {
      domain: "example.com",
    });
    await post({ duns_number: "123456789", changes: { turnover_gbp: 813 } });
    const { annual_sales } = JSON.parse(dnb.seen(CHANGE_REQUEST_POST).slice(-1)[0].body).changes;
    assert.ok(Math.abs(annual_sales - 813 / 0.81318591) < 1e-6, String(annual_sales));
  });

  await t.step("a partial address is completed from the company's", async () => {
    echo();
    const res = await post({ duns_number: "123456789", changes: { address: { line_1: "New" } } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(JSON.parse(dnb.seen(CHANGE_REQUEST_POST).slice(-1)[0].body).changes, {
      address_line_1: "New",
      address_line_2: "Old Town",
      address_town: "London",
      address_county: "Greater London",
      address_country: "GB",
      address_postcode: "W1 1AA",
      address_area: { name: "Texas", abbrev_name: "TX" },
    });
  });

  await t.step("dnb-service failures are 502", async () => {
    const body = { duns_number: "123456789", changes: { website: "www.example.com" } };
    for (const status of [400, 401, 403, 404, 405, 500, 502]) {
      dnb.status(CHANGE_REQUEST_POST, status);
      const res = await post(body);
      assert.equal(res.status, 502);
      assert.deepEqual(res.body, { detail: `DNB service returned an error status: ${status}` });
    }
    dnb.hang(CHANGE_REQUEST_POST);
    assert.deepEqual((await post(body)).body, {
      detail: "Encountered a timeout interacting with DNB service",
    });
    dnb.raw(CHANGE_REQUEST_POST, "not json");
    assert.equal((await post(body)).status, 502);
  });

  await t.step("GET: dnb-service's page of requests", async () => {
    const page = { count: 1, next: null, previous: null, results: [{ ...PENDING }] };
    dnb.json(CHANGE_REQUEST_GET, page);
    const res = await get("?duns_number=123456789&status=pending");
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, page);
    const [seen] = dnb.seen(CHANGE_REQUEST_GET).slice(-1);
    assert.equal(seen.query.get("duns_number"), "123456789");
    assert.equal(seen.query.get("status"), "pending");
    await get("?duns_number=123456789");
    assert.equal(dnb.seen(CHANGE_REQUEST_GET).slice(-1)[0].query.has("status"), false);
  });

  await t.step("GET: bad input and failures", async () => {
    const cases: [string, unknown][] = [
      ["?status=pending", { duns_number: ["This field may not be null."] }],
      ["?duns_number=something%20invalid&status=pending", {
        duns_number: ["Enter a valid integer.", "Ensure this field has no more than 9 characters."],
      }],
      ["?duns_number=123456789&status=something%20invalid", {
        status: ['"something invalid" is not a valid choice.'],
      }],
    ];
    for (const [query, errors] of cases) {
      const res = await get(query);
      assert.equal(res.status, 400, query);
      assert.deepEqual(res.body, errors);
    }
    dnb.status(CHANGE_REQUEST_GET, 500);
    assert.equal((await get("?duns_number=123456789")).status, 502);
  });

  await ctx.close();
  await dnb.close();
});

Deno.test("GET change requests with dnb-service down: the original's words", async () => {
  const ctx = await testApp({
    env: { DNB_SERVICE_BASE_URL: closedUrl(), DNB_SERVICE_TOKEN: DNB_TOKEN },
  });
  const user = await createAdviser(ctx.sql, { superuser: true });
  await ctx.sql`insert into company_company (name, duns_number) values ('Foo', '123456789')`;
  const res = await call(ctx.app, "GET", "/v4/dnb/company-change-request?duns_number=123456789", {
    token: user.token,
  });
  assert.equal(res.status, 502);
  assert.match(res.body.detail, /^Upstream service unavailable: 127\.0\.0\.1:\d+$/);
  await ctx.close();
});

Deno.test("POST /v4/dnb/company-investigation", async (t) => {
  const dnb = startDnbService();
  const ctx = await testApp({ env: dnbEnv(dnb) });
  const { app, sql } = ctx;
  const user = await createAdviser(sql, { superuser: true });
  const investigate = (body: unknown, token = user.token) =>
    call(app, "POST", "/v4/dnb/company-investigation", { token, body });
  const [{ id: companyId }] = await sql`insert into company_company (name, modified_on)
    values ('Stub Ltd', '2018-01-01T00:00:00Z') returning id::text`;
  const valid = (overrides: Record<string, unknown> = {}) => ({
    company: companyId,
    name: "Foo Bar LTD",
    address: {
      line_1: "123 Fake Street",
      line_2: "Someplace",
      town: "London",
      county: "Greater London",
      country: { id: UNITED_KINGDOM },
      postcode: "W1 0TN",
    },
    website: "https://www.example.com",
    telephone_number: "+44 1234 567 890",
    ...overrides,
  });
  const answer = () =>
    dnb.on(
      INVESTIGATION,
      ({ body }) => Response.json({ ...PENDING, ...(body as object) }, { status: 201 }),
    );

  await t.step("401, 403, 406", async () => {
    assert.equal((await investigate(valid(), "nope")).status, 401);
    for (const permissions of [[], ["company.change_company"], ["company.view_company"]]) {
      const adviser = await createAdviser(sql, { permissions });
      assert.equal((await investigate({}, adviser.token)).status, 403);
    }
    const res = await call(app, "POST", "/v4/dnb/company-investigation", {
      token: user.token,
      body: "x",
      headers: { "content-type": "text/html" },
    });
    assert.equal(res.status, 406);
  });

  await t.step("bad input: the original's messages", async () => {
    const cases: [Record<string, unknown>, unknown][] = [
      [{ company: "5cf5bf52-9497-465d-913b-f8fdc0331f41" }, {
        company: ['Invalid pk "5cf5bf52-9497-465d-913b-f8fdc0331f41" - object does not exist.'],
      }],
      [{ name: null }, { name: ["This field may not be null."] }],
      [{ address: null }, { address: ["This field may not be null."] }],
      [{ address: { postcode: "W1 0TN" } }, {
        address: {
          line_1: ["This field is required."],
          town: ["This field is required."],
          country: ["This field is required."],
        },
      }],
      [{ website: "", telephone_number: "" }, {
        non_field_errors: ["Either website or telephone_number must be provided."],
      }],
      [{ website: "Foo Bar" }, { website: ["Enter a valid URL."] }],
    ];
    for (const [overrides, errors] of cases) {
      const res = await investigate(valid(overrides));
      assert.equal(res.status, 400, JSON.stringify(overrides));
      assert.deepEqual(res.body, errors);
    }
    assert.equal(dnb.seen(INVESTIGATION).length, 0);
  });

  await t.step(
    "valid: sent in dnb-service's terms; the company flagged and versioned",
    async () => {
      answer();
      const res = await investigate({
        company: companyId,
        name: "Joe Bloggs LTD",
        website: "https://www.example.com",
        telephone_number: "123456789",
        address: {
          line_1: "23 Code Street",
          line_2: "Someplace",
          town: "Beverly Hills",
          county: "Los Angeles",
          area: { id: NEW_YORK },
          postcode: "91012",
          country: UNITED_STATES,
        },
      });
      assert.equal(res.status, 200, res.text);
      const details = {
        company_details: {
          primary_name: "Joe Bloggs LTD",
          domain: "www.example.com",
          telephone_number: "123456789",
          address_line_1: "23 Code Street",
          address_line_2: "Someplace",
          address_town: "Beverly Hills",
          address_county: "Los Angeles",
          address_area: { name: "New York", abbrev_name: "NY" },
          address_postcode: "91012",
          address_country: "US",
        },
      };
      assert.deepEqual(JSON.parse(dnb.seen(INVESTIGATION).slice(-1)[0].body), details);
      assert.deepEqual(res.body, { ...PENDING, ...details });
      const [row] = await sql`select dnb_investigation_id::text as id, pending_dnb_investigation
      from company_company where id = ${companyId}`;
      assert.deepEqual({ ...row }, { id: PENDING.id, pending_dnb_investigation: true });
      const [{ n }] = await sql`select count(*)::int as n from reversion_version
      where object_id = ${companyId}`;
      assert.equal(n, 1);
    },
  );

  await t.step("the minimum: either a website or a telephone number", async () => {
    await sql`update company_company set dnb_investigation_id = null where id = ${companyId}`;
    answer();
    const minimal = {
      company: companyId,
      name: "Joe Bloggs LTD",
      address: { line_1: "23 Code Street", town: "London", country: UNITED_KINGDOM },
    };
    let res = await investigate({ ...minimal, telephone_number: "123456789" });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(JSON.parse(dnb.seen(INVESTIGATION).slice(-1)[0].body), {
      company_details: {
        primary_name: "Joe Bloggs LTD",
        telephone_number: "123456789",
        address_line_1: "23 Code Street",
        address_town: "London",
        address_country: "GB",
      },
    });
    await sql`update company_company set dnb_investigation_id = null where id = ${companyId}`;
    res = await investigate({ ...minimal, website: "https://joe.com" });
    assert.equal(res.status, 200, res.text);
    assert.equal(
      JSON.parse(dnb.seen(INVESTIGATION).slice(-1)[0].body).company_details.domain,
      "joe.com",
    );
  });

  await t.step("dnb-service failures are 502 and change nothing", async () => {
    await sql`update company_company set dnb_investigation_id = null,
      pending_dnb_investigation = false where id = ${companyId}`;
    for (const status of [400, 500, 502]) {
      dnb.status(INVESTIGATION, status);
      const res = await investigate(valid());
      assert.equal(res.status, 502);
      assert.deepEqual(res.body, { detail: `DNB service returned an error status: ${status}` });
    }
    dnb.hang(INVESTIGATION);
    assert.deepEqual((await investigate(valid())).body, {
      detail: "Encountered a timeout interacting with DNB service",
    });
    dnb.json(INVESTIGATION, { status: "pending" });
    assert.equal((await investigate(valid())).status, 502, "an answer without an id");
    const [row] = await sql`select pending_dnb_investigation from company_company
      where id = ${companyId}`;
    assert.equal(row.pending_dnb_investigation, false);
  });

  await ctx.close();
  await dnb.close();
});

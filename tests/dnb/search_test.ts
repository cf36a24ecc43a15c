import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import {
  closedUrl,
  DNB_TOKEN,
  dnbEnv,
  SEARCH,
  startDnbService,
  UNITED_KINGDOM,
} from "../helpers/dnb_service.ts";

Deno.test("POST /v4/dnb/company-search", async (t) => {
  const dnb = startDnbService();
  const ctx = await testApp({ env: dnbEnv(dnb) });
  const { app, sql } = ctx;
  const viewer = await createAdviser(sql, {
    permissions: ["company.view_company", "interaction.view_all_interaction"],
  });
  const companyOnly = await createAdviser(sql, { permissions: ["company.view_company"] });
  const noView = await createAdviser(sql, { permissions: ["interaction.view_all_interaction"] });
  const search = (token: string, body: unknown = { search_term: "foo" }, headers = {}) =>
    call(app, "POST", "/v4/dnb/company-search", { token, body, headers });

  const [{ id: quiet }] = await sql`insert into company_company (name, duns_number,
    address_country_id) values ('Quiet Ltd', '001234567', ${UNITED_KINGDOM}) returning id::text`;
  const [{ id: busy }] = await sql`insert into company_company (name, duns_number,
    address_country_id) values ('Busy Ltd', '007654321', ${UNITED_KINGDOM}) returning id::text`;
  const [{ id: latest }] = await sql`insert into interaction_interaction (kind, date, subject,
      was_policy_feedback_provided, company_id, created_on, modified_on)
    values ('interaction', '2019-08-01T00:00:00Z', 'Meeting with Joe Bloggs', false, ${busy},
      '2019-08-01T16:00:00Z', '2019-08-01T16:00:00Z') returning id::text`;
  await sql`insert into interaction_interaction (kind, date, subject,
      was_policy_feedback_provided, company_id, created_on, modified_on)
    values ('interaction', '2018-08-01T00:00:00Z', 'Meeting with John Smith', false, ${busy},
      '2018-08-01T00:00:00Z', '2018-08-01T00:00:00Z')`;

  await t.step("forwards the body as sent with the token; results paired", async () => {
    dnb.json(SEARCH, {
      total_matches: 3,
      results: [
        { duns_number: "999999999", primary_name: "Unknown" },
        { duns_number: "001234567" },
        { duns_number: "007654321" },
      ],
    });
    const res = await search(viewer.token, '{"arg": "value"}');
    assert.equal(res.status, 200, res.text);
    const [seen] = dnb.seen(SEARCH).slice(-1);
    assert.equal(seen.body, '{"arg": "value"}');
    assert.equal(seen.authorization, `Token ${DNB_TOKEN}`);
    assert.equal(seen.contentType, "application/json");
    assert.deepEqual(res.body, {
      total_matches: 3,
      results: [
        {
          dnb_company: { duns_number: "999999999", primary_name: "Unknown" },
          datahub_company: null,
        },
        {
          dnb_company: { duns_number: "001234567" },
          datahub_company: { id: quiet, latest_interaction: null },
        },
        {
          dnb_company: { duns_number: "007654321" },
          datahub_company: {
            id: busy,
            latest_interaction: {
              id: latest,
              created_on: "2019-08-01T16:00:00Z",
              date: "2019-08-01",
              subject: "Meeting with Joe Bloggs",
            },
          },
        },
      ],
    });
  });

  await t.step("latest_interaction needs interaction.view_all_interaction", async () => {
    dnb.json(SEARCH, { results: [{ duns_number: "007654321" }] });
    const res = await search(companyOnly.token);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.results[0].datahub_company, { id: busy });
  });

  await t.step("an empty JSON body is sent as {}", async () => {
    dnb.json(SEARCH, { results: [] });
    const res = await call(app, "POST", "/v4/dnb/company-search", {
      token: viewer.token,
      headers: { "content-type": "application/json" },
    });
    assert.equal(res.status, 200);
    assert.equal(dnb.seen(SEARCH).slice(-1)[0].body, "{}");
  });

  await t.step("401, 403, then 406 unless JSON; bad JSON is a 400", async () => {
    const before = dnb.requests.length;
    assert.equal((await search("nope")).status, 401);
    assert.deepEqual((await search(noView.token)).body, {
      detail: "You do not have permission to perform this action.",
    });
    const html = await search(viewer.token, "x", { "content-type": "text/html" });
    assert.equal(html.status, 406);
    assert.equal(html.text, "Please set Content-Type header value to application/json");
    const bad = await search(viewer.token, "{oops");
    assert.equal(bad.status, 400);
    assert.match(bad.body.detail, /^JSON parse error/);
    assert.equal(dnb.requests.length, before, "dnb-service is not called");
  });

  await t.step("dnb-service's 4xx answers pass through", async () => {
    dnb.status(SEARCH, 400, '{"error":"msg"}');
    const res = await search(viewer.token);
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { error: "msg" });
  });

  await t.step("a 5xx, a timeout, malformed JSON: 502 with the original's words", async () => {
    dnb.status(SEARCH, 500);
    let res = await search(viewer.token);
    assert.equal(res.status, 502);
    assert.deepEqual(res.body, { detail: "DNB service returned an error status: 500" });

    dnb.hang(SEARCH);
    res = await search(viewer.token);
    assert.equal(res.status, 502);
    assert.deepEqual(res.body, { detail: "Encountered a timeout interacting with DNB service" });

    dnb.raw(SEARCH, "<html>not json");
    res = await search(viewer.token);
    assert.equal(res.status, 502);
    assert.deepEqual(res.body, { detail: "DNB service returned an invalid response" });
  });

  await ctx.close();
  await dnb.close();
});

Deno.test("dnb-service down or not configured: 502, never a 500", async (t) => {
  await t.step("connection refused", async () => {
    const ctx = await testApp({
      env: { DNB_SERVICE_BASE_URL: closedUrl(), DNB_SERVICE_TOKEN: DNB_TOKEN },
    });
    const adviser = await createAdviser(ctx.sql, { permissions: ["company.view_company"] });
    const res = await call(ctx.app, "POST", "/v4/dnb/company-search", {
      token: adviser.token,
      body: {},
    });
    assert.equal(res.status, 502);
    assert.deepEqual(res.body, { detail: "Encountered an error connecting to DNB service" });
    await ctx.close();
  });

  await t.step("DNB_SERVICE_BASE_URL unset", async () => {
    const ctx = await testApp();
    const adviser = await createAdviser(ctx.sql, { superuser: true });
    const res = await call(ctx.app, "POST", "/v4/dnb/company-search", {
      token: adviser.token,
      body: {},
    });
    assert.equal(res.status, 502);
    assert.deepEqual(res.body, { detail: "The setting DNB_SERVICE_BASE_URL has not been set" });
    await ctx.close();
  });
});

import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import { assertSignedResponse, hawkHeader } from "../helpers/hawk.ts";
import { PUBLIC_COMPANY_FIELDS } from "../../src/company/rules.ts";

const MARKET_ACCESS = { id: "market-access", key: "market-access-secret" };
const FRONTEND = { id: "frontend", key: "frontend-secret" };
const NOW = new Date("2026-02-01T09:00:00Z");
const UK = "80756b9a-5d95-e211-a939-e4115bead28a";
const LONDON = "874cd12a-6095-e211-a939-e4115bead28a";

Deno.test("GET /v4/public/company/{id}: the Hawk view for Market Access", async (t) => {
  const ctx = await testApp({
    env: {
      MARKET_ACCESS_ACCESS_KEY_ID: MARKET_ACCESS.id,
      MARKET_ACCESS_SECRET_ACCESS_KEY: MARKET_ACCESS.key,
      DATA_HUB_FRONTEND_ACCESS_KEY_ID: FRONTEND.id,
      DATA_HUB_FRONTEND_SECRET_ACCESS_KEY: FRONTEND.key,
    },
    deps: { now: () => NOW },
  });
  const staff = await createAdviser(ctx.sql, {
    permissions: ["company.add_company", "company.view_company"],
  });
  const created = await call(ctx.app, "POST", "/v4/company", {
    token: staff.token,
    body: {
      name: "Public Widgets Ltd",
      business_type: "9dd14e94-5d95-e211-a939-e4115bead28a",
      sector: "af959812-6095-e211-a939-e4115bead28a",
      uk_region: LONDON,
      address: { line_1: "1 High Street", town: "London", postcode: "SW1A 1AA", country: UK },
    },
  });
  assert.equal(created.status, 201, created.text);
  const path = `/v4/public/company/${created.body.id}`;
  const ts = Math.floor(NOW.getTime() / 1000);
  let nonce = 0;
  const signedAs = async (client: { id: string; key: string }, target = path) =>
    await hawkHeader(client, { url: `http://testserver${target}`, ts, nonce: `n${++nonce}` });

  await t.step("a signed request gets the cut-down company, signed back", async () => {
    const signed = await signedAs(MARKET_ACCESS);
    const res = await call(ctx.app, "GET", path, { headers: { authorization: signed.header } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(Object.keys(res.body), [...PUBLIC_COMPANY_FIELDS]);
    assert.equal(res.body.name, "Public Widgets Ltd");
    assert.equal(res.body.address.country.id, UK);
    await assertSignedResponse(res, MARKET_ACCESS.key, signed.resource);
  });

  await t.step("personal data and gated fields are not there", async () => {
    const signed = await signedAs(MARKET_ACCESS);
    const res = await call(ctx.app, "GET", path, { headers: { authorization: signed.header } });
    for (
      const hidden of [
        "contacts",
        "one_list_group_global_account_manager",
        "created_by",
        "archived_by",
      ]
    ) {
      assert.ok(!(hidden in res.body), `${hidden} must not be public`);
    }
  });

  await t.step(
    "unknown ids 404; other scopes 403; bearer tokens and no credentials 401",
    async () => {
      const missing = `/v4/public/company/${crypto.randomUUID()}`;
      const unknown = await call(ctx.app, "GET", missing, {
        headers: { authorization: (await signedAs(MARKET_ACCESS, missing)).header },
      });
      assert.equal(unknown.status, 404);
      const frontend = await call(ctx.app, "GET", path, {
        headers: { authorization: (await signedAs(FRONTEND)).header },
      });
      assert.equal(frontend.status, 403);
      assert.equal((await call(ctx.app, "GET", path, { token: staff.token })).status, 401);
      assert.equal((await call(ctx.app, "GET", path)).status, 401);
    },
  );

  await ctx.close();
});

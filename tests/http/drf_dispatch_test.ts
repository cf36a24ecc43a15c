/**
 * DRF's order of work on a request, as clients observe it: authentication before the
 * method dispatch (401 before 405), and the 415 naming the content type sent.
 */
import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import { hawkHeader } from "../helpers/hawk.ts";

const FRONTEND = { id: "frontend-id", key: "frontend-secret-key" };
const NOW = new Date("2026-01-15T10:00:00Z");

Deno.test("DRF dispatch: 401 before 405, and the 415 body", async (t) => {
  const ctx = await testApp({
    env: {
      DATA_HUB_FRONTEND_ACCESS_KEY_ID: FRONTEND.id,
      DATA_HUB_FRONTEND_SECRET_ACCESS_KEY: FRONTEND.key,
    },
    deps: { now: () => NOW },
  });
  const { app, sql } = ctx;
  const { token } = await createAdviser(sql, { superuser: true });
  const company = `/v4/company/${crypto.randomUUID()}`;

  await t.step("a disallowed method without or with bad bearer credentials is a 401", async () => {
    const none = await call(app, "PUT", company);
    assert.equal(none.status, 401);
    assert.deepEqual(none.body, { detail: "Authentication credentials were not provided." });
    const bad = await call(app, "PUT", company, { token: "no-such-token" });
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.body, { detail: "Invalid authentication credentials." });
  });

  await t.step("an authenticated caller gets the 405", async () => {
    const res = await call(app, "PUT", company, { token });
    assert.equal(res.status, 405);
    assert.deepEqual(res.body, { detail: 'Method "PUT" not allowed.' });
  });

  await t.step("Hawk routes: a bad Hawk header is a 401, a valid one the 405", async () => {
    const path = "/v4/metadata/uk-region";
    const bad = await call(app, "POST", path, {
      headers: { authorization: 'Hawk id="nobody", ts="1", nonce="x", mac="y"' },
    });
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.body, { detail: "Incorrect authentication credentials." });
    const signed = await hawkHeader(FRONTEND, {
      method: "POST",
      url: `http://testserver${path}`,
      ts: Math.floor(NOW.getTime() / 1000),
    });
    const ok = await call(app, "POST", path, { headers: { authorization: signed.header } });
    assert.equal(ok.status, 405);
    assert.deepEqual(ok.body, { detail: 'Method "POST" not allowed.' });
    assert.ok(ok.headers.get("server-authorization"));
  });

  await t.step("unknown paths stay 404 without authentication", async () => {
    assert.equal((await call(app, "GET", "/v4/no-such-thing")).status, 404);
  });

  await t.step("a body of an unsupported type is DRF's 415, naming the type", async () => {
    const res = await call(app, "POST", "/v4/company", {
      token,
      body: "hello",
      headers: { "content-type": "text/plain" },
    });
    assert.equal(res.status, 415);
    assert.deepEqual(res.body, { detail: 'Unsupported media type "text/plain" in request.' });
  });

  await ctx.close();
});

import assert from "node:assert/strict";
import { call, testApp } from "../helpers/app.ts";
import { assertSignedResponse, hawkHeader } from "../helpers/hawk.ts";

const FRONTEND = { id: "frontend-id", key: "frontend-secret-key" };
const STREAM = { id: "stream-id", key: "stream-secret-key" };
const NOW = new Date("2026-01-15T10:00:00Z");
const UK = "80756b9a-5d95-e211-a939-e4115bead28a";

Deno.test("metadata over Hawk (scope metadata), as the frontend calls it", async (t) => {
  const ctx = await testApp({
    env: {
      DATA_HUB_FRONTEND_ACCESS_KEY_ID: FRONTEND.id,
      DATA_HUB_FRONTEND_SECRET_ACCESS_KEY: FRONTEND.key,
      ACTIVITY_STREAM_ACCESS_KEY_ID: STREAM.id,
      ACTIVITY_STREAM_SECRET_ACCESS_KEY: STREAM.key,
    },
    deps: { now: () => NOW },
  });
  const url = "http://testserver/v4/metadata/country";
  const ts = Math.floor(NOW.getTime() / 1000);
  const signed = await hawkHeader(FRONTEND, { url, ts, nonce: "n-country-1" });

  await t.step("a correctly signed request gets the countries and a signed response", async () => {
    const res = await call(ctx.app, "GET", "/v4/metadata/country", {
      headers: { authorization: signed.header },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 270);
    assert.ok(
      res.body.some((c: { id: string; name: string }) =>
        c.id === UK && c.name === "United Kingdom"
      ),
    );
    await assertSignedResponse(res, FRONTEND.key, signed.resource);
  });

  await t.step("its replay is rejected", async () => {
    const res = await call(ctx.app, "GET", "/v4/metadata/country", {
      headers: { authorization: signed.header },
    });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, { detail: "Incorrect authentication credentials." });
  });

  await t.step("a client without the metadata scope is refused", async () => {
    const other = await hawkHeader(STREAM, { url, ts, nonce: "n-country-2" });
    const res = await call(ctx.app, "GET", "/v4/metadata/country", {
      headers: { authorization: other.header },
    });
    assert.equal(res.status, 403);
  });

  await ctx.close();
});

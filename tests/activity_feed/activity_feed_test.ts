/**
 * `GET /v4/activity-feed` as the original's datahub/activity_feed tests pin it: JSON only,
 * an empty answer without every activity model's permission, else the Activity Stream's
 * answer passed back unchanged, the query forwarded in a Hawk-signed GET.
 */
import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import { ACTIVITY_STREAM_CREDENTIAL, startActivityStream } from "../helpers/activity_stream.ts";

const PERMISSIONS = [
  "company_referral.view_companyreferral",
  "interaction.view_all_interaction",
  "investment.view_all_investmentproject",
  "investor_profile.view_largecapitalinvestorprofile",
  "order.view_order",
];

Deno.test("activity feed proxies the Activity Stream", async (t) => {
  const stream = await startActivityStream();
  const ctx = await testApp({
    env: {
      ACTIVITY_STREAM_OUTGOING_URL: stream.url,
      ACTIVITY_STREAM_OUTGOING_ACCESS_KEY_ID: ACTIVITY_STREAM_CREDENTIAL.id,
      ACTIVITY_STREAM_OUTGOING_SECRET_ACCESS_KEY: ACTIVITY_STREAM_CREDENTIAL.key,
    },
  });
  const { app, sql } = ctx;
  const user = await createAdviser(sql, { permissions: PERMISSIONS });
  const json = { "content-type": "application/json" };

  try {
    await t.step("401 without a login", async () => {
      const res = await call(app, "GET", "/v4/activity-feed", { headers: json });
      assert.equal(res.status, 401);
    });

    await t.step("406 unless the content type is JSON", async () => {
      for (const headers of [{}, { "content-type": "text/html" }] as Record<string, string>[]) {
        const res = await call(app, "GET", "/v4/activity-feed", { token: user.token, headers });
        assert.equal(res.status, 406);
        assert.equal(res.text, "Please set Content-Type header value to application/json");
      }
      assert.equal(stream.requests.length, 0);
    });

    await t.step("an empty answer without every activity model's permission", async () => {
      for (const missing of PERMISSIONS) {
        const partial = await createAdviser(sql, {
          permissions: PERMISSIONS.filter((p) => p !== missing),
        });
        const res = await call(app, "GET", "/v4/activity-feed", {
          token: partial.token,
          headers: json,
        });
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, { hits: { total: 0, hits: [] } });
      }
      assert.equal(stream.requests.length, 0);
    });

    await t.step("the Activity Stream's status and body, unchanged", async () => {
      for (
        const [status, body] of [[200, '{"took":27}'], [400, '{"error":"msg"}'], [
          500,
          '{"error":"msg"}',
        ]] as const
      ) {
        stream.answer(status, body);
        const res = await call(app, "GET", "/v4/activity-feed", {
          token: user.token,
          headers: json,
        });
        assert.equal(res.status, status);
        assert.equal(res.text, body);
        assert.equal(res.headers.get("content-type"), "application/json");
      }
      const seen = stream.requests.at(-1)!;
      assert.equal(seen.method, "GET");
      assert.equal(seen.path, "/v3/activities/_search");
      assert.equal(seen.contentType, "application/json");
      assert.ok(seen.hawkValid, "the request is Hawk-signed with the outgoing credentials");
    });

    await t.step("the query travels in the body of the upstream GET", async () => {
      stream.answer(200, '{"hits":{"total":1,"hits":[{"_id":"x"}]}}');
      const query = '{"query":{"match_all":{}},"size":20}';
      const res = await call(app, "POST", "/v4/activity-feed", { token: user.token, body: query });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { hits: { total: 1, hits: [{ _id: "x" }] } });
      const seen = stream.requests.at(-1)!;
      assert.equal(seen.method, "GET");
      assert.equal(seen.body, query);
      assert.ok(seen.hawkValid);
    });
  } finally {
    await stream.close();
  }

  await t.step("502 when the Activity Stream cannot be reached", async () => {
    const res = await call(app, "GET", "/v4/activity-feed", { token: user.token, headers: json });
    assert.equal(res.status, 502);
    assert.deepEqual(res.body, {
      detail: `Upstream service unavailable: ${new URL(stream.url).host}`,
    });
  });
  await ctx.close();
});

Deno.test("activity feed without the Activity Stream configured: 502, not 500", async () => {
  const { app, sql, close } = await testApp();
  try {
    const user = await createAdviser(sql, { permissions: PERMISSIONS });
    const res = await call(app, "POST", "/v4/activity-feed", { token: user.token, body: "{}" });
    assert.equal(res.status, 502);
    assert.deepEqual(res.body, { detail: "The Activity Stream is not configured." });
  } finally {
    await close();
  }
});

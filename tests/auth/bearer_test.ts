import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import { insertLocalToken } from "../../src/auth/queries.ts";
import { sha256Hex } from "../../src/crypto.ts";
import { redisTest, testRedis } from "../helpers/redis.ts";

const SSO_SECRET = "sso-service-token";
const INVALID = { detail: "Invalid authentication credentials." };

/**
 * A stand-in for Staff SSO's RFC 7662 endpoint. Tokens name their behaviour; `answers`
 * maps a token to the JSON body for an active token. Counts the introspections.
 */
function startSso(clock: () => Date) {
  const seen: string[] = [];
  const answers = new Map<string, Record<string, unknown>>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    if (req.method !== "POST" || url.pathname !== "/sso/o/introspect/") {
      return new Response("not found", { status: 404 });
    }
    if (req.headers.get("authorization") !== `Bearer ${SSO_SECRET}`) {
      return new Response("bad service token", { status: 403 });
    }
    const token = new URLSearchParams(await req.text()).get("token") ?? "";
    seen.push(token);
    const exp = Math.floor(clock().getTime() / 1000) + 3600;
    switch (token) {
      case "slow":
        await new Promise((resolve) => req.signal.addEventListener("abort", resolve));
        return new Response("{}");
      case "not-json":
        return new Response("<html>oops</html>", { headers: { "content-type": "text/html" } });
      case "sso-401":
        return new Response("{}", { status: 401 });
      case "sso-500":
        return new Response("{}", { status: 500 });
      case "missing-fields":
        return Response.json({ active: true });
    }
    const answer = answers.get(token);
    return Response.json(answer ? { active: true, exp, ...answer } : { active: false });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/sso/`,
    seen,
    answers,
    close: () => server.shutdown(),
  };
}

Deno.test("bearer authentication: local tokens and Staff SSO introspection", async (t) => {
  let now = new Date("2025-05-28T12:00:00Z");
  const clock = () => now;
  const sso = startSso(clock);
  const ctx = await testApp({
    env: {
      SSO_ENABLED: "true",
      STAFF_SSO_BASE_URL: sso.url,
      STAFF_SSO_AUTH_TOKEN: SSO_SECRET,
      STAFF_SSO_REQUEST_TIMEOUT: "0.2",
      STAFF_SSO_USER_TOKEN_CACHING_PERIOD: "600",
    },
    deps: { now: clock },
  });
  const { app, sql } = ctx;
  const adviser = await createAdviser(sql, { firstName: "Sso", lastName: "User" });
  const inactive = await createAdviser(sql, { isActive: false });
  const whoami = (token?: string) => call(app, "GET", "/whoami/", { token });

  await t.step("header checks in the original's order and wording", async () => {
    const none = await whoami();
    assert.deepEqual([none.status, none.body], [401, {
      detail: "Authentication credentials were not provided.",
    }]);
    assert.equal(none.headers.get("www-authenticate"), 'Bearer realm="api"');
    const basic = await call(app, "GET", "/whoami/", { headers: { authorization: "Basic abc" } });
    assert.deepEqual(basic.body, { detail: "Incorrect authentication scheme." });
    const empty = await call(app, "GET", "/whoami/", { headers: { authorization: "Bearer " } });
    assert.deepEqual(empty.body, { detail: "Authentication credentials were not provided." });
  });

  await t.step("a local token works until it expires", async () => {
    await insertLocalToken(sql, adviser.id, "local-token", new Date(now.getTime() + 3600_000));
    assert.equal((await whoami("local-token")).status, 200);
    assert.ok(!sso.seen.includes("local-token"), "a local token needs no introspection");
    const saved = now;
    now = new Date(now.getTime() + 3600_000);
    const expired = await whoami("local-token");
    now = saved;
    assert.deepEqual([expired.status, expired.body], [401, INVALID]);
  });

  await t.step("an active token is introspected once, then served from the cache", async () => {
    sso.answers.set("good", { username: adviser.email, email_user_id: adviser.email });
    const before = sso.seen.length;
    const first = await whoami("good");
    assert.equal(first.status, 200);
    assert.equal(first.body.id, adviser.id);
    const second = await whoami("good");
    assert.equal(second.status, 200);
    assert.equal(sso.seen.length - before, 1, "the second request hit the cache");
    const events = await sql<{ type: string; api_url_path: string }[]>`
      select type, api_url_path from user_event_log_userevent where adviser_id = ${adviser.id}`;
    assert.deepEqual([...events], [{
      type: "oauth_token_introspection",
      api_url_path: "/whoami/",
    }]);
  });

  await t.step("the cache lasts for the caching period, then SSO is asked again", async () => {
    const before = sso.seen.length;
    now = new Date(now.getTime() + 601_000);
    assert.equal((await whoami("good")).status, 200);
    assert.equal(sso.seen.length - before, 1);
  });

  await t.step("the cache never outlives the token's exp", async () => {
    sso.answers.set("short", {
      username: adviser.email,
      email_user_id: adviser.email,
      exp: Math.floor(now.getTime() / 1000) + 30,
    });
    const before = sso.seen.length;
    assert.equal((await whoami("short")).status, 200);
    now = new Date(now.getTime() + 31_000);
    await whoami("short");
    assert.equal(sso.seen.length - before, 2);
  });

  await t.step("SSO refusals and failures are 401s, never 500s", async () => {
    sso.answers.set("unknown-user", { username: "x", email_user_id: "nobody@id.test" });
    sso.answers.set("inactive-adviser", { username: "x", email_user_id: inactive.email });
    sso.answers.set("expired", {
      username: adviser.email,
      email_user_id: adviser.email,
      exp: Math.floor(now.getTime() / 1000) - 5,
    });
    for (
      const token of [
        "never-issued",
        "unknown-user",
        "inactive-adviser",
        "expired",
        "missing-fields",
        "not-json",
        "sso-401",
        "sso-500",
        "slow",
      ]
    ) {
      const res = await whoami(token);
      assert.deepEqual([res.status, res.body], [401, INVALID], token);
      assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="api"', token);
    }
  });

  await t.step("an adviser deactivated after caching is refused within a second", async () => {
    sso.answers.set("cached-then-deactivated", { username: "x", email_user_id: adviser.email });
    assert.equal((await whoami("cached-then-deactivated")).status, 200);
    assert.equal((await whoami("cached-then-deactivated")).status, 200);
    await sql`update company_advisor set is_active = false where id = ${adviser.id}`;
    const started = performance.now();
    while ((await whoami("cached-then-deactivated")).status !== 401) {
      assert.ok(performance.now() - started < 1000, "still accepted after a second");
    }
    await sql`update company_advisor set is_active = true where id = ${adviser.id}`;
  });

  await t.step("SSO down: 401", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const down = await testApp({
      env: {
        SSO_ENABLED: "true",
        STAFF_SSO_BASE_URL: `http://127.0.0.1:${port}/`,
        STAFF_SSO_AUTH_TOKEN: SSO_SECRET,
      },
    });
    const res = await call(down.app, "GET", "/whoami/", { token: "good" });
    assert.deepEqual([res.status, res.body], [401, INVALID]);
    await down.close();
  });

  await t.step("close", async () => {
    await ctx.close();
    await sso.close();
  });
});

Deno.test("bearer authentication: without SSO_ENABLED unknown tokens are refused", async (t) => {
  const ctx = await testApp();
  await t.step("401 without contacting anyone", async () => {
    const res = await call(ctx.app, "GET", "/whoami/", { token: "whatever" });
    assert.deepEqual([res.status, res.body], [401, INVALID]);
  });
  await t.step("close", () => ctx.close());
});

redisTest("bearer authentication: the introspection cache in Redis", async (t) => {
  const r = await testRedis();
  const sso = startSso(() => new Date());
  const ctx = await testApp({
    env: { SSO_ENABLED: "true", STAFF_SSO_BASE_URL: sso.url, STAFF_SSO_AUTH_TOKEN: SSO_SECRET },
    deps: { redis: r.redis },
  });
  const adviser = await createAdviser(ctx.sql);
  const token = `${r.prefix}token`;
  const key = `access_token:${await sha256Hex(token)}`;
  await t.step("one introspection, then cache hits; the key expires", async () => {
    sso.answers.set(token, { username: adviser.email, email_user_id: adviser.email });
    assert.equal((await call(ctx.app, "GET", "/whoami/", { token })).status, 200);
    assert.equal((await call(ctx.app, "GET", "/whoami/", { token })).status, 200);
    assert.equal(sso.seen.filter((s) => s === token).length, 1);
    const ttl = await r.redis.ttl(key);
    assert.ok(ttl > 0 && ttl <= 3600, `ttl ${ttl}`);
  });
  await t.step("close", async () => {
    await r.redis.del(key);
    await ctx.close();
    await r.close();
    await sso.close();
  });
});

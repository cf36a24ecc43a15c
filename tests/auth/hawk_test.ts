import assert from "node:assert/strict";
import { createRoute, z } from "@hono/zod-openapi";
import {
  hawkMac,
  normalisedString,
  parseHawkHeader,
  payloadHash,
  verifyHawkRequest,
} from "../../src/auth/hawk.ts";
import { hawk, hawkOrBearer } from "../../src/auth/authenticate.ts";
import { claimHawkNonce } from "../../src/auth/queries.ts";
import { createApp } from "../../src/http/app.ts";
import { registry } from "../../src/domains.ts";
import { loadConfig } from "../../src/config.ts";
import type { App } from "../../src/http/context.ts";
import { jsonResponse } from "../../src/http/schemas.ts";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import { assertSignedResponse, hawkHeader } from "../helpers/hawk.ts";
import { redisTest, testRedis } from "../helpers/redis.ts";

// The Hawk specification's worked examples (hapijs/hawk README and test/server.js).
const VECTOR_KEY = "werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn";
const VECTOR = {
  ts: "1353832234",
  nonce: "j4h3g2",
  method: "GET",
  resource: "/resource/1?b=1&a=2",
  host: "example.com",
  port: 8000,
  ext: "some-app-ext-data",
};

Deno.test("Hawk protocol: the specification's vectors", async (t) => {
  await t.step("GET header MAC", async () => {
    assert.equal(
      normalisedString("header", VECTOR),
      "hawk.1.header\n1353832234\nj4h3g2\nGET\n/resource/1?b=1&a=2\nexample.com\n8000\n\nsome-app-ext-data\n",
    );
    assert.equal(
      await hawkMac(VECTOR_KEY, "header", VECTOR),
      "6R4rV5iE+NPoym+WwjeHzjAGXUtLNIxmo1vpMofpLAE=",
    );
  });
  await t.step("POST with payload hash", async () => {
    const hash = await payloadHash(
      new TextEncoder().encode("Thank you for flying Hawk"),
      "text/plain",
    );
    assert.equal(hash, "Yi9LfIIFRtBEPt74PVmbTF/xVAwPn7ub15ePICfgnuY=");
    assert.equal(
      await hawkMac(VECTOR_KEY, "header", { ...VECTOR, method: "POST", hash }),
      "aSe1DERmZuRl3pI36/9BdZmnErTw3sNzOOAUlfeKjVw=",
    );
  });
  await t.step("response MAC (server.header)", async () => {
    const hash = await payloadHash(new TextEncoder().encode("some reply"), "text/plain");
    assert.equal(hash, "f9cDF/TDm7TkYRLnGwRMfeDzT6LixQVLvrIKhh0vgmM=");
    const mac = await hawkMac(VECTOR_KEY, "response", {
      ts: "1398546787",
      nonce: "xUwusx",
      method: "POST",
      resource: "/resource/4?filter=a",
      host: "example.com",
      port: 8080,
      hash,
      ext: "response-specific",
    });
    assert.equal(mac, "n14wVJK4cOxAytPUMc5bPezQzuJGl5n7MYXhFQgEKsE=");
  });
  await t.step("the content type is compared lower-cased without parameters", async () => {
    const body = new TextEncoder().encode("{}");
    assert.equal(
      await payloadHash(body, "Application/JSON; charset=utf-8"),
      await payloadHash(body, "application/json"),
    );
  });
  await t.step("header parsing rejects unknown keys, duplicates and junk", () => {
    assert.deepEqual(parseHawkHeader('Hawk id="a", ts="1", nonce="n", mac="m"'), {
      id: "a",
      ts: "1",
      nonce: "n",
      mac: "m",
    });
    for (
      const bad of [
        'Hawk id="a", foo="b"',
        'Hawk id="a", id="b"',
        'Hawk id="a" junk',
        'Bearer id="a"',
        `Hawk id="${"x".repeat(5000)}"`,
      ]
    ) assert.throws(() => parseHawkHeader(bad), { name: "HawkFail" }, bad);
  });
  await t.step("verification on the vector with the clock at its ts", async () => {
    const seen = new Set<string>();
    const verified = await verifyHawkRequest({
      authorization:
        'Hawk id="dh37fgj492je", ts="1353832234", nonce="j4h3g2", ext="some-app-ext-data", mac="6R4rV5iE+NPoym+WwjeHzjAGXUtLNIxmo1vpMofpLAE="',
      method: "GET",
      url: new URL("http://example.com:8000/resource/1?b=1&a=2"),
      contentType: null,
      body: new Uint8Array(),
    }, {
      lookup: (id) => id === "dh37fgj492je" ? { id, key: VECTOR_KEY } : undefined,
      seenNonce: (id, nonce) => {
        const key = `${id}:${nonce}`;
        const was = seen.has(key);
        seen.add(key);
        return Promise.resolve(was);
      },
      now: new Date(1353832234_000),
    });
    assert.equal(verified.credential.id, "dh37fgj492je");
  });
});

const FRONTEND = { id: "frontend-id", key: "frontend-secret-key" };
const ACTIVITY = { id: "activity-id", key: "activity-secret-key" };
const ENV = {
  DATA_HUB_FRONTEND_ACCESS_KEY_ID: FRONTEND.id,
  DATA_HUB_FRONTEND_SECRET_ACCESS_KEY: FRONTEND.key,
  ACTIVITY_STREAM_ACCESS_KEY_ID: ACTIVITY.id,
  ACTIVITY_STREAM_SECRET_ACCESS_KEY: ACTIVITY.key,
  PAAS_IP_ALLOWLIST: "1.2.3.4",
};
const NOW = new Date("2025-05-28T12:00:00Z");
const TS = NOW.getTime() / 1000;
const BASE = "http://testserver";

const testRoutes = {
  name: "hawk-test",
  register(app: App) {
    app.openapi(
      createRoute({
        method: "get",
        path: "/v4/hawk-test",
        middleware: [hawk("metadata")],
        responses: { 200: jsonResponse("ok", z.object({ ok: z.boolean(), caller: z.string() })) },
      }),
      (c) => c.json({ ok: true, caller: c.var.caller.kind }, 200),
    );
    app.openapi(
      createRoute({
        method: "post",
        path: "/v4/hawk-test",
        middleware: [hawk("metadata")],
        request: {
          body: { content: { "application/json": { schema: z.object({ a: z.number() }) } } },
        },
        responses: {
          200: jsonResponse("ok", z.object({ received: z.object({ a: z.number() }) })),
        },
      }),
      (c) => c.json({ received: c.req.valid("json") }, 200),
    );
    app.openapi(
      createRoute({
        method: "get",
        path: "/v4/either-test",
        middleware: [hawkOrBearer("metadata")],
        responses: { 200: jsonResponse("ok", z.object({ caller: z.string() })) },
      }),
      (c) => c.json({ caller: c.var.caller.kind }, 200),
    );
  },
};

async function hawkCall(
  app: App,
  credential: { id: string; key: string },
  options: {
    method?: string;
    path?: string;
    ts?: number;
    nonce?: string;
    body?: string;
    contentType?: string;
    signBody?: string;
    signContentType?: string;
    signUrl?: string;
    headers?: Record<string, string>;
  } = {},
) {
  const path = options.path ?? "/v4/hawk-test";
  const { header, resource } = await hawkHeader(credential, {
    method: options.method ?? "GET",
    url: options.signUrl ?? `${BASE}${path}`,
    ts: options.ts ?? TS,
    nonce: options.nonce,
    body: options.signBody ?? options.body,
    contentType: options.signContentType ?? options.contentType,
  });
  const headers: Record<string, string> = { authorization: header, ...options.headers };
  if (options.contentType) headers["content-type"] = options.contentType;
  const res = await call(app, options.method ?? "GET", path, {
    headers,
    body: options.body,
  });
  return { ...res, resource, header };
}

const INCORRECT = { detail: "Incorrect authentication credentials." };

Deno.test("Hawk middleware", async (t) => {
  const ctx = await testApp({ env: ENV, deps: { now: () => NOW }, domains: [testRoutes] });
  const { app } = ctx;

  await t.step("a good request passes and its response is signed", async () => {
    const res = await hawkCall(app, FRONTEND);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { ok: true, caller: "hawk" });
    await assertSignedResponse(res, FRONTEND.key, res.resource);
  });

  await t.step("a replayed nonce is refused", async () => {
    const first = await hawkCall(app, FRONTEND, { nonce: "once-only" });
    assert.equal(first.status, 200);
    const replay = await call(app, "GET", "/v4/hawk-test", {
      headers: { authorization: first.header },
    });
    assert.equal(replay.status, 401);
    assert.deepEqual(replay.body, INCORRECT);
    assert.equal(replay.headers.get("www-authenticate"), "PaaS IP");
    assert.equal(replay.headers.get("server-authorization"), null);
  });

  await t.step("timestamps more than 60 s off the clock are refused", async () => {
    assert.equal((await hawkCall(app, FRONTEND, { ts: TS - 61 })).status, 401);
    assert.equal((await hawkCall(app, FRONTEND, { ts: TS + 61 })).status, 401);
    assert.equal((await hawkCall(app, FRONTEND, { ts: TS - 60 })).status, 200);
    assert.equal((await hawkCall(app, FRONTEND, { ts: TS + 60 })).status, 200);
  });

  await t.step("the payload hash must match the body received", async () => {
    const good = await hawkCall(app, FRONTEND, {
      method: "POST",
      body: '{"a":1}',
      contentType: "application/json",
    });
    assert.equal(good.status, 200);
    assert.deepEqual(good.body, { received: { a: 1 } });
    const tampered = await hawkCall(app, FRONTEND, {
      method: "POST",
      body: '{"a":2}',
      signBody: '{"a":1}',
      contentType: "application/json",
    });
    assert.equal(tampered.status, 401);
    assert.deepEqual(tampered.body, INCORRECT);
  });

  await t.step("the content type is part of the payload hash", async () => {
    const wrongType = await hawkCall(app, FRONTEND, {
      method: "POST",
      body: '{"a":1}',
      contentType: "application/json",
      signContentType: "text/plain",
    });
    assert.equal(wrongType.status, 401);
    const withParams = await hawkCall(app, FRONTEND, {
      method: "POST",
      body: '{"a":1}',
      contentType: "application/json; charset=utf-8",
      signContentType: "application/json",
    });
    assert.equal(withParams.status, 200);
  });

  await t.step("a body without a hash is refused", async () => {
    const { header } = await hawkHeader(FRONTEND, {
      method: "POST",
      url: `${BASE}/v4/hawk-test`,
      ts: TS,
    });
    const res = await call(app, "POST", "/v4/hawk-test", {
      headers: { authorization: header },
      body: { a: 1 },
    });
    assert.equal(res.status, 401);
  });

  await t.step("unknown id, wrong key and missing header", async () => {
    assert.equal((await hawkCall(app, { id: "nobody", key: FRONTEND.key })).status, 401);
    const wrongKey = await hawkCall(app, { id: FRONTEND.id, key: "not-the-key" });
    assert.deepEqual([wrongKey.status, wrongKey.body], [401, INCORRECT]);
    const none = await call(app, "GET", "/v4/hawk-test");
    assert.equal(none.status, 401);
    assert.deepEqual(none.body, { detail: "Authentication credentials were not provided." });
    assert.equal(none.headers.get("www-authenticate"), "PaaS IP");
    const bearer = await call(app, "GET", "/v4/hawk-test", { token: "abc" });
    assert.deepEqual([bearer.status, bearer.body], [401, INCORRECT]);
  });

  await t.step("a client without the route's scope gets a signed 403", async () => {
    const res = await hawkCall(app, ACTIVITY);
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, { detail: "You do not have permission to perform this action." });
    await assertSignedResponse(res, ACTIVITY.key, res.resource);
  });

  await t.step("the URL is the one the client saw: X-Forwarded-Proto and Host", async () => {
    const https = await hawkCall(app, FRONTEND, {
      signUrl: "https://api.example.test/v4/hawk-test",
      headers: { "x-forwarded-proto": "https", host: "api.example.test" },
    });
    assert.equal(https.status, 200);
    const port = await hawkCall(app, FRONTEND, {
      signUrl: "http://api.example.test:8080/v4/hawk-test",
      headers: { host: "api.example.test:8080" },
    });
    assert.equal(port.status, 200);
    const mismatch = await hawkCall(app, FRONTEND, {
      signUrl: "http://api.example.test/v4/hawk-test",
      headers: { "x-forwarded-proto": "https", host: "api.example.test" },
    });
    assert.equal(mismatch.status, 401);
  });

  await t.step("IP allow-list: second-from-last X-Forwarded-For entry", async () => {
    const xff = (value: string) =>
      hawkCall(app, FRONTEND, { headers: { "x-forwarded-for": value } });
    assert.equal((await xff("9.9.9.9, 1.2.3.4, 10.0.0.1")).status, 200);
    const denied = await xff("5.6.7.8, 10.0.0.1");
    assert.deepEqual([denied.status, denied.body], [401, INCORRECT]);
    assert.equal(denied.headers.get("www-authenticate"), "PaaS IP");
    assert.equal((await xff("1.2.3.4")).status, 401);
    assert.equal((await hawkCall(app, FRONTEND)).status, 200, "no header: internal caller");
  });

  await t.step("IP allow-list off with DISABLE_PAAS_IP_CHECK", async () => {
    const open = createApp({
      ...ctx.deps,
      config: loadConfig({ DATABASE_URL: ctx.db.url, ...ENV, DISABLE_PAAS_IP_CHECK: "true" }),
    }, [...registry.domains, testRoutes]);
    const res = await hawkCall(open, FRONTEND, {
      headers: { "x-forwarded-for": "5.6.7.8, 10.0.0.1" },
    });
    assert.equal(res.status, 200);
  });

  await t.step("hawkOrBearer accepts either a Hawk client or an adviser", async () => {
    const viaHawk = await hawkCall(app, FRONTEND, { path: "/v4/either-test" });
    assert.deepEqual([viaHawk.status, viaHawk.body], [200, { caller: "hawk" }]);
    assert.ok(viaHawk.headers.get("server-authorization"));
    const adviser = await createAdviser(ctx.sql);
    const viaBearer = await call(app, "GET", "/v4/either-test", { token: adviser.token });
    assert.deepEqual([viaBearer.status, viaBearer.body], [200, { caller: "adviser" }]);
    assert.equal(viaBearer.headers.get("server-authorization"), null);
    const nobody = await call(app, "GET", "/v4/either-test");
    assert.equal(nobody.status, 401);
    assert.equal((await hawkCall(app, ACTIVITY, { path: "/v4/either-test" })).status, 403);
  });

  await t.step(
    "without Redis, an expired nonce is claimed afresh and expired rows cleared",
    async () => {
      const at = (s: number) => new Date(NOW.getTime() + s * 1000);
      assert.equal(await claimHawkNonce(ctx.sql, "k:old", at(0), at(60)), true);
      assert.equal(await claimHawkNonce(ctx.sql, "k:other", at(0), at(60)), true);
      assert.equal(await claimHawkNonce(ctx.sql, "k:old", at(30), at(90)), false);
      assert.equal(await claimHawkNonce(ctx.sql, "k:old", at(61), at(121)), true);
      const left = await ctx.sql<{ key: string }[]>`
      select key from hawk_nonce where key like 'k:%' order by key`;
      assert.deepEqual(left.map((r) => r.key), ["k:old"]);
      assert.equal(await claimHawkNonce(ctx.sql, "k:old", at(100), at(160)), false);
    },
  );

  await t.step("close", () => ctx.close());
});

redisTest("Hawk middleware: nonces in Redis", async (t) => {
  const r = await testRedis();
  const ctx = await testApp({
    env: ENV,
    deps: { now: () => NOW, redis: r.redis },
    domains: [testRoutes],
  });
  await t.step("a nonce is accepted once", async () => {
    const nonce = `${r.prefix}n1`;
    assert.equal((await hawkCall(ctx.app, FRONTEND, { nonce })).status, 200);
    assert.equal((await hawkCall(ctx.app, FRONTEND, { nonce })).status, 401);
    const ttl = await r.redis.ttl(`hawk:${FRONTEND.id}:${nonce}`);
    assert.ok(ttl > 0 && ttl <= 60, `ttl ${ttl}`);
    await r.redis.del(`hawk:${FRONTEND.id}:${nonce}`);
  });
  await t.step("close", async () => {
    await ctx.close();
    await r.close();
  });
});

import assert from "node:assert/strict";
import { call, testApp } from "../helpers/app.ts";

Deno.test("GET /pingdom/ping.xml", async (t) => {
  const ctx = await testApp();
  await t.step("answers OK in the original's XML when the database answers", async () => {
    const res = await call(ctx.app, "GET", "/pingdom/ping.xml");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/xml/);
    assert.match(
      res.text,
      /<pingdom_http_custom_check>\s*<status>OK<\/status>\s*<\/pingdom_http_custom_check>/,
    );
  });
  await t.step("answers 500 FALSE naming the check when the database is down", async () => {
    const closed = await testApp();
    await closed.close();
    const res = await call(closed.app, "GET", "/pingdom/ping.xml");
    assert.equal(res.status, 500);
    assert.match(res.text, /<status>FALSE<\/status>/);
    assert.match(res.text, /<!--database: /);
  });
  await ctx.close();
});

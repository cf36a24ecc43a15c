/**
 * Documents, lists and advisers served from a process's memory are never stale: two app
 * instances (two processes' worth of deps and caches) on one database, one writing and
 * the other reading, plus writes made in SQL behind both. ETags are strong and
 * `If-None-Match` gives 304.
 */
import assert from "node:assert/strict";
import { createApp } from "../../src/http/app.ts";
import { registry } from "../../src/domains.ts";
import { call, createAdviser, testApp, testDeps } from "../helpers/app.ts";
import { assertSignedResponse, hawkHeader } from "../helpers/hawk.ts";

const SECTOR = "af959812-6095-e211-a939-e4115bead28a";

Deno.test("process caches: writes through one instance are read through another", async (t) => {
  const ctx = await testApp();
  const { sql } = ctx;
  const reader = createApp(testDeps(ctx.db), registry.domains);
  const writer = ctx.app;
  const user = await createAdviser(sql, { superuser: true });
  const token = user.token;
  const [{ id: companyId }] = await sql<{ id: string }[]>`
    insert into company_company (name, created_on) values ('Cached Ltd', now()) returning id`;
  const [{ id: interactionId }] = await sql<{ id: string }[]>`
    insert into interaction_interaction (kind, date, subject, was_policy_feedback_provided,
      company_id, created_on, modified_on, created_by_id, modified_by_id)
    values ('interaction', now(), 'Catch-up', false, ${companyId}, now(), now(), ${user.id},
      ${user.id})
    returning id`;
  const read = (path: string, headers: Record<string, string> = {}) =>
    call(reader, "GET", path, { token, headers });

  try {
    await t.step("company: a PATCH through the other instance is read at once", async () => {
      const first = await read(`/v4/company/${companyId}`);
      assert.equal(first.status, 200);
      assert.equal(first.body.name, "Cached Ltd");
      assert.equal((await read(`/v4/company/${companyId}`)).text, first.text);
      const patched = await call(writer, "PATCH", `/v4/company/${companyId}`, {
        token,
        body: { name: "Renamed Ltd", sector: SECTOR },
      });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      const after = await read(`/v4/company/${companyId}`);
      assert.equal(after.body.name, "Renamed Ltd");
      assert.equal(after.body.sector.id, SECTOR);
    });

    await t.step(
      "company: SQL writes behind the API, and its contacts, are read at once",
      async () => {
        await read(`/v4/company/${companyId}`);
        await sql`update company_company set description = 'Set in SQL' where id = ${companyId}`;
        assert.equal((await read(`/v4/company/${companyId}`)).body.description, "Set in SQL");
        await sql`
        insert into company_contact (first_name, last_name, company_id, "primary", email, created_on)
        values ('Cora', 'Cache', ${companyId}, true, 'cora@example.test', now())`;
        const withContact = await read(`/v4/company/${companyId}`);
        assert.deepEqual(withContact.body.contacts.map((c: { name: string }) => c.name), [
          "Cora Cache",
        ]);
      },
    );

    await t.step("company list: documents and count follow writes", async () => {
      const before = await read("/v4/company?limit=1");
      assert.equal(before.status, 200);
      const count = before.body.count;
      await call(writer, "PATCH", `/v4/company/${companyId}`, {
        token,
        body: { name: "Listed Ltd" },
      });
      await sql`insert into company_company (name, created_on) values ('Another', now())`;
      const after = await read("/v4/company?sortby=name&limit=10");
      assert.equal(after.body.count, count + 1);
      // Past the end the page is empty; its total comes from the versions read with it.
      const past = await read("/v4/company?offset=100000");
      assert.deepEqual([past.body.count, past.body.results], [count + 1, []]);
      await sql`insert into company_company (name, created_on) values ('One more', now())`;
      assert.equal((await read("/v4/company?offset=100000")).body.count, count + 2);
      assert.equal((await read("/v4/company?limit=1")).body.count, count + 2);
      assert.ok(after.body.results.some((c: { name: string }) => c.name === "Listed Ltd"));
    });

    await t.step("a page kept whole follows its documents and its count", async () => {
      const path = `/v4/company?sortby=name&limit=10`;
      const first = await read(path);
      assert.equal((await read(path)).text, first.text);
      await call(writer, "PATCH", `/v4/company/${companyId}`, {
        token,
        body: { name: "Paged Ltd" },
      });
      const renamed = await read(path);
      assert.ok(renamed.body.results.some((c: { name: string }) => c.name === "Paged Ltd"));
      await sql`insert into company_company (name, created_on) values ('Zzz last', now())`;
      assert.equal((await read(path)).body.count, renamed.body.count + 1);
      const interactions = `/v4/interaction?company_id=${companyId}`;
      const listed = await read(interactions);
      assert.equal(listed.body.results[0].subject, "Catch-up");
      await sql`update interaction_interaction set subject = 'Paged' where id = ${interactionId}`;
      assert.equal((await read(interactions)).body.results[0].subject, "Paged");
      await sql`update interaction_interaction set subject = 'Catch-up' where id = ${interactionId}`;
    });

    await t.step("a long list is streamed whole and valid", async () => {
      await sql`insert into company_company (name, created_on)
        select 'Bulk ' || n, now() from generate_series(1, 450) n`;
      const all = await read("/v4/company?limit=1000&sortby=name");
      assert.equal(all.status, 200);
      assert.equal(all.body.results.length, all.body.count);
      assert.equal(new Set(all.body.results.map((c: { id: string }) => c.id)).size, all.body.count);
    });

    await t.step("ETag and If-None-Match → 304 on company, contact, interaction", async () => {
      const [{ id: contactId }] = await sql<{ id: string }[]>`
        select id from company_contact where company_id = ${companyId}`;
      for (
        const path of [
          `/v4/company/${companyId}`,
          `/v4/contact/${contactId}`,
          `/v4/interaction/${interactionId}`,
        ]
      ) {
        const first = await read(path);
        const etag = first.headers.get("etag");
        assert.match(etag ?? "", /^"[\w-]+"$/, path);
        const again = await read(path, { "if-none-match": etag! });
        assert.equal(again.status, 304, path);
        assert.equal(again.text, "");
        assert.equal(again.headers.get("etag"), etag);
        assert.equal((await read(path, { "if-none-match": '"other"' })).status, 200, path);
        // The other instance renders the same bytes, hence the same (strong) tag.
        const other = await call(writer, "GET", path, { token });
        assert.equal(other.headers.get("etag"), etag, path);
      }
      const stale = (await read(`/v4/contact/${contactId}`)).headers.get("etag")!;
      const patched = await call(writer, "PATCH", `/v4/contact/${contactId}`, {
        token,
        body: { job_title: "Chief cache officer", address_same_as_company: true },
      });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      const fresh = await read(`/v4/contact/${contactId}`, { "if-none-match": stale });
      assert.equal(fresh.status, 200);
      assert.equal(fresh.body.job_title, "Chief cache officer");
      assert.notEqual(fresh.headers.get("etag"), stale);
    });

    await t.step("interaction: archived through the other instance is read at once", async () => {
      assert.equal((await read(`/v4/interaction/${interactionId}`)).body.archived, false);
      const archived = await call(writer, "POST", `/v4/interaction/${interactionId}/archive`, {
        token,
        body: { reason: "Duplicate" },
      });
      assert.equal(archived.status, 200, JSON.stringify(archived.body));
      assert.equal((await read(`/v4/interaction/${interactionId}`)).body.archived, true);
    });

    await t.step("a renamed adviser shows in cached documents at once", async () => {
      const list = `/v4/interaction?company_id=${companyId}`;
      await read(`/v4/interaction/${interactionId}`);
      await read(list);
      await sql`update company_advisor set first_name = 'Renamed' where id = ${user.id}`;
      const doc = await read(`/v4/interaction/${interactionId}`);
      assert.equal(doc.body.archived_by.first_name, "Renamed");
      // A list reads its documents' versions with its ids, the advisers' with them.
      assert.equal((await read(list)).body.results[0].archived_by.first_name, "Renamed");
    });

    await t.step("metadata: lists follow reference data within a second, with 304s", async () => {
      const first = await read("/v4/metadata/sector");
      const etag = first.headers.get("etag")!;
      assert.equal((await read("/v4/metadata/sector", { "if-none-match": etag })).status, 304);
      await sql`update metadata_sector set segment = 'Cache test' where id = ${SECTOR}`;
      const started = performance.now();
      for (;;) {
        const list = await read("/v4/metadata/sector");
        if (list.body.some((s: { segment: string }) => s.segment === "Cache test")) {
          assert.notEqual(list.headers.get("etag"), etag);
          break;
        }
        assert.ok(performance.now() - started < 1000, "still the old list after a second");
      }
    });

    await t.step("metadata through Hawk: a cached body is signed per request", async () => {
      const frontend = { id: "frontend", key: "frontend-secret-key" };
      const env = {
        DATA_HUB_FRONTEND_ACCESS_KEY_ID: frontend.id,
        DATA_HUB_FRONTEND_SECRET_ACCESS_KEY: frontend.key,
      };
      const hawkApp = createApp(testDeps(ctx.db, { env }), registry.domains);
      const url = "http://testserver/v4/metadata/country";
      for (let i = 0; i < 3; i++) {
        const ts = Math.floor(Date.now() / 1000);
        const signed = await hawkHeader(frontend, { url, ts });
        const res = await call(hawkApp, "GET", "/v4/metadata/country", {
          headers: { authorization: signed.header },
        });
        assert.equal(res.status, 200);
        assert.equal(res.body.length, 270);
        await assertSignedResponse(res, frontend.key, signed.resource);
      }
    });

    await t.step("a deactivated adviser is refused within a second", async () => {
      const other = await createAdviser(sql, { superuser: true });
      const whoami = () => call(reader, "GET", "/whoami/", { token: other.token });
      assert.equal((await whoami()).status, 200);
      assert.equal((await whoami()).status, 200);
      await sql`update company_advisor set is_active = false where id = ${other.id}`;
      const started = performance.now();
      while ((await whoami()).status !== 401) {
        assert.ok(performance.now() - started < 1000, "still accepted after a second");
      }
    });

    await t.step("a permission taken away applies within a second", async () => {
      const viewer = await createAdviser(sql, { permissions: ["company.view_company"] });
      const get = () => call(reader, "GET", `/v4/company/${companyId}`, { token: viewer.token });
      assert.equal((await get()).status, 200);
      await sql`delete from company_advisor_user_permissions where advisor_id = ${viewer.id}`;
      const started = performance.now();
      while ((await get()).status !== 403) {
        assert.ok(performance.now() - started < 1000, "still allowed after a second");
      }
    });
  } finally {
    await ctx.close();
  }
});

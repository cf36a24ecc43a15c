import assert from "node:assert/strict";
import { z } from "@hono/zod-openapi";
import { createApp } from "../../src/http/app.ts";
import type { App } from "../../src/http/context.ts";
import type { TransactionSql } from "../../src/db/pool.ts";
import { freshDatabase } from "../helpers/db.ts";
import { call, createAdviser, testDeps } from "../helpers/app.ts";
import { bearer } from "../../src/auth/authenticate.ts";
import { crud } from "../../src/auth/permissions.ts";
import { archiveRoutes, registerArchive } from "../../src/core/archive.ts";
import { auditRoute, registerAudit } from "../../src/core/audit.ts";
import { adviserRef, type VersionedEntity } from "../../src/core/versions.ts";
import { recordWrite } from "../../src/core/tracking.ts";
import { type Embedding, noContributions } from "../../src/core/contributions.ts";
import { nonFieldError } from "../../src/http/errors.ts";

const UK = "80756b9a-5d95-e211-a939-e4115bead28a";
const FRANCE = "82756b9a-5d95-e211-a939-e4115bead28a";

const widget: VersionedEntity = {
  entity: "widget",
  table: "test_widget",
  foreignKeys: {
    country_id: { table: "metadata_country" },
    owner_id: adviserRef,
    archived_by_id: adviserRef,
  },
  manyToMany: {
    tags: {
      table: "test_widget_tags",
      source: "widget_id",
      target: "country_id",
      ref: { table: "metadata_country" },
    },
  },
};

function widgetDomain() {
  const middleware = [bearer, crud("test.widget")];
  const schema = z.object({
    id: z.guid(),
    name: z.string(),
    archived: z.boolean(),
    archived_reason: z.string().nullable(),
    archived_by_id: z.guid().nullable(),
    archived_on: z.string().nullable(),
  });
  const archive = archiveRoutes("/v4/widget/{id}", { tag: "widget", middleware, schema });
  const audit = auditRoute("/v4/widget/{id}", { tag: "widget", middleware });
  return {
    name: "widget",
    register(app: App) {
      registerArchive(app, archive, {
        entity: widget,
        model: "Widget",
        load: async (db, id) =>
          (await db`select id, name, archived, archived_reason, archived_by_id,
                     api_datetime(archived_on) as archived_on
                   from test_widget where id = ${id}`)[0],
        beforeUnarchive: async (db, id) => {
          const [row] = await db`select locked from test_widget where id = ${id}`;
          if (row.locked) throw nonFieldError("Locked.");
        },
      });
      registerAudit(app, audit, { entity: widget, model: "Widget" });
    },
  };
}

Deno.test("core: archive/unarchive, versions, audit diff, change feed", async (t) => {
  const db = await freshDatabase();
  const sql = db.sql;
  await sql`create table test_widget (
    id uuid primary key default gen_random_uuid(), name text not null default '',
    notes text, country_id uuid references metadata_country (id), owner_id uuid,
    locked boolean not null default false,
    archived boolean not null default false, archived_on timestamptz, archived_reason text,
    archived_by_id uuid, created_on timestamptz, modified_on timestamptz)`;
  await sql`create table test_widget_tags (widget_id uuid, country_id uuid)`;
  const embeddings: Embedding[] = [{
    embedded: "widget",
    entity: "gadget",
    find: async (tx, id) => (await tx<{ id: string }[]>`select ${id}::uuid as id`).map((r) => r.id),
  }];
  const fixed = new Date("2024-03-01T10:00:00.123000Z");
  const deps = testDeps(db, {
    overrides: { now: () => fixed, contributions: { ...noContributions, embeddings } },
  });
  const app = createApp(deps, [widgetDomain()]);
  const user = await createAdviser(sql, {
    permissions: ["test.view_widget", "test.add_widget"],
    firstName: "Ann",
    lastName: "Lee",
  });
  const viewer = await createAdviser(sql, { permissions: ["test.view_widget"] });
  const [{ id }] = await sql`insert into test_widget (name, notes) values ('One', '') returning id`;
  // Statements run on the transaction: the embedded database has a single connection.
  const write = (fn: (tx: TransactionSql) => Promise<unknown>, comment?: string) =>
    sql.begin(async (tx) => {
      await fn(tx);
      await recordWrite(tx, widget, id, { userId: user.id, at: fixed, comment, embeddings });
    });

  await t.step(
    "versions diff: FK names, M2M names, '' equals null, count = versions − 1",
    async () => {
      await write(() => Promise.resolve());
      await write(async (tx) => {
        await tx`update test_widget set name = 'Two', notes = null, country_id = ${UK},
                owner_id = ${user.id} where id = ${id}`;
        await tx`insert into test_widget_tags values (${id}, ${FRANCE}), (${id}, ${UK})`;
      }, "Renamed");
      await sql`update test_widget set country_id = ${FRANCE} where id = ${id}`;
      await write(() => Promise.resolve());
      const res = await call(app, "GET", `/v4/widget/${id}/audit`, { token: viewer.token });
      assert.equal(res.status, 200);
      assert.equal(res.body.count, 2);
      assert.equal(res.body.next, null);
      const [newest, older] = res.body.results;
      assert.deepEqual(newest.changes, { country: ["United Kingdom", "France"] });
      assert.deepEqual(older.changes, {
        name: ["One", "Two"],
        country: [null, "United Kingdom"],
        owner: [null, "Ann Lee"],
        // Members are stored in id order (the UK id sorts before France's).
        tags: [[], ["United Kingdom", "France"]],
      });
      assert.equal(older.comment, "Renamed");
      assert.equal(older.timestamp, "2024-03-01T10:00:00.123000Z");
      assert.deepEqual(older.user, {
        id: user.id,
        first_name: "Ann",
        last_name: "Lee",
        name: "Ann Lee",
        email: user.email,
      });
      assert.ok(newest.id > older.id);
      const paged = await call(app, "GET", `/v4/widget/${id}/audit?limit=1&offset=1`, {
        token: viewer.token,
      });
      assert.equal(paged.body.count, 2);
      assert.deepEqual(paged.body.results.map((r: { id: number }) => r.id), [older.id]);
      assert.ok(paged.body.previous);
    },
  );

  await t.step("a deleted referenced row shows as its raw id", async () => {
    const other = await createAdviser(sql);
    await write((tx) => tx`update test_widget set owner_id = ${other.id} where id = ${id}`);
    await sql`delete from oauth_access_token where advisor_id = ${other.id}`;
    await sql`delete from company_advisor where id = ${other.id}`;
    const res = await call(app, "GET", `/v4/widget/${id}/audit?limit=1`, { token: viewer.token });
    assert.deepEqual(res.body.results[0].changes, { owner: ["Ann Lee", other.id] });
  });

  await t.step("archive needs add_ permission and a reason", async () => {
    assert.equal((await call(app, "POST", `/v4/widget/${id}/archive`)).status, 401);
    const denied = await call(app, "POST", `/v4/widget/${id}/archive`, {
      token: viewer.token,
      body: { reason: "x" },
    });
    assert.equal(denied.status, 403);
    const missing = await call(app, "POST", `/v4/widget/${id}/archive`, { token: user.token });
    assert.deepEqual(missing.body, { reason: ["This field is required."] });
    const long = await call(app, "POST", `/v4/widget/${id}/archive`, {
      token: user.token,
      body: { reason: "x".repeat(256) },
    });
    assert.deepEqual(long.body, { reason: ["Ensure this field has no more than 255 characters."] });
    const unknown = await call(app, "POST", `/v4/widget/${crypto.randomUUID()}/archive`, {
      token: user.token,
      body: { reason: "x" },
    });
    assert.deepEqual(unknown.body, { detail: "No Widget matches the given query." });
  });

  await t.step("archive then unarchive round trip, each versioned and fed", async () => {
    const before = (await sql`select count(*)::int as n from change_feed`)[0].n;
    const res = await call(app, "POST", `/v4/widget/${id}/archive`, {
      token: user.token,
      body: { reason: "Gone" },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.archived, true);
    assert.equal(res.body.archived_reason, "Gone");
    assert.equal(res.body.archived_by_id, user.id);
    assert.equal(res.body.archived_on, "2024-03-01T10:00:00.123000Z");
    const back = await call(app, "POST", `/v4/widget/${id}/unarchive`, { token: user.token });
    assert.equal(back.status, 200);
    assert.equal(back.body.archived, false);
    assert.equal(back.body.archived_reason, "");
    assert.equal(back.body.archived_by_id, null);
    assert.equal(back.body.archived_on, null);
    const feed = await sql`select entity, entity_id from change_feed order by id offset ${before}`;
    assert.deepEqual(feed.map((r) => `${r.entity}:${r.entity_id}`), [
      `widget:${id}`,
      `gadget:${id}`,
      `widget:${id}`,
      `gadget:${id}`,
    ]);
    const audit = await call(app, "GET", `/v4/widget/${id}/audit?limit=2`, { token: viewer.token });
    assert.deepEqual(audit.body.results[1].changes, {
      archived: [false, true],
      archived_on: [null, "2024-03-01T10:00:00.123000Z"],
      archived_reason: [null, "Gone"],
      archived_by: [null, "Ann Lee"],
    });
  });

  await t.step("a refused unarchive leaves no version and no change-feed row", async () => {
    await call(app, "POST", `/v4/widget/${id}/archive`, {
      token: user.token,
      body: { reason: "x" },
    });
    await sql`update test_widget set locked = true where id = ${id}`;
    const count = async () =>
      (await sql`select (select count(*) from change_feed)::int + (select count(*) from reversion_version)::int as n`)[
        0
      ].n;
    const before = await count();
    const res = await call(app, "POST", `/v4/widget/${id}/unarchive`, { token: user.token });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { non_field_errors: ["Locked."] });
    assert.equal(await count(), before);
    assert.equal((await sql`select archived from test_widget where id = ${id}`)[0].archived, true);
  });

  await db.close();
});

import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";

const AFGHANISTAN = "87756b9a-5d95-e211-a939-e4115bead28a";
const READONLY = ["This field cannot be changed at this stage."];

Deno.test("OMIS order assignees", async (t) => {
  const ctx = await testApp();
  const { app, sql } = ctx;
  // A clock that moves a second per request, as requests follow one another.
  let clock = Date.parse("2024-06-01T12:00:00Z");
  ctx.deps.now = () => new Date(clock += 1000);
  const [{ id: team }] = await sql<{ id: string }[]>`
    insert into metadata_team (id, name, country_id)
    values (gen_random_uuid(), 'Kabul Post', ${AFGHANISTAN}) returning id`;
  const user = await createAdviser(sql, {
    permissions: ["order.view_orderassignee", "order.change_orderassignee", "order.add_order"],
  });
  const viewer = await createAdviser(sql, { permissions: ["order.view_orderassignee"] });
  const ann = await createAdviser(sql, { firstName: "Ann", lastName: "Lee", teamId: team });
  const bob = await createAdviser(sql, { firstName: "Bob", lastName: "Ray" });
  const cat = await createAdviser(sql, { firstName: "Cat", lastName: "Fox" });
  const [{ id: company }] = await sql<{ id: string }[]>`
    insert into company_company (name) values ('Acme') returning id`;
  const [{ id: contact }] = await sql<{ id: string }[]>`
    insert into company_contact (first_name, last_name, company_id, "primary", email)
    values ('Jo', 'Doe', ${company}, true, 'jo@example.test') returning id`;
  const [{ id: order }] = await sql<{ id: string }[]>`
    insert into order_order (reference, public_token, company_id, contact_id, primary_market_id)
    values ('ABC123/24', 'token', ${company}, ${contact}, ${AFGHANISTAN}) returning id`;
  const url = `/v3/omis/order/${order}/assignee`;
  const patch = (body: unknown, query = "", token = user.token) =>
    call(app, "PATCH", `${url}${query}`, { token, body });
  const get = async () => (await call(app, "GET", url, { token: viewer.token })).body;
  const setStatus = (status: string) =>
    sql`update order_order set status = ${status} where id = ${order}`;
  const summary = async () =>
    (await get()).map((a: { adviser: { name: string }; [k: string]: unknown }) => [
      a.adviser.name,
      a.estimated_time,
      a.actual_time,
      a.is_lead,
    ]);

  await t.step("GET: permissions, empty, 404", async () => {
    assert.equal((await call(app, "GET", url, {})).status, 401);
    const none = await createAdviser(sql);
    assert.equal((await call(app, "GET", url, { token: none.token })).status, 403);
    assert.deepEqual(await get(), []);
    const unknown = `/v3/omis/order/${crypto.randomUUID()}/assignee`;
    assert.equal((await call(app, "GET", unknown, { token: viewer.token })).status, 404);
    assert.equal((await patch([], "", viewer.token)).status, 403);
  });

  await t.step("PATCH in draft: add, update, keep; team and country copied", async () => {
    const res = await patch([
      { adviser: { id: ann.id }, estimated_time: 100, is_lead: true },
      { adviser: bob.id, estimated_time: 250 },
    ]);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body[0], {
      adviser: { id: ann.id, first_name: "Ann", last_name: "Lee", name: "Ann Lee" },
      estimated_time: 100,
      actual_time: null,
      is_lead: true,
    });
    const [row] = await sql`
      select team_id, country_id from order_orderassignee where adviser_id = ${ann.id}`;
    assert.deepEqual({ ...row }, { team_id: team, country_id: AFGHANISTAN });
    // Not listed and no force-delete: Bob stays.
    await patch([{ adviser: { id: ann.id }, estimated_time: 120 }, { adviser: { id: cat.id } }]);
    assert.deepEqual(await summary(), [
      ["Ann Lee", 120, null, true],
      ["Bob Ray", 250, null, false],
      ["Cat Fox", 0, null, false],
    ]);
  });

  await t.step("PATCH in draft: one lead, force-delete, item errors commit nothing", async () => {
    assert.deepEqual((await patch([{ adviser: { id: bob.id }, is_lead: true }])).body, {
      non_field_errors: ["Only one lead allowed."],
    });
    const missing = "00000000-0000-0000-0000-000000000000";
    const bad = await patch([
      { adviser: { id: ann.id }, estimated_time: 1 },
      { adviser: { id: missing } },
      { adviser: { id: bob.id }, actual_time: 5 },
      { estimated_time: -1 },
      "x",
    ]);
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, [
      {},
      { adviser: [`Invalid pk "${missing}" - object does not exist.`] },
      { actual_time: READONLY },
      {
        adviser: ["This field is required."],
        estimated_time: ["Ensure this value is greater than or equal to 0."],
      },
      { non_field_errors: ["Invalid data. Expected a dictionary, but got str."] },
    ]);
    assert.equal((await summary())[0][1], 120);
    const res = await patch(
      [{ adviser: { id: bob.id }, is_lead: true }, { adviser: { id: cat.id } }],
      "?force-delete=1",
    );
    assert.equal(res.status, 200);
    assert.deepEqual(await summary(), [["Bob Ray", 250, null, true], ["Cat Fox", 0, null, false]]);
  });

  await t.step("PATCH once paid: only actual time; no deletions; then complete", async () => {
    await setStatus("paid");
    assert.deepEqual((await patch([{ adviser: { id: bob.id }, estimated_time: 1 }])).body, [
      { estimated_time: READONLY },
    ]);
    assert.deepEqual((await patch([{ adviser: { id: ann.id }, is_lead: false }])).body, [
      { is_lead: READONLY },
    ]);
    assert.deepEqual((await patch([{ adviser: { id: bob.id } }], "?force-delete=1")).body, {
      non_field_errors: ["You cannot delete any assignees at this stage."],
    });
    await patch([{ adviser: { id: bob.id }, actual_time: 200 }]);
    const complete = await call(app, "POST", `/v3/omis/order/${order}/complete`, {
      token: user.token,
      body: {},
    });
    assert.equal(complete.status, 400);
    assert.deepEqual(complete.body, {
      non_field_errors: ["You must set the actual time for all assignees to complete this order."],
    });
    await patch([{ adviser: { id: cat.id }, actual_time: 0 }]);
    assert.deepEqual(await summary(), [["Bob Ray", 250, 200, true], ["Cat Fox", 0, 0, false]]);
    const done = await call(app, "POST", `/v3/omis/order/${order}/complete`, {
      token: user.token,
      body: {},
    });
    assert.equal(done.status, 200);
    assert.equal(done.body.status, "complete");
  });

  await t.step("PATCH: 409 once complete or cancelled (after item errors)", async () => {
    const res = await patch([{ adviser: { id: ann.id } }]);
    assert.equal(res.status, 409);
    assert.deepEqual(res.body, {
      detail: "The action cannot be performed in the current status Complete.",
    });
    await setStatus("cancelled");
    assert.equal((await patch([{ adviser: {} }])).status, 400);
    assert.equal((await patch([])).status, 409);
    assert.deepEqual((await patch({})).body, {
      non_field_errors: ['Expected a list of items but got type "dict".'],
    });
  });

  await ctx.close();
});

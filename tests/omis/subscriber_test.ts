import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";

const AFGHANISTAN = "87756b9a-5d95-e211-a939-e4115bead28a";
const ALDERNEY = "934cd12a-6095-e211-a939-e4115bead28a";

Deno.test("OMIS order subscriber list", async (t) => {
  const ctx = await testApp();
  const { app, sql } = ctx;
  ctx.deps.now = () => new Date("2024-06-01T12:00:00Z");
  const [{ id: team }] = await sql<{ id: string }[]>`
    insert into metadata_team (id, name, uk_region_id)
    values (gen_random_uuid(), 'OMIS Team', ${ALDERNEY}) returning id`;
  const user = await createAdviser(sql, {
    permissions: ["order.view_ordersubscriber", "order.change_ordersubscriber"],
  });
  const viewer = await createAdviser(sql, { permissions: ["order.view_ordersubscriber"] });
  const ann = await createAdviser(sql, { firstName: "Ann", lastName: "Lee", teamId: team });
  const bob = await createAdviser(sql, { firstName: "Bob", lastName: "Ray" });
  const cat = await createAdviser(sql, { firstName: "Cat", lastName: "" });
  const [{ id: company }] = await sql<{ id: string }[]>`
    insert into company_company (name) values ('Acme') returning id`;
  const [{ id: contact }] = await sql<{ id: string }[]>`
    insert into company_contact (first_name, last_name, company_id, "primary", email)
    values ('Jo', 'Doe', ${company}, true, 'jo@example.test') returning id`;
  const [{ id: order }] = await sql<{ id: string }[]>`
    insert into order_order (reference, public_token, company_id, contact_id, primary_market_id)
    values ('ABC123/24', 'token', ${company}, ${contact}, ${AFGHANISTAN}) returning id`;
  const url = `/v3/omis/order/${order}/subscriber-list`;
  const put = (body: unknown, token = user.token) => call(app, "PUT", url, { token, body });

  await t.step("GET: permissions, empty list, 404 for an unknown order", async () => {
    assert.equal((await call(app, "GET", url, {})).status, 401);
    const none = await createAdviser(sql);
    assert.equal((await call(app, "GET", url, { token: none.token })).status, 403);
    const res = await call(app, "GET", url, { token: viewer.token });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, []);
    const unknown = await call(
      app,
      "GET",
      `/v3/omis/order/${crypto.randomUUID()}/subscriber-list`,
      {
        token: viewer.token,
      },
    );
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { detail: "Not found." });
  });

  await t.step("PUT: adds, keeps and removes; advisers with their team", async () => {
    assert.equal((await put([{ id: ann.id }], viewer.token)).status, 403);
    const res = await put([{ id: ann.id }, { id: bob.id.toUpperCase() }]);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, [
      {
        id: ann.id,
        first_name: "Ann",
        last_name: "Lee",
        name: "Ann Lee",
        dit_team: { id: team, name: "OMIS Team", uk_region: { id: ALDERNEY, name: "Alderney" } },
      },
      { id: bob.id, first_name: "Bob", last_name: "Ray", name: "Bob Ray", dit_team: null },
    ]);
    ctx.deps.now = () => new Date("2024-06-02T12:00:00Z");
    const changed = await put([{ id: cat.id }, { id: bob.id }]);
    assert.deepEqual(changed.body.map((a: { name: string }) => a.name), ["Bob Ray", "Cat"]);
    const got = await call(app, "GET", url, { token: viewer.token });
    assert.deepEqual(got.body, changed.body);
    assert.deepEqual((await put([])).body, []);
  });

  await t.step("PUT: DRF list errors, one object per item", async () => {
    const missing = "00000000-0000-0000-0000-000000000000";
    assert.deepEqual((await put([{ id: ann.id }, { id: missing }])).body, [
      {},
      { id: [`${missing} is not a valid adviser`] },
    ]);
    assert.deepEqual((await put([{}, { id: "x" }, "y", { id: null }])).body, [
      { id: ["This field is required."] },
      { id: ["Must be a valid UUID."] },
      { non_field_errors: ["Invalid data. Expected a dictionary, but got str."] },
      { id: ["This field may not be null."] },
    ]);
    const notList = await put({ id: ann.id });
    assert.equal(notList.status, 400);
    assert.deepEqual(notList.body, {
      non_field_errors: ['Expected a list of items but got type "dict".'],
    });
    assert.deepEqual((await call(app, "GET", url, { token: viewer.token })).body, []);
  });

  await t.step("PUT: 409 once the order is complete or cancelled", async () => {
    for (const [status, label] of [["complete", "Complete"], ["cancelled", "Cancelled"]]) {
      await sql`update order_order set status = ${status} where id = ${order}`;
      const res = await put([{ id: ann.id }]);
      assert.equal(res.status, 409);
      assert.deepEqual(res.body, {
        detail: `The action cannot be performed in the current status ${label}.`,
      });
    }
    assert.deepEqual((await call(app, "GET", url, { token: viewer.token })).body, []);
  });

  await ctx.close();
});

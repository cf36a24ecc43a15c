import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import { ACTIVITY_STREAM, DATA_FLOW, MACHINE_ENV, signedGet } from "../helpers/machine.ts";
import { OMIS_ENV, OMIS_PERMISSIONS, publicCall, publicTokenOf, readyOrder } from "./setup.ts";

Deno.test("OMIS orders for machine clients: the activity feed and the dataset", async (t) => {
  const ctx = await testApp({ env: { ...MACHINE_ENV, ...OMIS_ENV } });
  const { app, sql } = ctx;
  ctx.deps.now = () => new Date("2024-06-01T12:00:00Z");
  const user = await createAdviser(sql, {
    firstName: "Ann",
    lastName: "Lee",
    permissions: OMIS_PERMISSIONS,
  });
  const lead = await createAdviser(sql);
  const order = await readyOrder(ctx, user.token, lead.id);
  await call(app, "POST", `/v3/omis/order/${order}/quote`, { token: user.token });
  ctx.deps.now = () => new Date("2024-06-02T08:00:00Z");
  const pub = `/v3/public/omis/order/${await publicTokenOf(sql, order)}`;
  assert.equal((await publicCall(ctx, "POST", `${pub}/quote/accept`)).status, 200);
  const [o] = await sql`
    select o.reference, o.company_id::text, o.contact_id::text, c.name as company
    from order_order o join company_company c on c.id = o.company_id where o.id = ${order}`;

  await t.step("activity stream: an Add of the order by its creator", async () => {
    ctx.deps.now = () => new Date("2024-06-02T09:00:00Z");
    const res = await signedGet(ctx, ACTIVITY_STREAM, "/v3/activity-stream/omis/order-added");
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.summary, "OMIS Order Added Activity");
    const [item] = res.body.orderedItems;
    assert.deepEqual(item, {
      id: `dit:DataHubOMISOrder:${order}:Add`,
      type: "Add",
      published: "2024-06-01T12:00:00Z",
      generator: { name: "dit:dataHub", type: "Application" },
      actor: {
        id: `dit:DataHubAdviser:${user.id}`,
        type: ["Person", "dit:Adviser"],
        "dit:emailAddress": user.email,
        name: "Ann Lee",
      },
      object: {
        id: `dit:DataHubOMISOrder:${order}`,
        type: ["dit:OMISOrder"],
        startTime: "2024-06-01T12:00:00Z",
        name: o.reference,
        attributedTo: [
          {
            id: `dit:DataHubCompany:${o.company_id}`,
            "dit:dunsNumber": null,
            "dit:companiesHouseNumber": null,
            type: ["Organization", "dit:Company"],
            name: o.company,
          },
          {
            id: `dit:DataHubContact:${o.contact_id}`,
            type: ["Person", "dit:Contact"],
            url: `http://localhost:3000/contacts/${o.contact_id}`,
            "dit:emailAddress": "jo@example.test",
            "dit:jobTitle": null,
            name: "Jo Doe",
          },
        ],
        url: `http://localhost:3000/omis/${order}`,
        "dit:country": { name: "Afghanistan" },
      },
    });
  });

  await t.step("dataset: the original's columns", async () => {
    const res = await signedGet(ctx, DATA_FLOW, "/v4/dataset/omis-dataset");
    assert.equal(res.status, 200, res.text);
    const [row] = res.body.results;
    assert.equal(row.id, order);
    assert.equal(row.reference, o.reference);
    assert.equal(row.status, "quote_accepted");
    assert.equal(row.created_by_id, user.id);
    assert.equal(row.created_on, "2024-06-01T12:00:00Z");
    assert.equal(row.quote__created_on, "2024-06-01T12:00:00Z");
    assert.equal(row.quote__accepted_on, "2024-06-02T08:00:00Z");
    assert.equal(row.delivery_date, "2024-09-30");
    assert.equal(row.primary_market__name, "Afghanistan");
    assert.equal(row.services, "Activity relating to a high value campaign");
    assert.deepEqual(
      [row.subtotal_cost, row.vat_cost, row.total_cost, row.invoice__subtotal_cost],
      [1500, 300, 1800, 1500],
    );
    const later = await signedGet(
      ctx,
      DATA_FLOW,
      "/v4/dataset/omis-dataset?updated_since=2024-06-03",
    );
    assert.deepEqual(later.body.results, []);
  });

  await ctx.close();
});

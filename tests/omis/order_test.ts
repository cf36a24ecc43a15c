import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import type { Sql } from "../../src/db/pool.ts";
import { REFERENCE_RE } from "../../src/omis/rules.ts";

// Reference data from seed/reference.
const AFGHANISTAN = "87756b9a-5d95-e211-a939-e4115bead28a"; // an enabled OMIS market
const ALBANIA = "945f66a0-5d95-e211-a939-e4115bead28a"; // a market disabled in 2010
const ABU_DHABI = "98daa2d6-168f-4ad2-b2c4-a71fd9a59968"; // no OMIS market
const CAMPAIGN = "22fc9edd-41a5-4182-ba4e-baacc681d5f7";
const EVENT_GROUP = "57c9b720-40b5-433f-9d3c-9137fb758bed"; // disabled in 2017
const NOT_ELIGIBLE = "fce5a84b-c7ef-e311-8a2b-e4115bead28a";
const ALDERNEY = "934cd12a-6095-e211-a939-e4115bead28a";

const KEYS = [
  "archived_documents_url_path",
  "billing_address_1",
  "billing_address_2",
  "billing_address_country",
  "billing_address_county",
  "billing_address_postcode",
  "billing_address_town",
  "billing_company_name",
  "billing_contact_name",
  "billing_email",
  "billing_phone",
  "cancellation_reason",
  "cancelled_by",
  "cancelled_on",
  "company",
  "completed_by",
  "completed_on",
  "contact",
  "contact_email",
  "contact_phone",
  "contacts_not_to_approach",
  "created_by",
  "created_on",
  "delivery_date",
  "description",
  "discount_value",
  "existing_agents",
  "further_info",
  "id",
  "modified_by",
  "modified_on",
  "net_cost",
  "paid_on",
  "permission_to_approach_contacts",
  "po_number",
  "primary_market",
  "product_info",
  "reference",
  "sector",
  "service_types",
  "status",
  "subtotal_cost",
  "total_cost",
  "uk_region",
  "vat_cost",
  "vat_number",
  "vat_status",
  "vat_verified",
];

async function company(sql: Sql, name: string, ukRegion: string | null = null) {
  const [{ id }] = await sql<{ id: string }[]>`
    insert into company_company (name, uk_region_id) values (${name}, ${ukRegion}) returning id`;
  return id;
}

async function contact(sql: Sql, companyId: string, firstName: string) {
  const [{ id }] = await sql<{ id: string }[]>`
    insert into company_contact (first_name, last_name, company_id, "primary", email)
    values (${firstName}, 'Doe', ${companyId}, true, ${`${firstName}@example.test`})
    returning id`;
  return id;
}

Deno.test("OMIS orders", async (t) => {
  const ctx = await testApp();
  const { app, sql } = ctx;
  ctx.deps.now = () => new Date("2024-06-01T12:00:00Z");
  const user = await createAdviser(sql, {
    firstName: "Ann",
    lastName: "Lee",
    permissions: ["order.add_order", "order.view_order", "order.change_order"],
  });
  const viewer = await createAdviser(sql, { permissions: ["order.view_order"] });
  const acme = await company(sql, "Acme", ALDERNEY);
  const other = await company(sql, "Other");
  const jo = await contact(sql, acme, "Jo");
  const sam = await contact(sql, acme, "Sam");
  const stranger = await contact(sql, other, "Kim");
  const valid = { company: acme, contact: jo, primary_market: AFGHANISTAN };
  const post = (body: unknown, token = user.token) =>
    call(app, "POST", "/v3/omis/order", { token, body });

  let id = "";
  await t.step("create: 201, a draft with a reference and the company's UK region", async () => {
    assert.equal((await post(valid, "")).status, 401);
    assert.equal((await post(valid, viewer.token)).status, 403);
    const res = await post({ ...valid, service_types: [{ id: CAMPAIGN }], description: "Do it" });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    id = res.body.id;
    assert.deepEqual(Object.keys(res.body).sort(), KEYS);
    assert.equal(res.body.status, "draft");
    assert.match(res.body.reference, REFERENCE_RE);
    assert.ok(res.body.reference.endsWith("/24"));
    assert.deepEqual(res.body.company, { id: acme, name: "Acme" });
    assert.deepEqual(res.body.contact, { id: jo, name: "Jo Doe" });
    assert.deepEqual(res.body.primary_market, { id: AFGHANISTAN, name: "Afghanistan" });
    assert.deepEqual(res.body.uk_region, { id: ALDERNEY, name: "Alderney" });
    assert.deepEqual(res.body.service_types, [{
      id: CAMPAIGN,
      name: "Activity relating to a high value campaign",
    }]);
    assert.equal(res.body.description, "Do it");
    assert.equal(res.body.created_on, "2024-06-01T12:00:00Z");
    assert.equal(res.body.created_by.name, "Ann Lee");
    assert.equal(res.body.total_cost, 0);
    const [{ token }] = await sql<{ token: string }[]>`
      select public_token as token from order_order where id = ${id}`;
    assert.match(token, /^[A-Za-z0-9_-]{50}$/);
    const versions = await sql`select 1 from reversion_version where object_id = ${id}`;
    assert.equal(versions.length, 1);
  });

  await t.step("create: uk_region given explicitly (even null) wins", async () => {
    const res = await post({ ...valid, uk_region: null });
    assert.equal(res.status, 201);
    assert.equal(res.body.uk_region, null);
  });

  await t.step("create: the original's messages", async () => {
    const missing = await post({});
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body, {
      company: ["This field is required."],
      contact: ["This field is required."],
      primary_market: ["This field is required."],
    });
    const cases: [Record<string, unknown>, unknown][] = [
      [{ contact: stranger }, { contact: ["The contact does not work at the given company."] }],
      [{ primary_market: ABU_DHABI }, {
        primary_market: ["The OMIS market for country 'Abu Dhabi' doesn't exist."],
      }],
      [{ primary_market: ALBANIA }, { primary_market: ['"Albania" disabled.'] }],
      [{ service_types: [EVENT_GROUP, CAMPAIGN] }, { service_types: ['"Event group" disabled.'] }],
      [{ company: crypto.randomUUID().toUpperCase() }, {}],
      [{ primary_market: null }, { primary_market: ["This field may not be null."] }],
      [{ vat_status: "nope" }, { vat_status: ['"nope" is not a valid choice.'] }],
      [{ billing_address_postcode: "SW1" }, {
        billing_address_1: ["This field is required."],
        billing_address_town: ["This field is required."],
        billing_address_country: ["This field is required."],
      }],
    ];
    for (const [change, expected] of cases) {
      const res = await post({ ...valid, ...change });
      assert.equal(res.status, 400, JSON.stringify(change));
      if (Object.keys(expected as object).length) assert.deepEqual(res.body, expected);
      else assert.match(res.body.company[0], /^Invalid pk ".*" - object does not exist\.$/);
    }
    const [{ count }] = await sql<{ count: number }[]>`select count(*)::int from order_order`;
    assert.equal(count, 2);
  });

  await t.step("detail: 200, 404 for unknown and malformed ids", async () => {
    const res = await call(app, "GET", `/v3/omis/order/${id}`, { token: viewer.token });
    assert.equal(res.status, 200);
    assert.equal(res.body.id, id);
    const unknown = `/v3/omis/order/${crypto.randomUUID()}`;
    assert.equal((await call(app, "GET", unknown, { token: viewer.token })).status, 404);
    assert.equal((await call(app, "GET", "/v3/omis/order/x", { token: viewer.token })).status, 404);
  });

  const patch = (body: unknown, token = user.token) =>
    call(app, "PATCH", `/v3/omis/order/${id}`, { token, body });

  await t.step("PATCH a draft: editable fields, VAT reset, readonly company", async () => {
    assert.equal((await patch({ description: "x" }, viewer.token)).status, 403);
    const res = await patch({
      description: "New",
      contact: sam,
      service_types: [],
      delivery_date: "2025-01-02",
      vat_status: "uk",
      vat_number: "123",
      vat_verified: true,
      company: acme, // unchanged: allowed
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.description, "New");
    assert.equal(res.body.contact.id, sam);
    assert.deepEqual(res.body.service_types, []);
    assert.equal(res.body.delivery_date, "2025-01-02");
    assert.equal(res.body.vat_status, "uk");
    assert.equal(res.body.vat_number, "");
    assert.equal(res.body.vat_verified, null);
    assert.equal(res.body.modified_by.name, "Ann Lee");

    const eu = await patch({ vat_status: "eu", vat_number: "123", vat_verified: true });
    assert.equal(eu.body.vat_number, "123");
    assert.equal(eu.body.vat_verified, true);

    assert.deepEqual((await patch({ company: other, contact: stranger })).body, {
      company: ["This field cannot be changed at this stage."],
    });
    assert.deepEqual((await patch({ primary_market: ALBANIA })).body, {
      primary_market: ['"Albania" disabled.'],
    });
    assert.deepEqual((await patch({ contact: stranger })).body, {
      contact: ["The contact does not work at the given company."],
    });
    const versions = await sql`select 1 from reversion_version where object_id = ${id}`;
    assert.equal(versions.length, 3);
    const bad = await patch({ contact: "00000000-0000-0000-0000-000000000000" });
    assert.deepEqual(bad.body, {
      contact: ['Invalid pk "00000000-0000-0000-0000-000000000000" - object does not exist.'],
    });
  });

  await t.step(
    "PATCH: read-only fields are ignored; service types judged at creation",
    async () => {
      const res = await patch({
        status: "complete",
        reference: "XXX",
        net_cost: 999,
        product_info: "x",
        billing_company_name: "New Corp",
      });
      assert.equal(res.status, 200);
      assert.equal(res.body.status, "draft");
      assert.match(res.body.reference, REFERENCE_RE);
      assert.equal(res.body.net_cost, 0);
      assert.equal(res.body.product_info, "");
      assert.equal(res.body.billing_company_name, "");
      // Created in 2024, after "Event group" was disabled; an order created earlier may use it.
      assert.deepEqual((await patch({ service_types: [EVENT_GROUP] })).body, {
        service_types: ['"Event group" disabled.'],
      });
      await sql`update order_order set created_on = '2017-01-01Z' where id = ${id}`;
      const old = await patch({ service_types: [EVENT_GROUP] });
      assert.equal(old.status, 200);
      assert.deepEqual(old.body.service_types, [{ id: EVENT_GROUP, name: "Event group" }]);
      await patch({ service_types: [] });
    },
  );

  await t.step("PATCH by status: only the contact once paid, nothing once complete", async () => {
    await sql`update order_order set status = 'paid' where id = ${id}`;
    assert.deepEqual((await patch({ description: "Other" })).body, {
      description: ["This field cannot be changed at this stage."],
    });
    assert.deepEqual((await patch({ po_number: "PO1" })).body, {
      po_number: ["This field cannot be changed at this stage."],
    });
    const same = await patch({ description: "New", contact: jo });
    assert.equal(same.status, 200);
    assert.equal(same.body.contact.id, jo);
    await sql`update order_order set status = 'quote_accepted' where id = ${id}`;
    assert.equal((await patch({ po_number: "PO1" })).body.po_number, "PO1");
    await sql`update order_order set status = 'complete' where id = ${id}`;
    assert.deepEqual((await patch({ contact: sam })).body, {
      contact: ["This field cannot be changed at this stage."],
    });
  });

  const action = (name: string, body: unknown = {}, orderId = id) =>
    call(app, "POST", `/v3/omis/order/${orderId}/${name}`, { token: user.token, body });

  await t.step("complete: 409 unless paid, then complete with who and when", async () => {
    await sql`update order_order set status = 'draft' where id = ${id}`;
    const wrong = await action("complete");
    assert.equal(wrong.status, 409);
    assert.deepEqual(wrong.body, {
      detail: "The action cannot be performed in the current status Draft.",
    });
    await sql`update order_order set status = 'paid' where id = ${id}`;
    const res = await action("complete");
    assert.equal(res.status, 200);
    assert.equal(res.body.status, "complete");
    assert.equal(res.body.completed_on, "2024-06-01T12:00:00Z");
    assert.equal(res.body.completed_by.id, user.id);
  });

  await t.step("cancel: reason required, 409 outside draft/awaiting acceptance", async () => {
    assert.deepEqual((await action("cancel")).body, {
      cancellation_reason: ["This field is required."],
    });
    const wrong = await action("cancel", { cancellation_reason: NOT_ELIGIBLE });
    assert.equal(wrong.status, 409);
    assert.deepEqual(wrong.body, {
      detail: "The action cannot be performed in the current status Complete.",
    });
    await sql`update order_order set status = 'quote_awaiting_acceptance' where id = ${id}`;
    const unknown = crypto.randomUUID();
    assert.deepEqual((await action("cancel", { cancellation_reason: unknown })).body, {
      cancellation_reason: [`Invalid pk "${unknown}" - object does not exist.`],
    });
    const res = await action("cancel", { cancellation_reason: { id: NOT_ELIGIBLE } });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, "cancelled");
    assert.deepEqual(res.body.cancellation_reason, {
      id: NOT_ELIGIBLE,
      name: "Company not eligible for support from DIT",
    });
    assert.equal(res.body.cancelled_by.id, user.id);
    assert.equal(res.body.cancelled_on, "2024-06-01T12:00:00Z");
    const unknownOrder = await action("cancel", { cancellation_reason: NOT_ELIGIBLE }, unknown);
    assert.equal(unknownOrder.status, 404);
  });

  await ctx.close();
});

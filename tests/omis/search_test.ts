import assert from "node:assert/strict";
import { call, createAdviser } from "../helpers/app.ts";
import { orderSearchApp } from "../../src/omis/search.ts";
import { recordChanges } from "../../src/core/change_feed.ts";
import { backendsUnderTest, searchTestApp } from "../search/support.ts";
import { OMIS_ENV, OMIS_PERMISSIONS, publicCall, publicTokenOf, readyOrder } from "./setup.ts";

const csvLines = (text: string) => text.replace(/^\ufeff/, "").trimEnd().split("\r\n");
const cells = (line: string) => line.split(",");

for (const { name, env, ignore } of backendsUnderTest) {
  Deno.test({ name: `order search (${name})`, ignore }, async (t) => {
    const ctx = await searchTestApp({ ...env, ...OMIS_ENV }, [orderSearchApp]);
    const { app, sql } = ctx;
    ctx.deps.now = () => new Date("2024-06-01T12:00:00Z");
    const user = await createAdviser(sql, {
      permissions: [...OMIS_PERMISSIONS, "order.export_order"],
    });
    const viewer = await createAdviser(sql, { permissions: ["order.view_order"] });
    const ann = await createAdviser(sql, { firstName: "Ann", lastName: "Lee" });
    const bob = await createAdviser(sql, { firstName: "Bob", lastName: "Ray" });
    const draft = await readyOrder(ctx, user.token, ann.id, { deliveryDate: "2024-09-01" });
    ctx.deps.now = () => new Date("2024-06-02T12:00:00Z");
    const quoted = await readyOrder(ctx, user.token, bob.id, { minutes: 120 });
    assert.equal(
      (await call(app, "POST", `/v3/omis/order/${quoted}/quote`, { token: user.token })).status,
      201,
    );
    const pub = `/v3/public/omis/order/${await publicTokenOf(sql, quoted)}`;
    assert.equal((await publicCall(ctx, "POST", `${pub}/quote/accept`)).status, 200);
    // Renamed behind the API's back: the orders' documents are re-indexed explicitly.
    await ctx.deps.jobs.idle();
    await sql`update company_company set name = 'Globex' where id =
      (select company_id from order_order where id = ${quoted})`;
    await sql`update company_company set name = 'Initech' where id =
      (select company_id from order_order where id = ${draft})`;
    await recordChanges(sql, [{ entity: "order", id: quoted }, { entity: "order", id: draft }]);
    const [{ reference }] = await sql`select reference from order_order where id = ${quoted}`;
    await ctx.deps.jobs.idle();
    await ctx.sync();
    const search = (body: unknown, token = user.token) =>
      call(app, "POST", "/v3/search/order", { token, body });
    const ids = (res: { body: { results: { id: string }[] } }) => res.body.results.map((r) => r.id);

    await t.step("permissions, default order (newest first) and the document", async () => {
      assert.equal((await call(app, "POST", "/v3/search/order", { body: {} })).status, 401);
      const nobody = await createAdviser(sql);
      assert.equal((await search({}, nobody.token)).status, 403);
      const res = await search({}, viewer.token);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.count, 2);
      assert.deepEqual(ids(res), [quoted, draft]);
      const doc = res.body.results[0];
      assert.equal(doc.status, "quote_accepted");
      assert.equal(doc.total_cost, 2400);
      assert.equal(doc.payment_due_date, "2024-07-02");
      assert.deepEqual(doc.assignees.map((a: { name: string }) => a.name), ["Bob Ray"]);
      assert.equal(doc.company.name, "Globex");
    });

    await t.step("filters", async () => {
      assert.deepEqual(ids(await search({ status: "draft" })), [draft]);
      assert.deepEqual(ids(await search({ status: ["draft", "quote_accepted"] })).length, 2);
      assert.deepEqual(ids(await search({ assigned_to_adviser: ann.id })), [draft]);
      assert.deepEqual(ids(await search({ company_name: "globex" })), [quoted]);
      assert.deepEqual(ids(await search({ reference })), [quoted]);
      assert.deepEqual(ids(await search({ total_cost: 2400 })), [quoted]);
      assert.deepEqual(ids(await search({ delivery_date_before: "2024-09-15" })), [draft]);
      assert.deepEqual(ids(await search({ sortby: "delivery_date:asc" })), [draft, quoted]);
      assert.equal((await search({ sortby: "reference" })).status, 400);
    });

    await t.step("summary: the net price of every match, in pence", async () => {
      const [{ quotedPrice, draftPrice }] = await sql`
        select (select subtotal_cost from order_order where id = ${quoted})::int as "quotedPrice",
          (select subtotal_cost from order_order where id = ${draft})::int as "draftPrice"`;
      assert.deepEqual((await search({})).body.summary, {
        total_subtotal_cost: quotedPrice + draftPrice,
      });
      assert.deepEqual((await search({ status: "quote_accepted" })).body.summary, {
        total_subtotal_cost: quotedPrice,
      });
      assert.deepEqual((await search({ status: "cancelled" })).body.summary, {
        total_subtotal_cost: 0,
      });
    });

    await t.step("global search finds orders", async () => {
      const res = await call(app, "GET", "/v3/search?term=globex&entity=order", {
        token: user.token,
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.results.map((r: { id: string }) => r.id), [quoted]);
    });

    await t.step("export: the original's columns", async () => {
      assert.equal(
        (await call(app, "POST", "/v3/search/order/export", { token: viewer.token, body: {} }))
          .status,
        403,
      );
      const res = await call(app, "POST", "/v3/search/order/export", {
        token: user.token,
        body: { status: "quote_accepted" },
      });
      assert.equal(res.status, 200);
      const [titles, row] = csvLines(res.text).map(cells);
      assert.deepEqual(titles, [
        "Order reference",
        "Net price",
        "Net refund",
        "Status",
        "Link",
        "Sector",
        "Market",
        "UK region",
        "Company",
        "Company country",
        "Company UK region",
        "Company link",
        "Contact",
        "Contact job title",
        "Contact link",
        "Lead adviser",
        "Created by team",
        "Date created",
        "Delivery date",
        "Date quote sent",
        "Date quote accepted",
        "Date payment received",
        "Date completed",
      ]);
      const value = (title: string) => row[titles.indexOf(title)];
      assert.equal(value("Order reference"), reference);
      assert.equal(value("Net price"), "20");
      assert.equal(value("Status"), "Quote accepted");
      assert.equal(value("Link"), `http://localhost:3000/omis/${quoted}`);
      assert.equal(value("Lead adviser"), "Bob Ray");
      assert.equal(value("Contact"), "Jo Doe");
    });

    await ctx.close();
  });
}

import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import {
  AFGHANISTAN,
  companyWithContact,
  OMIS_ENV,
  OMIS_PERMISSIONS,
  publicCall,
  publicTokenOf,
  readyOrder,
  UNITED_KINGDOM,
} from "./setup.ts";

const EXPIRY_IN_PAST = "The calculated expiry date for the quote is in the past. " +
  "You might be able to fix this by changing the delivery date.";

Deno.test("OMIS quotes, invoices and payments: draft → quote → accepted → paid", async (t) => {
  const ctx = await testApp({ env: OMIS_ENV });
  const { app, sql } = ctx;
  ctx.deps.now = () => new Date("2024-06-01T12:00:00Z");
  const user = await createAdviser(sql, {
    firstName: "Ann",
    lastName: "Lee",
    permissions: OMIS_PERMISSIONS,
  });
  const viewer = await createAdviser(sql, { permissions: ["omis_quote.view_quote"] });
  const lead = await createAdviser(sql, { firstName: "Lea", lastName: "Dee" });
  const as = (token: string) => ({ token });
  const order = await readyOrder(ctx, user.token, lead.id);
  const quoteUrl = `/v3/omis/order/${order}/quote`;
  const [terms] = await sql<{ content: string }[]>`
    select content from omis_quote_termsandconditions order by created_on desc limit 1`;

  await t.step("pricing: estimated time at the hourly rate, plus UK VAT, in pence", async () => {
    const res = await call(app, "GET", `/v3/omis/order/${order}`, as(user.token));
    assert.deepEqual(
      [res.body.net_cost, res.body.subtotal_cost, res.body.vat_cost, res.body.total_cost],
      [1500, 1500, 300, 1800],
    );
  });

  await t.step("an incomplete order cannot be quoted: 400 naming every gap", async () => {
    const { company, contact } = await companyWithContact(sql, "Bare");
    const bare = await call(app, "POST", "/v3/omis/order", {
      token: user.token,
      body: {
        company: { id: company },
        contact: { id: contact },
        primary_market: { id: AFGHANISTAN },
      },
    });
    for (const path of ["quote", "quote/preview"]) {
      const res = await call(app, "POST", `/v3/omis/order/${bare.body.id}/${path}`, as(user.token));
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, {
        service_types: ["This field is required."],
        description: ["This field is required."],
        delivery_date: ["This field is required."],
        vat_status: ["This field is required."],
        assignees: ["You need to add at least one assignee."],
      });
    }
    await call(app, "PATCH", `/v3/omis/order/${bare.body.id}`, {
      token: user.token,
      body: { vat_status: "eu" },
    });
    const eu = await call(app, "POST", `/v3/omis/order/${bare.body.id}/quote`, as(user.token));
    assert.deepEqual(eu.body.vat_verified, ["This field is required."]);
  });

  await t.step("a delivery date too close gives a quote expiring in the past: 400", async () => {
    const soon = await readyOrder(ctx, user.token, lead.id, { deliveryDate: "2024-06-20" });
    const res = await call(app, "POST", `/v3/omis/order/${soon}/quote`, as(user.token));
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { delivery_date: [EXPIRY_IN_PAST] });
  });

  await t.step("no quote yet: GET and cancel are 404s; permissions and order 404", async () => {
    const get = await call(app, "GET", quoteUrl, as(user.token));
    assert.equal(get.status, 404);
    assert.deepEqual(get.body, { detail: "The specified quote does not exist." });
    assert.equal((await call(app, "POST", `${quoteUrl}/cancel`, as(user.token))).status, 404);
    assert.equal((await call(app, "POST", quoteUrl, as(viewer.token))).status, 403);
    const missing = await call(
      app,
      "GET",
      `/v3/omis/order/${crypto.randomUUID()}/quote`,
      as(user.token),
    );
    assert.deepEqual(missing.body, { detail: "The specified order does not exist." });
  });

  await t.step("preview: the quote that would be made, nothing saved", async () => {
    const res = await call(app, "POST", `${quoteUrl}/preview`, as(user.token));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.created_on, null);
    assert.equal(res.body.created_by, null);
    assert.equal(res.body.expires_on, "2024-07-01"); // today + 30 days < delivery − 21 days
    assert.equal(res.body.terms_and_conditions, terms.content);
    assert.match(res.body.content, /^Date: 1 June 2024\n/);
    assert.match(res.body.content, /Charges\*\* which shall be £15\.00 \(excluding VAT\)/);
    assert.match(res.body.content, /The \*\*DBT Contact\*\* shall be Lea Dee\./);
    assert.match(res.body.content, /please contact omis@example\.com\./);
    const [{ quote_id }] = await sql`select quote_id from order_order where id = ${order}`;
    assert.equal(quote_id, null);
  });

  let firstContent = "";
  await t.step(
    "create: 201; the order awaits acceptance with the company's billing details",
    async () => {
      const res = await call(app, "POST", quoteUrl, as(user.token));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.created_on, "2024-06-01T12:00:00Z");
      assert.equal(res.body.created_by.name, "Ann Lee");
      assert.deepEqual(
        [res.body.cancelled_on, res.body.accepted_on, res.body.accepted_by],
        [null, null, null],
      );
      firstContent = res.body.content;
      assert.deepEqual((await call(app, "GET", quoteUrl, as(user.token))).body, res.body);
      const detail = (await call(app, "GET", `/v3/omis/order/${order}`, as(user.token))).body;
      assert.equal(detail.status, "quote_awaiting_acceptance");
      assert.equal(detail.billing_company_name, "Acme");
      assert.equal(detail.billing_address_1, "1 Main Street");
      assert.equal(detail.billing_address_town, "London");
      assert.deepEqual(detail.billing_address_country, {
        id: UNITED_KINGDOM,
        name: "United Kingdom",
      });
      const [{ reference }] = await sql`
      select q.reference from omis_quote_quote q join order_order o on o.quote_id = q.id
      where o.id = ${order}`;
      assert.match(reference, new RegExp(`^${detail.reference}/Q-[A-Z]{2}[1-9]$`));
    },
  );

  await t.step("a second quote: 409 while one is active", async () => {
    const res = await call(app, "POST", quoteUrl, as(user.token));
    assert.equal(res.status, 409);
    assert.deepEqual(res.body, { detail: "There's already an active quote." });
  });

  await t.step("cancel: the quote is cancelled, the order reopened as a draft", async () => {
    const res = await call(app, "POST", `${quoteUrl}/cancel`, as(user.token));
    assert.equal(res.status, 200);
    assert.equal(res.body.cancelled_on, "2024-06-01T12:00:00Z");
    assert.equal(res.body.cancelled_by.name, "Ann Lee");
    const again = await call(app, "POST", `${quoteUrl}/cancel`, as(user.token));
    assert.equal(again.status, 409);
    assert.deepEqual(again.body, {
      detail: "The action cannot be performed in the current status Draft.",
    });
    const token = await publicTokenOf(sql, order);
    const reopened = await publicCall(ctx, "GET", `/v3/public/omis/order/${token}/quote`);
    assert.equal(reopened.status, 200, "a reopened draft stays visible to the customer");
    const created = await call(app, "POST", quoteUrl, as(user.token));
    assert.equal(created.status, 201);
    assert.equal(created.body.cancelled_on, null);
    assert.equal(created.body.content, firstContent);
  });

  const token = await publicTokenOf(sql, order);
  const pub = `/v3/public/omis/order/${token}`;

  await t.step(
    "public: Hawk with public_omis; quote signed; no invoice before acceptance",
    async () => {
      assert.equal((await call(app, "GET", pub)).status, 401);
      const res = await publicCall(ctx, "GET", pub);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.public_token, token);
      assert.equal(res.body.status, "quote_awaiting_acceptance");
      assert.equal(res.body.total_cost, 1800);
      const quote = await publicCall(ctx, "GET", `${pub}/quote`);
      assert.equal(quote.status, 200);
      assert.ok(quote.headers.get("server-authorization")?.startsWith("Hawk "));
      assert.deepEqual(Object.keys(quote.body).sort(), [
        "accepted_on",
        "cancelled_on",
        "content",
        "created_on",
        "expires_on",
        "terms_and_conditions",
      ]);
      const invoice = await publicCall(ctx, "GET", `${pub}/invoice`);
      assert.equal(invoice.status, 404);
      assert.deepEqual(invoice.body, { detail: "The specified order does not exist." });
      const badToken = await publicCall(ctx, "GET", "/v3/public/omis/order/short");
      assert.equal(badToken.status, 404);
    },
  );

  await t.step("accept: the contact accepts; an invoice is snapshotted", async () => {
    ctx.deps.now = () => new Date("2024-06-02T09:30:00Z");
    const res = await publicCall(ctx, "POST", `${pub}/quote/accept`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.accepted_on, "2024-06-02T09:30:00Z");
    const quote = (await call(app, "GET", quoteUrl, as(user.token))).body;
    assert.equal(quote.accepted_by.name, "Jo Doe");
    const again = await publicCall(ctx, "POST", `${pub}/quote/accept`);
    assert.equal(again.status, 409);
    assert.deepEqual(again.body, {
      detail: "The action cannot be performed in the current status Quote accepted.",
    });
    const invoice = await call(app, "GET", `/v3/omis/order/${order}/invoice`, as(user.token));
    assert.equal(invoice.status, 200, JSON.stringify(invoice.body));
    assert.equal(invoice.body.invoice_number, "202406020001");
    assert.equal(invoice.body.payment_due_date, "2024-07-02"); // acceptance + 30 < delivery − 14
    assert.equal(invoice.body.invoice_company_name, "Department for Business and Trade");
    assert.equal(invoice.body.invoice_vat_number, "888 850455");
    assert.deepEqual(invoice.body.invoice_address_country.id, UNITED_KINGDOM);
    assert.equal(invoice.body.billing_company_name, "Acme");
    assert.deepEqual(
      [invoice.body.vat_status, invoice.body.net_cost, invoice.body.total_cost],
      ["uk", 1500, 1800],
    );
    const signed = await publicCall(ctx, "GET", `${pub}/invoice`);
    assert.deepEqual(signed.body, invoice.body);
    assert.ok(signed.headers.get("server-authorization"));
  });

  await t.step("invoice fields changed after acceptance: a new invoice, repriced", async () => {
    const res = await call(app, "PATCH", `/v3/omis/order/${order}`, {
      token: user.token,
      body: { vat_status: "outside_eu", po_number: "PO-7" },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual([res.body.vat_cost, res.body.total_cost], [0, 1500]);
    const invoice = await call(app, "GET", `/v3/omis/order/${order}/invoice`, as(user.token));
    assert.equal(invoice.body.invoice_number, "202406020002");
    assert.deepEqual([invoice.body.po_number, invoice.body.total_cost], ["PO-7", 1500]);
    const readonly = await call(app, "PATCH", `/v3/omis/order/${order}`, {
      token: user.token,
      body: { description: "Something else" },
    });
    assert.deepEqual(readonly.body, {
      description: ["This field cannot be changed at this stage."],
    });
  });

  const payments = `/v3/omis/order/${order}/payment`;
  await t.step("payments: item errors, then the total must be covered", async () => {
    const bad = await call(app, "POST", payments, {
      token: user.token,
      body: [{ amount: -1, received_on: "2024-13-01", method: "card" }, "x"],
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, [
      {
        amount: ["Ensure this value is greater than or equal to 0."],
        method: ['"card" is not a valid choice.'],
        received_on: ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
      },
      { non_field_errors: ["Invalid data. Expected a dictionary, but got str."] },
    ]);
    const short = await call(app, "POST", payments, {
      token: user.token,
      body: [{ amount: 1000, received_on: "2024-06-03" }],
    });
    assert.equal(short.status, 400);
    assert.deepEqual(short.body, {
      non_field_errors: ["The sum of the amounts has to be equal or greater than the order total."],
    });
    assert.deepEqual((await call(app, "GET", payments, as(user.token))).body, []);
  });

  await t.step("payments: recorded, the order is paid on the latest date received", async () => {
    const res = await call(app, "POST", payments, {
      token: user.token,
      body: [
        { amount: 1000, received_on: "2024-06-04", transaction_reference: "T1" },
        { amount: 500, received_on: "2024-06-03", method: "manual" },
      ],
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(res.body.map((p: { reference: string }) => p.reference), [
      "202406020001",
      "202406020002",
    ]);
    assert.deepEqual(res.body[0], {
      created_on: "2024-06-02T09:30:00Z",
      reference: "202406020001",
      transaction_reference: "T1",
      additional_reference: "",
      amount: 1000,
      method: "bacs",
      received_on: "2024-06-04",
    });
    const detail = (await call(app, "GET", `/v3/omis/order/${order}`, as(user.token))).body;
    assert.equal(detail.status, "paid");
    assert.equal(detail.paid_on, "2024-06-04T00:00:00Z");
    const again = await call(app, "POST", payments, {
      token: user.token,
      body: [{ amount: 1500, received_on: "2024-06-04" }],
    });
    assert.equal(again.status, 409);
    assert.deepEqual(again.body, {
      detail: "The action cannot be performed in the current status Paid.",
    });
    const listed = await publicCall(ctx, "GET", `${pub}/payment`);
    assert.deepEqual(listed.body, res.body);
    const cancel = await call(app, "POST", `${quoteUrl}/cancel`, as(user.token));
    assert.equal(cancel.status, 409);
  });

  await ctx.close();
});

Deno.test("OMIS quote text: the original's template filled in and escaped", async () => {
  const ctx = await testApp({ env: OMIS_ENV });
  const { app, sql } = ctx;
  ctx.deps.now = () => new Date("2017-04-18T13:00:00Z");
  const user = await createAdviser(sql, { permissions: OMIS_PERMISSIONS });
  const lead = await createAdviser(sql, { firstName: "Foo", lastName: "*Bar" });
  const [{ id: company }] = await sql<{ id: string }[]>`
    insert into company_company (name, registered_address_1, registered_address_2,
      registered_address_town, registered_address_county, registered_address_postcode,
      registered_address_country_id, company_number)
    values ('My *Coorp', 'line 1', '*line 2', 'London', 'County', 'SW1A 1AA',
      ${UNITED_KINGDOM}, '123456789') returning id`;
  const [{ id: contact }] = await sql<{ id: string }[]>`
    insert into company_contact (first_name, last_name, company_id, "primary", email)
    values ('John', '*Doe', ${company}, true, 'john@example.test') returning id`;
  const created = await call(app, "POST", "/v3/omis/order", {
    token: user.token,
    body: {
      company: { id: company },
      contact: { id: contact },
      primary_market: { id: AFGHANISTAN },
      service_types: [{ id: "22fc9edd-41a5-4182-ba4e-baacc681d5f7" }],
      description: "lorem *ipsum",
      delivery_date: "2017-06-20",
      vat_status: "uk",
    },
  });
  const order = created.body.id;
  const rate = crypto.randomUUID();
  await sql`insert into omis_order_hourlyrate (id, name, rate_value, vat_value)
    values (${rate}, 'Test rate', 1250, 17.5)`;
  await sql`update order_order set reference = 'ABC123', discount_value = 100,
    hourly_rate_id = ${rate}, contact_email = 'contact-email@mycoorp.com' where id = ${order}`;
  await call(app, "PATCH", `/v3/omis/order/${order}/assignee`, {
    token: user.token,
    body: [{ adviser: { id: lead.id }, estimated_time: 150, is_lead: true }],
  });
  const res = await call(app, "POST", `/v3/omis/order/${order}/quote`, { token: user.token });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const expected = await Deno.readTextFile(
    new URL("./fixtures/quote_content.txt", import.meta.url),
  );
  assert.equal(res.body.content, expected);
  assert.equal(res.body.expires_on, "2017-05-18");
  await ctx.close();
});

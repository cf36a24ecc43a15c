import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import { startNotifyStandIn } from "../helpers/notify.ts";
import { TEMPLATES } from "../../src/omis/notifications.ts";
import { OMIS_ENV, OMIS_PERMISSIONS, publicCall, publicTokenOf, readyOrder } from "./setup.ts";

Deno.test("OMIS e-mails on order events through GOV.UK Notify", async (t) => {
  const notify = startNotifyStandIn();
  const ctx = await testApp({
    env: {
      ...OMIS_ENV,
      GOVUK_NOTIFY_BASE_URL: notify.baseUrl,
      OMIS_NOTIFICATION_API_KEY: notify.apiKey,
      OMIS_NOTIFICATION_ADMIN_EMAIL: "omis-admin@example.test",
    },
  });
  const { app, sql } = ctx;
  ctx.deps.now = () => new Date("2024-06-01T12:00:00Z");
  const user = await createAdviser(sql, {
    firstName: "Ann",
    lastName: "Lee",
    permissions: OMIS_PERMISSIONS,
  });
  const lead = await createAdviser(sql, {
    firstName: "Lea",
    lastName: "Dee",
    email: "lea@example.test",
  });
  const sent = async () => {
    await ctx.deps.jobs.idle();
    // Each e-mail is its own job: compare them in a stable order.
    const list = notify.sent.map((e) => [e.template_id, e.email_address]);
    notify.sent.length = 0;
    return list.sort();
  };

  const order = await readyOrder(ctx, user.token, lead.id);
  const [{ reference }] = await sql`select reference from order_order where id = ${order}`;

  await t.step("a new order: the admin hears that the market has no manager", async () => {
    assert.deepEqual(
      await sent(),
      [
        [TEMPLATES.generic_order_info, "omis-admin@example.test"],
        [TEMPLATES.you_have_been_added_for_adviser, "lea@example.test"],
      ].sort(),
    );
  });

  await t.step("advisers added to and removed from the order hear of it", async () => {
    const sub = await createAdviser(sql, { firstName: "Sue", email: "sue@example.test" });
    const put = (ids: string[]) =>
      call(app, "PUT", `/v3/omis/order/${order}/subscriber-list`, {
        token: user.token,
        body: ids.map((id) => ({ id })),
      });
    assert.equal((await put([sub.id])).status, 200);
    await ctx.deps.jobs.idle();
    assert.deepEqual(notify.sent[0].personalisation.creator, "Ann Lee");
    assert.deepEqual(notify.sent[0].personalisation["creation date"], "01/06/2024");
    assert.deepEqual(await sent(), [[
      TEMPLATES.you_have_been_added_for_adviser,
      "sue@example.test",
    ]]);
    await put([sub.id]);
    assert.deepEqual(await sent(), []);
    await put([]);
    assert.deepEqual(await sent(), [[
      TEMPLATES.you_have_been_removed_for_adviser,
      "sue@example.test",
    ]]);
  });

  await t.step("quote sent: the customer and each adviser on the order", async () => {
    await call(app, "POST", `/v3/omis/order/${order}/quote`, { token: user.token });
    await ctx.deps.jobs.idle();
    const customer = notify.sent.find((e) => e.email_address === "jo@example.test")!;
    assert.deepEqual(customer.personalisation, {
      "order ref": reference,
      "company name": "Acme",
      "embedded link": `https://omis.example.test/${await publicTokenOf(sql, order)}`,
      "primary market": "Afghanistan",
      "omis team email": "omis@example.com",
      "recipient name": "Jo Doe",
    });
    assert.deepEqual(
      await sent(),
      [
        [TEMPLATES.quote_sent_for_customer, "jo@example.test"],
        [TEMPLATES.quote_sent_for_adviser, "lea@example.test"],
      ].sort(),
    );
  });

  await t.step(
    "quote cancelled, names who cancelled it; a failed request sends nothing",
    async () => {
      await call(app, "POST", `/v3/omis/order/${order}/quote/cancel`, { token: user.token });
      await ctx.deps.jobs.idle();
      const adviser = notify.sent.find((e) => e.email_address === "lea@example.test")!;
      assert.equal(adviser.personalisation.canceller, "Ann Lee");
      assert.deepEqual(await sent(), [
        [TEMPLATES.quote_cancelled_for_customer, "jo@example.test"],
        [TEMPLATES.quote_cancelled_for_adviser, "lea@example.test"],
      ]);
      const refused = await call(app, "POST", `/v3/omis/order/${order}/quote/cancel`, {
        token: user.token,
      });
      assert.equal(refused.status, 409);
      assert.deepEqual(await sent(), []);
    },
  );

  await t.step("accepted, then paid", async () => {
    await call(app, "POST", `/v3/omis/order/${order}/quote`, { token: user.token });
    await sent();
    const pub = `/v3/public/omis/order/${await publicTokenOf(sql, order)}`;
    await publicCall(ctx, "POST", `${pub}/quote/accept`);
    assert.deepEqual(
      await sent(),
      [
        [TEMPLATES.quote_accepted_for_customer, "jo@example.test"],
        [TEMPLATES.quote_accepted_for_adviser, "lea@example.test"],
      ].sort(),
    );
    await call(app, "POST", `/v3/omis/order/${order}/payment`, {
      token: user.token,
      body: [{ amount: 1800, received_on: "2024-06-01" }],
    });
    assert.deepEqual(
      await sent(),
      [
        [TEMPLATES.order_paid_for_customer, "jo@example.test"],
        [TEMPLATES.order_paid_for_adviser, "lea@example.test"],
      ].sort(),
    );
  });

  await ctx.close();
  await notify.close();
});

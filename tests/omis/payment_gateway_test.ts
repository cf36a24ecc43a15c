import assert from "node:assert/strict";
import { call, createAdviser, testApp, type TestContext } from "../helpers/app.ts";
import { startGovukPayStandIn } from "../helpers/govukpay.ts";
import { refreshPendingPaymentGatewaySessions } from "../../src/omis/jobs.ts";
import { OMIS_ENV, OMIS_PERMISSIONS, publicCall, publicTokenOf, readyOrder } from "./setup.ts";

/** An order whose quote the customer accepted: it awaits payment. Returns its public path. */
async function acceptedOrder(ctx: TestContext, token: string, leadId: string) {
  const order = await readyOrder(ctx, token, leadId);
  const quote = await call(ctx.app, "POST", `/v3/omis/order/${order}/quote`, { token });
  assert.equal(quote.status, 201);
  const pub = `/v3/public/omis/order/${await publicTokenOf(ctx.sql, order)}`;
  assert.equal((await publicCall(ctx, "POST", `${pub}/quote/accept`)).status, 200);
  return { order, pub };
}

Deno.test("OMIS card payments through GOV.UK Pay", async (t) => {
  const pay = startGovukPayStandIn();
  const ctx = await testApp({
    env: { ...OMIS_ENV, GOVUK_PAY_URL: pay.baseUrl, GOVUK_PAY_AUTH_TOKEN: pay.apiKey },
  });
  const { app, sql } = ctx;
  ctx.deps.now = () => new Date("2024-06-01T12:00:00Z");
  const user = await createAdviser(sql, { permissions: OMIS_PERMISSIONS });
  const lead = await createAdviser(sql);
  const { order, pub } = await acceptedOrder(ctx, user.token, lead.id);
  const [{ reference, public_token }] = await sql`
    select reference, public_token from order_order where id = ${order}`;
  const sessions = () =>
    sql`select id::text, status from omis_payment_paymentgatewaysession
      where order_id = ${order} order by status`;

  let first = "";
  await t.step("a session: a GOV.UK payment of the order's total, and its page", async () => {
    const res = await publicCall(ctx, "POST", `${pub}/payment-gateway-session`);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    first = res.body.id;
    assert.equal(res.body.status, "created");
    assert.equal(res.body.created_on, "2024-06-01T12:00:00Z");
    const payment = [...pay.payments.values()][0];
    assert.equal(
      res.body.payment_url,
      `${new URL(pay.baseUrl).origin}/secure/${payment.payment_id}`,
    );
    assert.equal(payment.amount, 1800);
    assert.equal(payment.reference, `${reference}-${first.slice(0, 8).toUpperCase()}`);
    assert.equal(payment.description, `Overseas Market Introduction Service order ${reference}`);
    assert.equal(
      payment.return_url,
      `https://omis.example.test/${public_token}/payment/card/${first}`,
    );
  });

  let second = "";
  await t.step("a new session cancels the ongoing one at GOV.UK Pay", async () => {
    const res = await publicCall(ctx, "POST", `${pub}/payment-gateway-session`);
    assert.equal(res.status, 201);
    second = res.body.id;
    assert.deepEqual([...await sessions()], [
      { id: first, status: "cancelled" },
      { id: second, status: "created" },
    ]);
    assert.ok(pay.calls.some((c) => /^POST \/v1\/payments\/\w+\/cancel$/.test(c)));
    const old = await publicCall(ctx, "GET", `${pub}/payment-gateway-session/${first}`);
    assert.equal(old.status, 200);
    assert.deepEqual([old.body.status, old.body.payment_url], ["cancelled", ""]);
  });

  const paymentId = () =>
    [...pay.payments.values()].find((p) => p.return_url.endsWith(second))!.payment_id;

  await t.step("GET refreshes the session from GOV.UK Pay", async () => {
    pay.advance(paymentId(), "started");
    const res = await publicCall(ctx, "GET", `${pub}/payment-gateway-session/${second}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.status, "started");
    assert.match(res.body.payment_url, /\/secure\//);
    const missing = await publicCall(
      ctx,
      "GET",
      `${pub}/payment-gateway-session/${crypto.randomUUID()}`,
    );
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, {
      detail: "No PaymentGatewaySession matches the given query.",
    });
  });

  await t.step(
    "success: the order is paid with a card payment from GOV.UK Pay's data",
    async () => {
      pay.advance(paymentId(), "success");
      const res = await publicCall(ctx, "GET", `${pub}/payment-gateway-session/${second}`);
      assert.deepEqual([res.body.status, res.body.payment_url], ["success", ""]);
      const detail = await call(app, "GET", `/v3/omis/order/${order}`, { token: user.token });
      assert.equal(detail.body.status, "paid");
      const [payment] = await sql`
      select amount, method, transaction_reference, cardholder_name, card_brand, billing_email,
        billing_address_1, billing_address_town, billing_address_country, created_by_id
      from omis_payment_payment where order_id = ${order}`;
      assert.deepEqual({ ...payment }, {
        amount: 1800,
        method: "card",
        transaction_reference: pay.payments.get(paymentId())!.reference,
        cardholder_name: "Jo Payer",
        card_brand: "Visa",
        billing_email: "payer@example.test",
        billing_address_1: "1 Pay Street",
        billing_address_town: "London",
        billing_address_country: "GB",
        created_by_id: null,
      });
      const again = await publicCall(ctx, "POST", `${pub}/payment-gateway-session`);
      assert.equal(again.status, 409);
      assert.deepEqual(again.body, {
        detail: "The action cannot be performed in the current status Paid.",
      });
    },
  );

  await t.step("GOV.UK Pay failing: 502, and no session is kept", async () => {
    const other = await acceptedOrder(ctx, user.token, lead.id);
    pay.failNext(1, 500);
    const res = await publicCall(ctx, "POST", `${other.pub}/payment-gateway-session`);
    assert.equal(res.status, 502);
    assert.match(res.body.detail, /^GOV\.UK Pay: 500/);
    const [{ count }] = await sql`
      select count(*)::int from omis_payment_paymentgatewaysession where order_id = ${other.order}`;
    assert.equal(count, 0);
  });

  await t.step("not awaiting payment: sessions are not found", async () => {
    const draft = await readyOrder(ctx, user.token, lead.id);
    const path = `/v3/public/omis/order/${await publicTokenOf(sql, draft)}`;
    const res = await publicCall(ctx, "POST", `${path}/payment-gateway-session`);
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, { detail: "The specified order does not exist." });
  });

  await t.step("the hourly job refreshes sessions left ongoing for an hour", async () => {
    const other = await acceptedOrder(ctx, user.token, lead.id);
    const res = await publicCall(ctx, "POST", `${other.pub}/payment-gateway-session`);
    const fresh = await publicCall(ctx, "POST", `${other.pub}/payment-gateway-session`);
    const payment = [...pay.payments.values()].find((p) => p.return_url.endsWith(res.body.id))!;
    assert.equal(payment.status, "cancelled");
    const latest = [...pay.payments.values()].find((p) => p.return_url.endsWith(fresh.body.id))!;
    pay.advance(latest.payment_id, "failed");
    await sql`update omis_payment_paymentgatewaysession set modified_on = now() - interval '2 hours'
      where id = ${fresh.body.id}`;
    ctx.deps.now = () => new Date();
    const calls = pay.calls.length;
    await refreshPendingPaymentGatewaySessions.run(
      { age_check: 60, refresh_rate: 0 },
      { deps: ctx.deps } as never,
    );
    await ctx.deps.jobs.idle();
    const [{ status }] = await sql`
      select status from omis_payment_paymentgatewaysession where id = ${fresh.body.id}`;
    assert.equal(status, "failed");
    assert.deepEqual(pay.calls.slice(calls), [`GET /v1/payments/${latest.payment_id}`]);
  });

  await t.step("at most 5 sessions a minute per order: then DRF's 429", async () => {
    const start = new Date("2024-06-01T12:00:00Z").getTime();
    ctx.deps.now = () => new Date(start);
    const other = await acceptedOrder(ctx, user.token, lead.id);
    const create = () => publicCall(ctx, "POST", `${other.pub}/payment-gateway-session`);
    for (let i = 0; i < 5; i++) assert.equal((await create()).status, 201);
    ctx.deps.now = () => new Date(start + 20_500);
    const throttled = await create();
    assert.equal(throttled.status, 429);
    assert.deepEqual(throttled.body, {
      detail: "Request was throttled. Expected available in 40 seconds.",
    });
    assert.equal(throttled.headers.get("retry-after"), "40");
    // Another order has its own count; a minute on, this one may start sessions again.
    const another = await acceptedOrder(ctx, user.token, lead.id);
    assert.equal(
      (await publicCall(ctx, "POST", `${another.pub}/payment-gateway-session`)).status,
      201,
    );
    ctx.deps.now = () => new Date(start + 60_001);
    assert.equal((await create()).status, 201);
  });

  await ctx.close();
  await pay.close();
});

/**
 * Payments and GOV.UK Pay card sessions, as the original's Order.mark_as_paid, its
 * PaymentSerializer (list of payments), ReconcilablePaymentsSubValidator and
 * PaymentGatewaySession (create, refresh from GOV.UK Pay, cancel). A session whose GOV.UK
 * payment succeeded marks the order as paid with a card payment built from it.
 */
import { z } from "@hono/zod-openapi";
import type { AppDeps } from "../deps.ts";
import type { Db } from "../db/pool.ts";
import { ApiError, type FieldErrors, nonFieldError, zodToFieldErrors } from "../http/errors.ts";
import { recordWrite, type WriteMeta } from "../core/tracking.ts";
import { integerField } from "../http/schemas.ts";
import * as q from "./queries.ts";
import { checkStatus, pythonType } from "./rules.ts";
import { type GovukPayment, PayClient } from "./govukpay.ts";
import type { SessionJson } from "./public_routes.ts";
import type { PendingJobs } from "../jobs/after_commit.ts";
import { type Notices, notifyOrder } from "./notifications.ts";

export const paymentMessages = {
  notReconcilable: "The sum of the amounts has to be equal or greater than the order total.",
};

/** PaymentSerializer's writable fields (bacs and manual only; card payments come from GOV.UK Pay). */
const paymentItem = z.object({
  transaction_reference: z.string().trim().max(255).optional(),
  amount: integerField({ min: 0, max: 2147483647 }),
  method: z.enum(["bacs", "manual"]).default("bacs"),
  received_on: z.iso.date(),
});

/** The columns of one payment. */
export type PaymentData = Record<string, unknown> & { amount: number; received_on: string };

/** The body's payments, or DRF's list-serializer 400 (one error object per item). */
export function parsePayments(body: unknown): PaymentData[] {
  if (!Array.isArray(body)) {
    throw nonFieldError(`Expected a list of items but got type "${pythonType(body)}".`);
  }
  const items: PaymentData[] = [];
  const errors: FieldErrors[] = body.map((raw) => {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      return {
        non_field_errors: [`Invalid data. Expected a dictionary, but got ${pythonType(raw)}.`],
      };
    }
    const parsed = paymentItem.safeParse(raw);
    if (!parsed.success) return zodToFieldErrors(parsed.error.issues);
    items.push(parsed.data);
    return {};
  });
  if (errors.some((e) => Object.keys(e).length)) throw new ApiError(400, errors);
  return items;
}

/**
 * Records the payments and marks the order as paid (quote accepted only; the amounts
 * must cover the total); `paid_on` is the latest `received_on`, at midnight UTC.
 */
export async function markAsPaid(
  db: Db,
  order: q.OrderRow,
  payments: PaymentData[],
  meta: WriteMeta,
  notices: Notices,
) {
  checkStatus(order.status, ["quote_accepted"]);
  const total = payments.reduce((sum, p) => sum + p.amount, 0);
  if (total < (order.total_cost as number) || !payments.length) {
    throw nonFieldError(paymentMessages.notReconcilable);
  }
  for (const payment of payments) {
    await q.insertPayment(db, {
      ...payment,
      order_id: order.id,
      reference: await q.datetimeReference(db, "omis_payment_payment", "reference", meta.at),
      created_on: meta.at,
      modified_on: meta.at,
      created_by_id: meta.userId,
    });
  }
  const paidOn = payments.map((p) => p.received_on).sort().at(-1);
  await q.updateOrder(db, order.id, {
    status: "paid",
    paid_on: new Date(`${paidOn}T00:00:00Z`),
    modified_on: meta.at,
  });
  await recordWrite(db, q.orderEntity, order.id, meta);
  await notifyOrder(db, notices, "order_paid", order.id);
}

/** The payment a successful GOV.UK payment stands for (a card payment). */
function cardPayment(payment: GovukPayment): PaymentData {
  const card = payment.card_details ?? {};
  const address = card.billing_address ?? {};
  return {
    amount: payment.amount,
    method: "card",
    transaction_reference: payment.reference ?? "",
    received_on: payment.created_date.slice(0, 10),
    cardholder_name: card.cardholder_name ?? "",
    card_brand: card.card_brand ?? "",
    billing_email: payment.email ?? "",
    billing_address_1: address.line1 ?? "",
    billing_address_2: address.line2 ?? "",
    billing_address_town: address.city ?? "",
    billing_address_postcode: address.postcode ?? "",
    billing_address_country: address.country ?? "",
  };
}

const isFinished = (status: string) => !q.ONGOING_SESSION_STATUSES.includes(status);

/**
 * Brings a session up to date with its GOV.UK payment; on success the order is marked
 * as paid. Returns the GOV.UK payment read, or null for a finished session (not asked).
 */
export async function refreshSession(
  deps: Pick<AppDeps, "config" | "fetch" | "log" | "contributions">,
  db: Db,
  jobs: PendingJobs,
  session: q.SessionRow,
  at: Date,
): Promise<GovukPayment | null> {
  if (isFinished(session.status)) return null;
  const payment = await new PayClient(deps).getPayment(session.govuk_payment_id);
  const status = payment.state.status;
  if (status === session.status) return payment;
  await q.updateSession(db, session.id, { status, modified_on: at });
  session.status = status;
  if (status === "success") {
    const order = await q.lockOrder(db, session.order_id);
    await markAsPaid(db, order!, [cardPayment(payment)], {
      userId: null,
      at,
      embeddings: deps.contributions.embeddings,
    }, { jobs, config: deps.config, at });
  }
  return payment;
}

/** Refreshes every ongoing session of the order (before a new one is started). */
export async function refreshOngoingSessions(
  deps: Pick<AppDeps, "config" | "fetch" | "log" | "contributions">,
  db: Db,
  jobs: PendingJobs,
  orderId: string,
  at: Date,
) {
  for (const session of await q.lockOngoingSessions(db, orderId)) {
    await refreshSession(deps, db, jobs, session, at);
  }
}

/**
 * Starts a GOV.UK Pay payment of the order's total (quote accepted only), cancelling the
 * order's other ongoing sessions first.
 */
export async function createSession(
  deps: Pick<AppDeps, "config" | "fetch" | "log" | "contributions">,
  db: Db,
  jobs: PendingJobs,
  order: q.OrderRow,
  at: Date,
): Promise<SessionJson> {
  checkStatus(order.status, ["quote_accepted"]);
  const pay = new PayClient(deps);
  for (const session of await q.lockOngoingSessions(db, order.id)) {
    await pay.cancelPayment(session.govuk_payment_id);
    await refreshSession(deps, db, jobs, session, at);
  }
  const id = crypto.randomUUID();
  const base = deps.config.OMIS_PUBLIC_BASE_URL;
  const payment = await pay.createPayment({
    amount: order.total_cost as number,
    reference: `${order.reference}-${id.slice(0, 8).toUpperCase()}`,
    description: `Overseas Market Introduction Service order ${order.reference}`,
    return_url: `${base}/${order.public_token}/payment/card/${id}`,
  });
  await q.insertSession(db, {
    id,
    order_id: order.id,
    govuk_payment_id: payment.payment_id,
    created_on: at,
    modified_on: at,
  });
  const session = {
    id,
    order_id: order.id,
    status: "created",
    govuk_payment_id: payment.payment_id,
    created_on: at,
  };
  return sessionJson(deps, db, session, payment);
}

/** PaymentGatewaySessionSerializer's output of a refreshed session. */
export async function sessionJson(
  deps: Pick<AppDeps, "config" | "fetch" | "log">,
  db: Db,
  session: q.SessionRow,
  payment: GovukPayment | null,
): Promise<SessionJson> {
  let paymentUrl = "";
  if (!isFinished(session.status)) {
    const current = payment ?? await new PayClient(deps).getPayment(session.govuk_payment_id);
    paymentUrl = current._links.next_url?.href ?? "";
  }
  const [{ created_on }] = await db<{ created_on: string }[]>`
    select api_datetime(${session.created_on}::timestamptz) as created_on`;
  return { id: session.id, created_on, status: session.status, payment_url: paymentUrl };
}

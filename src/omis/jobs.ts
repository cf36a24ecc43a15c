/**
 * The hourly refresh of GOV.UK Pay sessions left ongoing (the original's
 * refresh_pending_payment_gateway_sessions): a customer may abandon the payment page or
 * never come back to the return URL, so sessions untouched for `age_check` minutes are
 * each refreshed by their own job, half a second apart so GOV.UK Pay is not hit at once.
 * A failed refresh is not retried: the next hourly run picks the session up again.
 */
import { z } from "zod";
import { defineJob } from "../jobs/definition.ts";
import { transactionWithJobs } from "../jobs/after_commit.ts";
import { schedule } from "../jobs/scheduler.ts";
import { lockSessionById, staleSessionIds } from "./queries.ts";
import { refreshSession } from "./payments.ts";

export const refreshPaymentGatewaySession = defineJob({
  name: "omis.refresh_payment_gateway_session",
  payload: z.object({ id: z.uuid() }),
  maxAttempts: 1,
  run: async ({ id }, { deps }) => {
    await transactionWithJobs(deps, async (tx, jobs) => {
      const session = await lockSessionById(tx, id);
      if (session) await refreshSession(deps, tx, jobs, session, deps.now());
    });
  },
});

export const refreshPendingPaymentGatewaySessions = defineJob({
  name: "omis.refresh_pending_payment_gateway_sessions",
  payload: z.object({
    age_check: z.number().int().min(0).default(60),
    refresh_rate: z.number().min(0).default(0.5),
  }),
  maxAttempts: 1,
  run: async ({ age_check, refresh_rate }, { deps }) => {
    const before = new Date(deps.now().getTime() - age_check * 60_000);
    const ids = await staleSessionIds(deps.sql, before);
    for (const [index, id] of ids.entries()) {
      await deps.jobs.enqueue(refreshPaymentGatewaySession, { id }, {
        delayMs: refresh_rate * index * 1000,
      });
    }
    deps.log.info("refresh_pending_payment_gateway_sessions", { scheduled: ids.length });
  },
});

export const omisSchedules = [
  schedule(
    "refresh_pending_payment_gateway_sessions",
    "0 * * * *",
    refreshPendingPaymentGatewaySessions,
    { payload: { age_check: 60, refresh_rate: 0.5 } },
  ),
];

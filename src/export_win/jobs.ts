/**
 * Export win e-mails, the 02:00 automatic resend and the polls of the e-mails' delivery. Every e-mail is a
 * `notification_email` row written in the transaction that decided it and sent once
 * after the commit (src/notification/emails.ts); Notify's id goes back to the token (the
 * customer's link) or to the customer response (the lead officer's receipt).
 */
import { z } from "zod";
import type { Db } from "../db/pool.ts";
import type { AppDeps } from "../deps.ts";
import type { PendingJobs } from "../jobs/after_commit.ts";
import { transactionWithJobs } from "../jobs/after_commit.ts";
import { defineJob, HALF_DAY_MS } from "../jobs/definition.ts";
import { notifierFor, queueEmail } from "../notification/emails.ts";
import { clientEmailPersonalisation, leadOfficerEmailPersonalisation } from "./rules.ts";
import * as q from "./queries.ts";

/**
 * A new review token for the contact (their older ones expire) and the e-mail with its
 * link (the original's create_token_for_contact + notify_export_win_email_by_rq_email).
 */
export async function sendReviewLink(
  db: Db,
  jobs: PendingJobs,
  deps: Pick<AppDeps, "config" | "log">,
  customerResponseId: string,
  contact: { id: string; email: string; first_name: string },
  at: Date,
): Promise<string> {
  const tokenId = await q.createToken(db, contact.id, customerResponseId, at);
  const templateId = deps.config.EXPORT_WIN_CLIENT_RECEIPT_TEMPLATE_ID;
  if (!templateId) {
    deps.log.warn("export win: EXPORT_WIN_CLIENT_RECEIPT_TEMPLATE_ID unset, review link not sent", {
      token_id: tokenId,
    });
    return tokenId;
  }
  const facts = await q.emailFacts(db, customerResponseId);
  if (!facts) throw new Error(`customer response ${customerResponseId} not found`);
  await queueEmail(db, jobs, {
    service: "export_win",
    recipient: contact.email,
    templateId,
    personalisation: clientEmailPersonalisation(
      facts,
      deps.config.DATAHUB_FRONTEND_BASE_URL,
      tokenId,
      contact,
    ),
    reminderTable: "export_win_customerresponsetoken",
    reminderIds: [tokenId],
    at,
  });
  return tokenId;
}

/** The lead officer's receipt of the customer's answer (approved or rejected template). */
export async function sendLeadOfficerReceipt(
  db: Db,
  jobs: PendingJobs,
  deps: Pick<AppDeps, "config" | "log">,
  customerResponseId: string,
  at: Date,
) {
  const facts = await q.emailFacts(db, customerResponseId);
  if (!facts) return;
  const agreed = facts.agree_with_win === true;
  const templateId = agreed
    ? deps.config.EXPORT_WIN_LEAD_OFFICER_APPROVED_TEMPLATE_ID
    : deps.config.EXPORT_WIN_LEAD_OFFICER_REJECTED_TEMPLATE_ID;
  if (!templateId || !facts.lead_officer_email) {
    deps.log.warn("export win: lead officer receipt not sent (no template or address)", {
      customer_response_id: customerResponseId,
    });
    return;
  }
  await queueEmail(db, jobs, {
    service: "export_win",
    recipient: facts.lead_officer_email,
    templateId,
    personalisation: leadOfficerEmailPersonalisation(
      facts,
      deps.config.DATAHUB_FRONTEND_BASE_URL,
      agreed,
    ),
    reminderTable: "export_win_customerresponse",
    reminderIds: [customerResponseId],
    at,
  });
}

/**
 * The original's auto_resend_client_email_from_unconfirmed_win (02:00 daily): unanswered
 * wins get a new link for every contact, at most four links, a week apart, within three
 * weeks of the win.
 */
export const autoResendUnconfirmedWins = defineJob({
  name: "export_win.auto_resend_client_email",
  payload: z.object({}),
  queue: "long-running",
  maxAttempts: 6,
  run: async (_payload, { deps }) => {
    const at = deps.now();
    const sent = await transactionWithJobs(deps, async (tx, jobs) => {
      if (!await tryLock(tx, "auto_resend_client_email_from_unconfirmed_win")) return "locked";
      const responses = await q.responsesToResend(tx, at);
      let n = 0;
      for (const response of responses) {
        for (const contact of await q.winContacts(tx, response.win_id)) {
          await sendReviewLink(tx, jobs, deps, response.id, contact, at);
          n++;
        }
      }
      return n;
    });
    deps.log.info("auto_resend_client_email_from_unconfirmed_win", { review_links: sent });
  },
});

/** One run at a time across workers (the original's advisory_lock, wait=False). */
async function tryLock(tx: Db, name: string): Promise<boolean> {
  const [{ locked }] = await tx<{ locked: boolean }[]>`
    select pg_try_advisory_xact_lock(hashtext(${name})) as locked`;
  return locked;
}

const FOUR_DAYS_MS = 4 * 86_400_000;

/**
 * The original's update_notify_email_delivery_status_for_customer_response(_token): the
 * distinct notification ids of the last four days still `unknown` or `sending` are looked
 * up at Notify and their status written to every row with that id.
 */
function pollDeliveryStatus(
  name: string,
  table: "export_win_customerresponsetoken" | "export_win_customerresponse",
) {
  const [idColumn, statusColumn, sentColumn] = table === "export_win_customerresponse"
    ? [
      "lead_officer_email_notification_id",
      "lead_officer_email_delivery_status",
      "lead_officer_email_sent_on",
    ]
    : ["email_notification_id", "email_delivery_status", "created_on"];
  return defineJob({
    name: `export_win.${name}`,
    payload: z.object({}),
    queue: "long-running",
    timeoutMs: HALF_DAY_MS,
    run: async (_payload, { deps }) => {
      const polled = await deps.sql.begin(async (tx) => {
        if (!await tryLock(tx, name)) return "locked";
        const since = new Date(deps.now().getTime() - FOUR_DAYS_MS);
        const ids = await tx<{ id: string }[]>`
          select distinct ${tx(idColumn)}::text as id from ${tx(table)}
          where ${tx(statusColumn)} in ('unknown', 'sending') and ${tx(sentColumn)} >= ${since}
            and ${tx(idColumn)} is not null
          order by 1`;
        const notifier = notifierFor(deps, "export_win");
        for (const { id } of ids) {
          const status = await notifier.status(id);
          if (!status) continue;
          await tx`update ${tx(table)} set ${tx(statusColumn)} = ${status}
            where ${tx(idColumn)} = ${id}`;
        }
        return ids.length;
      });
      deps.log.info(
        name,
        typeof polled === "number" ? { notifications: polled } : {
          skipped: polled,
        },
      );
    },
  });
}

export const updateTokenDeliveryStatus = pollDeliveryStatus(
  "update_notify_email_delivery_status_for_customer_response_token",
  "export_win_customerresponsetoken",
);
export const updateLeadOfficerDeliveryStatus = pollDeliveryStatus(
  "update_notify_email_delivery_status_for_customer_response",
  "export_win_customerresponse",
);

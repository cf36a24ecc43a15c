/**
 * Export win e-mails and the 02:00 automatic resend. Every e-mail is a
 * `notification_email` row written in the transaction that decided it and sent once
 * after the commit (src/notification/emails.ts); Notify's id goes back to the token (the
 * customer's link) or to the customer response (the lead officer's receipt).
 */
import { z } from "zod";
import type { Db } from "../db/pool.ts";
import type { AppDeps } from "../deps.ts";
import type { PendingJobs } from "../jobs/after_commit.ts";
import { transactionWithJobs } from "../jobs/after_commit.ts";
import { defineJob } from "../jobs/definition.ts";
import { queueEmail } from "../notification/emails.ts";
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
  maxAttempts: 6,
  run: async (_payload, { deps }) => {
    const at = deps.now();
    const sent = await transactionWithJobs(deps, async (tx, jobs) => {
      const responses = await q.responsesToResend(tx, at);
      deps.log.info("auto_resend_client_email_from_unconfirmed_win attempting to resend", {
        count: responses.length,
      });
      let n = 0;
      for (const response of responses) {
        for (const contact of await q.winContacts(tx, response.win_id)) {
          await sendReviewLink(tx, jobs, deps, response.id, contact, at);
          n++;
        }
      }
      return n;
    });
    deps.log.info("export win review links re-sent", { count: sent });
  },
});

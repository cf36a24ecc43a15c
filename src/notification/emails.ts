/**
 * E-mails through GOV.UK Notify, sent at most once each. The code that decides to send
 * one (a reminder generator, a task change) writes a `notification_email` row in its own
 * transaction and queues {@link sendNotificationEmail} for after the commit. The job
 * locks the row, sends it unless it was already sent, records the Notify id and writes it
 * back to the reminders it is about, so a retry after a crash never e-mails twice, and a
 * rolled-back decision never e-mails at all.
 */
import { z } from "zod";
import type { Db } from "../db/pool.ts";
import type { Config } from "../config.ts";
import type { AppDeps } from "../deps.ts";
import type { PendingJobs } from "../jobs/after_commit.ts";
import { defineJob } from "../jobs/definition.ts";
import { createNotifier } from "../notify/client.ts";

/** The original's Notify services whose keys this API holds. */
export type NotifyService = "investment" | "export_win" | "omis";

function apiKeyOf(config: Config, service: string): string | undefined {
  if (service === "investment") return config.INVESTMENT_NOTIFICATION_API_KEY;
  if (service === "export_win") return config.EXPORT_WIN_NOTIFICATION_API_KEY;
  if (service === "omis") return config.OMIS_NOTIFICATION_API_KEY;
  throw new Error(`unknown Notify service "${service}"`);
}

export interface EmailRequest {
  service: NotifyService;
  recipient: string;
  templateId: string;
  personalisation: Record<string, unknown>;
  /** Table of the reminders this e-mail is about (their `email_notification_id` is set). */
  reminderTable?: string;
  reminderIds?: string[];
  at: Date;
}

/** The Notify client of a service, with its key from the environment. */
export function notifierFor(deps: AppDeps, service: NotifyService) {
  return createNotifier({
    baseUrl: deps.config.GOVUK_NOTIFY_BASE_URL,
    apiKey: apiKeyOf(deps.config, service),
    log: deps.log,
  });
}

const REMINDER_TABLE = /^reminder_[a-z]+reminder$/;

/**
 * Other rows an e-mail's Notify id is written back to (export wins: the customer's
 * review token, and the customer response for the lead officer's e-mail), by table.
 */
const WRITE_BACK: Record<string, { id: string; sentOn?: string }> = {
  export_win_customerresponsetoken: { id: "email_notification_id" },
  export_win_customerresponse: {
    id: "lead_officer_email_notification_id",
    sentOn: "lead_officer_email_sent_on",
  },
};

export const sendNotificationEmail = defineJob({
  name: "notification.send_email",
  payload: z.object({ id: z.uuid() }),
  // The original's send_email_notification_via_rq: 5 retries with back-off.
  maxAttempts: 6,
  run: async ({ id }, { deps }) => {
    await deps.sql.begin(async (tx) => {
      const [email] = await tx<{
        service: string;
        recipient: string;
        template_id: string;
        personalisation: Record<string, unknown>;
        reminder_table: string | null;
        reminder_ids: string[];
        sent_on: Date | null;
      }[]>`
        select service, recipient, template_id, personalisation, reminder_table,
               reminder_ids::text[] as reminder_ids, sent_on
        from notification_email where id = ${id} for update`;
      if (!email || email.sent_on) return;
      const notifier = notifierFor(deps, email.service as NotifyService);
      const notificationId = await notifier.sendEmail({
        recipient: email.recipient,
        templateId: email.template_id,
        personalisation: email.personalisation,
        reference: id,
      });
      const at = deps.now();
      await tx`update notification_email set sent_on = ${at}, notification_id = ${notificationId}
        where id = ${id}`;
      const writeBack = email.reminder_table ? WRITE_BACK[email.reminder_table] : undefined;
      if (notificationId && writeBack && email.reminder_ids.length) {
        await tx`update ${tx(email.reminder_table!)} set ${
          tx({
            [writeBack.id]: notificationId,
            ...(writeBack.sentOn ? { [writeBack.sentOn]: at } : {}),
          })
        } where id = any(${email.reminder_ids}::uuid[])`;
      } else if (notificationId && email.reminder_table && email.reminder_ids.length) {
        if (!REMINDER_TABLE.test(email.reminder_table)) {
          throw new Error(`not a reminder table: ${email.reminder_table}`);
        }
        await tx`update ${tx(email.reminder_table)}
          set email_notification_id = ${notificationId}, modified_on = ${at}
          where id = any(${email.reminder_ids}::uuid[])`;
      }
      deps.log.info("notification e-mail sent", {
        email_id: id,
        template_id: email.template_id,
        notification_id: notificationId,
      });
    });
  },
});

/** Records an e-mail to send and queues its sending for after the transaction commits. */
export async function queueEmail(db: Db, jobs: PendingJobs, email: EmailRequest): Promise<string> {
  const [{ id }] = await db<{ id: string }[]>`
    insert into notification_email ${
    db({
      created_on: email.at,
      service: email.service,
      recipient: email.recipient,
      template_id: email.templateId,
      personalisation: db.json(email.personalisation as never),
      reminder_table: email.reminderTable ?? null,
      reminder_ids: email.reminderIds ?? [],
    })
  } returning id`;
  jobs.enqueue(sendNotificationEmail, { id });
  return id;
}

/**
 * Polling Notify for the delivery of reminder e-mails, as the original's
 * `update_notify_email_delivery_status_for_*`: behind an ENABLE_* variable (the
 * schedule) and a global feature flag (checked here), under an advisory lock, the
 * distinct notification ids of the type's reminders (dismissed ones too) created in the
 * last four days whose status is still `unknown` or `sending` are looked up, and the
 * status is written to every reminder of that notification. Task reminders are not
 * polled, as in the original.
 */
import { scheduledJob } from "./jobs.ts";
import { isFeatureFlagActive } from "../feature_flag/queries.ts";
import { notifierFor } from "../notification/emails.ts";
import { REMINDER_TYPES as T, type ReminderType } from "./types.ts";
import { tryAdvisoryLock } from "./queries.ts";

const FOUR_DAYS_MS = 4 * 86_400_000;

function pollDeliveryStatus(name: string, type: ReminderType, flag: string) {
  return scheduledJob(`reminder.${name}`, async (deps) => {
    const updated = await deps.sql.begin(async (tx) => {
      if (!await isFeatureFlagActive(tx, flag)) return "flag off";
      if (!await tryAdvisoryLock(tx, name)) return "locked";
      const now = deps.now();
      const ids = await tx<{ id: string }[]>`
          select distinct email_notification_id::text as id from ${tx(type.reminderTable)}
          where email_delivery_status in ('unknown', 'sending')
            and created_on >= ${new Date(now.getTime() - FOUR_DAYS_MS)}
            and email_notification_id is not null
          order by 1`;
      const notifier = notifierFor(deps, "investment");
      for (const { id } of ids) {
        const status = await notifier.status(id);
        if (!status) continue;
        await tx`update ${tx(type.reminderTable)}
            set email_delivery_status = ${status}, modified_on = ${now}
            where email_notification_id = ${id}`;
      }
      return ids.length;
    });
    deps.log.info(
      name,
      typeof updated === "number" ? { notifications: updated } : {
        skipped: updated,
      },
    );
  });
}

export const updateEstimatedLandDateDeliveryStatus = pollDeliveryStatus(
  "update_estimated_land_date_email_delivery",
  T.estimatedLandDate,
  "investment-estimated-land-date-email-status",
);
export const updateNoRecentInteractionDeliveryStatus = pollDeliveryStatus(
  "update_no_recent_interaction_email_delivery",
  T.noRecentInvestmentInteraction,
  "investment-no-recent-interaction-email-status",
);
export const updateNoRecentExportInteractionDeliveryStatus = pollDeliveryStatus(
  "update_no_recent_export_interaction_email_delivery",
  T.noRecentExportInteraction,
  "export-no-recent-interaction-email-status",
);
export const updateNewExportInteractionDeliveryStatus = pollDeliveryStatus(
  "update_new_export_interaction_email_delivery",
  T.newExportInteraction,
  "export-new-interaction-email-status",
);

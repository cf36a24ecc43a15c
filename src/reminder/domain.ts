/**
 * Reminders' manifest: the 42 routes, and the scheduled generators of the interaction
 * and land-date reminders and the polls of their e-mails' delivery (./delivery.ts), behind
 * the original's ENABLE_* variables (./jobs.ts), at the original's times (UTC).
 */
import type { Domain } from "../manifest.ts";
import { schedule } from "../jobs/scheduler.ts";
import { registerReminderRoutes } from "./handlers.ts";
import {
  generateEstimatedLandDateReminders,
  generateNewExportInteractionReminders,
  generateNoRecentExportInteractionReminders,
  generateNoRecentInvestmentInteractionReminders,
  generateRemindersForSubscription,
} from "./jobs.ts";
import {
  updateEstimatedLandDateDeliveryStatus,
  updateNewExportInteractionDeliveryStatus,
  updateNoRecentExportInteractionDeliveryStatus,
  updateNoRecentInteractionDeliveryStatus,
} from "./delivery.ts";
import { runItaUsersMigration, runPostUsersMigration } from "./enrolment.ts";

export const reminderDomain: Domain = {
  name: "reminder",
  register: registerReminderRoutes,
  jobs: [generateRemindersForSubscription],
  schedules: [
    schedule(
      "schedule_generate_estimated_land_date_reminders",
      "30 8 1 * *",
      generateEstimatedLandDateReminders,
      { enabledBy: "ENABLE_ESTIMATED_LAND_DATE_REMINDERS" },
    ),
    schedule(
      "generate_no_recent_interaction_reminders",
      "0 8 * * *",
      generateNoRecentInvestmentInteractionReminders,
      { enabledBy: "ENABLE_NO_RECENT_INTERACTION_REMINDERS" },
    ),
    schedule(
      "generate_no_recent_export_interaction_reminders",
      "0 8 * * *",
      generateNoRecentExportInteractionReminders,
      { enabledBy: "ENABLE_NO_RECENT_EXPORT_INTERACTION_REMINDERS" },
    ),
    schedule(
      "generate_new_export_interaction_reminders",
      "0 8 * * *",
      generateNewExportInteractionReminders,
      { enabledBy: "ENABLE_NEW_EXPORT_INTERACTION_REMINDERS" },
    ),
    schedule(
      "update_notify_email_delivery_status_for_estimated_land_date",
      "30 9 1-4 * *",
      updateEstimatedLandDateDeliveryStatus,
      { enabledBy: "ENABLE_ESTIMATED_LAND_DATE_REMINDERS_EMAIL_DELIVERY_STATUS" },
    ),
    schedule(
      "update_notify_email_delivery_status_for_no_recent_interaction",
      "0 10 * * *",
      updateNoRecentInteractionDeliveryStatus,
      { enabledBy: "ENABLE_NO_RECENT_INTERACTION_EMAIL_DELIVERY_STATUS" },
    ),
    schedule(
      "update_notify_email_delivery_status_for_no_recent_export_interaction",
      "0 10 * * *",
      updateNoRecentExportInteractionDeliveryStatus,
      { enabledBy: "ENABLE_NO_RECENT_EXPORT_INTERACTION_REMINDERS_EMAIL_DELIVERY_STATUS" },
    ),
    schedule(
      "update_notify_email_delivery_status_for_new_export_interaction",
      "0 10 * * *",
      updateNewExportInteractionDeliveryStatus,
      { enabledBy: "ENABLE_NEW_EXPORT_INTERACTION_REMINDERS_EMAIL_DELIVERY_STATUS" },
    ),
    // Always scheduled, as the original: they write only when their variable is set.
    schedule("run_ita_users_migration", "0 22 * * *", runItaUsersMigration),
    schedule("run_post_users_migration", "0 23 * * *", runPostUsersMigration),
  ],
};

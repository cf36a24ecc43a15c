/**
 * Export wins' manifest: their routes (with the company's export-win list), the e-mail
 * job they share with tasks and reminders, and the original's schedules (always on, as its
 * cron table): the 02:00 automatic resend of review links for unanswered wins, and the
 * polls of the customers' (02:00) and lead officers' (03:00) e-mail delivery; the four
 * Data Workspace datasets.
 */
import type { Domain } from "../manifest.ts";
import { schedule } from "../jobs/scheduler.ts";
import { sendNotificationEmail } from "../notification/emails.ts";
import { registerExportWinRoutes } from "./handlers.ts";
import { exportWinDatasets } from "./dataset.ts";
import {
  autoResendUnconfirmedWins,
  updateLeadOfficerDeliveryStatus,
  updateTokenDeliveryStatus,
} from "./jobs.ts";

export const exportWinDomain: Domain = {
  name: "export_win",
  register: registerExportWinRoutes,
  jobs: [sendNotificationEmail],
  datasets: exportWinDatasets,
  schedules: [
    schedule(
      "schedule_export_win_auto_resend_client_email",
      "0 2 * * *",
      autoResendUnconfirmedWins,
    ),
    schedule(
      "update_notify_email_delivery_status_for_customer_response_token",
      "0 2 * * *",
      updateTokenDeliveryStatus,
    ),
    schedule(
      "update_notify_email_delivery_status_for_customer_response",
      "0 3 * * *",
      updateLeadOfficerDeliveryStatus,
    ),
  ],
};

/**
 * Export wins' manifest: their routes (with the company's export-win list), the e-mail
 * job they share with tasks and reminders, and the original's 02:00 automatic resend of
 * review links for unanswered wins (always on, as its cron table).
 */
import type { Domain } from "../manifest.ts";
import { schedule } from "../jobs/scheduler.ts";
import { sendNotificationEmail } from "../notification/emails.ts";
import { registerExportWinRoutes } from "./handlers.ts";
import { autoResendUnconfirmedWins } from "./jobs.ts";

export const exportWinDomain: Domain = {
  name: "export_win",
  register: registerExportWinRoutes,
  jobs: [sendNotificationEmail],
  schedules: [
    schedule(
      "schedule_export_win_auto_resend_client_email",
      "0 2 * * *",
      autoResendUnconfirmedWins,
    ),
  ],
};

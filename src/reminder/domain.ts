/**
 * Reminders' manifest: the 42 routes, and the scheduled generators of the interaction
 * and land-date reminders behind the original's ENABLE_* flags (./jobs.ts).
 */
import type { Domain } from "../manifest.ts";
import { registerReminderRoutes } from "./handlers.ts";

export const reminderDomain: Domain = {
  name: "reminder",
  register: registerReminderRoutes,
};

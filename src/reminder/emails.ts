/**
 * The personalisation of the export reminder e-mails, as the original's
 * `datahub/reminder/emails.py` and `tasks.py`: the company's links and name, the
 * interaction's author, kind, subject and date, and for "no recent interaction" the
 * period in words (the first part of Django's `timesince`).
 */
import { longDate } from "../task/emails.ts";

/** `DATAHUB_FRONTEND_REMINDER_SETTINGS_URL`. */
export const settingsUrl = (frontend: string) => `${frontend}/reminders/settings`;

export interface CompanyFacts {
  id: string;
  name: string;
}

export interface InteractionFacts {
  id: string;
  created_by_name: string | null;
  kind: string;
  subject: string;
  /** `YYYY-MM-DD` */
  date: string;
}

const KIND_DISPLAY: Record<string, string> = {
  interaction: "Interaction",
  service_delivery: "Service delivery",
};

export function companyItem(company: CompanyFacts, frontend: string) {
  return {
    company_url: `${frontend}/companies/${company.id}/activity`,
    settings_url: settingsUrl(frontend),
    company_name: company.name,
  };
}

export function interactionItem(interaction: InteractionFacts, frontend: string) {
  return {
    last_interaction_created_by: interaction.created_by_name ?? "",
    last_interaction_type: KIND_DISPLAY[interaction.kind] ?? interaction.kind,
    last_interaction_subject: interaction.subject,
    date_of_interaction: longDate(interaction.date),
    link_to_interaction: `${frontend}/interactions/${interaction.id}`,
  };
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The first part of Django's `timesince(since, now)` for two dates (`YYYY-MM-DD`):
 * calendar years and months, then weeks and days ("2 months", "1 week", "0 minutes").
 */
export function timesinceFirstPart(since: string, now: string): string {
  const [y1, m1, d1] = since.split("-").map(Number);
  const [y2, m2, d2] = now.split("-").map(Number);
  let months = (y2 - y1) * 12 + (m2 - m1);
  if (d1 > d2) months--;
  const years = Math.floor(months / 12);
  months -= years * 12;
  let pivotYear = y1 + years;
  let pivotMonth = m1 + months;
  if (pivotMonth > 12) {
    pivotMonth -= 12;
    pivotYear++;
  }
  const pivot = Date.UTC(pivotYear, pivotMonth - 1, Math.min(DAYS_IN_MONTH[pivotMonth - 1], d1));
  const days = Math.round((Date.UTC(y2, m2 - 1, d2) - pivot) / 86_400_000);
  const parts: [number, string][] = [
    [years, "year"],
    [months, "month"],
    [Math.floor(days / 7), "week"],
    [days % 7, "day"],
  ];
  const first = parts.find(([n]) => n > 0);
  if (!first) return "0 minutes";
  return `${first[0]} ${first[1]}${first[0] === 1 ? "" : "s"}`;
}

/** The date `days` before `isoDate` (`YYYY-MM-DD`). */
export function daysBefore(isoDate: string, days: number): string {
  const [y, m, d] = isoDate.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d - days)).toISOString().slice(0, 10);
}

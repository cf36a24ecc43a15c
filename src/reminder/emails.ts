/**
 * The personalisation of the export and investment reminder e-mails, as the original's
 * `datahub/reminder/emails.py` and `tasks.py`: the company's links and name, the
 * interaction's author, kind, subject and date, the project's details, the estimated
 * land date summary, and for "no recent interaction" the period in words (the first
 * part of Django's `timesince`).
 */
import { longDate, MONTHS } from "../core/dates.ts";
import type { ProjectFacts } from "./queries.ts";

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

/**
 * `get_project_item`. The link ends in `/details/details`, as the original's (the
 * project's URL already ends in `/details`); missing values show as empty text.
 */
export function projectItem(project: ProjectFacts, frontend: string) {
  const status = project.status;
  return {
    project_details_url: `${frontend}/investments/projects/${project.id}/details/details`,
    settings_url: settingsUrl(frontend),
    investor_company_name: project.investor_company_name ?? "",
    project_name: project.name,
    project_code: project.project_code ?? "",
    project_status: status.charAt(0).toUpperCase() + status.slice(1).toLowerCase(),
    project_stage: project.stage,
    estimated_land_date: project.estimated_land_date ? longDate(project.estimated_land_date) : "",
  };
}

/**
 * The estimated land date summary e-mail: each project's item numbered from 1 and put
 * into the inner template's `((key))` placeholders, joined; the month of `today`.
 */
export function landDateSummary(
  projects: ProjectFacts[],
  innerTemplate: string,
  today: string,
  frontend: string,
) {
  const summary = projects.map((project, index) => {
    const data: Record<string, string | number> = {
      number: index + 1,
      ...projectItem(project, frontend),
    };
    return Object.entries(data).reduce(
      (text, [key, value]) => text.replaceAll(`((${key}))`, String(value)),
      innerTemplate,
    );
  });
  return {
    month: MONTHS[Number(today.slice(5, 7)) - 1],
    reminders_number: summary.length,
    summary: summary.join(""),
    settings_url: settingsUrl(frontend),
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

/** The first day of the month `months` after that of `isoDate` (`YYYY-MM-DD`). */
export function firstOfMonthAfter(isoDate: string, months: number): string {
  const [y, m] = isoDate.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1 + months, 1)).toISOString().slice(0, 10);
}

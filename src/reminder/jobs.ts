/**
 * The scheduled reminder generators of the original's `datahub/reminder/tasks.py`. Each
 * schedule (08:00 UTC, behind its ENABLE_* variable) takes an advisory lock and queues
 * one job per subscription of an active adviser; that job checks the adviser's user
 * feature flag and writes the reminders (and queues their e-mails) in one transaction.
 *
 * - No recent export interaction: for each of the adviser's `reminder_days` N and each
 *   managed company (account owner or One List core team, tier D ITA or Overseas Post),
 *   due when some interaction was created exactly N days ago and none since, or, with no
 *   interactions, when the company was created N days ago. Once a day per event text.
 * - New export interaction: interactions on a managed company created exactly N days ago
 *   by someone else (neither created nor modified by the adviser); one reminder per
 *   company, about the latest. Once a day per company.
 * - No recent investment interaction: as no recent export interaction, over the
 *   adviser's active projects (./queries.ts: ongoing or delayed at the Active stage, as
 *   project manager, assurance adviser, client relationship manager or referral source
 *   adviser) and their interactions. Once a day per event text.
 * - Estimated land date (1st of the month, 08:30): active projects landing on the first
 *   of next month (30 days) or the one after (60 days); nothing when the first of them
 *   already has a reminder this month. Above NOTIFICATION_SUMMARY_THRESHOLD projects,
 *   one summary e-mail about all the reminders instead of one e-mail each.
 */
import { z } from "zod";
import type { AppDeps } from "../deps.ts";
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";
import { defineJob, HALF_DAY_MS } from "../jobs/definition.ts";
import { type PendingJobs, transactionWithJobs } from "../jobs/after_commit.ts";
import { queueEmail } from "../notification/emails.ts";
import { activeFeaturesOf } from "../feature_flag/queries.ts";
import {
  activeProjectsOf,
  hasLiveReminder,
  insertReminder,
  summaryItemTemplate,
  tryAdvisoryLock,
} from "./queries.ts";
import { REMINDER_FEATURE_FLAGS, REMINDER_TYPES as T, type ReminderType } from "./types.ts";
import {
  type CompanyFacts,
  companyItem,
  daysBefore,
  firstOfMonthAfter,
  type InteractionFacts,
  interactionItem,
  landDateSummary,
  projectItem,
  timesinceFirstPart,
} from "./emails.ts";
import { longDate } from "../core/dates.ts";

/** The original's One List tiers whose companies advisers "manage" for export reminders. */
export const MANAGED_TIERS = [
  "1929c808-99b4-4abf-a891-45f2e187b410", // Tier D - International Trade Advisers
  "572dfefe-cd1d-e611-9bdc-e4115bead28a", // Tier D - Overseas Post Accounts
];

const KINDS = [
  "no-recent-export-interaction",
  "new-export-interaction",
  "no-recent-investment-interaction",
  "estimated-land-date",
] as const;
type Kind = (typeof KINDS)[number];

const TYPE_OF: Record<Kind, ReminderType> = {
  "no-recent-export-interaction": T.noRecentExportInteraction,
  "new-export-interaction": T.newExportInteraction,
  "no-recent-investment-interaction": T.noRecentInvestmentInteraction,
  "estimated-land-date": T.estimatedLandDate,
};

const FLAG_OF: Record<Kind, string> = {
  "no-recent-export-interaction": REMINDER_FEATURE_FLAGS.noRecentExportInteraction,
  "new-export-interaction": REMINDER_FEATURE_FLAGS.newExportInteraction,
  "no-recent-investment-interaction": REMINDER_FEATURE_FLAGS.noRecentInvestmentInteraction,
  "estimated-land-date": REMINDER_FEATURE_FLAGS.estimatedLandDate,
};

interface Subscriber {
  adviserId: string;
  email: string;
  days: number[];
  emailEnabled: boolean;
}

interface Generation {
  tx: Db;
  jobs: PendingJobs;
  deps: AppDeps;
  subscriber: Subscriber;
  /** `YYYY-MM-DD`, UTC. */
  today: string;
  at: Date;
  /** DATAHUB_FRONTEND_BASE_URL, for the e-mails' links. */
  frontend: string;
}

/** Companies the adviser manages (account owner or core team, tier D ITA or Post). */
function managedCompanies(tx: Db, adviserId: string) {
  return tx<(CompanyFacts & { created_day: string | null })[]>`
    select co.id::text, co.name,
      to_char(co.created_on at time zone 'UTC', 'YYYY-MM-DD') as created_day
    from company_company co
    where co.one_list_tier_id = any(${MANAGED_TIERS}::uuid[])
      and (co.one_list_account_owner_id = ${adviserId}
        or co.id in (select m.company_id from company_onelistcoreteammember m
                     where m.adviser_id = ${adviserId}))
    order by co.id`;
}

/** Interactions of a company (its own or through `companies`), aliased `i`. */
const ofCompany = (tx: Db, companyId: string) =>
  tx`(i.company_id = ${companyId} or i.id in (select ic.interaction_id
    from interaction_interaction_companies ic where ic.company_id = ${companyId}))`;

const interactionDay = (tx: Db) => tx`(i.created_on at time zone 'UTC')::date`;

async function interactionFacts(tx: Db, id: string): Promise<InteractionFacts> {
  const [row] = await tx<InteractionFacts[]>`
    select i.id::text, i.kind, i.subject, to_char(i.date at time zone 'UTC', 'YYYY-MM-DD') as date,
      (select concat_ws(' ', nullif(a.first_name, ''), nullif(a.last_name, ''))
       from company_advisor a where a.id = i.created_by_id) as created_by_name
    from interaction_interaction i where i.id = ${id}`;
  return row;
}

/** Writes the subscriber's reminder of the type; returns its id. */
function remind(
  g: Generation,
  type: ReminderType,
  reminder: { event: string; subject: Record<string, string | null> },
) {
  return insertReminder(g.tx, type, {
    adviserId: g.subscriber.adviserId,
    event: reminder.event,
    at: g.at,
    subject: reminder.subject,
  });
}

/** Queues one e-mail to the subscriber about these reminders of the type. */
async function email(
  g: Generation,
  type: ReminderType,
  reminderIds: string[],
  templateId: string | undefined,
  personalisation: Record<string, unknown>,
) {
  await queueEmail(g.tx, g.jobs, {
    service: "investment",
    recipient: g.subscriber.email,
    templateId: templateId ?? "",
    personalisation,
    reminderTable: type.reminderTable,
    reminderIds,
    at: g.at,
  });
}

/** A reminder, and its e-mail when the subscriber wants e-mails. */
async function remindAndEmail(
  g: Generation,
  type: ReminderType,
  reminder: { event: string; subject: Record<string, string | null> },
  message: {
    templateId: string | undefined;
    personalisation: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  },
) {
  const id = await remind(g, type, reminder);
  if (!g.subscriber.emailEnabled) return;
  await email(g, type, [id], message.templateId, await message.personalisation());
}

/** Whether the subscriber already has a live reminder of the type about it since `since`. */
function reminded(
  g: Generation,
  type: ReminderType,
  subject: Record<string, string>,
  since: string,
  event?: string,
) {
  return hasLiveReminder(g.tx, type, {
    adviserId: g.subscriber.adviserId,
    subject,
    event,
    since: new Date(`${since}T00:00:00Z`),
  });
}

/**
 * The original's "no recent interaction" rule for one company or project on the
 * threshold day: with interactions (`interactions`, over `i`), some created that day and
 * none after, `latest` being the newest; without, the subject created that day.
 */
async function quietSince(
  tx: Db,
  interactions: Fragment,
  createdDay: string | null,
  threshold: string,
): Promise<{ due: boolean; latest: string | null }> {
  const [facts] = await tx<{ any: boolean; on: boolean; after: boolean; latest: string }[]>`
    select exists (select 1 from interaction_interaction i where ${interactions}) as any,
      exists (select 1 from interaction_interaction i where ${interactions}
        and ${interactionDay(tx)} = ${threshold}::date) as on,
      exists (select 1 from interaction_interaction i where ${interactions}
        and ${interactionDay(tx)} > ${threshold}::date) as after,
      (select i.id::text from interaction_interaction i where ${interactions}
        order by i.created_on desc nulls last, i.id desc limit 1) as latest`;
  return facts.any
    ? { due: facts.on && !facts.after, latest: facts.latest }
    : { due: createdDay === threshold, latest: null };
}

/** A company or project whose interactions the "no recent interaction" reminders watch. */
interface Watched {
  id: string;
  name: string;
  /** `YYYY-MM-DD`, UTC */
  created_day: string | null;
}

/**
 * The two "no recent interaction" generators: for each of the subscriber's days, each
 * watched company or project found quiet since that day gets a reminder about it (once a
 * day per event text) and, when wanted, an e-mail.
 */
async function noRecentInteraction<W extends Watched>(
  g: Generation,
  options: {
    type: ReminderType;
    /** The reminder column naming the company or project. */
    column: "company_id" | "project_id";
    watched: W[];
    interactions: (watched: W) => Fragment;
    /** The reminder's other columns (the export reminder names the latest interaction). */
    extra?: (latest: string | null) => Record<string, string | null>;
    message: (watched: W, quiet: { period: string; threshold: string; latest: string | null }) => {
      templateId: string | undefined;
      personalisation: () => Promise<Record<string, unknown>> | Record<string, unknown>;
    };
  },
) {
  const { type, column } = options;
  for (const days of g.subscriber.days) {
    const threshold = daysBefore(g.today, days);
    const period = timesinceFirstPart(threshold, g.today);
    for (const watched of options.watched) {
      const interactions = options.interactions(watched);
      const { due, latest } = await quietSince(g.tx, interactions, watched.created_day, threshold);
      if (!due) continue;
      const event = `No recent interaction with ${watched.name} in ${period}`;
      if (await reminded(g, type, { [column]: watched.id }, g.today, event)) continue;
      await remindAndEmail(
        g,
        type,
        { event, subject: { [column]: watched.id, ...options.extra?.(latest) } },
        options.message(watched, { period, threshold, latest }),
      );
    }
  }
}

async function noRecentExportInteraction(g: Generation) {
  const { tx, deps, frontend } = g;
  await noRecentInteraction(g, {
    type: T.noRecentExportInteraction,
    column: "company_id",
    watched: await managedCompanies(tx, g.subscriber.adviserId),
    interactions: (company) => ofCompany(tx, company.id),
    extra: (latest) => ({ interaction_id: latest }),
    message: (company, { period, threshold, latest }) => ({
      templateId: latest
        ? deps.config.EXPORT_NOTIFICATION_NO_RECENT_INTERACTION_TEMPLATE_ID
        : deps.config.EXPORT_NOTIFICATION_NO_INTERACTION_TEMPLATE_ID,
      personalisation: async () => ({
        ...companyItem(company, frontend),
        time_period: period,
        last_interaction_date: longDate(threshold),
        ...(latest ? interactionItem(await interactionFacts(tx, latest), frontend) : {}),
      }),
    }),
  });
}

async function newExportInteraction(g: Generation) {
  const { tx, deps, today, frontend } = g;
  const me = g.subscriber.adviserId;
  for (const days of g.subscriber.days) {
    const threshold = daysBefore(today, days);
    for (const company of await managedCompanies(tx, me)) {
      const [latest] = await tx<{ id: string }[]>`
        select i.id::text from interaction_interaction i
        where ${ofCompany(tx, company.id)} and ${interactionDay(tx)} = ${threshold}::date
          and i.created_by_id is distinct from ${me} and i.modified_by_id is distinct from ${me}
        order by i.created_on desc, i.id desc limit 1`;
      if (!latest) continue;
      const event = `New interaction with ${company.name}`;
      const type = T.newExportInteraction;
      if (await reminded(g, type, { company_id: company.id }, today, event)) continue;
      await remindAndEmail(
        g,
        type,
        { event, subject: { company_id: company.id, interaction_id: latest.id } },
        {
          templateId: deps.config.EXPORT_NOTIFICATION_NEW_INTERACTION_TEMPLATE_ID,
          personalisation: async () => ({
            ...companyItem(company, frontend),
            last_interaction_date: longDate(threshold),
            ...interactionItem(await interactionFacts(tx, latest.id), frontend),
          }),
        },
      );
    }
  }
}

async function noRecentInvestmentInteraction(g: Generation) {
  const { tx, deps, frontend } = g;
  await noRecentInteraction(g, {
    type: T.noRecentInvestmentInteraction,
    column: "project_id",
    watched: await activeProjectsOf(tx, g.subscriber.adviserId),
    interactions: (project) => tx`i.investment_project_id = ${project.id}`,
    message: (project, { period, threshold }) => ({
      templateId: deps.config.INVESTMENT_NOTIFICATION_NO_RECENT_INTERACTION_TEMPLATE_ID,
      personalisation: () => ({
        ...projectItem(project, frontend),
        time_period: period,
        last_interaction_date: longDate(threshold),
      }),
    }),
  });
}

/** The original's REMINDER_DAYS_MAPPING: days left → months after this month's first. */
const LAND_DATE_MONTHS: Record<number, number> = { 30: 1, 60: 2 };

async function estimatedLandDate(g: Generation) {
  const { tx, deps, today, frontend } = g;
  const type = T.estimatedLandDate;
  const monthStart = firstOfMonthAfter(today, 0);
  const landDates = g.subscriber.days.filter((d) => d in LAND_DATE_MONTHS)
    .map((d) => firstOfMonthAfter(today, LAND_DATE_MONTHS[d]));
  const projects = await activeProjectsOf(tx, g.subscriber.adviserId, landDates);
  if (!projects.length) return;
  if (await reminded(g, type, { project_id: projects[0].id }, monthStart)) return;
  const summarised = projects.length > deps.config.NOTIFICATION_SUMMARY_THRESHOLD;
  const reminderIds: string[] = [];
  for (const project of projects) {
    if (await reminded(g, type, { project_id: project.id }, monthStart)) continue;
    const dayDiff = (Date.parse(project.estimated_land_date!) - Date.parse(today)) / 86_400_000;
    const reminder = {
      event: `${dayDiff < 32 ? 30 : 60} days left to estimated land date`,
      subject: { project_id: project.id },
    };
    if (summarised) {
      reminderIds.push(await remind(g, type, reminder));
      continue;
    }
    await remindAndEmail(g, type, reminder, {
      templateId: deps.config.INVESTMENT_NOTIFICATION_ESTIMATED_LAND_DATE_TEMPLATE_ID,
      personalisation: () => projectItem(project, frontend),
    });
  }
  if (!summarised || !g.subscriber.emailEnabled) return;
  await email(
    g,
    type,
    reminderIds,
    deps.config.INVESTMENT_NOTIFICATION_ESTIMATED_LAND_DATE_SUMMARY_TEMPLATE_ID,
    landDateSummary(projects, await summaryItemTemplate(tx), today, frontend),
  );
}

const GENERATORS: Record<Kind, (g: Generation) => Promise<void> | void> = {
  "no-recent-export-interaction": noRecentExportInteraction,
  "new-export-interaction": newExportInteraction,
  "no-recent-investment-interaction": noRecentInvestmentInteraction,
  "estimated-land-date": estimatedLandDate,
};

/** One subscription's reminders of one kind for one day. */
export const generateRemindersForSubscription = defineJob({
  name: "reminder.generate_for_subscription",
  payload: z.object({ kind: z.enum(KINDS), adviser_id: z.uuid(), today: z.iso.date() }),
  queue: "long-running",
  maxAttempts: 6,
  run: async ({ kind, adviser_id, today }, { deps }) => {
    const type = TYPE_OF[kind];
    await transactionWithJobs(deps, async (tx, jobs) => {
      const { features } = await activeFeaturesOf(tx, adviser_id);
      if (!features.includes(FLAG_OF[kind])) return;
      const [row] = await tx<{ email: string; days: number[]; enabled: boolean }[]>`
        select coalesce(nullif(a.contact_email, ''), a.email) as email,
          s.reminder_days as days, s.email_reminders_enabled as enabled
        from ${tx(type.subscriptionTable)} s join company_advisor a on a.id = s.adviser_id
        where s.adviser_id = ${adviser_id} and a.is_active`;
      if (!row) return;
      await GENERATORS[kind]({
        tx,
        jobs,
        deps,
        subscriber: {
          adviserId: adviser_id,
          email: row.email,
          days: row.days,
          emailEnabled: row.enabled,
        },
        today,
        at: deps.now(),
        frontend: deps.config.DATAHUB_FRONTEND_BASE_URL,
      });
    });
  },
});

/**
 * A job a schedule starts (no payload, the long-running queue, up to half a day): the
 * reminder and task generators, enrolments and delivery polls.
 */
export function scheduledJob(
  name: string,
  run: (deps: AppDeps) => Promise<void>,
  options: { maxAttempts?: number } = {},
) {
  return defineJob({
    name,
    payload: z.object({}),
    queue: "long-running",
    timeoutMs: HALF_DAY_MS,
    ...options,
    run: (_payload, { deps }) => run(deps),
  });
}

/** The scheduled fan-out of one kind: one job per subscription of an active adviser. */
function fanOut(kind: Kind, lock: string) {
  return scheduledJob(`reminder.${lock}`, async (deps) => {
    const today = deps.now().toISOString().slice(0, 10);
    const queued = await transactionWithJobs(deps, async (tx, jobs) => {
      if (!await tryAdvisoryLock(tx, lock)) return 0;
      const subscribers = await tx<{ adviser_id: string }[]>`
          select s.adviser_id::text from ${tx(TYPE_OF[kind].subscriptionTable)} s
          join company_advisor a on a.id = s.adviser_id where a.is_active order by s.adviser_id`;
      for (const s of subscribers) {
        jobs.enqueue(generateRemindersForSubscription, { kind, adviser_id: s.adviser_id, today });
      }
      return subscribers.length;
    });
    deps.log.info(lock, { subscriptions: queued });
  });
}

export const generateNoRecentExportInteractionReminders = fanOut(
  "no-recent-export-interaction",
  "generate_no_recent_export_interaction_reminders",
);
export const generateNewExportInteractionReminders = fanOut(
  "new-export-interaction",
  "generate_new_export_interaction_reminders",
);
export const generateNoRecentInvestmentInteractionReminders = fanOut(
  "no-recent-investment-interaction",
  "generate_no_recent_interaction_reminders",
);
export const generateEstimatedLandDateReminders = fanOut(
  "estimated-land-date",
  "generate_estimated_land_date_reminders",
);

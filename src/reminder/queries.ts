/**
 * All SQL of reminders and reminder settings, generic over the ten types
 * (./types.ts): tables come from that declaration, never from a request; and what the
 * generators read of investment projects and propositions.
 */
import type { Db } from "../db/pool.ts";
import { type Fragment, where } from "../db/fragments.ts";
import { adviserName, datetime, jsonObject } from "../core/render.ts";
import { orderBy, type SortChoices, type SortTerm } from "../http/sortby.ts";
import { listPage, type Page } from "../http/pagination.ts";
import { reminderTaskJson } from "../task/queries.ts";
import { projectCode } from "../investment/queries.ts";
import type { ReminderType } from "./types.ts";

/** Live reminders: the original's default manager (`status` live or blank). */
const LIVE = (db: Db) => db`r.status in ('live', '')`;

/** NestedInvestmentProjectSerializer of the reminder's project: `{id, name, project_code}`. */
function projectJson(sql: Db): Fragment {
  return sql`(select jsonb_build_object('id', p.id, 'name', p.name,
      'project_code', ${projectCode(sql, "p")})
    from investment_investmentproject p where p.id = r.project_id)`;
}

/** NestedInteractionSerializer: `{created_by (with dit_team), kind, subject, date}`. */
function interactionJson(sql: Db): Fragment {
  return sql`(select jsonb_build_object(
      'created_by', (select jsonb_build_object('name', ${adviserName(sql, "a")},
          'first_name', a.first_name, 'last_name', a.last_name,
          'dit_team', (select jsonb_build_object('name', tm.name, 'id', tm.id)
                       from metadata_team tm where tm.id = a.dit_team_id),
          'id', a.id) from company_advisor a where a.id = i.created_by_id),
      'kind', i.kind, 'subject', i.subject, 'date', api_datetime(i.date))
    from interaction_interaction i where i.id = r.interaction_id)`;
}

/** A reminder aliased `r` of this type, as its serializer renders it. */
function reminderJson(sql: Db, type: ReminderType): Fragment {
  const base: [string, Fragment][] = [
    ["id", sql`r.id`],
    ["created_on", datetime(sql, sql`r.created_on`)],
    ["event", sql`r.event`],
  ];
  switch (type.subject) {
    case "project":
      return jsonObject(sql, [...base, ["project", projectJson(sql)]]);
    case "export":
      return jsonObject(sql, [
        ["id", sql`r.id`],
        ["created_on", datetime(sql, sql`r.created_on`)],
        [
          "last_interaction_date",
          sql`coalesce(
            (select api_datetime(i.date) from interaction_interaction i
             where i.id = r.interaction_id),
            (select api_datetime(co.created_on) from company_company co
             where co.id = r.company_id))`,
        ],
        ["event", sql`r.event`],
        [
          "company",
          sql`(select jsonb_build_object('id', co.id, 'name', co.name)
            from company_company co where co.id = r.company_id)`,
        ],
        ["interaction", interactionJson(sql)],
      ]);
    case "task":
      return jsonObject(sql, [
        ["id", sql`r.id`],
        ["event", sql`r.event`],
        ["created_on", datetime(sql, sql`r.created_on`)],
        [
          "task",
          sql`(select ${reminderTaskJson(sql)} from task_task t where t.id = r.task_id)`,
        ],
      ]);
  }
}

export const reminderSortChoices: SortChoices = { created_on: "r.created_on" };

/** The adviser's live reminders of the type, newest first by default. */
export async function listReminders(
  db: Db,
  type: ReminderType,
  options: { adviserId: string; sort: SortTerm[]; page: Page },
) {
  const { count, rows } = await listPage<{ reminder: Record<string, unknown> }>(db, {
    select: db`${reminderJson(db, type)} as reminder`,
    from: db`${db(type.reminderTable)} r`,
    key: "r.id",
    where: db`where r.adviser_id = ${options.adviserId} and ${LIVE(db)}`,
    order: orderBy(db, options.sort, reminderSortChoices, "r.id"),
    page: options.page,
  });
  return { count, results: rows.map((r) => r.reminder) };
}

/** Dismisses one of the adviser's live reminders; false when there is none. */
export async function dismissReminder(
  db: Db,
  type: ReminderType,
  adviserId: string,
  id: string,
  at: Date,
): Promise<boolean> {
  const rows = await db`
    update ${db(type.reminderTable)} r set status = 'dismissed', modified_on = ${at}
    where r.id = ${id} and r.adviser_id = ${adviserId} and ${LIVE(db)} returning r.id`;
  return rows.length > 0;
}

export interface Subscription {
  reminder_days?: number[];
  email_reminders_enabled: boolean;
}

/**
 * The adviser's settings of the type, created (with the model's defaults, or
 * `defaults`) when missing; locked when `forUpdate`.
 */
export async function subscriptionOf(
  db: Db,
  type: ReminderType,
  adviserId: string,
  options: { emailRemindersEnabled?: boolean; forUpdate?: boolean } = {},
): Promise<Subscription> {
  await db`insert into ${db(type.subscriptionTable)} (adviser_id, email_reminders_enabled)
    values (${adviserId}, ${options.emailRemindersEnabled ?? false})
    on conflict (adviser_id) do nothing`;
  const lock = options.forUpdate ? db`for update` : db``;
  const [row] = await db<{ reminder_days: number[] | null; email_reminders_enabled: boolean }[]>`
    select ${type.hasDays ? db`reminder_days` : db`null::smallint[] as reminder_days`},
      email_reminders_enabled
    from ${db(type.subscriptionTable)} where adviser_id = ${adviserId} ${lock}`;
  return type.hasDays
    ? {
      reminder_days: row.reminder_days ?? [],
      email_reminders_enabled: row.email_reminders_enabled,
    }
    : { email_reminders_enabled: row.email_reminders_enabled };
}

export async function updateSubscription(
  db: Db,
  type: ReminderType,
  adviserId: string,
  change: Partial<Subscription>,
): Promise<void> {
  if (change.reminder_days !== undefined) {
    await db`update ${db(type.subscriptionTable)} set reminder_days = ${change.reminder_days}
      where adviser_id = ${adviserId}`;
  }
  if (change.email_reminders_enabled !== undefined) {
    await db`update ${db(type.subscriptionTable)}
      set email_reminders_enabled = ${change.email_reminders_enabled}
      where adviser_id = ${adviserId}`;
  }
}

/** Live reminders of the adviser for each type, by reminder table. */
export async function liveCounts(
  db: Db,
  types: ReminderType[],
  adviserId: string,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const type of types) {
    const [{ n }] = await db<{ n: number }[]>`
      select count(*)::int as n from ${db(type.reminderTable)} r
      where r.adviser_id = ${adviserId} and ${LIVE(db)}`;
    counts.set(type.reminderTable, n);
  }
  return counts;
}

export interface NewReminder {
  adviserId: string;
  event: string;
  at: Date;
  /** The type's subject columns: `task_id`, `project_id`, or `company_id` + `interaction_id`. */
  subject: Record<string, string | null>;
}

export async function insertReminder(
  db: Db,
  type: ReminderType,
  reminder: NewReminder,
): Promise<string> {
  const [{ id }] = await db<{ id: string }[]>`
    insert into ${db(type.reminderTable)} ${
    db({
      adviser_id: reminder.adviserId,
      event: reminder.event.slice(0, 255),
      created_on: reminder.at,
      modified_on: reminder.at,
      ...reminder.subject,
    })
  } returning id`;
  return id;
}

/**
 * Whether the adviser already has a live reminder of the type about `subject`, created
 * at or after `since` when given (the generators' dedupe windows).
 */
export async function hasLiveReminder(
  db: Db,
  type: ReminderType,
  options: {
    adviserId: string;
    subject: Record<string, string>;
    since?: Date;
    event?: string;
  },
): Promise<boolean> {
  const conditions = [
    db`r.adviser_id = ${options.adviserId}`,
    LIVE(db),
    ...Object.entries(options.subject).map(([column, value]) => db`r.${db(column)} = ${value}`),
  ];
  if (options.since) conditions.push(db`r.created_on >= ${options.since}`);
  if (options.event !== undefined) conditions.push(db`r.event = ${options.event}`);
  const rows = await db`
    select 1 from ${db(type.reminderTable)} r ${where(db, conditions)} limit 1`;
  return rows.length > 0;
}

/** Takes the transaction's advisory lock of `name`; false when another worker holds it. */
export async function tryAdvisoryLock(db: Db, name: string): Promise<boolean> {
  const [{ locked }] = await db<{ locked: boolean }[]>`
    select pg_try_advisory_xact_lock(hashtext(${name})) as locked`;
  return locked;
}

// ------------------------------------------------------------- investment projects

const ACTIVE_STAGE = "7606cc19-20da-4b74-aba1-2cec0d753ad8";

/** The project `p` is ongoing or delayed, at the Active stage (the original's active projects). */
export const isActiveProject = (db: Db) =>
  db`p.status in ('ongoing', 'delayed') and p.stage_id = ${ACTIVE_STAGE}`;

/**
 * The four roles whose holders get a project's reminders (and, at Post, are enrolled in
 * them): project manager, project assurance adviser, client relationship manager and
 * referral source adviser. Team members get none, as in the original.
 */
export const projectRoleHolders = (db: Db) =>
  db`array[p.project_manager_id, p.project_assurance_adviser_id,
    p.client_relationship_manager_id, p.referral_source_adviser_id]`;

export interface ProjectFacts {
  id: string;
  name: string;
  project_code: string | null;
  status: string;
  stage: string;
  investor_company_name: string | null;
  /** `YYYY-MM-DD` */
  estimated_land_date: string | null;
  /** `YYYY-MM-DD`, UTC */
  created_day: string | null;
}

/**
 * The adviser's active projects (by id), those landing on one of `landDates` when given:
 * what the project reminders and their e-mails show.
 */
export function activeProjectsOf(
  db: Db,
  adviserId: string,
  landDates?: string[],
): Promise<ProjectFacts[]> {
  const landing = landDates ? db`and p.estimated_land_date = any(${landDates}::date[])` : db``;
  return db<ProjectFacts[]>`
    select p.id::text, p.name, ${projectCode(db, "p")} as project_code, p.status,
      st.name as stage, ic.name as investor_company_name,
      to_char(p.estimated_land_date, 'YYYY-MM-DD') as estimated_land_date,
      to_char(p.created_on at time zone 'UTC', 'YYYY-MM-DD') as created_day
    from investment_investmentproject p
    join metadata_investmentprojectstage st on st.id = p.stage_id
    left join company_company ic on ic.id = p.investor_company_id
    where ${isActiveProject(db)} and ${adviserId}::uuid = any(${projectRoleHolders(db)})
      ${landing}
    order by p.id`;
}

/** The inner template of one project in the estimated land date summary e-mail. */
export async function summaryItemTemplate(db: Db): Promise<string> {
  const [row] = await db<{ content: string }[]>`
    select content from notification_notificationinnertemplate
    where notification_type = 'upcoming_estimated_land_date' order by created_on limit 1`;
  return row?.content ?? "";
}

/** The adviser's ongoing propositions (the reminder summary's `outstanding_propositions`). */
export async function outstandingPropositions(db: Db, adviserId: string): Promise<number> {
  const [{ n }] = await db<{ n: number }[]>`
    select count(*)::int as n from proposition_proposition
    where adviser_id = ${adviserId} and status = 'ongoing'`;
  return n;
}

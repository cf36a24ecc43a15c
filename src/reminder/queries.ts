/**
 * All SQL of reminders and reminder settings, generic over the ten types
 * (./types.ts): tables come from that declaration, never from a request.
 *
 * Project reminders render only the project's id until investment projects exist on
 * this branch (the contribution point is {@link projectJson}).
 */
import type { Db } from "../db/pool.ts";
import { type Fragment, where } from "../db/fragments.ts";
import { adviserName, datetime, jsonObject } from "../core/render.ts";
import { orderBy, type SortChoices, type SortTerm } from "../http/sortby.ts";
import { listPage, type Page } from "../http/pagination.ts";
import { reminderTaskJson } from "../task/queries.ts";
import type { ReminderType } from "./types.ts";

/** Live reminders: the original's default manager (`status` live or blank). */
const LIVE = (db: Db) => db`r.status in ('live', '')`;

/** `{id, name, project_code}` of a project. Contribution point: only the id until projects exist. */
function projectJson(sql: Db): Fragment {
  return sql`jsonb_build_object('id', r.project_id, 'name', null, 'project_code', null)`;
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

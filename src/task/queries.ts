/**
 * All SQL of tasks: the response JSON (built in SQL), the list, the advisers (M2M),
 * writes, and the tasks and recipients the reminder generators read. A task's company
 * is the original's `Task.get_company()`: its project's investor company, else its own
 * company, else its interaction's company.
 */
import type { Db } from "../db/pool.ts";
import { insertRow, updateRow } from "../db/rows.ts";
import { type Fragment, where } from "../db/fragments.ts";
import { adviser, adviserName, datetime, jsonObject } from "../core/render.ts";
import { adviserRef, type VersionedEntity } from "../core/versions.ts";
import { orderBy, type SortChoices, type SortTerm } from "../http/sortby.ts";
import { listPage, type Page } from "../http/pagination.ts";
import { projectCode } from "../investment/queries.ts";

/** Tasks are versioned, as the original registers Task with reversion. */
export const taskEntity: VersionedEntity = {
  entity: "task",
  table: "task_task",
  foreignKeys: {
    company_id: { table: "company_company" },
    investment_project_id: { table: "investment_investmentproject" },
    interaction_id: {
      table: "interaction_interaction",
      name: (sql) => sql`r.subject`,
    },
    archived_by_id: adviserRef,
  },
  manyToMany: {
    advisers: {
      table: "task_task_advisers",
      source: "task_id",
      target: "advisor_id",
      ref: adviserRef,
    },
  },
};

/** NestedInvestmentProjectInvestorCompanyField of the task `t`'s project, or null. */
function investmentProjectJson(sql: Db): Fragment {
  return sql`(select jsonb_build_object('name', p.name, 'project_code', ${projectCode(sql, "p")},
      'investor_company', (select jsonb_build_object('name', ic.name, 'id', ic.id)
        from company_company ic where ic.id = p.investor_company_id),
      'id', p.id)
    from investment_investmentproject p where p.id = t.investment_project_id)`;
}

/** The id of `Task.get_company()` of the task `t`. */
export function taskCompanyId(sql: Db): Fragment {
  return sql`case when t.investment_project_id is not null
    then (select p.investor_company_id from investment_investmentproject p
      where p.id = t.investment_project_id)
    else coalesce(t.company_id,
      (select i.company_id from interaction_interaction i where i.id = t.interaction_id)) end`;
}

/** `{id, name}` of `Task.get_company()` of the task `t`, or null. */
function taskCompanyJson(sql: Db): Fragment {
  return sql`(select jsonb_build_object('id', co.id, 'name', co.name) from company_company co
    where co.id = ${taskCompanyId(sql)})`;
}

function taskInteractionJson(sql: Db): Fragment {
  return sql`(select jsonb_build_object('id', i.id, 'subject', i.subject)
    from interaction_interaction i where i.id = t.interaction_id)`;
}

/** The task aliased `t` as TaskSerializer renders it. */
export function taskJson(sql: Db): Fragment {
  return jsonObject(sql, [
    ["id", sql`t.id`],
    ["title", sql`t.title`],
    ["description", sql`t.description`],
    ["due_date", sql`to_char(t.due_date, 'YYYY-MM-DD')`],
    ["reminder_days", sql`t.reminder_days`],
    ["email_reminders_enabled", sql`t.email_reminders_enabled`],
    [
      "advisers",
      sql`(select coalesce(jsonb_agg(jsonb_build_object('name', ${adviserName(sql, "a")},
          'first_name', a.first_name, 'last_name', a.last_name, 'id', a.id)
          order by a.first_name, a.last_name, a.id), '[]'::jsonb)
        from task_task_advisers ta join company_advisor a on a.id = ta.advisor_id
        where ta.task_id = t.id)`,
    ],
    ["archived", sql`t.archived`],
    ["archived_reason", sql`t.archived_reason`],
    ["archived_by", adviser(sql, sql`t.archived_by_id`)],
    ["created_by", adviser(sql, sql`t.created_by_id`)],
    ["modified_by", adviser(sql, sql`t.modified_by_id`)],
    ["created_on", datetime(sql, sql`t.created_on`)],
    ["modified_on", datetime(sql, sql`t.modified_on`)],
    ["investment_project", investmentProjectJson(sql)],
    ["company", taskCompanyJson(sql)],
    ["interaction", taskInteractionJson(sql)],
    ["status", sql`t.status`],
  ]);
}

/** The task aliased `t` as a reminder embeds it (ReminderTaskSerializer). */
export function reminderTaskJson(sql: Db): Fragment {
  return jsonObject(sql, [
    ["id", sql`t.id`],
    ["title", sql`t.title`],
    ["investment_project", investmentProjectJson(sql)],
    ["company", taskCompanyJson(sql)],
    ["due_date", sql`to_char(t.due_date, 'YYYY-MM-DD')`],
    ["interaction", taskInteractionJson(sql)],
  ]);
}

/** The original's `ordering_fields`. */
export const taskSortChoices: SortChoices = {
  title: "t.title",
  due_date: "t.due_date",
  created_on: "t.created_on",
};

export interface TaskFilters {
  archived?: boolean;
  adviser?: string;
  investmentProject?: string;
  company?: string;
  interaction?: string;
}

export async function listTasks(
  db: Db,
  options: { filters: TaskFilters; sort: SortTerm[]; page: Page },
) {
  const f = options.filters;
  const conditions: Fragment[] = [];
  if (f.archived !== undefined) conditions.push(db`t.archived = ${f.archived}`);
  if (f.adviser) {
    conditions.push(db`exists (select 1 from task_task_advisers ta
      where ta.task_id = t.id and ta.advisor_id = ${f.adviser})`);
  }
  if (f.investmentProject) conditions.push(db`t.investment_project_id = ${f.investmentProject}`);
  if (f.company) conditions.push(db`t.company_id = ${f.company}`);
  if (f.interaction) conditions.push(db`t.interaction_id = ${f.interaction}`);
  const { count, rows } = await listPage<{ task: Record<string, unknown> }>(db, {
    select: db`${taskJson(db)} as task`,
    from: db`task_task t`,
    key: "t.id",
    where: where(db, conditions),
    order: orderBy(db, options.sort, taskSortChoices, "t.id"),
    page: options.page,
  });
  return { count, results: rows.map((r) => r.task) };
}

export async function findTask(db: Db, id: string) {
  const [row] = await db<{ task: Record<string, unknown> }[]>`
    select ${taskJson(db)} as task from task_task t where t.id = ${id}`;
  return row?.task ?? null;
}

export interface TaskState {
  id: string;
  title: string;
  archived: boolean;
  status: string;
  created_by_id: string | null;
  modified_by_id: string | null;
  adviser_ids: string[];
}

/** Locks the task and returns what the change notifications need, or null. */
export async function lockTask(db: Db, id: string): Promise<TaskState | null> {
  const [row] = await db<TaskState[]>`
    select t.id, t.title, t.archived, t.status, t.created_by_id, t.modified_by_id,
      array(select ta.advisor_id::text from task_task_advisers ta where ta.task_id = t.id
            order by ta.id) as adviser_ids
    from task_task t where t.id = ${id} for update`;
  return row ?? null;
}

export type TaskColumns = Record<string, string | number | boolean | Date | null>;

/** Writes `reminder_date` as the original's `Task.save`: `due_date - reminder_days`. */
export async function refreshReminderDate(db: Db, id: string): Promise<void> {
  await db`update task_task set reminder_date = case
      when due_date is not null and coalesce(reminder_days, 0) <> 0
      then due_date - reminder_days else reminder_date end
    where id = ${id}`;
}

export function insertTask(db: Db, columns: TaskColumns): Promise<string> {
  return insertRow(db, "task_task", columns);
}

export function updateTask(db: Db, id: string, columns: TaskColumns): Promise<void> {
  return updateRow(db, "task_task", id, columns);
}

/** Replaces the task's advisers; returns the ids that were added. */
export async function setTaskAdvisers(db: Db, id: string, adviserIds: string[]) {
  await db`delete from task_task_advisers
    where task_id = ${id} and not (advisor_id = any(${adviserIds}::uuid[]))`;
  const added = await db<{ advisor_id: string }[]>`
    insert into task_task_advisers (task_id, advisor_id)
    select ${id}, x from unnest(${adviserIds}::uuid[]) with ordinality as u(x, n)
    order by n
    on conflict (task_id, advisor_id) do nothing
    returning advisor_id::text`;
  return added.map((r) => r.advisor_id);
}

/**
 * `GET /v4/task/companies-and-projects`: of the tasks the adviser created or is
 * assigned, the projects, and the companies (their own, and their projects' investor
 * companies, which project tasks do not store), each by name.
 */
export async function companiesAndProjects(db: Db, adviserId: string) {
  const mine = db`select t.company_id, t.investment_project_id from task_task t
    where (t.created_by_id = ${adviserId} or exists (select 1 from task_task_advisers ta
      where ta.task_id = t.id and ta.advisor_id = ${adviserId}))`;
  const projects = await db<{ id: string; name: string }[]>`
    select p.id, p.name from investment_investmentproject p
    where p.id in (select m.investment_project_id from (${mine}) m)
    order by p.name, p.id`;
  const companies = await db<{ id: string; name: string }[]>`
    select co.id, co.name from company_company co
    where co.id in (select m.company_id from (${mine}) m)
      or co.id in (select p.investor_company_id from investment_investmentproject p
        where p.id in (select m.investment_project_id from (${mine}) m))
    order by co.name, co.id`;
  return { companies, projects };
}

// ------------------------------------------------------------- search documents

const ids = async (rows: Promise<{ id: string }[]>) => (await rows).map((r) => r.id);

/** Tasks whose documents name the company (their own, or their project's investor). */
export const taskIdsOfCompany = (db: Db, companyId: string) =>
  ids(db<{ id: string }[]>`select t.id::text from task_task t
    where t.company_id = ${companyId} or t.investment_project_id in (select p.id
      from investment_investmentproject p where p.investor_company_id = ${companyId})`);

export const taskIdsOfInteraction = (db: Db, interactionId: string) =>
  ids(db<{ id: string }[]>`select id::text from task_task where interaction_id = ${interactionId}`);

export const taskIdsOfProject = (db: Db, projectId: string) =>
  ids(db<{ id: string }[]>`
    select id::text from task_task where investment_project_id = ${projectId}`);

// ------------------------------------------------------------- reminders' reads

export interface TaskRecipient {
  task_id: string;
  adviser_id: string;
  email: string;
  email_reminders_enabled: boolean;
}

/**
 * Active assignees of the selected tasks who hold a subscription of `subscriptionTable`
 * (with its e-mail flag), by task then adviser.
 */
export function taskRecipients(
  db: Db,
  tasks: Fragment,
  subscriptionTable: string,
): Promise<TaskRecipient[]> {
  return db<TaskRecipient[]>`
    select t.id::text as task_id, a.id::text as adviser_id,
      coalesce(nullif(a.contact_email, ''), a.email) as email, s.email_reminders_enabled
    from task_task t
    join task_task_advisers ta on ta.task_id = t.id
    join company_advisor a on a.id = ta.advisor_id and a.is_active
    join ${db(subscriptionTable)} s on s.adviser_id = a.id
    where t.id in (${tasks})
    order by t.id, a.id`;
}

export interface TaskEmailFacts {
  id: string;
  title: string;
  due_date: string | null;
  reminder_days: number | null;
  project_name: string | null;
  company_name: string | null;
  modified_by_name: string | null;
}

/** What the task e-mails show of a task. */
export async function taskEmailFacts(db: Db, id: string): Promise<TaskEmailFacts | null> {
  const [row] = await db<TaskEmailFacts[]>`
    select t.id, t.title, to_char(t.due_date, 'YYYY-MM-DD') as due_date, t.reminder_days,
      (select p.name from investment_investmentproject p where p.id = t.investment_project_id)
        as project_name,
      (select co.name from company_company co where co.id = ${taskCompanyId(db)})
        as company_name,
      (select ${adviserName(db, "m")} from company_advisor m where m.id = t.modified_by_id)
        as modified_by_name
    from task_task t where t.id = ${id}`;
  return row ?? null;
}

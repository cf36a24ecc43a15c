/**
 * The task search app (`POST /v4/search/task`, global search): the original's
 * `datahub/search/task` document, filters, sort choices and its restriction to the
 * caller's tasks (created by or assigned to them), declared once.
 *
 * The raw-body `not_created_by` and `not_advisers` leave out tasks created by, or assigned
 * to any of, those advisers (the original's must-not filters); here they must be UUIDs.
 * Difference: the restriction always applies, so `advisers: [me, other]` does not reveal
 * the other adviser's tasks (the original's quirk).
 */
import type { Db } from "../db/pool.ts";
import {
  bool,
  defineSearchApp,
  excludes,
  ids,
  match,
  partialText,
  type SearchDocument,
  singleOrList,
  str,
  uuid,
} from "../search/app.ts";
import {
  boolean,
  date,
  idName,
  integer,
  keyword,
  object,
  person,
  text,
  textKeywordTrigram,
} from "../search/mapping.ts";
import { adviserName, documentDatetime } from "../core/render.ts";
import { projectCode } from "../investment/queries.ts";
import { taskCompanyId } from "./queries.ts";

const personJson = (db: Db, alias: string) =>
  db`jsonb_build_object('id', ${db(alias)}.id, 'first_name', ${db(alias)}.first_name,
    'last_name', ${db(alias)}.last_name, 'name', ${adviserName(db, alias)})`;

function taskDocuments(db: Db, ids: string[]): Promise<SearchDocument[]> {
  return db<SearchDocument[]>`
    select t.id::text as id, t.title, t.description, t.status, t.archived,
      t.email_reminders_enabled, t.reminder_days,
      to_char(t.due_date, 'YYYY-MM-DD') as due_date,
      to_char(t.reminder_date, 'YYYY-MM-DD') as reminder_date,
      ${documentDatetime(db, db`t.modified_on`)} as modified_on,
      (select ${personJson(db, "cb")} from company_advisor cb where cb.id = t.created_by_id)
        as created_by,
      (select coalesce(jsonb_agg(${personJson(db, "a")} order by a.first_name, a.last_name),
          '[]'::jsonb)
        from task_task_advisers ta join company_advisor a on a.id = ta.advisor_id
        where ta.task_id = t.id) as advisers,
      (select jsonb_build_object('id', p.id, 'name', p.name,
          'project_code', ${projectCode(db, "p")})
        from investment_investmentproject p where p.id = t.investment_project_id)
        as investment_project,
      (select jsonb_build_object('id', i.id, 'subject', i.subject,
          'date', ${documentDatetime(db, db`i.date`)})
        from interaction_interaction i where i.id = t.interaction_id) as interaction,
      (select jsonb_build_object('id', co.id, 'name', co.name) from company_company co
        where co.id = ${taskCompanyId(db)}) as company
    from task_task t
    where t.id = any(${ids}::uuid[])`;
}

export const taskSearchApp = defineSearchApp({
  name: "task",
  path: "/v4/search/task",
  plural: "Tasks",
  table: "task_task",
  global: true,
  viewPermissions: ["task.view_task"],
  mapping: {
    id: keyword(),
    archived: boolean(),
    email_reminders_enabled: boolean(),
    title: textKeywordTrigram(),
    description: text(),
    status: keyword(),
    due_date: date(),
    reminder_date: date(),
    modified_on: date(),
    reminder_days: integer(),
    created_by: person(),
    advisers: person(),
    investment_project: object({
      id: keyword(),
      name: textKeywordTrigram(),
      project_code: keyword(),
    }),
    interaction: object({ id: keyword(), subject: textKeywordTrigram(), date: date() }),
    company: idName(),
  },
  searchFields: ["id", "title", "title.trigram", "created_by.name", "advisers.name"],
  primaryTextFields: ["title"],
  filters: {
    id: ids("id"),
    archived: match("archived", bool()),
    title: partialText("title"),
    status: match("status", singleOrList(str())),
    due_date: match("due_date", str()),
    created_by: ids("created_by.id"),
    advisers: ids("advisers.id"),
    company: ids("company.id"),
    investment_project: ids("investment_project.id"),
    interaction: ids("interaction.id"),
    not_created_by: excludes("created_by.id", singleOrList(uuid())),
    not_advisers: excludes("advisers.id", singleOrList(uuid())),
  },
  sortby: {
    modified_on: "modified_on",
    due_date: "due_date",
    "company.name": "company.name",
    "investment_project.name": "investment_project.name.keyword",
    "interaction.subject": "interaction.subject.keyword",
  },
  scope: (caller) => {
    if (caller.kind !== "adviser") return { none: true };
    const me = caller.adviser.id;
    return { or: [{ match: "created_by.id", value: me }, { match: "advisers.id", value: me }] };
  },
  build: taskDocuments,
});

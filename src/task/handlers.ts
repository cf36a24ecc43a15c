/**
 * Task handlers: parse, check references, write, record the version, queue the change
 * notifications for after the commit (./jobs.ts), respond.
 */
import type { Context } from "hono";
import { writeMeta } from "../http/write_meta.ts";
import type { App, AppEnv } from "../http/context.ts";
import type { Db } from "../db/pool.ts";
import { type FieldErrors, nonFieldError, notFound, ValidationError } from "../http/errors.ts";
import { paginate, readPage } from "../http/pagination.ts";
import { parseSortby } from "../http/sortby.ts";
import { parseUuid } from "../http/filter_values.ts";
import { missingReferences, referencesOf } from "../core/references.ts";
import { registerArchive } from "../core/archive.ts";
import { recordWrite } from "../core/tracking.ts";
import { callerId } from "../auth/caller.ts";
import { recordUserEvent } from "../auth/queries.ts";
import { enqueueAfterCommit } from "../jobs/after_commit.ts";
import * as routes from "./routes.ts";
import type { TaskInput } from "./routes.ts";
import * as q from "./queries.ts";
import { notifyAdvisersAddedToTask, notifyAdvisersOfTaskChange } from "./jobs.ts";

async function loadTask(db: Db, id: string) {
  const task = await q.findTask(db, id);
  if (!task) throw notFound("Task");
  return task as typeof routes.taskSchema._output;
}

/**
 * The references' existence (field errors, as DRF checks fields first), then the
 * original's validate_single_task_relationship over the body.
 */
async function checkInput(db: Db, input: TaskInput) {
  const errors: FieldErrors = await missingReferences(
    db,
    referencesOf(input, {
      company: "company_company",
      interaction: "interaction_interaction",
      investment_project: "investment_investmentproject",
    }, { advisers: "company_advisor" }),
  );
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const related = [input.investment_project, input.company, input.interaction].filter(Boolean);
  if (related.length > 1) {
    throw nonFieldError(
      "You can assign either a company, investment project or interaction to a task",
    );
  }
}

function columns(input: TaskInput): q.TaskColumns {
  const { advisers: _advisers, investment_project, company, interaction, ...rest } = input;
  const result: q.TaskColumns = {};
  for (const [field, value] of Object.entries(rest)) {
    if (value !== undefined) result[field] = value;
  }
  if (investment_project !== undefined) result.investment_project_id = investment_project;
  if (company !== undefined) result.company_id = company;
  if (interaction !== undefined) result.interaction_id = interaction;
  return result;
}

/** The original's m2m `post_add`: added advisers get subscriptions and, from others, a reminder. */
function advisersAdded(c: Context<AppEnv>, task: q.TaskState, added: string[]) {
  if (!added.length) return;
  enqueueAfterCommit(c, notifyAdvisersAddedToTask, {
    task_id: task.id,
    adviser_ids: added,
    created_by: task.created_by_id,
    modified_by: callerId(c.var.caller),
  });
}

/** The original's `post_save` of an existing task: deleted, else completed, else amended. */
function taskChanged(c: Context<AppEnv>, after: q.TaskState, advisersBefore: string[]) {
  enqueueAfterCommit(c, notifyAdvisersOfTaskChange, {
    task_id: after.id,
    change: after.archived ? "deleted" : after.status === "complete" ? "completed" : "amended",
    modified_by: callerId(c.var.caller),
    adviser_ids: advisersBefore,
  });
}

async function setStatus(c: Context<AppEnv>, id: string, status: "active" | "complete") {
  const db = c.var.db;
  const before = await q.lockTask(db, id);
  if (!before) throw notFound("Task");
  const meta = writeMeta(c);
  await q.updateTask(db, id, { status, modified_on: meta.at, modified_by_id: meta.userId });
  await recordWrite(db, q.taskEntity, id, meta);
  taskChanged(c, (await q.lockTask(db, id))!, before.adviser_ids);
  return await loadTask(db, id);
}

export function registerTaskRoutes(app: App) {
  app.openapi(routes.listTasks, async (c) => {
    const query = c.req.valid("query");
    const page = readPage(c);
    const uuidFilter = (field: string, raw: string | undefined) => {
      if (raw === undefined || raw === "") return undefined;
      const id = parseUuid(raw);
      if (!id) throw new ValidationError({ [field]: [`“${raw}” is not a valid UUID.`] });
      return id;
    };
    const result = await q.listTasks(c.var.db, {
      filters: {
        archived: query.archived === undefined ? undefined : query.archived === "true",
        adviser: uuidFilter("advisers", query.advisers),
        investmentProject: uuidFilter("investment_project", query.investment_project),
        company: uuidFilter("company", query.company),
        interaction: uuidFilter("interaction", query.interaction),
      },
      sort: parseSortby(query.sortby, q.taskSortChoices),
      page,
    });
    return c.json(
      paginate(c, page, result.count, result.results as (typeof routes.taskSchema._output)[]),
      200,
    );
  });

  app.openapi(routes.createTask, async (c) => {
    const input = c.req.valid("json");
    const db = c.var.db;
    await checkInput(db, input);
    const meta = writeMeta(c);
    const { at, userId: by } = meta;
    const id = await q.insertTask(db, {
      ...columns(input),
      created_on: at,
      modified_on: at,
      created_by_id: by,
      modified_by_id: by,
    });
    await q.refreshReminderDate(db, id);
    const added = await q.setTaskAdvisers(db, id, input.advisers);
    await recordWrite(db, q.taskEntity, id, meta);
    advisersAdded(c, (await q.lockTask(db, id))!, added);
    // The original records the request body, with the new id, as a `task_created` event.
    await recordUserEvent(db, {
      adviserId: by!,
      type: "task_created",
      apiUrlPath: new URL(c.req.url).pathname,
      at,
      data: { ...await c.req.json(), id },
    });
    return c.json(await loadTask(db, id), 201);
  });

  // Before the detail route, so the path is not read as a task id.
  app.openapi(routes.companiesAndProjects, async (c) => {
    const me = callerId(c.var.caller)!;
    return c.json(await q.companiesAndProjects(c.var.db, me), 200);
  });

  app.openapi(routes.getTask, async (c) => {
    return c.json(await loadTask(c.var.db, c.req.valid("param").id), 200);
  });

  app.openapi(routes.updateTask, async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    const db = c.var.db;
    const before = await q.lockTask(db, id);
    if (!before) throw notFound("Task");
    await checkInput(db, input);
    const meta = writeMeta(c);
    await q.updateTask(db, id, {
      ...columns(input),
      modified_on: meta.at,
      modified_by_id: meta.userId,
    });
    await q.refreshReminderDate(db, id);
    const added = input.advisers ? await q.setTaskAdvisers(db, id, input.advisers) : [];
    await recordWrite(db, q.taskEntity, id, meta);
    const after = (await q.lockTask(db, id))!;
    taskChanged(c, after, before.adviser_ids);
    advisersAdded(c, after, added);
    return c.json(await loadTask(db, id), 200);
  });

  app.openapi(routes.statusActive, async (c) => {
    return c.json(await setStatus(c, c.req.valid("param").id, "active"), 200);
  });

  app.openapi(routes.statusComplete, async (c) => {
    return c.json(await setStatus(c, c.req.valid("param").id, "complete"), 200);
  });

  registerArchive(app, routes.taskArchive, {
    entity: q.taskEntity,
    model: "Task",
    load: (db, id) => loadTask(db, id),
    afterArchive: async (c, id) => {
      const task = (await q.lockTask(c.var.db, id))!;
      taskChanged(c, task, task.adviser_ids);
    },
  });
}

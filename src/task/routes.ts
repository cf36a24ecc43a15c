/**
 * Routes and Zod schemas of tasks (`/v4/task…`), as the original's TaskV4ViewSet: any
 * signed-in adviser, no model permission.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { bearer } from "../auth/authenticate.ts";
import { pageQuery, paginatedSchema } from "../http/pagination.ts";
import {
  idParam,
  integerField,
  jsonBody,
  jsonResponse,
  nullableRef,
  refList,
} from "../http/schemas.ts";
import { archiveRoutes } from "../core/archive.ts";

const tags = ["task"];
const middleware = [bearer];

/** Writable fields of TaskSerializer. */
export const taskUpdateBody = z.object({
  title: z.string().trim().min(1).max(255),
  description: z.string().trim(),
  due_date: z.iso.date().nullable(),
  reminder_days: integerField({ min: -32768, max: 32767 }).nullable(),
  email_reminders_enabled: z.boolean(),
  advisers: refList().refine((ids) => ids.length > 0, "This list may not be empty."),
  investment_project: nullableRef(),
  company: nullableRef(),
  interaction: nullableRef(),
}).partial();
export const taskCreateBody = taskUpdateBody.required({ title: true, advisers: true });
export type TaskInput = z.output<typeof taskUpdateBody>;

const adviserSchema = z.object({
  id: z.string(),
  name: z.string(),
  first_name: z.string(),
  last_name: z.string(),
});
const idName = z.object({ id: z.string(), name: z.string() });

export const taskSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  due_date: z.string().nullable(),
  reminder_days: z.number().int().nullable(),
  email_reminders_enabled: z.boolean(),
  advisers: z.array(adviserSchema),
  archived: z.boolean(),
  archived_reason: z.string().nullable(),
  archived_by: adviserSchema.nullable(),
  created_by: adviserSchema.nullable(),
  modified_by: adviserSchema.nullable(),
  created_on: z.string().nullable(),
  modified_on: z.string().nullable(),
  investment_project: z.object({
    id: z.string(),
    name: z.string().nullable(),
    project_code: z.string().nullable(),
    investor_company: idName.nullable(),
  }).nullable(),
  company: idName.nullable(),
  interaction: z.object({ id: z.string(), subject: z.string() }).nullable(),
  status: z.enum(["active", "complete"]),
}).openapi("Task");

export const listTasks = createRoute({
  method: "get",
  path: "/v4/task",
  tags,
  summary: "Tasks (filters archived, advisers, investment_project, company, interaction)",
  middleware,
  request: {
    query: pageQuery.extend({
      archived: z.string().optional(),
      advisers: z.string().optional(),
      investment_project: z.string().optional(),
      company: z.string().optional(),
      interaction: z.string().optional(),
      sortby: z.string().optional(),
    }),
  },
  responses: { 200: jsonResponse("A page of tasks", paginatedSchema(taskSchema)) },
});

export const createTask = createRoute({
  method: "post",
  path: "/v4/task",
  tags,
  summary: "Create a task",
  middleware,
  request: { body: jsonBody(taskCreateBody) },
  responses: { 201: jsonResponse("The task", taskSchema) },
});

export const companiesAndProjects = createRoute({
  method: "get",
  path: "/v4/task/companies-and-projects",
  tags,
  summary: "Companies and projects of the tasks the caller created or is assigned",
  middleware,
  responses: {
    200: jsonResponse(
      "Companies and projects, by name",
      z.object({ companies: z.array(idName), projects: z.array(idName) }),
    ),
  },
});

export const getTask = createRoute({
  method: "get",
  path: "/v4/task/{id}",
  tags,
  summary: "One task",
  middleware,
  request: { params: idParam },
  responses: { 200: jsonResponse("The task", taskSchema) },
});

export const updateTask = createRoute({
  method: "patch",
  path: "/v4/task/{id}",
  tags,
  summary: "Update a task",
  middleware,
  request: { params: idParam, body: jsonBody(taskUpdateBody) },
  responses: { 200: jsonResponse("The task", taskSchema) },
});

const statusRoute = (status: "active" | "complete") =>
  createRoute({
    method: "post",
    path: `/v4/task/{id}/status-${status}`,
    tags,
    summary: `Set the task's status to ${status}`,
    middleware,
    request: { params: idParam },
    responses: { 200: jsonResponse("The task", taskSchema) },
  });

export const statusActive = statusRoute("active");
export const statusComplete = statusRoute("complete");

/** Only `archive`: the original has no unarchive route for tasks. */
export const taskArchive = {
  archive: archiveRoutes("/v4/task/{id}", { tag: "task", middleware, schema: taskSchema })
    .archive,
};

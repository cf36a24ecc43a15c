/** Company objective handlers: parse, check references, write, record the version, respond. */
import { writeMeta } from "../http/write_meta.ts";
import type { App, Handler } from "../http/context.ts";
import type { Db } from "../db/pool.ts";
import { notFound, ValidationError } from "../http/errors.ts";
import { paginate, readPage } from "../http/pagination.ts";
import { parseSortby } from "../http/sortby.ts";
import { missingReferences } from "../core/references.ts";
import { registerArchive } from "../core/archive.ts";
import { creationStamps, modificationStamps, recordWrite } from "../core/tracking.ts";
import { parseBoolean } from "../http/filter_values.ts";
import * as routes from "./routes.ts";
import type { ObjectiveInput } from "./routes.ts";
import * as q from "./queries.ts";

async function loadObjective(db: Db, id: string) {
  const objective = await q.findObjective(db, id);
  if (!objective) throw notFound("Objective");
  return objective;
}

async function checkCompany(db: Db, input: ObjectiveInput) {
  if (!input.company) return;
  const errors = await missingReferences(db, [
    { path: ["company"], table: "company_company", id: input.company },
  ]);
  if (Object.keys(errors).length) throw new ValidationError(errors);
}

function columns(input: ObjectiveInput): q.ObjectiveColumns {
  const { company, ...rest } = input;
  const result: q.ObjectiveColumns = {};
  for (const [field, value] of Object.entries(rest)) {
    if (value !== undefined) result[field] = value;
  }
  if (company !== undefined) result.company_id = company;
  return result;
}

export const listObjectives: Handler<typeof routes.listObjectives> = async (c) => {
  const { company_id } = c.req.valid("param");
  const query = c.req.valid("query");
  const page = readPage(c);
  const result = await q.listObjectives(c.var.db, {
    companyId: company_id,
    archived: query.archived === undefined ? undefined : parseBoolean(query.archived) ?? undefined,
    sort: parseSortby(query.sortby, q.objectiveSortChoices, ["target_date"]),
    page,
  });
  return c.json(paginate(c, page, result.count, result.results), 200);
};

export const createObjective: Handler<typeof routes.createObjective> = async (c) => {
  const input = c.req.valid("json");
  const db = c.var.db;
  await checkCompany(db, input);
  const meta = writeMeta(c);
  const id = await q.insertObjective(db, {
    ...columns(input),
    ...creationStamps(meta),
  });
  await recordWrite(db, q.objectiveEntity, id, meta);
  return c.json(await loadObjective(db, id), 201);
};

export const countObjectives: Handler<typeof routes.countObjectives> = async (c) => {
  return c.json(await q.countObjectives(c.var.db, c.req.valid("param").company_id), 200);
};

export const getObjective: Handler<typeof routes.getObjective> = async (c) => {
  return c.json(await loadObjective(c.var.db, c.req.valid("param").id), 200);
};

export const updateObjective: Handler<typeof routes.updateObjective> = async (c) => {
  const { id } = c.req.valid("param");
  const input = c.req.valid("json");
  const db = c.var.db;
  if (!await q.lockObjective(db, id)) throw notFound("Objective");
  await checkCompany(db, input);
  const meta = writeMeta(c);
  await q.updateObjective(db, id, { ...columns(input), ...modificationStamps(meta) });
  await recordWrite(db, q.objectiveEntity, id, meta);
  return c.json(await loadObjective(db, id), 200);
};

export function registerObjectiveRoutes(app: App) {
  app.openapi(routes.listObjectives, listObjectives);

  app.openapi(routes.createObjective, createObjective);

  // Before the detail route, so "count" is not read as an objective id.
  app.openapi(routes.countObjectives, countObjectives);

  app.openapi(routes.getObjective, getObjective);

  app.openapi(routes.updateObjective, updateObjective);

  registerArchive(app, routes.objectiveArchive, {
    entity: q.objectiveEntity,
    model: "Objective",
    load: (db, id) => loadObjective(db, id),
  });
}

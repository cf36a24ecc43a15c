/**
 * Company list and pipeline handlers: parse, check (rules.ts), write through queries.ts,
 * record versioned writes, respond. Everything is scoped to the calling adviser.
 */
import { writeMeta } from "../http/write_meta.ts";
import type { App, Handler } from "../http/context.ts";
import type { Db } from "../db/pool.ts";
import type { Caller } from "../auth/caller.ts";
import { ApiError, fieldError, mergeErrors, notFound, ValidationError } from "../http/errors.ts";
import { paginate, readPage } from "../http/pagination.ts";
import { parseSortby } from "../http/sortby.ts";
import { missingReferences, type Reference } from "../core/references.ts";
import { registerArchive } from "../core/archive.ts";
import { creationStamps, modificationStamps, recordWrite } from "../core/tracking.ts";
import { recordChanges } from "../core/change_feed.ts";
import { parseBoolean, parseUuid } from "../http/filter_values.ts";
import * as routes from "./routes.ts";
import type { PipelineInput } from "./routes.ts";
import * as q from "./queries.ts";
import {
  messages,
  PIPELINE_SCALARS,
  PIPELINE_STATUSES,
  pipelineFieldErrors,
  pipelineObjectErrors,
} from "./rules.ts";

/** The calling adviser's id (every route here authenticates with `bearer`). */
function adviserId(caller: Caller): string {
  if (caller.kind !== "adviser") throw new Error("company list routes need an adviser");
  return caller.adviser.id;
}

/**
 * DRF raises these two from views with a plain dict, so the message is a bare string,
 * not a list: `{"non_field_errors": "…"}`.
 */
const bareNonFieldError = (message: string) => new ApiError(400, { non_field_errors: message });

async function loadList(db: Db, id: string, caller: Caller, itemCount = true) {
  const list = await q.findCompanyList(db, id, adviserId(caller), { itemCount });
  if (!list) throw notFound("CompanyList");
  return list;
}

async function loadPipelineItem(db: Db, id: string, caller: Caller) {
  const item = await q.findPipelineItem(db, id, adviserId(caller));
  if (!item) throw notFound("PipelineItem");
  return item;
}

function pipelineColumns(input: PipelineInput): q.PipelineColumns {
  const columns: q.PipelineColumns = {};
  for (const field of PIPELINE_SCALARS) {
    if (input[field] !== undefined) columns[field] = input[field];
  }
  if (input.company !== undefined) columns.company_id = input.company;
  if (input.sector !== undefined) columns.sector_id = input.sector;
  return columns;
}

/** Field checks that need the database, then the serializer's object-level checks. */
async function validatePipeline(db: Db, input: PipelineInput, create: boolean) {
  const refs: Reference[] = [];
  if (input.company) refs.push({ path: ["company"], table: "company_company", id: input.company });
  if (input.sector) refs.push({ path: ["sector"], table: "metadata_sector", id: input.sector });
  for (const id of input.contacts ?? []) {
    refs.push({ path: ["contacts"], table: "company_contact", id });
  }
  const errors = await missingReferences(db, refs);
  const archived = input.company && !errors.company
    ? await q.companyArchived(db, input.company)
    : null;
  mergeErrors(errors, pipelineFieldErrors(input, archived));
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const objectErrors = pipelineObjectErrors(input, create);
  if (Object.keys(objectErrors).length) throw new ValidationError(objectErrors);
}

/** django-filter's reading of the pipeline list's query: bad choices are 400s. */
async function pipelineFilters(
  db: Db,
  query: { status?: string; company_id?: string; archived?: string },
) {
  const filters: q.PipelineFilters = {};
  if (query.status) {
    if (!(PIPELINE_STATUSES as readonly string[]).includes(query.status)) {
      throw fieldError("status", messages.invalidChoice(query.status));
    }
    filters.status = query.status;
  }
  if (query.company_id) {
    const id = parseUuid(query.company_id);
    if (!id || await q.companyArchived(db, id) === null) {
      throw fieldError("company_id", messages.invalidModelChoice);
    }
    filters.companyId = id;
  }
  if (query.archived !== undefined) {
    filters.archived = parseBoolean(query.archived) ?? undefined;
  }
  return filters;
}

export const listCompanyLists: Handler<typeof routes.listCompanyLists> = async (c) => {
  const query = c.req.valid("query");
  const raw = query.items__company_id;
  let companyId: string | undefined;
  if (raw) {
    companyId = parseUuid(raw.trim()) ?? undefined;
    if (!companyId) throw fieldError("items__company_id", messages.invalidUuid(raw));
  }
  const page = readPage(c);
  const result = await q.listCompanyLists(c.var.db, {
    adviserId: adviserId(c.var.caller),
    companyId,
    sort: parseSortby(query.sortby, q.listSortChoices),
    page,
  });
  return c.json(paginate(c, page, result.count, result.results), 200);
};

export const createCompanyList: Handler<typeof routes.createCompanyList> = async (c) => {
  const { name } = c.req.valid("json");
  const db = c.var.db;
  const id = await q.insertCompanyList(db, {
    name,
    adviserId: adviserId(c.var.caller),
    at: c.var.deps.now(),
  });
  // A new list is rendered without `item_count`, as the original's create response.
  return c.json(await loadList(db, id, c.var.caller, false), 201);
};

export const getCompanyList: Handler<typeof routes.getCompanyList> = async (c) => {
  return c.json(await loadList(c.var.db, c.req.valid("param").id, c.var.caller), 200);
};

export const updateCompanyList: Handler<typeof routes.updateCompanyList> = async (c) => {
  const { id } = c.req.valid("param");
  const { name } = c.req.valid("json");
  const db = c.var.db;
  const by = adviserId(c.var.caller);
  if (!await q.ownsList(db, id, by)) throw notFound("CompanyList");
  await q.renameCompanyList(db, id, { name, by, at: c.var.deps.now() });
  return c.json(await loadList(db, id, c.var.caller), 200);
};

export const deleteCompanyList: Handler<typeof routes.deleteCompanyList> = async (c) => {
  const { id } = c.req.valid("param");
  const db = c.var.db;
  if (!await q.ownsList(db, id, adviserId(c.var.caller))) throw notFound("CompanyList");
  const itemIds = await q.deleteCompanyList(db, id);
  await recordChanges(
    db,
    itemIds.map((itemId) => ({
      entity: q.companyListItemEntity.entity,
      id: itemId,
      operation: "delete",
    })),
  );
  return c.body(null, 204);
};

export const listItems: Handler<typeof routes.listItems> = async (c) => {
  const { company_list_pk: listId } = c.req.valid("param");
  const db = c.var.db;
  // The original answers a list that is not the caller's with a bare Http404.
  if (!await q.findCompanyList(db, listId, adviserId(c.var.caller))) throw notFound();
  const page = readPage(c);
  const result = await q.listItems(db, {
    listId,
    sort: parseSortby(c.req.valid("query").sortby, q.itemSortChoices),
    page,
  });
  return c.json(paginate(c, page, result.count, result.results), 200);
};

export const addItem: Handler<typeof routes.addItem> = async (c) => {
  const { company_list_pk: listId, company_pk: companyId } = c.req.valid("param");
  const db = c.var.db;
  const by = adviserId(c.var.caller);
  if (!await q.ownsList(db, listId, by)) throw notFound("CompanyList");
  const archived = await q.companyArchived(db, companyId);
  if (archived === null) throw notFound("Company");
  if (archived) throw bareNonFieldError(messages.archivedCompanyInList);
  const meta = writeMeta(c);
  const { at } = meta;
  const itemId = await q.addItem(db, { listId, companyId, by, at });
  if (itemId) await recordWrite(db, q.companyListItemEntity, itemId, meta);
  return c.body(null, 204);
};

export const removeItem: Handler<typeof routes.removeItem> = async (c) => {
  const { company_list_pk: listId, company_pk: companyId } = c.req.valid("param");
  const db = c.var.db;
  if (!await q.ownsList(db, listId, adviserId(c.var.caller))) throw notFound("CompanyList");
  if (await q.companyArchived(db, companyId) === null) throw notFound("Company");
  const itemId = await q.removeItem(db, listId, companyId);
  if (itemId) {
    await recordChanges(db, [
      { entity: q.companyListItemEntity.entity, id: itemId, operation: "delete" },
    ]);
  }
  return c.body(null, 204);
};

export const listPipelineItems: Handler<typeof routes.listPipelineItems> = async (c) => {
  const query = c.req.valid("query");
  const db = c.var.db;
  const filters = await pipelineFilters(db, query);
  const page = readPage(c);
  const result = await q.listPipelineItems(db, {
    adviserId: adviserId(c.var.caller),
    filters,
    sort: parseSortby(query.sortby, q.pipelineSortChoices, ["-created_on"]),
    page,
  });
  return c.json(paginate(c, page, result.count, result.results), 200);
};

export const createPipelineItem: Handler<typeof routes.createPipelineItem> = async (c) => {
  const input = c.req.valid("json");
  const db = c.var.db;
  await validatePipeline(db, input, true);
  const meta = writeMeta(c);
  const by = adviserId(c.var.caller);
  const id = await q.insertPipelineItem(db, {
    ...pipelineColumns(input),
    adviser_id: by,
    ...creationStamps(meta),
  });
  if (input.contacts?.length) await q.replacePipelineContacts(db, id, input.contacts);
  await recordWrite(db, q.pipelineItemEntity, id, meta);
  return c.json(await loadPipelineItem(db, id, c.var.caller), 201);
};

export const getPipelineItem: Handler<typeof routes.getPipelineItem> = async (c) => {
  return c.json(await loadPipelineItem(c.var.db, c.req.valid("param").id, c.var.caller), 200);
};

export const updatePipelineItem: Handler<typeof routes.updatePipelineItem> = async (c) => {
  const { id } = c.req.valid("param");
  const input = c.req.valid("json");
  const db = c.var.db;
  const by = adviserId(c.var.caller);
  if (!await q.lockPipelineItem(db, id, by)) throw notFound("PipelineItem");
  await validatePipeline(db, input, false);
  const meta = writeMeta(c);
  await q.updatePipelineItem(db, id, {
    ...pipelineColumns(input),
    ...modificationStamps(meta),
  });
  if (input.contacts !== undefined) await q.replacePipelineContacts(db, id, input.contacts ?? []);
  await recordWrite(db, q.pipelineItemEntity, id, meta);
  return c.json(await loadPipelineItem(db, id, c.var.caller), 200);
};

export const deletePipelineItem: Handler<typeof routes.deletePipelineItem> = async (c) => {
  const { id } = c.req.valid("param");
  const db = c.var.db;
  const item = await q.lockPipelineItem(db, id, adviserId(c.var.caller));
  if (!item) throw notFound("PipelineItem");
  if (!item.archived) throw bareNonFieldError(messages.deleteNotArchived);
  await q.deletePipelineItem(db, id);
  await recordChanges(db, [{ entity: q.pipelineItemEntity.entity, id, operation: "delete" }]);
  return c.body(null, 204);
};

export function registerCompanyListRoutes(app: App) {
  // Company lists -----------------------------------------------------------------------
  app.openapi(routes.listCompanyLists, listCompanyLists);

  app.openapi(routes.createCompanyList, createCompanyList);

  app.openapi(routes.getCompanyList, getCompanyList);

  app.openapi(routes.updateCompanyList, updateCompanyList);

  app.openapi(routes.deleteCompanyList, deleteCompanyList);

  // Company list items ------------------------------------------------------------------
  app.openapi(routes.listItems, listItems);

  app.openapi(routes.addItem, addItem);

  app.openapi(routes.removeItem, removeItem);

  // Pipeline items ----------------------------------------------------------------------
  app.openapi(routes.listPipelineItems, listPipelineItems);

  app.openapi(routes.createPipelineItem, createPipelineItem);

  app.openapi(routes.getPipelineItem, getPipelineItem);

  app.openapi(routes.updatePipelineItem, updatePipelineItem);

  app.openapi(routes.deletePipelineItem, deletePipelineItem);

  registerArchive(app, routes.pipelineArchive, {
    entity: q.pipelineItemEntity,
    model: "PipelineItem",
    load: loadPipelineItem,
    visible: async (db, id, caller) => !!await q.lockPipelineItem(db, id, adviserId(caller)),
  });
}

/**
 * Export pipeline handlers: parse, check references, write, record the version, respond.
 * DELETE archives through the shared archive machinery instead of deleting.
 */
import { writeMeta } from "../http/write_meta.ts";
import { callerId } from "../auth/caller.ts";
import type { Context } from "hono";
import type { App, Handler } from "../http/context.ts";
import type { Db } from "../db/pool.ts";
import { type FieldErrors, notFound, ValidationError } from "../http/errors.ts";
import { paginate, readPage } from "../http/pagination.ts";
import { parseSortby } from "../http/sortby.ts";
import { missingReferences, referencesOf } from "../core/references.ts";
import { archiveObject } from "../core/archive.ts";
import { creationStamps, modificationStamps, recordWrite } from "../core/tracking.ts";
import { parseBoolean, parseUuid } from "../http/filter_values.ts";
import * as routes from "./routes.ts";
import type { ExportInput } from "./routes.ts";
import * as q from "./queries.ts";
import { DELETE_REASON, EXPORT_POTENTIALS, EXPORT_STATUSES, isIsoDate, messages } from "./rules.ts";

/** Reference fields of the body → the table each points at. */
const REF_TABLES = {
  company: "company_company",
  owner: "company_advisor",
  destination_country: "metadata_country",
  sector: "metadata_sector",
  exporter_experience: "company_exportexperience",
  estimated_export_value_years: "company_exportyear",
} as const;
const LIST_TABLES = { team_members: "company_advisor", contacts: "company_contact" } as const;

async function loadExport(db: Db, id: string) {
  const item = await q.findExport(db, id);
  if (!item) throw notFound("CompanyExport");
  return item;
}

async function checkReferences(db: Db, input: ExportInput) {
  const errors = await missingReferences(db, referencesOf(input, REF_TABLES, LIST_TABLES));
  if (Object.keys(errors).length) throw new ValidationError(errors);
}

function columns(input: ExportInput): q.ExportColumns {
  const result: q.ExportColumns = {};
  for (const [field, value] of Object.entries(input)) {
    if (value === undefined || field in LIST_TABLES) continue;
    result[field in REF_TABLES ? `${field}_id` : field] = value as string | boolean | null;
  }
  return result;
}

async function saveMembers(db: Db, id: string, input: ExportInput) {
  for (const field of Object.keys(LIST_TABLES) as (keyof typeof LIST_TABLES)[]) {
    const ids = input[field];
    if (ids !== undefined) await q.replaceMembers(db, id, field, ids);
  }
}

/** The list's filters read as django-filter reads them; bad values are 400s. */
async function readFilters(c: Context, db: Db): Promise<q.ExportFilters> {
  const all = (name: string) => (c.req.queries(name) ?? []).filter((v) => v !== "");
  const last = (name: string) => all(name).at(-1);
  const errors: FieldErrors = {};
  const filters: q.ExportFilters = {};

  const archived = c.req.queries("archived")?.at(-1);
  if (archived !== undefined) filters.archived = parseBoolean(archived) ?? undefined;

  const single = {
    destination_country: ["destinationCountry", "metadata_country"],
    owner: ["owner", "company_advisor"],
    sector: ["sector", "metadata_sector"],
  } as const;
  for (const [param, [key, table]] of Object.entries(single)) {
    const raw = last(param);
    if (raw === undefined) continue;
    const id = parseUuid(raw);
    if (id && (await q.existingIds(db, table, [id])).has(id)) filters[key] = id;
    else errors[param] = [messages.invalidModelChoice];
  }

  for (const [param, key] of [["after", "winDateAfter"], ["before", "winDateBefore"]] as const) {
    const raw = last(`estimated_win_date_${param}`);
    if (raw === undefined) continue;
    if (isIsoDate(raw.trim())) filters[key] = raw.trim();
    else errors.estimated_win_date = [messages.invalidDate];
  }

  const choices = { export_potential: EXPORT_POTENTIALS, status: EXPORT_STATUSES } as const;
  for (const [param, allowed] of Object.entries(choices)) {
    const values = all(param);
    const bad = values.find((v) => !(allowed as readonly string[]).includes(v));
    if (bad !== undefined) errors[param] = [messages.invalidChoice(bad)];
    else if (values.length) {
      filters[param === "status" ? "status" : "exportPotential"] = values;
    }
  }

  const members = all("team_members");
  if (members.length) {
    const ids = members.map((raw) => ({ raw, id: parseUuid(raw) }));
    const malformed = ids.find((m) => !m.id);
    if (malformed) errors.team_members = [messages.invalidPkValue(malformed.raw)];
    else {
      const found = await q.existingIds(db, "company_advisor", ids.map((m) => m.id!));
      const missing = ids.find((m) => !found.has(m.id!));
      if (missing) errors.team_members = [messages.invalidChoice(missing.raw)];
      else filters.teamMembers = ids.map((m) => m.id!);
    }
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return filters;
}

export const listExports: Handler<typeof routes.listExports> = async (c) => {
  const db = c.var.db;
  const filters = await readFilters(c, db);
  const page = readPage(c);
  const result = await q.listExports(db, {
    adviserId: callerId(c.var.caller)!,
    filters,
    sort: parseSortby(c.req.valid("query").sortby, q.exportSortChoices, [
      "-created_on",
      "title",
    ]),
    page,
  });
  return c.json(paginate(c, page, result.count, result.results), 200);
};

export const createExport: Handler<typeof routes.createExport> = async (c) => {
  const input = c.req.valid("json");
  const db = c.var.db;
  await checkReferences(db, input);
  const meta = writeMeta(c);
  const id = await q.insertExport(db, {
    ...columns(input),
    ...creationStamps(meta),
  });
  await saveMembers(db, id, input);
  await recordWrite(db, q.companyExportEntity, id, meta);
  return c.json(await loadExport(db, id), 201);
};

export const exportOwners: Handler<typeof routes.exportOwners> = async (c) => {
  return c.json(await q.ownersOfExports(c.var.db, callerId(c.var.caller)!), 200);
};

export const getExport: Handler<typeof routes.getExport> = async (c) => {
  return c.json(await loadExport(c.var.db, c.req.valid("param").id), 200);
};

export const updateExport: Handler<typeof routes.updateExport> = async (c) => {
  const { id } = c.req.valid("param");
  const input = c.req.valid("json");
  const db = c.var.db;
  if (!await q.lockExport(db, id)) throw notFound("CompanyExport");
  await checkReferences(db, input);
  const meta = writeMeta(c);
  await q.updateExport(db, id, { ...columns(input), ...modificationStamps(meta) });
  await saveMembers(db, id, input);
  await recordWrite(db, q.companyExportEntity, id, meta);
  return c.json(await loadExport(db, id), 200);
};

export const deleteExport: Handler<typeof routes.deleteExport> = async (c) => {
  const { id } = c.req.valid("param");
  const db = c.var.db;
  if (!await q.lockExport(db, id)) throw notFound("CompanyExport");
  const meta = writeMeta(c);
  await archiveObject(db, q.companyExportEntity.table, id, {
    by: meta.userId,
    reason: DELETE_REASON,
    at: meta.at,
  });
  await recordWrite(db, q.companyExportEntity, id, meta);
  return c.body(null, 204);
};

export function registerCompanyExportRoutes(app: App) {
  app.openapi(routes.listExports, listExports);

  app.openapi(routes.createExport, createExport);

  // Before the detail route, so "owner" is not read as an export id.
  app.openapi(routes.exportOwners, exportOwners);

  app.openapi(routes.getExport, getExport);

  app.openapi(routes.updateExport, updateExport);

  app.openapi(routes.deleteExport, deleteExport);
}

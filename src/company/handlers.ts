/**
 * Company handlers: parse, call the write paths (writes.ts) or queries, respond. Each is
 * a named, typed function; `registerCompanyRoutes` at the end is the domain's surface.
 */
import type { App, Handler } from "../http/context.ts";
import type { Db } from "../db/pool.ts";
import { type Caller, callerId, hasPermission } from "../auth/caller.ts";
import { notFound, permissionDenied, ValidationError } from "../http/errors.ts";
import { DRF_MESSAGES, isUuid } from "../http/drf.ts";
import { envelopeAround, readPage } from "../http/pagination.ts";
import {
  cachedCount,
  type CachedDocument,
  documentText,
  pageVersions,
  respondDocuments,
  respondList,
  respondText,
} from "../http/cached.ts";
import { parseSortby } from "../http/sortby.ts";
import { writeMeta } from "../http/write_meta.ts";
import { registerArchive } from "../core/archive.ts";
import { registerAudit } from "../core/audit.ts";
import * as routes from "./routes.ts";
import * as q from "./queries.ts";
import * as writes from "./writes.ts";
import { PUBLIC_COMPANY_FIELDS, TIER_D_ITA } from "./rules.ts";

/** No permission-gated parts: the public view shows none of them. */
const PUBLIC_VIEW: q.CompanyView = {
  documents: false,
  exportCountries: false,
  contactDocuments: false,
};

export function companyView(caller: Caller): q.CompanyView {
  return {
    documents: hasPermission(caller, "company.view_company_document"),
    exportCountries: hasPermission(caller, "company.view_companyexportcountry"),
    contactDocuments: hasPermission(caller, "company.view_contact_document"),
  };
}

/** Company documents, cached per view (the permission-gated parts a caller sees). */
export const companyDocument: CachedDocument = {
  name: "company",
  variant(caller) {
    const view = companyView(caller);
    return `${view.documents}/${view.exportCountries}/${view.contactDocuments}`;
  },
  render: (db, ids, caller) => q.companyTexts(db, ids, companyView(caller)),
};

async function loadCompany(db: Db, id: string, caller: Caller) {
  const company = await q.findCompany(db, id, companyView(caller));
  if (!company) throw notFound("Company");
  return company;
}

async function lockedCompany(db: Db, id: string) {
  const stored = await q.lockCompany(db, id);
  if (!stored) throw notFound("Company");
  return stored;
}

/** IsAccountManagerOnCompany, or holding all of one of the permission sets. */
function requireManagerOr(caller: Caller, stored: q.CompanyRow, ...permissions: string[][]) {
  const manager = hasPermission(caller, "company.change_company") &&
    stored.one_list_account_owner_id === callerId(caller);
  if (manager) return;
  if (permissions.some((set) => set.every((p) => hasPermission(caller, p)))) return;
  throw permissionDenied();
}

/** The version key of the unfiltered company count (a statement trigger on the table). */
const COUNT_KEY = "company_rows";

export const listCompanies: Handler<typeof routes.listCompanies> = async (c) => {
  const query = c.req.valid("query");
  const db = c.var.db;
  const hq = query.global_headquarters_id;
  if (hq !== undefined && hq !== "" && (!isUuid(hq) || !await q.companyName(db, hq))) {
    throw new ValidationError({ global_headquarters_id: [DRF_MESSAGES.invalidChoice] });
  }
  const page = readPage(c);
  const autocomplete = query.autocomplete !== undefined;
  const result = await q.listCompanies(db, {
    filters: {
      globalHeadquartersId: hq || undefined,
      globalUltimateDunsNumber: query.global_ultimate_duns_number,
      autocomplete: autocomplete
        ? { term: query.autocomplete!, adviserId: callerId(c.var.caller)! }
        : undefined,
    },
    sort: parseSortby(query.sortby, q.companySortChoices),
    page,
    view: companyView(c.var.caller),
    countAll: (count, versions) => cachedCount(c, COUNT_KEY, count, versions),
    // Autocomplete documents carry the caller's own `is_in_adviser_list`: never cached.
    versions: autocomplete ? undefined : pageVersions(companyDocument, COUNT_KEY),
  });
  const around = envelopeAround(c, page, result.count);
  if (!autocomplete) {
    return await respondDocuments(c, around, result.ids, companyDocument, result.versions);
  }
  return await respondList(c, around, result.ids, async (ids) => {
    const texts = await q.companyTexts(db, ids, result.view);
    return ids.map((id) => texts.get(id) ?? null);
  });
};

export const createCompany: Handler<typeof routes.createCompany> = async (c) => {
  const id = await writes.createCompany(c.var.db, c.req.valid("json"), writeMeta(c));
  return c.json(await loadCompany(c.var.db, id, c.var.caller), 201);
};

export const companyDetail: Handler<typeof routes.getCompany> = async (c) => {
  const text = await documentText(c, companyDocument, c.req.valid("param").id);
  if (!text) throw notFound("Company");
  return respondText(c, text);
};

export const updateCompany: Handler<typeof routes.updateCompany> = async (c) => {
  const db = c.var.db;
  const stored = await lockedCompany(db, c.req.valid("param").id);
  await writes.updateCompany(db, stored, c.req.valid("json"), writeMeta(c));
  return c.json(await loadCompany(db, stored.id, c.var.caller), 200);
};

export const assignRegionalAccountManager: Handler<typeof routes.assignRegionalAccountManager> =
  async (c) => {
    const db = c.var.db;
    const stored = await lockedCompany(db, c.req.valid("param").id);
    const { regional_account_manager: manager } = c.req.valid("json");
    const change = await writes.regionalAccountManager(db, stored, manager);
    await writes.applyOneListChange(db, stored.id, change, writeMeta(c));
    return c.body(null, 204);
  };

export const selfAssignAccountManager: Handler<typeof routes.selfAssignAccountManager> = async (
  c,
) => {
  const db = c.var.db;
  const stored = await lockedCompany(db, c.req.valid("param").id);
  await writes.checkRegionalAccountManager(db, stored);
  const meta = writeMeta(c);
  await writes.applyOneListChange(db, stored.id, { owner: meta.userId, tier: TIER_D_ITA }, meta);
  return c.body(null, 204);
};

export const removeAccountManager: Handler<typeof routes.removeAccountManager> = async (c) => {
  const db = c.var.db;
  const stored = await lockedCompany(db, c.req.valid("param").id);
  await writes.applyOneListChange(db, stored.id, writes.removeAccountManager(stored), writeMeta(c));
  return c.body(null, 204);
};

export const assignOneListTier: Handler<typeof routes.assignOneListTier> = async (c) => {
  const db = c.var.db;
  const stored = await lockedCompany(db, c.req.valid("param").id);
  requireManagerOr(c.var.caller, stored, [
    "company.change_company",
    "company.change_one_list_tier_and_global_account_manager",
  ]);
  const change = await writes.oneListTier(db, stored, c.req.valid("json"));
  await writes.applyOneListChange(db, stored.id, change, writeMeta(c));
  return c.body(null, 204);
};

export const removeFromOneList: Handler<typeof routes.removeFromOneList> = async (c) => {
  const db = c.var.db;
  const stored = await lockedCompany(db, c.req.valid("param").id);
  await writes.applyOneListChange(db, stored.id, writes.removeFromOneList(stored), writeMeta(c));
  return c.body(null, 204);
};

export const oneListGroupCoreTeam: Handler<typeof routes.oneListGroupCoreTeam> = async (c) => {
  const { id } = c.req.valid("param");
  if (!await q.companyName(c.var.db, id)) throw notFound("Company");
  return c.json(await q.groupCoreTeam(c.var.db, id), 200);
};

export const updateOneListCoreTeam: Handler<typeof routes.updateOneListCoreTeam> = async (c) => {
  const db = c.var.db;
  const stored = await lockedCompany(db, c.req.valid("param").id);
  requireManagerOr(c.var.caller, stored, [
    "company.change_company",
    "company.change_one_list_core_team_member",
  ], ["company.change_company", "company.change_one_list_tier_and_global_account_manager"]);
  const members = c.req.valid("json").core_team_members ?? [];
  await writes.replaceCoreTeam(
    db,
    stored.id,
    members,
    writeMeta(c, "Updated one list core team members"),
  );
  return c.body(null, 204);
};

export const updateExportDetail: Handler<typeof routes.updateExportDetail> = async (c) => {
  const db = c.var.db;
  const stored = await lockedCompany(db, c.req.valid("param").id);
  const items = c.req.valid("json").export_countries ?? [];
  await writes.replaceExportCountries(db, stored.id, items, writeMeta(c));
  return c.body(null, 204);
};

export const publicCompany: Handler<typeof routes.publicCompany> = async (c) => {
  const company = await q.findCompany(c.var.db, c.req.valid("param").id, PUBLIC_VIEW);
  if (!company) throw notFound("Company");
  const record = company as Record<string, unknown>;
  return c.json(Object.fromEntries(PUBLIC_COMPANY_FIELDS.map((f) => [f, record[f]])), 200);
};

export const kingsAwards: Handler<typeof routes.kingsAwards> = async (c) => {
  const { id } = c.req.valid("param");
  const db = c.var.db;
  if (!await q.companyName(db, id)) throw notFound("Company");
  return c.json(await q.kingsAwards(db, id), 200);
};

export function registerCompanyRoutes(app: App) {
  app.openapi(routes.listCompanies, listCompanies);
  app.openapi(routes.createCompany, createCompany);
  app.openapi(routes.getCompany, companyDetail);
  app.openapi(routes.updateCompany, updateCompany);
  registerArchive(app, routes.companyArchive, {
    entity: q.companyEntity,
    model: "Company",
    load: loadCompany,
    beforeUnarchive: async (db, id) => writes.checkUnarchivable(await q.lockCompany(db, id)),
  });
  registerAudit(app, routes.companyAudit, { entity: q.companyEntity, model: "Company" });
  app.openapi(routes.assignRegionalAccountManager, assignRegionalAccountManager);
  app.openapi(routes.selfAssignAccountManager, selfAssignAccountManager);
  app.openapi(routes.removeAccountManager, removeAccountManager);
  app.openapi(routes.assignOneListTier, assignOneListTier);
  app.openapi(routes.removeFromOneList, removeFromOneList);
  app.openapi(routes.oneListGroupCoreTeam, oneListGroupCoreTeam);
  app.openapi(routes.updateOneListCoreTeam, updateOneListCoreTeam);
  app.openapi(routes.updateExportDetail, updateExportDetail);
  app.openapi(routes.kingsAwards, kingsAwards);
  app.openapi(routes.publicCompany, publicCompany);
}

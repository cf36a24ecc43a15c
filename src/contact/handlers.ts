/**
 * Contact handlers (v3 and v4): parse, call the write paths (writes.ts) or queries,
 * respond. `registerContactRoutes` at the end is the domain's surface.
 */
import type { App, Handler } from "../http/context.ts";
import type { Db } from "../db/pool.ts";
import { type Caller, hasPermission } from "../auth/caller.ts";
import { ApiError, notFound, ValidationError } from "../http/errors.ts";
import { DRF_MESSAGES, isUuid } from "../http/drf.ts";
import {
  lastPageNumber,
  numberedPage,
  type Page,
  paginate,
  paginateByNumber,
  readPage,
  readPageNumber,
} from "../http/pagination.ts";
import { parseSortby } from "../http/sortby.ts";
import { writeMeta } from "../http/write_meta.ts";
import { type CachedDocument, documentText, respondText } from "../http/cached.ts";
import { registerArchive } from "../core/archive.ts";
import { registerAudit } from "../core/audit.ts";
import { companyName } from "../company/queries.ts";
import * as routes from "./routes.ts";
import * as q from "./queries.ts";
import * as writes from "./writes.ts";

type Version = "v3" | "v4";
type Routes = (typeof routes)[Version];
const V4_PAGE_SIZE = 300;
const invalidPage = () => new ApiError(404, { detail: "Invalid page." });

/** The `archived` filter's accepted spellings (anything else: not filtered). */
const ARCHIVED_VALUES: Record<string, boolean> = {
  true: true,
  True: true,
  "1": true,
  false: false,
  False: false,
  "0": false,
};

const view = (caller: Caller): q.ContactView => ({
  documents: hasPermission(caller, "company.view_contact_document"),
});

async function loadContact(db: Db, id: string, caller: Caller) {
  const contact = await q.findContact(db, id, view(caller));
  if (!contact) throw notFound("Contact");
  return contact;
}

/** The contact list of one version (v4 pages by number, 300 a page). */
function listContacts(version: Version): Handler<Routes["list"]> {
  return async function listContacts(c) {
    const query = c.req.valid("query");
    const db = c.var.db;
    const companyId = query.company_id;
    if (
      companyId !== undefined && companyId !== "" &&
      (!isUuid(companyId) || await companyName(db, companyId) === null)
    ) {
      throw new ValidationError({ company_id: [DRF_MESSAGES.invalidChoice] });
    }
    const archived = ARCHIVED_VALUES[query.archived ?? ""];
    let numbered = version === "v4" ? readPageNumber(c, V4_PAGE_SIZE) : null;
    if (numbered && Number.isNaN(numbered.page)) throw invalidPage();
    const page = numbered ?? readPage(c);
    const list = (page: Page) =>
      q.listContacts(db, {
        filters: { companyId: companyId || undefined, email: query.email, archived },
        sort: parseSortby(query.sortby, q.contactSortChoices, ["-created_on"]),
        page,
        view: view(c.var.caller),
      });
    let result = await list(page);
    if (!numbered) return c.json(paginate(c, page, result.count, result.results), 200);
    // `page=last`: the first page told the count; fetch the last.
    const last = lastPageNumber(result.count, V4_PAGE_SIZE);
    if (numbered.last && last > 1) {
      numbered = { ...numberedPage(last, V4_PAGE_SIZE), last: true };
      result = await list(numbered);
    }
    if (numbered.page > 1 && !result.results.length) throw invalidPage();
    return c.json(paginateByNumber(c, numbered, result.count, result.results), 200);
  };
}

function createContact(version: Version): Handler<Routes["create"]> {
  return async function createContact(c) {
    const meta = writeMeta(c);
    const id = await writes.createContact(c.var.db, c.req.valid("json"), meta, version === "v4");
    return c.json(await loadContact(c.var.db, id, c.var.caller), 201);
  };
}

/** Contact documents, cached per view (whether the caller sees the documents path). */
const contactDocument: CachedDocument = {
  name: "contact",
  variant: (caller) => String(view(caller).documents),
  render: (db, ids, caller) => q.contactTexts(db, ids, view(caller)),
};

const contactDetail: Handler<Routes["detail"]> = async (c) => {
  const text = await documentText(c, contactDocument, c.req.valid("param").id);
  if (!text) throw notFound("Contact");
  return respondText(c, text);
};

function updateContact(version: Version): Handler<Routes["update"]> {
  return async function updateContact(c) {
    const db = c.var.db;
    const stored = await q.lockContact(db, c.req.valid("param").id);
    if (!stored) throw notFound("Contact");
    await writes.updateContact(db, stored, c.req.valid("json"), writeMeta(c), version === "v4");
    return c.json(await loadContact(db, stored.id, c.var.caller), 200);
  };
}

export function registerContactRoutes(app: App) {
  for (const version of ["v3", "v4"] as const) {
    const r = routes[version];
    app.openapi(r.list, listContacts(version));
    app.openapi(r.create, createContact(version));
    app.openapi(r.detail, contactDetail);
    app.openapi(r.update, updateContact(version));
  }
  registerArchive(app, routes.contactArchive, {
    entity: q.contactEntity,
    model: "Contact",
    load: loadContact,
  });
  registerAudit(app, routes.contactAudit, { entity: q.contactEntity, model: "Contact" });
}

/**
 * Proposition handlers: list, create, detail, complete and abandon under a project, the
 * flat `/v4/proposition` list, and the proposition documents (the document kit's routes
 * on `proposition_propositiondocument`). Completing needs a virus-scanned document.
 */
import type { App } from "../http/context.ts";
import type { Db } from "../db/pool.ts";
import { ApiError, type FieldErrors, notFound, ValidationError } from "../http/errors.ts";
import { paginate, readPage } from "../http/pagination.ts";
import { parseUuid } from "../http/filter_values.ts";
import { missingReferences } from "../core/references.ts";
import { writeMeta } from "../http/write_meta.ts";
import { registerEntityDocuments } from "../documents/entity.ts";
import { documentKind } from "../documents/kit.ts";
import { propositionDocumentRoutes, propositionRoutes as r } from "./routes.ts";
import * as q from "./queries.ts";
import { projectExists } from "../investment/queries.ts";

const INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices.";
const STATUSES = ["ongoing", "abandoned", "completed"];

/** django-filter's checks of the list filters (model choices, status choices). */
async function listFilters(
  db: Db,
  query: { adviser_id?: string; status?: string; investment_project_id?: string },
) {
  const errors: FieldErrors = {};
  const adviserId = query.adviser_id ? parseUuid(query.adviser_id) : undefined;
  if (query.adviser_id && (!adviserId || !await q.adviserExists(db, adviserId))) {
    errors.adviser_id = [INVALID_CHOICE];
  }
  const projectId = query.investment_project_id
    ? parseUuid(query.investment_project_id)
    : undefined;
  if (query.investment_project_id && (!projectId || !await projectExists(db, projectId))) {
    errors.investment_project_id = [INVALID_CHOICE];
  }
  if (query.status && !STATUSES.includes(query.status)) {
    errors.status = [
      `Select a valid choice. ${query.status} is not one of the available choices.`,
    ];
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return {
    adviserId: adviserId ?? undefined,
    projectId: projectId ?? undefined,
    status: query.status || undefined,
  };
}

async function load(db: Db, id: string) {
  const found = await q.findProposition(db, id);
  if (!found) throw notFound("Proposition");
  return found;
}

/** Proposition documents live in the `investment` bucket, as the original's. */
const propositionDocumentKind = documentKind({
  model: "propositiondocument",
  bucket: () => "investment",
  infectedMessage: "File did not pass virus scanning.",
});

/** Only an ongoing proposition changes status (the original's 409). */
async function ongoing(db: Db, id: string, projectId: string) {
  const row = await q.lockProposition(db, id, projectId);
  if (!row) throw notFound("Proposition");
  if (row.status !== "ongoing") {
    throw new ApiError(409, {
      detail: `The action cannot be performed in the current status ${row.status}.`,
    });
  }
}

export function registerPropositionRoutes(app: App) {
  app.openapi(r.list, async (c) => {
    const { project_pk } = c.req.valid("param");
    const query = c.req.valid("query");
    const filters = await listFilters(c.var.db, query);
    const page = readPage(c);
    const result = await q.listPropositions(c.var.db, {
      filters: { ...filters, projectId: project_pk },
      sortby: query.sortby,
      page,
    });
    return c.json(paginate(c, page, result.count, result.results) as never, 200);
  });

  app.openapi(r.create, async (c) => {
    const { project_pk } = c.req.valid("param");
    const input = c.req.valid("json");
    const db = c.var.db;
    const missing = await missingReferences(db, [{
      path: ["adviser"],
      table: "company_advisor",
      id: input.adviser,
    }]);
    if (Object.keys(missing).length) throw new ValidationError(missing);
    const meta = writeMeta(c);
    const id = await q.insertProposition(db, {
      projectId: project_pk,
      adviserId: input.adviser,
      deadline: input.deadline,
      name: input.name,
      scope: input.scope,
      by: meta.userId,
      at: meta.at,
    });
    return c.json(await load(db, id) as never, 201);
  });

  app.openapi(r.get, async (c) => {
    const { project_pk, proposition_pk } = c.req.valid("param");
    const found = await q.findProposition(c.var.db, proposition_pk, project_pk);
    if (!found) throw notFound("Proposition");
    return c.json(found as never, 200);
  });

  app.openapi(r.complete, async (c) => {
    const { project_pk, proposition_pk } = c.req.valid("param");
    const { details = "" } = c.req.valid("json");
    const db = c.var.db;
    if (!await q.lockProposition(db, proposition_pk, project_pk)) throw notFound("Proposition");
    // The original checks for a scanned document before the status.
    if (!await q.hasScannedDocument(db, proposition_pk)) {
      throw new ValidationError({ non_field_errors: ["Proposition has no documents uploaded."] });
    }
    await ongoing(db, proposition_pk, project_pk);
    const meta = writeMeta(c);
    await q.setStatus(db, proposition_pk, {
      status: "completed",
      details,
      by: meta.userId,
      at: meta.at,
    });
    return c.json(await load(db, proposition_pk) as never, 200);
  });

  app.openapi(r.abandon, async (c) => {
    const { project_pk, proposition_pk } = c.req.valid("param");
    const { details } = c.req.valid("json");
    const db = c.var.db;
    await ongoing(db, proposition_pk, project_pk);
    const meta = writeMeta(c);
    await q.setStatus(db, proposition_pk, {
      status: "abandoned",
      details,
      by: meta.userId,
      at: meta.at,
    });
    return c.json(await load(db, proposition_pk) as never, 200);
  });

  app.openapi(r.listAll, async (c) => {
    const query = c.req.valid("query");
    const filters = await listFilters(c.var.db, query);
    const page = readPage(c);
    const result = await q.listPropositions(c.var.db, { filters, sortby: query.sortby, page });
    return c.json(paginate(c, page, result.count, result.results) as never, 200);
  });

  registerEntityDocuments(app, propositionDocumentRoutes, {
    kind: propositionDocumentKind,
    table: "proposition_propositiondocument",
    model: "PropositionDocument",
    parent: {
      param: "proposition_pk",
      column: "proposition_id",
      table: "proposition_proposition",
      model: "Proposition",
      where: (sql, p) => sql`p.investment_project_id = ${p.project_pk}`,
    },
    render: q.propositionDocumentJson,
    columns: () => ({}),
    deletionEvent: {
      type: "proposition_document_delete",
      extra: (p) => ({ proposition_id: p.proposition_pk }),
    },
  });
}

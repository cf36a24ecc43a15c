/**
 * Interaction handlers (v3 and v4): parse, call the write paths (writes.ts) or queries,
 * respond. `registerInteractionRoutes` at the end is the domain's surface.
 */
import type { App, Handler } from "../http/context.ts";
import type { Db } from "../db/pool.ts";
import { scopeCondition } from "../auth/scoping.ts";
import { type FieldErrors, notFound, ValidationError } from "../http/errors.ts";
import { DRF_MESSAGES, isUuid } from "../http/drf.ts";
import { envelopeAround, readPage } from "../http/pagination.ts";
import { writeMeta } from "../http/write_meta.ts";
import { registerArchive } from "../core/archive.ts";
import { companyName } from "../company/queries.ts";
import { exportExists } from "../company_export/queries.ts";
import { eventExists } from "../event/queries.ts";
import { projectExists } from "../investment/queries.ts";
import { opportunityExists } from "../large_capital/queries.ts";
import {
  type CachedDocument,
  documentText,
  pageVersions,
  respondDocuments,
  respondText,
} from "../http/cached.ts";
import { interactionRoutes } from "./routes.ts";
import * as q from "./queries.ts";
import { associatedWithTeam, interactionScope } from "./access.ts";
import type { ApiVersion } from "./rules.ts";
import { createInteraction, updateInteraction } from "./writes.ts";

type Routes = (typeof interactionRoutes)[ApiVersion];

async function loadInteraction(db: Db, id: string, version: ApiVersion) {
  const interaction = await q.findInteraction(db, id, version);
  if (!interaction) throw notFound("Interaction");
  return interaction;
}

/** Interaction documents as `version` renders them, cached (the same for every caller). */
const interactionDocument = (version: ApiVersion): CachedDocument => ({
  name: "interaction",
  variant: () => version,
  render: (db, ids) => q.interactionTexts(db, ids, version),
});

function listInteractions(version: ApiVersion): Handler<Routes["list"]> {
  const document = interactionDocument(version);
  return async function listInteractions(c) {
    const query = c.req.valid("query");
    const db = c.var.db;
    const errors: FieldErrors = {};
    const companyId = query.company_id || undefined;
    if (companyId && !isUuid(companyId)) errors.company_id = [DRF_MESSAGES.invalidChoice];
    // A company with interactions exists (a foreign key): whether it exists is asked only
    // when the answer is an error anyway, or the list is empty.
    const unknownCompany = async () =>
      companyId !== undefined && !errors.company_id && await companyName(db, companyId) === null;
    const companyExportId = query.company_export_id || undefined;
    if (
      companyExportId &&
      (!isUuid(companyExportId) || !await exportExists(db, companyExportId))
    ) {
      errors.company_export_id = [DRF_MESSAGES.invalidChoice];
    }
    const eventId = query.event_id || undefined;
    if (eventId && (!isUuid(eventId) || !await eventExists(db, eventId))) {
      errors.event_id = [DRF_MESSAGES.invalidChoice];
    }
    const contactId = query.contacts__id || undefined;
    if (contactId && !isUuid(contactId)) errors.contacts__id = [DRF_MESSAGES.enterValidUuid];
    const investmentProjectId = query.investment_project_id || undefined;
    if (
      investmentProjectId &&
      (!isUuid(investmentProjectId) || !await projectExists(db, investmentProjectId))
    ) {
      errors.investment_project_id = [DRF_MESSAGES.invalidChoice];
    }
    const opportunityId = query.large_capital_opportunity_id || undefined;
    if (opportunityId && (!isUuid(opportunityId) || !await opportunityExists(db, opportunityId))) {
      errors.large_capital_opportunity_id = [DRF_MESSAGES.invalidChoice];
    }
    const invalidCompany = () =>
      new ValidationError({ company_id: [DRF_MESSAGES.invalidChoice], ...errors });
    if (Object.keys(errors).length) {
      throw await unknownCompany() ? invalidCompany() : new ValidationError(errors);
    }
    const page = readPage(c);
    const scope = interactionScope(c.var.caller, "view");
    const result = await q.listInteractions(db, {
      filters: {
        companyId,
        contactId,
        companyExportId,
        eventId,
        investmentProjectId,
        largeCapitalOpportunityId: opportunityId,
      },
      scope: scopeCondition(db, scope, (teamId) => associatedWithTeam(db, teamId)),
      sortby: query.sortby,
      page,
      versions: pageVersions(document),
    });
    if (result.count === 0 && await unknownCompany()) throw invalidCompany();
    const around = envelopeAround(c, page, result.count);
    return await respondDocuments(c, around, result.ids, document, result.versions);
  };
}

function createInteractionHandler(version: ApiVersion): Handler<Routes["create"]> {
  return async function createInteractionHandler(c) {
    const db = c.var.db;
    const id = await createInteraction(db, version, c.req.valid("json"), {
      caller: c.var.caller,
      meta: writeMeta(c),
    });
    return c.json(await loadInteraction(db, id, version), 201);
  };
}

function interactionDetail(version: ApiVersion): Handler<Routes["get"]> {
  const document = interactionDocument(version);
  return async function interactionDetail(c) {
    const text = await documentText(c, document, c.req.valid("param").id);
    if (!text) throw notFound("Interaction");
    return respondText(c, text);
  };
}

function updateInteractionHandler(version: ApiVersion): Handler<Routes["update"]> {
  return async function updateInteractionHandler(c) {
    const db = c.var.db;
    const stored = await q.lockInteraction(db, c.req.valid("param").id);
    if (!stored) throw notFound("Interaction");
    await updateInteraction(db, version, stored, {
      input: c.req.valid("json"),
      caller: c.var.caller,
      meta: writeMeta(c),
    });
    return c.json(await loadInteraction(db, stored.id, version), 200);
  };
}

/** The v3 and v4 interaction routes. */
export function registerInteractionRoutes(app: App) {
  for (const version of ["v3", "v4"] as const) {
    const routes = interactionRoutes[version];
    app.openapi(routes.list, listInteractions(version));
    app.openapi(routes.create, createInteractionHandler(version));
    app.openapi(routes.get, interactionDetail(version));
    app.openapi(routes.update, updateInteractionHandler(version));
    registerArchive(app, routes.archive, {
      entity: q.interactionEntity,
      model: "Interaction",
      load: (db, id) => loadInteraction(db, id, version),
    });
  }
}

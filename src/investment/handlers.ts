/**
 * Investment project handlers: check the sent references, run the serializer's
 * validation in its order (country of origin, stage-move refusals, the stage's required
 * fields, the status that follows Won), write the row and its sets, derive the project
 * code, stage log and gross value added, record the write (versions + change feed) and
 * the note, respond with the computed fields added.
 */
import { z } from "@hono/zod-openapi";
import type { App } from "../http/context.ts";
import type { Db } from "../db/pool.ts";
import { type Caller, callerId, hasPermission } from "../auth/caller.ts";
import { permittedFields } from "../auth/fields.ts";
import { ApiError, type FieldErrors, notFound, ValidationError } from "../http/errors.ts";
import { envelopeAround, paginate, readPage } from "../http/pagination.ts";
import { type CachedDocument, pageVersions, respondDocuments } from "../http/cached.ts";
import { missingReferences, referencesOf } from "../core/references.ts";
import { registerArchive } from "../core/archive.ts";
import { auditLog, recordVersions } from "../core/versions.ts";
import { recordChanges } from "../core/change_feed.ts";
import { recordWrite, type WriteMeta } from "../core/tracking.ts";
import { writeMeta } from "../http/write_meta.ts";
import { zodToFieldErrors } from "../http/errors.ts";
import { parseUuid } from "../http/filter_values.ts";
import { type ProjectInput, projectRoutes, teamMemberBody, teamRoutes } from "./routes.ts";
import * as q from "./queries.ts";
import { projectScopeCondition } from "./access.ts";
import {
  derivedFields,
  grossValueAdded,
  gvaSector,
  IDS,
  messages,
  REQUIRED,
  stageErrors,
  stageMoveError,
  STAGES,
  statusAfterStageChange,
} from "./rules.ts";

const M2M_FIELDS = Object.keys(q.M2M) as q.M2MField[];
const LIST_TABLES = {
  ...Object.fromEntries(M2M_FIELDS.map((f) => [f, q.M2M[f].ref])),
  eyb_leads: "investment_lead_eyblead",
};
const SCALARS = [
  "name",
  "description",
  "anonymous_description",
  "estimated_land_date",
  "actual_land_date",
  "quotable_as_public_case_study",
  "priority",
  "approved_commitment_to_invest",
  "approved_fdi",
  "approved_good_value",
  "approved_high_value",
  "approved_landed",
  "approved_non_fdi",
  "status",
  "reason_delayed",
  "reason_abandoned",
  "date_abandoned",
  "reason_lost",
  "date_lost",
  "referral_source_activity_event",
  "other_business_activity",
  "total_investment",
  "foreign_equity_investment",
  "government_assistance",
  "some_new_jobs",
  "number_new_jobs",
  "will_new_jobs_last_two_years",
  "actual_average_salary",
  "number_safeguarded_jobs",
  "r_and_d_budget",
  "non_fdi_r_and_d_budget",
  "new_tech_to_uk",
  "export_revenue",
  "client_cannot_provide_total_investment",
  "client_cannot_provide_foreign_investment",
  "client_requirements",
  "site_decided",
  "site_address_is_company_address",
  "address_1",
  "address_2",
  "address_town",
  "address_postcode",
  "client_considering_other_countries",
  "uk_company_decided",
  "project_arrived_in_triage_on",
  "proposal_deadline",
] as const;

const VIEW_DOCUMENT = "investment.view_investmentproject_document";

/** The rendered project with the serializer's computed and permitted fields. */
export function present(caller: Caller, project: q.ProjectJson): Record<string, unknown> {
  const { id, ...rest } = project;
  const full: Record<string, unknown> = { id, ...derivedFields(project), ...rest };
  return permittedFields(caller, full, {
    archived_documents_url_path: VIEW_DOCUMENT,
  });
}

/**
 * Project documents as lists send them, cached per caller variant (whether the caller
 * sees `archived_documents_url_path`); invalidated by the project's rows (the domain's
 * `cacheSources`) and its change feed entries.
 */
const projectDocument: CachedDocument = {
  name: "investment_project",
  variant: (caller) => hasPermission(caller, VIEW_DOCUMENT) ? "documents" : "",
  async render(db, ids, caller) {
    const projects = await q.findProjects(db, ids);
    return new Map(projects.map((p) => [String(p.id), JSON.stringify(present(caller, p))]));
  },
};

async function load(db: Db, id: string, caller: Caller) {
  const project = await q.findProject(db, id);
  if (!project) throw notFound("InvestmentProject");
  return present(caller, project);
}

/** The changes the validation and the write work from, beyond the sent fields. */
interface Derived {
  country_investment_originates_from_id?: string | null;
  status?: string;
  project_manager_requested_on?: Date;
  project_manager_first_assigned_on?: Date;
  project_manager_first_assigned_by_id?: string | null;
}

/** The serializer's `validate()` (after the field checks), in its order. */
async function validate(
  db: Db,
  input: ProjectInput,
  stored: { row: q.StoredProject; json: q.ProjectJson } | null,
  caller: Caller,
  meta: WriteMeta,
): Promise<Derived> {
  const errors: FieldErrors = await missingReferences(
    db,
    referencesOf(input, q.FOREIGN_KEYS, LIST_TABLES),
  );
  if (input.note?.activity_type) {
    const missing = await missingReferences(db, [{
      path: ["note", "activity_type"],
      table: "investment_investmentactivitytype",
      id: input.note.activity_type,
    }]);
    Object.assign(errors, missing);
  }
  if (
    stored && "estimated_land_date" in input && !input.estimated_land_date &&
    !stored.json.allow_blank_estimated_land_date
  ) {
    errors.estimated_land_date = [REQUIRED];
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);

  const derived: Derived = {};
  // Investor company details are kept as they were when the project was won.
  if (input.investor_company) {
    const country = await q.companyCountry(db, input.investor_company) ?? null;
    if (
      !stored ||
      (stored.row.stage_id !== STAGES.won.id &&
        country !== stored.row.country_investment_originates_from_id)
    ) {
      derived.country_investment_originates_from_id = country;
    }
  }
  if (stored && input.stage) {
    const refusal = stageMoveError(
      {
        stageId: stored.row.stage_id,
        projectManagerId: stored.row.project_manager_id,
        assuranceAdviserId: stored.row.project_assurance_adviser_id,
      },
      input.stage,
      {
        id: callerId(caller) ?? "",
        canChangeToAnyStage: hasPermission(
          caller,
          "investment.change_to_any_stage_investmentproject",
        ),
      },
    );
    if (refusal) throw new ValidationError({ stage: [refusal] });
  }

  // Stage rules: everything the (new) stage requires when the stage changes or on
  // create; otherwise only the sent fields, so a project in a bad state can be fixed.
  const facts: Record<string, unknown> = stored
    ? { ...stored.json }
    : { allow_blank_possible_uk_regions: false };
  for (const [key, value] of Object.entries(input)) facts[key] = value;
  const partial = stored && !input.stage;
  const missing = stageErrors(facts, partial ? { fields: Object.keys(input) } : {});
  if (missing.length) {
    throw new ValidationError(Object.fromEntries(missing.map((f) => [f, [REQUIRED]])));
  }

  const status = statusAfterStageChange(
    stored?.row.stage_id ?? null,
    input.stage,
    input.status ?? stored?.row.status ?? "ongoing",
  );
  if (status) derived.status = status;
  if (
    input.project_manager_request_status === IDS.pmRequested &&
    !stored?.row.project_manager_requested_on
  ) {
    derived.project_manager_requested_on = meta.at;
  }
  if ("project_manager" in input && !stored?.row.project_manager_id) {
    derived.project_manager_first_assigned_on = meta.at;
    derived.project_manager_first_assigned_by_id = meta.userId;
  }
  return derived;
}

/** Recomputes the GVA multiplier and gross value added from the stored project. */
async function refreshGva(db: Db, id: string) {
  const row = (await q.lockProject(db, id))!;
  const sector = gvaSector({
    investmentTypeId: row.investment_type_id,
    fdiTypeId: row.fdi_type_id,
    sectorId: row.sector_id,
    businessActivityIds: row.business_activities,
  });
  const multiplier = sector ? await q.latestGvaMultiplier(db, sector) : null;
  await q.updateProject(db, id, {
    gva_multiplier_id: multiplier?.id ?? null,
    gross_value_added: grossValueAdded(multiplier, {
      foreignEquityInvestment: row.foreign_equity_investment,
      numberNewJobs: row.number_new_jobs,
    }),
  });
}

async function write(
  db: Db,
  input: ProjectInput,
  derived: Derived,
  stored: q.StoredProject | null,
  meta: WriteMeta,
): Promise<string> {
  const columns: Record<string, unknown> = { ...derived };
  for (const field of SCALARS) {
    if (input[field] !== undefined) columns[field] = input[field];
  }
  for (const field of Object.keys(q.FOREIGN_KEYS) as (keyof typeof q.FOREIGN_KEYS)[]) {
    if (
      input[field] !== undefined && !(field === "country_investment_originates_from" &&
        "country_investment_originates_from_id" in derived)
    ) {
      columns[`${field}_id`] = input[field];
    }
  }
  let id: string;
  if (stored) {
    id = stored.id;
    await q.updateProject(db, id, {
      ...columns,
      modified_on: meta.at,
      modified_by_id: meta.userId,
    });
  } else {
    id = await q.insertProject(db, {
      ...columns,
      created_on: meta.at,
      modified_on: meta.at,
      created_by_id: meta.userId,
      modified_by_id: meta.userId,
    });
    await q.insertProjectCode(db, id);
    await q.logStage(db, id, input.stage ?? STAGES.prospect.id, meta.at);
  }
  if (stored && input.stage && input.stage !== stored.stage_id) {
    await q.logStage(db, id, input.stage, meta.at);
  }
  for (const field of M2M_FIELDS) {
    const ids = input[field];
    if (ids !== undefined) await q.replaceM2M(db, id, field, ids);
  }
  if (input.eyb_leads !== undefined) await q.replaceLeads(db, id, input.eyb_leads);
  await refreshGva(db, id);
  return id;
}

/** Records the write and, when one was sent, the note tied to its revision. */
async function record(db: Db, id: string, input: ProjectInput, meta: WriteMeta) {
  await recordWrite(db, q.projectEntity, id, meta);
  if (input.note) {
    await q.insertNote(db, id, {
      text: input.note.text,
      activityType: input.note.activity_type ?? IDS.activityTypeChange,
    }, meta);
  }
}

function registerProjects(app: App) {
  const r = projectRoutes;

  app.openapi(r.list, async (c) => {
    const query = c.req.valid("query");
    const db = c.var.db;
    const page = readPage(c);
    // django-filter's model choice: a malformed or unknown company is a 400.
    const raw = query.investor_company_id || undefined;
    const companyId = raw ? parseUuid(raw) : null;
    if (raw && (!companyId || await q.companyCountry(db, companyId) === undefined)) {
      throw new ValidationError({
        investor_company_id: [
          "Select a valid choice. That choice is not one of the available choices.",
        ],
      });
    }
    const result = await q.listProjects(db, {
      scope: projectScopeCondition(db, c.var.caller, "p"),
      investorCompanyId: companyId ?? undefined,
      autocomplete: query.autocomplete,
      sortby: query.sortby,
      page,
      versions: pageVersions(projectDocument),
    });
    const around = envelopeAround(c, page, result.count);
    return await respondDocuments(c, around, result.ids, projectDocument, result.versions);
  });

  app.openapi(r.create, async (c) => {
    const input = c.req.valid("json") as ProjectInput;
    const db = c.var.db;
    const meta = writeMeta(c);
    const derived = await validate(db, input, null, c.var.caller, meta);
    const id = await write(db, input, derived, null, meta);
    await record(db, id, input, meta);
    return c.json(await load(db, id, c.var.caller) as never, 201);
  });

  app.openapi(r.get, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await load(c.var.db, id, c.var.caller) as never, 200);
  });

  app.openapi(r.update, async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json") as ProjectInput;
    const db = c.var.db;
    const row = await q.lockProject(db, id);
    if (!row) throw notFound("InvestmentProject");
    const json = (await q.findProject(db, id))!;
    const meta = writeMeta(c);
    const derived = await validate(db, input, { row, json }, c.var.caller, meta);
    await write(db, input, derived, row, meta);
    await record(db, id, input, meta);
    return c.json(await load(db, id, c.var.caller) as never, 200);
  });

  app.openapi(r.updateStage, async (c) => {
    const { id } = c.req.valid("param");
    const { stage } = c.req.valid("json");
    const db = c.var.db;
    const row = await q.lockProject(db, id);
    if (!row) throw notFound("InvestmentProject");
    const missing = await missingReferences(db, [{
      path: ["stage"],
      table: "metadata_investmentprojectstage",
      id: stage,
    }]);
    if (Object.keys(missing).length) throw new ValidationError(missing);
    const meta = writeMeta(c);
    const status = statusAfterStageChange(row.stage_id, stage, row.status);
    await q.updateProject(db, id, {
      stage_id: stage,
      ...(status ? { status } : {}),
      modified_on: meta.at,
      modified_by_id: meta.userId,
    });
    if (stage !== row.stage_id) await q.logStage(db, id, stage, meta.at);
    await recordWrite(db, q.projectEntity, id, meta);
    return c.json(await load(db, id, c.var.caller) as never, 200);
  });

  app.openapi(r.audit, async (c) => {
    const { id } = c.req.valid("param");
    const db = c.var.db;
    if (!await q.projectExists(db, id)) throw notFound("InvestmentProject");
    const page = readPage(c);
    const { count, results } = await auditLog(db, q.projectEntity, id, page);
    const notes = await q.notesOfVersions(db, results.map((e) => e.id));
    const entries = results.map((e) => ({ ...e, note: notes.get(e.id) ?? null }));
    return c.json(paginate(c, page, count, entries) as never, 200);
  });

  registerArchive(app, r.archive, {
    entity: q.projectEntity,
    model: "InvestmentProject",
    load: (db, id, caller) => load(db, id, caller),
  });
}

type TeamMemberInput = z.output<typeof teamMemberBody>;

/** Checks advisers exist; list bodies get errors per item, as DRF's ListSerializer. */
async function adviserErrors(db: Db, adviserId: string): Promise<FieldErrors> {
  return await missingReferences(db, [{
    path: ["adviser"],
    table: "company_advisor",
    id: adviserId,
  }]);
}

function registerTeam(app: App) {
  const r = teamRoutes;
  // Members are versioned on their own (as the original registers them; removals are
  // not), and the project's search document shows them.
  const touched = async (db: Db, projectId: string, members: string[], meta: WriteMeta) => {
    await recordVersions(db, meta, members.map((id) => ({ entity: q.teamMemberEntity, id })));
    await recordChanges(db, [{ entity: q.projectEntity.entity, id: projectId }]);
  };

  app.openapi(r.add, async (c) => {
    const { project_pk: projectId } = c.req.valid("param");
    const input = c.req.valid("json");
    const db = c.var.db;
    const errors = await adviserErrors(db, input.adviser);
    if (Object.keys(errors).length) throw new ValidationError(errors);
    if (await q.findTeamMember(db, projectId, input.adviser)) {
      throw new ValidationError({ non_field_errors: [messages.uniqueTeamMember] });
    }
    const member = await q.upsertTeamMember(db, projectId, input.adviser, input.role);
    await touched(db, projectId, [member], writeMeta(c));
    return c.json((await q.findTeamMember(db, projectId, input.adviser))!.member as never, 201);
  });

  app.openapi(r.replace, async (c) => {
    const { project_pk: projectId } = c.req.valid("param");
    const body = c.req.valid("json");
    const db = c.var.db;
    const items: TeamMemberInput[] = [];
    const errors: FieldErrors[] = [];
    for (const raw of body) {
      const parsed = teamMemberBody.safeParse(raw);
      if (!parsed.success) {
        errors.push(zodToFieldErrors(parsed.error.issues));
        continue;
      }
      const missing = await adviserErrors(db, parsed.data.adviser);
      errors.push(missing);
      items.push(parsed.data);
    }
    if (errors.some((e) => Object.keys(e).length)) throw new ApiError(400, errors);
    const counts = new Map<string, number>();
    for (const item of items) counts.set(item.adviser, (counts.get(item.adviser) ?? 0) + 1);
    if (counts.size < items.length) {
      throw new ApiError(
        400,
        items.map((item) =>
          counts.get(item.adviser)! > 1 ? { adviser: [messages.duplicateTeamMember] } : {}
        ),
      );
    }
    await q.deleteTeamMembers(db, projectId, items.map((i) => i.adviser));
    const written = [];
    for (const item of items) {
      written.push(await q.upsertTeamMember(db, projectId, item.adviser, item.role));
    }
    await touched(db, projectId, written, writeMeta(c));
    const members = [];
    for (const item of items) {
      members.push((await q.findTeamMember(db, projectId, item.adviser))!.member);
    }
    return c.json(members as never, 200);
  });

  app.openapi(r.removeAll, async (c) => {
    const { project_pk: projectId } = c.req.valid("param");
    await q.deleteTeamMembers(c.var.db, projectId);
    await touched(c.var.db, projectId, [], writeMeta(c));
    return c.body(null, 204);
  });

  const member = async (db: Db, projectId: string, adviserId: string) => {
    const found = await q.findTeamMember(db, projectId, adviserId);
    if (!found) throw notFound("InvestmentProjectTeamMember");
    return found.member;
  };

  app.openapi(r.get, async (c) => {
    const { project_pk, adviser_pk } = c.req.valid("param");
    return c.json(await member(c.var.db, project_pk, adviser_pk) as never, 200);
  });

  app.openapi(r.update, async (c) => {
    const { project_pk, adviser_pk } = c.req.valid("param");
    const input = c.req.valid("json");
    const db = c.var.db;
    const current = await member(db, project_pk, adviser_pk);
    // The adviser is the lookup key: a different one sent is ignored, as it cannot move.
    const role = input.role ?? String(current.role);
    const row = await q.upsertTeamMember(db, project_pk, adviser_pk, role);
    await touched(db, project_pk, [row], writeMeta(c));
    return c.json(await member(db, project_pk, adviser_pk) as never, 200);
  });

  app.openapi(r.remove, async (c) => {
    const { project_pk, adviser_pk } = c.req.valid("param");
    const db = c.var.db;
    await member(db, project_pk, adviser_pk);
    await q.deleteTeamMember(db, project_pk, adviser_pk);
    await touched(db, project_pk, [], writeMeta(c));
    return c.body(null, 204);
  });
}

/** The `/v3/investment…` routes. */
export function registerInvestmentRoutes(app: App) {
  registerProjects(app);
  registerTeam(app);
}

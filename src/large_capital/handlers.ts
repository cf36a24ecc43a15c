/**
 * Large capital handlers: investor profiles and opportunities share one write path —
 * check the references, run the field checks and the required-checks rules, write the
 * row and its sets, record the write (versions + change feed), respond with the
 * incomplete-field lists added.
 */
import type { App } from "../http/context.ts";
import type { Db } from "../db/pool.ts";
import { type FieldErrors, notFound, ValidationError } from "../http/errors.ts";
import { paginate, readPage } from "../http/pagination.ts";
import { parseUuid } from "../http/filter_values.ts";
import { missingReferences, referencesOf } from "../core/references.ts";
import { registerAudit } from "../core/audit.ts";
import { recordWrite, type WriteMeta } from "../core/tracking.ts";
import { writeMeta } from "../http/write_meta.ts";
import {
  type OpportunityInput,
  opportunityRoutes,
  type ProfileInput,
  profileRoutes,
} from "./routes.ts";
import * as q from "./queries.ts";
import { companyName } from "../company/queries.ts";
import {
  blankedCheckDetails,
  incompleteFields,
  messages,
  OPPORTUNITY_DEFAULTS,
  OPPORTUNITY_SECTIONS,
  PROFILE_SECTIONS,
  requiredChecksErrors,
} from "./rules.ts";

type Input = Record<string, unknown>;

function present(spec: q.EntitySpec, object: q.EntityJson) {
  const sections = spec === q.profileSpec ? PROFILE_SECTIONS : OPPORTUNITY_SECTIONS;
  const computed = Object.fromEntries(
    Object.entries(sections).map(([key, fields]) => [key, incompleteFields(object, fields)]),
  );
  const out: Record<string, unknown> = {};
  for (const [field] of spec.fields) {
    out[field] = field in computed ? computed[field] : object[field];
  }
  return out;
}

async function load(db: Db, spec: q.EntitySpec, id: string, model: string) {
  const found = await q.findEntity(db, spec, id);
  if (!found) throw notFound(model);
  return present(spec, found);
}

async function validate(
  db: Db,
  spec: q.EntitySpec,
  input: Input,
  id: string | null,
  today: string,
) {
  const lists = Object.fromEntries(Object.entries(spec.m2m).map(([f, m]) => [f, m.ref]));
  const errors: FieldErrors = await missingReferences(
    db,
    referencesOf(input, spec.foreignKeys, lists),
  );
  const stored = id ? await q.lockEntity(db, spec, id) : null;
  const company = input.investor_company as string | undefined;
  if (spec === q.profileSpec && company && !errors.investor_company) {
    if (stored && stored.investor_company !== company) {
      errors.investor_company = [messages.companyCannotChange];
    } else if (await q.companyHasProfile(db, company, id)) {
      errors.investor_company = [messages.companyHasProfile];
    }
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const checks = requiredChecksErrors(input, stored, today);
  if (Object.keys(checks).length) throw new ValidationError(checks);
}

async function write(
  db: Db,
  spec: q.EntitySpec,
  input: Input,
  id: string | null,
  meta: WriteMeta,
): Promise<string> {
  const sent = id ? { ...input, ...blankedCheckDetails(input) } : input;
  const columns: Record<string, unknown> = {};
  for (const field of spec.scalars) if (sent[field] !== undefined) columns[field] = sent[field];
  for (const field of Object.keys(spec.foreignKeys)) {
    if (sent[field] !== undefined) columns[`${field}_id`] = sent[field];
  }
  if (id) {
    await q.updateEntity(db, spec, id, {
      ...columns,
      modified_on: meta.at,
      modified_by_id: meta.userId,
    });
  } else {
    id = await q.insertEntity(db, spec, {
      ...columns,
      created_on: meta.at,
      modified_on: meta.at,
      created_by_id: meta.userId,
      modified_by_id: meta.userId,
    });
  }
  for (const field of Object.keys(spec.m2m)) {
    const ids = sent[field];
    if (Array.isArray(ids)) await q.replaceM2M(db, spec, id, field, ids);
  }
  await recordWrite(db, spec.versioned, id, meta);
  return id;
}

const today = (now: Date) => now.toISOString().slice(0, 10);

export function registerLargeCapitalRoutes(app: App) {
  const P = profileRoutes;
  const O = opportunityRoutes;
  const profileModel = "LargeCapitalInvestorProfile";
  const opportunityModel = "LargeCapitalOpportunity";

  app.openapi(P.list, async (c) => {
    // django-filter's model choice: a malformed or unknown company is a 400.
    const raw = c.req.valid("query").investor_company_id || undefined;
    const companyId = raw ? parseUuid(raw) : null;
    if (raw && (!companyId || await companyName(c.var.db, companyId) === null)) {
      throw new ValidationError({
        investor_company_id: [
          "Select a valid choice. That choice is not one of the available choices.",
        ],
      });
    }
    const page = readPage(c);
    const result = await q.listEntities(c.var.db, q.profileSpec, {
      investorCompanyId: companyId ?? undefined,
      page,
    });
    const results = result.results.map((o) => present(q.profileSpec, o));
    return c.json(paginate(c, page, result.count, results) as never, 200);
  });

  app.openapi(P.create, async (c) => {
    const input = c.req.valid("json") as ProfileInput as Input;
    const db = c.var.db;
    const meta = writeMeta(c);
    await validate(db, q.profileSpec, input, null, today(meta.at));
    const id = await write(db, q.profileSpec, input, null, meta);
    return c.json(await load(db, q.profileSpec, id, profileModel) as never, 201);
  });

  app.openapi(P.get, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await load(c.var.db, q.profileSpec, id, profileModel) as never, 200);
  });

  app.openapi(P.update, async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json") as ProfileInput as Input;
    const db = c.var.db;
    if (!await q.lockEntity(db, q.profileSpec, id)) throw notFound(profileModel);
    const meta = writeMeta(c);
    await validate(db, q.profileSpec, input, id, today(meta.at));
    await write(db, q.profileSpec, input, id, meta);
    return c.json(await load(db, q.profileSpec, id, profileModel) as never, 200);
  });

  app.openapi(O.list, async (c) => {
    const query = c.req.valid("query");
    const raw = query.investment_projects__id || undefined;
    if (raw && !parseUuid(raw)) {
      throw new ValidationError({ investment_projects__id: ["Enter a valid UUID."] });
    }
    const page = readPage(c);
    const result = await q.listEntities(c.var.db, q.opportunitySpec, {
      investmentProjectId: raw ? parseUuid(raw)! : undefined,
      autocomplete: query.autocomplete,
      page,
    });
    const results = result.results.map((o) => present(q.opportunitySpec, o));
    return c.json(paginate(c, page, result.count, results) as never, 200);
  });

  app.openapi(O.create, async (c) => {
    const input = {
      type: OPPORTUNITY_DEFAULTS.type,
      status: OPPORTUNITY_DEFAULTS.status,
      dit_support_provided: false,
      ...(c.req.valid("json") as OpportunityInput),
    } as Input;
    const db = c.var.db;
    const meta = writeMeta(c);
    await validate(db, q.opportunitySpec, input, null, today(meta.at));
    const id = await write(db, q.opportunitySpec, input, null, meta);
    return c.json(await load(db, q.opportunitySpec, id, opportunityModel) as never, 201);
  });

  app.openapi(O.get, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await load(c.var.db, q.opportunitySpec, id, opportunityModel) as never, 200);
  });

  app.openapi(O.update, async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json") as OpportunityInput as Input;
    const db = c.var.db;
    if (!await q.lockEntity(db, q.opportunitySpec, id)) throw notFound(opportunityModel);
    const meta = writeMeta(c);
    await validate(db, q.opportunitySpec, input, id, today(meta.at));
    await write(db, q.opportunitySpec, input, id, meta);
    return c.json(await load(db, q.opportunitySpec, id, opportunityModel) as never, 200);
  });

  registerAudit(app, O.audit, { entity: q.opportunitySpec.versioned, model: opportunityModel });
}

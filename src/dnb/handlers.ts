/**
 * D&B handlers: check the input, call dnb-service, write through the company domain,
 * answer. dnb-service failures become the original's answers (502 with its message;
 * a DUNS number D&B does not know is a 400 where the original says so).
 */
import type { Context } from "hono";
import type { App, AppEnv } from "../http/context.ts";
import { ApiError, fieldError, ValidationError } from "../http/errors.ts";
import { writeMeta } from "../http/write_meta.ts";
import { hasPermission } from "../auth/caller.ts";
import { missingReferences } from "../core/references.ts";
import { recordWrite } from "../core/tracking.ts";
import { companyEntity, findCompany, updateCompany } from "../company/queries.ts";
import { companyView } from "../company/handlers.ts";
import * as routes from "./routes.ts";
import * as q from "./queries.ts";
import { convertChanges, investigationDetails, mergeStoredAddress } from "./requests.ts";
import {
  DnbClient,
  DnbError,
  DnbInvalidRequestError,
  DnbInvalidResponseError,
  DnbServiceError,
} from "./client.ts";
import {
  companyTree,
  DNB_COMPANY_FIELDS,
  dunsErrors,
  dunsExists,
  dunsUnknown,
  relatedDuns,
  type TreeNode,
} from "./rules.ts";
import {
  createCompanyFromDnb,
  hierarchy,
  type HierarchyData,
  reducedHierarchy,
  relatedCount,
  updateCompanyFromDnb,
} from "./updates.ts";

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** The descriptor of the update a link makes, as the original's `link_company_with_dnb`. */
const LINK_DESCRIPTOR = "admin:link_company_with_dnb";

const client = (c: Context<AppEnv>) => new DnbClient(c.var.deps);

/**
 * Rethrows a dnb-service failure as the original answers it: 502 with the message, or
 * 400 when `notFoundIsBadRequest` and D&B has no such company.
 */
function upstream(error: unknown, notFoundIsBadRequest = false): never {
  if (error instanceof DnbInvalidRequestError && notFoundIsBadRequest) {
    throw new ApiError(400, { detail: error.message });
  }
  if (error instanceof DnbError) throw new ApiError(502, { detail: error.message });
  throw error;
}

async function ensureNewDuns(c: Context<AppEnv>, duns: string) {
  if (await q.companyIdByDuns(c.var.db, duns)) throw fieldError("duns_number", dunsExists(duns));
}

async function ensureKnownDuns(c: Context<AppEnv>, duns: string) {
  if (!(await q.companyIdByDuns(c.var.db, duns))) {
    throw fieldError("duns_number", dunsUnknown(duns));
  }
}

/**
 * The DUNS number of the company a tree is asked for (the original's
 * `validate_company_id`): a malformed id or a company without one is a 400.
 */
async function treeDuns(c: Context<AppEnv>, companyId: string): Promise<string> {
  if (!UUID_RE.test(companyId)) {
    throw new ApiError(400, { detail: `company id "${companyId}" is not valid` });
  }
  const company = await q.companyDuns(c.var.db, companyId);
  if (!company) throw new ApiError(404, { detail: `company ${companyId} not found` });
  const duns = company.duns_number;
  if (!duns) {
    throw new ApiError(400, { detail: `company ${companyId} does not contain a duns number` });
  }
  const errors = dunsErrors(duns);
  if (errors.length) throw new ValidationError({ duns_number: errors });
  return duns;
}

async function familyTree(
  c: Context<AppEnv>,
  companyId: string,
  load: (client: DnbClient, duns: string, related: number) => Promise<HierarchyData>,
) {
  const duns = await treeDuns(c, companyId);
  const dnb = client(c);
  let related: number;
  let data: HierarchyData;
  try {
    related = await relatedCount(dnb, duns);
    data = await load(dnb, duns, related);
  } catch (error) {
    upstream(error);
  }
  const db = c.var.db;
  const manual = await q.manualSubsidiaries(db, companyId);
  const answer = {
    ultimate_global_company: {} as TreeNode | Record<string, never>,
    ultimate_global_companies_count: 0,
    family_tree_companies_count: 0,
    manually_verified_subsidiaries: manual,
    reduced_tree: data.reduced,
  };
  // No D&B relatives but manual subsidiaries: the company alone is the tree.
  if (!data.members.length && manual.length) {
    const details = await q.treeDetails(db, [duns]);
    answer.ultimate_global_company = companyTree([{ duns }], duns, details);
    answer.ultimate_global_companies_count = 1;
    answer.family_tree_companies_count = 1;
  }
  if (data.members.length) {
    const details = await q.treeDetails(db, data.members.map((m) => m.duns));
    answer.ultimate_global_company = companyTree(data.members, duns, details);
    answer.ultimate_global_companies_count = related + 1;
    answer.family_tree_companies_count = data.count;
  }
  return answer;
}

/**
 * The Data Hub companies above and/or below a company in its D&B family tree (the
 * original's `get_datahub_ids_for_dnb_service_company_hierarchy`), with whether
 * dnb-service reduced the tree; errors as the original's (400s for the company, 502 upstream).
 */
export async function relatedCompanies(
  c: Context<AppEnv>,
  companyId: string,
  include: { parents: boolean; subsidiaries: boolean },
): Promise<{ related_companies: string[]; reduced_tree: boolean | null }> {
  const answer = { related_companies: [] as string[], reduced_tree: null as boolean | null };
  if (!include.parents && !include.subsidiaries) return answer;
  const duns = await treeDuns(c, companyId);
  let data: HierarchyData;
  try {
    const dnb = client(c);
    data = await hierarchy(dnb, c.var.deps, duns, await relatedCount(dnb, duns));
  } catch (error) {
    upstream(error);
  }
  if (!data.members.length) return answer;
  answer.reduced_tree = data.reduced;
  const related = relatedDuns(data.members, duns, include);
  answer.related_companies = await q.companyIdsByDuns(c.var.db, related);
  return answer;
}

export function registerDnbRoutes(app: App) {
  app.openapi(routes.companySearch, async (c) => {
    const raw = (await c.req.text()).trim() || "{}";
    try {
      JSON.parse(raw);
    } catch (error) {
      throw new ApiError(400, { detail: `JSON parse error - ${(error as Error).message}` });
    }
    let body: Record<string, unknown>;
    try {
      const answer = await client(c).search(raw);
      body = JSON.parse(answer.text);
      if (!body || typeof body !== "object" || Array.isArray(body)) throw new SyntaxError();
    } catch (error) {
      // dnb-service's own 4xx answers reach the caller as they are, as the original.
      if (error instanceof DnbServiceError && error.status >= 400 && error.status < 500) {
        return c.body(error.body, error.status as 400, { "Content-Type": "application/json" });
      }
      if (error instanceof SyntaxError) {
        upstream(new DnbInvalidResponseError("DNB service returned an invalid response"));
      }
      upstream(error);
    }
    const results = Array.isArray(body.results) ? body.results as Record<string, unknown>[] : [];
    const matched = await q.matchedCompanies(
      c.var.db,
      results.map((r) => String(r?.duns_number)),
      hasPermission(c.var.caller, "interaction.view_all_interaction"),
    );
    body.results = results.map((dnbCompany) => ({
      dnb_company: dnbCompany,
      datahub_company: matched.get(String(dnbCompany?.duns_number)) ?? null,
    }));
    return c.json(body as { results: [] }, 200);
  });

  app.openapi(routes.companyCreate, async (c) => {
    const { duns_number: duns } = c.req.valid("json");
    await ensureNewDuns(c, duns);
    let record;
    try {
      record = await client(c).company(duns);
    } catch (error) {
      upstream(error, true);
    }
    const db = c.var.db;
    const id = await createCompanyFromDnb(db, c.var.deps, record, writeMeta(c));
    const company = (await findCompany(db, id, companyView(c.var.caller)))!;
    const fields = new Set<string>(DNB_COMPANY_FIELDS);
    const answer = Object.fromEntries(Object.entries(company).filter(([k]) => fields.has(k)));
    return c.json(answer as { id: string; name: string }, 200);
  });

  app.openapi(routes.companyLink, async (c) => {
    const { company_id: companyId, duns_number: duns } = c.req.valid("json");
    const db = c.var.db;
    const errors = await missingReferences(db, [
      { path: ["company_id"], table: "company_company", id: companyId },
    ]);
    if (Object.keys(errors).length) throw new ValidationError(errors);
    await ensureNewDuns(c, duns);
    const stored = (await q.lockCompanyDuns(db, companyId))!;
    if (stored.duns_number) {
      throw new ApiError(400, {
        detail: `Company ${companyId} is already linked with duns number ${stored.duns_number}`,
      });
    }
    let record;
    try {
      record = await client(c).company(duns);
    } catch (error) {
      upstream(error, true);
    }
    const meta = writeMeta(c);
    await updateCompany(db, companyId, {
      duns_number: duns,
      modified_by_id: meta.userId,
      modified_on: meta.at,
    });
    await updateCompanyFromDnb(db, c.var.deps, companyId, record, {
      descriptor: LINK_DESCRIPTOR,
      meta,
    });
    const company = (await findCompany(db, companyId, companyView(c.var.caller)))!;
    return c.json(company as { id: string; name: string }, 200);
  });

  app.openapi(routes.postChangeRequest, async (c) => {
    const { duns_number: duns, changes } = c.req.valid("json");
    const db = c.var.db;
    await ensureKnownDuns(c, duns);
    const converted = await convertChanges(db, changes);
    if (!Object.keys(converted).length) throw fieldError("changes", "No changes submitted.");
    if (changes.address && Object.keys(changes.address).length) {
      await mergeStoredAddress(db, duns, converted);
    }
    try {
      const answer = await client(c).requestChanges({ duns_number: duns, changes: converted });
      return c.json(answer as Record<string, never>, 200);
    } catch (error) {
      upstream(error);
    }
  });

  app.openapi(routes.getChangeRequests, async (c) => {
    const { duns_number: duns, status } = c.req.valid("query");
    await ensureKnownDuns(c, duns);
    try {
      const answer = await client(c).changeRequests(duns, status);
      return c.json(answer as Record<string, never>, 200);
    } catch (error) {
      upstream(error);
    }
  });

  app.openapi(routes.companyInvestigation, async (c) => {
    const input = c.req.valid("json");
    const db = c.var.db;
    const details = await investigationDetails(db, input);
    let answer: Record<string, unknown>;
    try {
      answer = await client(c).createInvestigation({ company_details: details });
    } catch (error) {
      upstream(error);
    }
    const investigationId = typeof answer?.id === "string" ? answer.id : "";
    if (!UUID_RE.test(investigationId)) {
      upstream(new DnbInvalidResponseError("DNB service returned an invalid investigation"));
    }
    const meta = writeMeta(c);
    await updateCompany(db, input.company, {
      dnb_investigation_id: investigationId,
      pending_dnb_investigation: true,
      modified_on: meta.at,
    });
    await recordWrite(db, companyEntity, input.company, meta);
    return c.json(answer as { id: string }, 200);
  });

  app.openapi(routes.familyTreeRoute, async (c) => {
    const { company_id: id } = c.req.valid("param");
    const tree = await familyTree(
      c,
      id,
      (dnb, duns, related) => hierarchy(dnb, c.var.deps, duns, related),
    );
    return c.json(tree as never, 200);
  });

  app.openapi(routes.reducedFamilyTreeRoute, async (c) => {
    const { company_id: id } = c.req.valid("param");
    const tree = await familyTree(c, id, (dnb, duns) => reducedHierarchy(dnb, duns));
    return c.json(tree as never, 200);
  });

  app.openapi(routes.relatedCompaniesRoute, async (c) => {
    const { company_id: id } = c.req.valid("param");
    const query = c.req.valid("query");
    const answer = await relatedCompanies(c, id, {
      parents: query.include_parent_companies,
      subsidiaries: query.include_subsidiary_companies,
    });
    return c.json(answer, 200);
  });

  app.openapi(routes.relatedCountRoute, async (c) => {
    const { company_id: id } = c.req.valid("param");
    const duns = await treeDuns(c, id);
    let related: number;
    try {
      related = await relatedCount(client(c), duns);
    } catch (error) {
      upstream(error);
    }
    const answer = {
      related_companies_count: related,
      manually_linked_subsidiaries_count: 0,
      total: related,
      reduced_tree: related > c.var.deps.config.DNB_MAX_COMPANIES_IN_TREE_COUNT,
    };
    if (c.req.valid("query").include_manually_linked_companies) {
      const manual = await q.manualSubsidiaryCount(c.var.db, id);
      answer.manually_linked_subsidiaries_count = manual;
      answer.total = related + manual;
    }
    return c.json(answer, 200);
  });
}

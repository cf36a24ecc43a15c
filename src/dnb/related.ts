/**
 * A company's relatives in its D&B family tree as Data Hub company ids (the original's
 * `get_datahub_ids_for_dnb_service_company_hierarchy`): for the related-companies route
 * and the `include_parent_companies` / `include_subsidiary_companies` keys of the company
 * activity and investment project searches.
 */
import type { AppDeps } from "../deps.ts";
import type { Db } from "../db/pool.ts";
import { ApiError, ValidationError } from "../http/errors.ts";
import { UUID_RE } from "../http/drf.ts";
import * as q from "./queries.ts";
import { DnbClient, DnbError, DnbInvalidRequestError } from "./client.ts";
import { dunsErrors, relatedDuns } from "./rules.ts";
import { bool, type FilterSpec } from "../search/app.ts";
import { hierarchy, type HierarchyData, relatedCount } from "./updates.ts";

/**
 * Rethrows a dnb-service failure as the original answers it: 502 with the message, or
 * 400 when `notFoundIsBadRequest` and D&B has no such company.
 */
export function upstream(error: unknown, notFoundIsBadRequest = false): never {
  if (error instanceof DnbInvalidRequestError && notFoundIsBadRequest) {
    throw new ApiError(400, { detail: error.message });
  }
  if (error instanceof DnbError) throw new ApiError(502, { detail: error.message });
  throw error;
}

/**
 * The DUNS number of the company a tree is asked for (the original's
 * `validate_company_id`): a malformed id or a company without one is a 400.
 */
export async function treeDuns(db: Db, companyId: string): Promise<string> {
  if (!UUID_RE.test(companyId)) {
    throw new ApiError(400, { detail: `company id "${companyId}" is not valid` });
  }
  const company = await q.companyDuns(db, companyId);
  if (!company) throw new ApiError(404, { detail: `company ${companyId} not found` });
  const duns = company.duns_number;
  if (!duns) {
    throw new ApiError(400, { detail: `company ${companyId} does not contain a duns number` });
  }
  const errors = dunsErrors(duns);
  if (errors.length) throw new ValidationError({ duns_number: errors });
  return duns;
}

/** `{related_companies, reduced_tree}`: the ids of the company's parents and/or subsidiaries. */
export async function relatedCompanies(
  deps: AppDeps,
  db: Db,
  companyId: string,
  include: { parents: boolean; subsidiaries: boolean },
): Promise<{ related_companies: string[]; reduced_tree: boolean | null }> {
  const answer = { related_companies: [] as string[], reduced_tree: null as boolean | null };
  if (!include.parents && !include.subsidiaries) return answer;
  const duns = await treeDuns(db, companyId);
  let data: HierarchyData;
  try {
    const dnb = new DnbClient(deps);
    data = await hierarchy(dnb, deps, duns, await relatedCount(dnb, duns));
  } catch (error) {
    upstream(error);
  }
  if (!data.members.length) return answer;
  answer.reduced_tree = data.reduced;
  answer.related_companies = await q.companyIdsByDuns(db, relatedDuns(data.members, duns, include));
  return answer;
}

/**
 * A company-id filter that, with `include_parent_companies` / `include_subsidiary_companies`
 * in the same body (declared as `relativesFlag`s), also matches the first company's parents
 * and/or subsidiaries in its D&B family tree, as the original's searches.
 */
export function withRelatives(companyIds: FilterSpec): FilterSpec {
  return {
    ...companyIds,
    condition: async (value, context) => {
      const companies = [...(value as string[])];
      const include = {
        parents: context.values?.include_parent_companies === true,
        subsidiaries: context.values?.include_subsidiary_companies === true,
      };
      if (companies.length && (include.parents || include.subsidiaries)) {
        if (!context.deps) throw new Error("the company's relatives need the process's deps");
        const related = await relatedCompanies(context.deps, context.db, companies[0], include);
        companies.push(...related.related_companies);
      }
      return companyIds.condition(companies, context);
    },
  };
}

/** `include_parent_companies` / `include_subsidiary_companies`: they only widen `withRelatives`. */
export const relativesFlag: FilterSpec = { fields: [], schema: bool(), condition: () => null };

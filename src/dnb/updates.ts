/**
 * What the D&B routes and jobs share: writing a company from a dnb-service record (create
 * and update, with the original's validation, a version whose comment names the update,
 * and a change-feed row so search follows), and fetching a family tree, in full or
 * reduced to the company's direct parents when it is too large.
 */
import type { Db } from "../db/pool.ts";
import type { AppDeps } from "../deps.ts";
import { ValidationError } from "../http/errors.ts";
import { recordWrite, type WriteMeta } from "../core/tracking.ts";
import { companyEntity, insertCompany, updateCompany } from "../company/queries.ts";
import {
  type DnbClient,
  type DnbCompany,
  DnbInvalidResponseError,
  type FamilyTreeMember,
} from "./client.ts";
import {
  companyColumns,
  companyErrors,
  DNB_UPDATED_FIELDS,
  type DnbField,
  formatDnbCompany,
  memberFromCompany,
  updateComment,
} from "./rules.ts";
import { lookups } from "./queries.ts";

type Log = Pick<AppDeps, "log">;

async function formatted(db: Db, deps: Log, record: DnbCompany) {
  return await formatDnbCompany(
    record,
    lookups(db),
    (event, fields) => deps.log.error(event, fields),
  );
}

/** Creates a company from a D&B record, as the adviser in `meta`; returns its id. */
export async function createCompanyFromDnb(
  db: Db,
  deps: Log,
  record: DnbCompany,
  meta: WriteMeta,
): Promise<string> {
  const company = await formatted(db, deps, record);
  const errors = companyErrors(company, "all");
  if (Object.keys(errors).length) {
    deps.log.error("Company data from DNB failed DH serializer validation", {
      duns_number: company.duns_number,
      errors,
    });
    throw new ValidationError(errors);
  }
  const id = await insertCompany(db, {
    ...companyColumns(company, "all"),
    created_on: meta.at,
    modified_on: meta.at,
    created_by_id: meta.userId,
    modified_by_id: meta.userId,
    dnb_modified_on: meta.at,
    pending_dnb_investigation: false,
  });
  await recordWrite(db, companyEntity, id, meta);
  return id;
}

/**
 * Updates `fields` (default: all D&B fields) of a company from a D&B record, clears its
 * pending investigation and stamps `dnb_modified_on`. A system update (no adviser in
 * `meta`) leaves `modified_on`/`modified_by` alone, as the original's `partial_save`.
 * The version's comment is "Updated from D&B [<descriptor>]".
 */
export async function updateCompanyFromDnb(
  db: Db,
  deps: Log,
  companyId: string,
  record: DnbCompany,
  options: { fields?: readonly DnbField[]; descriptor: string; meta: WriteMeta },
): Promise<void> {
  const fields = options.fields?.length ? options.fields : undefined;
  const company = await formatted(db, deps, record);
  const wanted = fields ?? DNB_UPDATED_FIELDS;
  const errors = companyErrors(company, wanted);
  if (Object.keys(errors).length) {
    deps.log.error("Data from D&B did not pass the Data Hub validation checks.", {
      duns_number: company.duns_number,
      errors,
    });
    throw new ValidationError(errors);
  }
  const { meta } = options;
  await updateCompany(db, companyId, {
    ...companyColumns(company, wanted),
    pending_dnb_investigation: false,
    dnb_modified_on: meta.at,
    ...(meta.userId ? { modified_by_id: meta.userId, modified_on: meta.at } : {}),
  });
  await recordWrite(db, companyEntity, companyId, {
    ...meta,
    comment: updateComment(options.descriptor),
  });
}

/** A family tree: its members, how many companies D&B counts in it, whether it is reduced. */
export interface HierarchyData {
  members: FamilyTreeMember[];
  count: number;
  reduced: boolean;
}

/** Companies related to `duns` in D&B's tree (the company itself not counted). */
export async function relatedCount(client: DnbClient, duns: string): Promise<number> {
  const count = await client.hierarchyCount(duns);
  return count > 0 ? count - 1 : count;
}

/** The company and its parents up to the global ultimate, found one by one. */
export async function reducedHierarchy(client: DnbClient, duns: string): Promise<HierarchyData> {
  const chain: DnbCompany[] = [];
  const seen = new Set<string>();
  for (let next: string | null = duns; next && !seen.has(next);) {
    seen.add(next);
    const company = await client.company(next);
    chain.push(company);
    next = company.parent_duns_number ? String(company.parent_duns_number) : null;
  }
  const members = chain.map((company, i) => memberFromCompany(company, chain.length - i));
  return { members, count: members.length, reduced: true };
}

/** The full tree, unless it holds more than DNB_MAX_COMPANIES_IN_TREE_COUNT companies. */
export async function hierarchy(
  client: DnbClient,
  deps: Pick<AppDeps, "config">,
  duns: string,
  related: number,
): Promise<HierarchyData> {
  if (related > deps.config.DNB_MAX_COMPANIES_IN_TREE_COUNT) {
    return await reducedHierarchy(client, duns);
  }
  const answer = await client.hierarchy(duns);
  const members = Array.isArray(answer?.family_tree_members) ? answer.family_tree_members : [];
  if (members.some((m) => typeof m?.duns !== "string")) {
    throw new DnbInvalidResponseError("DNB service returned an invalid family tree");
  }
  return {
    members,
    count: Number(answer.global_ultimate_family_tree_members_count ?? 0),
    reduced: false,
  };
}

/**
 * "All" versus "associated" record scoping (investment projects and what hangs off
 * them: interactions, propositions, documents). A caller holding the `*_all_*`
 * permission is unrestricted even if they also hold `*_associated_*`; one holding only
 * the associated permission sees records associated with their own team; anyone else
 * is denied. What "associated with a team" means is the domain's business: it passes
 * a fragment builder, this module only decides which case applies.
 */
import { type Caller, hasPermission } from "./caller.ts";
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";
import { permissionDenied } from "../http/errors.ts";

export type RecordScope =
  | { kind: "all" }
  /** Only records associated with this team; a caller without a team sees none. */
  | { kind: "team"; teamId: string | null }
  | { kind: "denied" };

export interface ScopePermissions {
  /** e.g. `investment.view_all_investmentproject` */
  all: string;
  /** e.g. `investment.view_associated_investmentproject` */
  associated: string;
}

/** Which records of a kind the caller may act on, per the two permissions. */
export function recordScope(caller: Caller, permissions: ScopePermissions): RecordScope {
  if (caller.kind !== "adviser") return { kind: "denied" };
  if (hasPermission(caller, permissions.all)) return { kind: "all" };
  if (hasPermission(caller, permissions.associated)) {
    return { kind: "team", teamId: caller.adviser.ditTeamId };
  }
  return { kind: "denied" };
}

/**
 * A WHERE condition for lists: `true` when unrestricted, `false` when denied or the
 * caller has no team, else the domain's condition for the caller's team (e.g. an OR of
 * `<adviser>.dit_team_id = team` over the project's advisers).
 */
export function scopeCondition(
  sql: Db,
  scope: RecordScope,
  associatedWith: (teamId: string) => Fragment,
): Fragment {
  if (scope.kind === "all") return sql`true`;
  if (scope.kind === "denied" || scope.teamId === null) return sql`false`;
  return associatedWith(scope.teamId);
}

/**
 * For one record (retrieve, update, audit): passes when unrestricted or when the
 * domain says the record is associated with the caller's team; otherwise 403, as the
 * original answers for a non-associated object.
 */
export async function requireInScope(
  scope: RecordScope,
  isAssociated: (teamId: string) => boolean | Promise<boolean>,
): Promise<void> {
  if (scope.kind === "all") return;
  if (scope.kind === "team" && scope.teamId !== null && await isAssociated(scope.teamId)) return;
  throw permissionDenied();
}

/** Who is making a request: nobody yet, an adviser (bearer token), or an M2M client (Hawk). */
import type { HawkCredential } from "../config.ts";

export interface AdviserIdentity {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  ditTeamId: string | null;
  isActive: boolean;
  isSuperuser: boolean;
  ssoEmailUserId: string | null;
}

export type Caller =
  | { kind: "anonymous" }
  | { kind: "adviser"; adviser: AdviserIdentity; permissions: ReadonlySet<string> }
  | { kind: "hawk"; credential: HawkCredential };

export const anonymous: Caller = { kind: "anonymous" };

/** Whether the caller holds `permission` (`app_label.codename`); superusers hold all. */
export function hasPermission(caller: Caller, permission: string): boolean {
  if (caller.kind !== "adviser") return false;
  return caller.adviser.isSuperuser || caller.permissions.has(permission);
}

/** The calling adviser's id, or null for M2M clients and nobody (e.g. for `created_by`). */
export function callerId(caller: Caller): string | null {
  return caller.kind === "adviser" ? caller.adviser.id : null;
}

/** SQL for identity: advisers as callers, their permission set, local access tokens. */
import type { Db } from "../db/pool.ts";
import type { AdviserIdentity } from "./caller.ts";
import { sha256Hex } from "../crypto.ts";

interface AdviserRow {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  dit_team_id: string | null;
  is_active: boolean;
  is_superuser: boolean;
  sso_email_user_id: string | null;
}

const toIdentity = (r: AdviserRow): AdviserIdentity => ({
  id: r.id,
  email: r.email,
  firstName: r.first_name,
  lastName: r.last_name,
  ditTeamId: r.dit_team_id,
  isActive: r.is_active,
  isSuperuser: r.is_superuser,
  ssoEmailUserId: r.sso_email_user_id,
});

/** The adviser with this SSO email user id, or null. */
export async function findAdviserBySsoId(
  db: Db,
  ssoEmailUserId: string,
): Promise<AdviserIdentity | null> {
  const [row] = await db<AdviserRow[]>`
    select id, email, first_name, last_name, dit_team_id, is_active, is_superuser, sso_email_user_id
    from company_advisor where sso_email_user_id = ${ssoEmailUserId}`;
  return row ? toIdentity(row) : null;
}

/** An authenticated adviser with the permission set they hold. */
export interface AuthenticatedAdviser {
  adviser: AdviserIdentity;
  permissions: Set<string>;
  /** When the local token it was found by expires (null when found by SSO id). */
  expiresOn: Date | null;
}

/** How the caller was identified: a still-valid local token, or an SSO email user id. */
export type AdviserKey = { token: string; now: Date } | { ssoEmailUserId: string };

/**
 * The adviser behind `key` with their permission set, in one round trip (every
 * authenticated request pays for it), or null. Permissions are `app_label.codename`:
 * direct, through groups, and through the groups of their team's role (the original's
 * TeamModelPermissionsBackend); an active superuser holds the whole catalogue, an
 * inactive adviser nothing. Cached per token by the bearer middleware (adviser_cache.ts).
 */
export async function authenticatedAdviser(
  db: Db,
  key: AdviserKey,
): Promise<AuthenticatedAdviser | null> {
  const [expiry, match] = "token" in key
    ? [
      db`t.expires_on`,
      db`from oauth_access_token t join company_advisor a on a.id = t.advisor_id
      where t.token_sha256 = ${await sha256Hex(key.token)} and t.expires_on > ${key.now}`,
    ]
    : [
      db`null::timestamptz`,
      db`from company_advisor a where a.sso_email_user_id = ${key.ssoEmailUserId}`,
    ];
  const [row] = await db<(AdviserRow & { permissions: string; expires_on: Date | null })[]>`
    select a.id, a.email, a.first_name, a.last_name, a.dit_team_id, a.is_active, a.is_superuser,
      a.sso_email_user_id, ${expiry} as expires_on,
      (select coalesce(string_agg(p.app_label || '.' || p.codename, ' '), '') from auth_permission p
        where a.is_active and (a.is_superuser or p.id in (
          select permission_id from company_advisor_user_permissions where advisor_id = a.id
          union all
          select gp.permission_id from auth_group_permissions gp
            join company_advisor_groups ag on ag.group_id = gp.group_id
            where ag.advisor_id = a.id
          union all
          select gp.permission_id from auth_group_permissions gp
            join metadata_teamrole_groups tg on tg.group_id = gp.group_id
            join metadata_team t on t.role_id = tg.teamrole_id
            where t.id = a.dit_team_id))) as permissions
    ${match}`;
  return row
    ? {
      adviser: toIdentity(row),
      permissions: new Set(row.permissions.split(" ").filter(Boolean)),
      expiresOn: row.expires_on,
    }
    : null;
}

/** Stores a local token for the adviser, valid until `expiresOn`. */
export async function insertLocalToken(db: Db, adviserId: string, token: string, expiresOn: Date) {
  await db`
    insert into oauth_access_token (token_sha256, advisor_id, expires_on)
    values (${await sha256Hex(token)}, ${adviserId}, ${expiresOn})
    on conflict (token_sha256) do update set advisor_id = excluded.advisor_id, expires_on = excluded.expires_on`;
}

/**
 * Records a Hawk nonce until `expiresOn`; false when it is already held (a replay).
 * An expired row is claimed afresh, and expired rows are cleared as nonces arrive; one
 * statement, so a Hawk request without Redis costs one round trip for its nonce.
 */
export async function claimHawkNonce(
  db: Db,
  key: string,
  now: Date,
  expiresOn: Date,
): Promise<boolean> {
  const claimed = await db`
    with cleared as (delete from hawk_nonce where expires_on <= ${now} and key <> ${key})
    insert into hawk_nonce (key, expires_on) values (${key}, ${expiresOn})
    on conflict (key) do update set expires_on = excluded.expires_on
      where hawk_nonce.expires_on <= ${now}
    returning 1`;
  return claimed.count === 1;
}

/** Appends to the user event log (e.g. `oauth_token_introspection`). */
export async function recordUserEvent(
  db: Db,
  event: { adviserId: string; type: string; apiUrlPath: string; at: Date; data?: unknown },
) {
  await db`
    insert into user_event_log_userevent (adviser_id, type, api_url_path, timestamp, data)
    values (${event.adviserId}, ${event.type}, ${event.apiUrlPath}, ${event.at},
            ${event.data === undefined ? null : db.json(event.data as never)})`;
}

/**
 * SQL for advisers: the v1 list and detail (the original's AdviserSerializer, team at
 * depth 1), and creating advisers and their access for operators.
 */
import type { Db } from "../db/pool.ts";
import { wordPrefixPattern } from "../http/filter_values.ts";
import { type Fragment, joinFragments, where } from "../db/fragments.ts";
import { orderBy, type SortChoices, type SortTerm } from "../http/sortby.ts";
import { listPage, type Page } from "../http/pagination.ts";

export interface AdviserRow {
  id: string;
  name: string;
  is_active: boolean;
  last_login: string | null;
  first_name: string;
  last_name: string;
  email: string;
  contact_email: string;
  telephone_number: string;
  /** The team at depth 1: its own columns, its foreign keys as ids. */
  dit_team: {
    id: string;
    name: string;
    disabled_on: string | null;
    role: string | null;
    uk_region: string | null;
    country: string | null;
    tags: string[];
  } | null;
}

const columns = (db: Db) =>
  db`
  a.id, concat_ws(' ', nullif(a.first_name, ''), nullif(a.last_name, '')) as name, a.is_active,
  api_datetime(a.last_login) as last_login, a.first_name, a.last_name, a.email, a.contact_email,
  a.telephone_number,
  case when t.id is null then null else json_build_object(
    'id', t.id, 'name', t.name, 'disabled_on', api_datetime(t.disabled_on), 'role', t.role_id,
    'uk_region', t.uk_region_id, 'country', t.country_id, 'tags', t.tags
  ) end as dit_team`;

export const ADVISER_SORT: SortChoices = {
  first_name: "a.first_name",
  last_name: "a.last_name",
  dit_team__name: "t.name",
};

export interface AdviserFilters {
  isActive?: boolean;
  teamRoleId?: string;
  /** `app_label.codename`: advisers holding it in any way (superusers included). */
  permission?: string;
  /** Whitespace-separated tokens; present (even blank) switches to autocomplete order. */
  autocomplete?: string;
}

/** The fields autocomplete searches, in priority order. */
const autocompleteFields = (db: Db) => [db`a.first_name`, db`a.last_name`, db`t.name`];

/** `(field ~* p1 or field ~* p2 …)`: a word of the field starts with any of the tokens. */
function matchesAny(db: Db, field: Fragment, patterns: string[]): Fragment {
  return db`(${joinFragments(db, patterns.map((p) => db`${field} ~* ${p}`), "or")})`;
}

function conditions(db: Db, filters: AdviserFilters, tokens: string[]): Fragment[] {
  const out: Fragment[] = [];
  if (filters.isActive !== undefined) out.push(db`a.is_active = ${filters.isActive}`);
  if (filters.teamRoleId !== undefined) out.push(db`t.role_id = ${filters.teamRoleId}`);
  if (filters.permission !== undefined) {
    const dot = filters.permission.indexOf(".");
    const app = dot === -1 ? filters.permission : filters.permission.slice(0, dot);
    const codename = dot === -1 ? "" : filters.permission.slice(dot + 1);
    out.push(db`a.id in (
      select h.id from company_advisor h
      cross join lateral (
        select id from auth_permission where app_label = ${app} and codename = ${codename} limit 1
      ) p
      where h.is_superuser
        or exists (select 1 from company_advisor_user_permissions up
                   where up.advisor_id = h.id and up.permission_id = p.id)
        or exists (select 1 from company_advisor_groups ag
                   join auth_group_permissions gp on gp.group_id = ag.group_id
                   where ag.advisor_id = h.id and gp.permission_id = p.id)
        or exists (select 1 from metadata_team ht
                   join metadata_teamrole_groups tg on tg.teamrole_id = ht.role_id
                   join auth_group_permissions gp on gp.group_id = tg.group_id
                   where ht.id = h.dit_team_id and gp.permission_id = p.id))`);
  }
  // Every token must prefix a word of some field.
  for (const token of tokens) {
    const pattern = [wordPrefixPattern(token)];
    out.push(
      db`(${
        joinFragments(db, autocompleteFields(db).map((f) => matchesAny(db, f, pattern)), "or")
      })`,
    );
  }
  return out;
}

const spaced = (db: Db, parts: Fragment[]) => parts.reduce((acc, part) => db`${acc} ${part}`);

/**
 * The original's autocomplete order: advisers grouped by the first field any token
 * matches (first name, last name, team), then by that field's value, then by all
 * fields and the id. Blank input keeps every adviser, ordered by the fields.
 */
function autocompleteOrder(db: Db, tokens: string[]): Fragment {
  const plain = db`a.first_name, a.last_name, t.name, a.id`;
  if (!tokens.length) return db`order by ${plain}`;
  const patterns = tokens.map(wordPrefixPattern);
  const fields = autocompleteFields(db);
  const group = spaced(
    db,
    fields.map((f, i) => db`when ${matchesAny(db, f, patterns)} then ${i}::int`),
  );
  const value = spaced(db, fields.map((f) => db`when ${matchesAny(db, f, patterns)} then ${f}`));
  return db`order by case ${group} end, case ${value} end, ${plain}`;
}

export interface AdviserListOptions {
  filters: AdviserFilters;
  sort: SortTerm[];
  page: Page;
}

/** One page of advisers and the total count. */
export async function listAdvisers(
  db: Db,
  options: AdviserListOptions,
): Promise<{ count: number; rows: AdviserRow[] }> {
  const { filters, sort, page } = options;
  const tokens = (filters.autocomplete ?? "").split(/\s+/).filter(Boolean);
  const filter = where(db, conditions(db, filters, tokens));
  const order = sort.length
    ? orderBy(db, sort, ADVISER_SORT, "a.id")
    : filters.autocomplete !== undefined
    ? autocompleteOrder(db, tokens)
    : db`order by a.first_name, a.last_name, t.name, a.id`;
  return await listPage<AdviserRow>(db, {
    select: columns(db),
    // The filter may read the team (its role, its name), so it is part of what is counted.
    from: db`company_advisor a left join metadata_team t on t.id = a.dit_team_id`,
    key: "a.id",
    where: filter,
    order,
    page,
  });
}

/** One adviser, or null. */
export async function getAdviser(db: Db, id: string): Promise<AdviserRow | null> {
  const [row] = await db<AdviserRow[]>`
    select ${columns(db)}
    from company_advisor a left join metadata_team t on t.id = a.dit_team_id
    where a.id = ${id}`;
  return row ?? null;
}

/** Whether a team role with this id exists. */
export async function teamRoleExists(db: Db, id: string): Promise<boolean> {
  const [row] = await db`select 1 from metadata_teamrole where id = ${id}`;
  return Boolean(row);
}

/** Whether an adviser already has this email or SSO email user id (which one, or null). */
export async function adviserClash(
  db: Db,
  email: string,
  ssoEmailUserId: string,
): Promise<"email" | "sso_email_user_id" | null> {
  const [row] = await db<{ email: string }[]>`
    select email from company_advisor
    where email = ${email} or sso_email_user_id = ${ssoEmailUserId} limit 1`;
  if (!row) return null;
  return row.email === email ? "email" : "sso_email_user_id";
}

/** Whether a team with this id exists. */
export async function teamExists(db: Db, id: string): Promise<boolean> {
  const [row] = await db`select 1 from metadata_team where id = ${id}`;
  return Boolean(row);
}

/** Group ids by name, for the names that exist. */
export async function groupIdsByName(db: Db, names: string[]): Promise<Map<string, number>> {
  if (!names.length) return new Map();
  const rows = await db<{ id: number; name: string }[]>`
    select id, name from auth_group where name = any(${names})`;
  return new Map(rows.map((r) => [r.name, r.id]));
}

/** Permission ids by `app_label.codename`, for the ones in the catalogue. */
export async function permissionIdsByName(
  db: Db,
  names: string[],
): Promise<Map<string, number>> {
  if (!names.length) return new Map();
  const rows = await db<{ id: number; name: string }[]>`
    select id, app_label || '.' || codename as name from auth_permission
    where app_label || '.' || codename = any(${names})`;
  return new Map(rows.map((r) => [r.name, r.id]));
}

export interface NewAdviser {
  email: string;
  firstName: string;
  lastName: string;
  teamId: string | null;
  ssoEmailUserId: string;
  superuser: boolean;
  groupIds: number[];
  permissionIds: number[];
}

/** Inserts an adviser with groups and direct permissions; returns the new id. */
export async function insertAdviser(db: Db, a: NewAdviser): Promise<string> {
  const [{ id }] = await db<{ id: string }[]>`
    insert into company_advisor (email, first_name, last_name, dit_team_id, sso_email_user_id,
                                 is_superuser, is_staff)
    values (${a.email}, ${a.firstName}, ${a.lastName}, ${a.teamId}, ${a.ssoEmailUserId},
            ${a.superuser}, ${a.superuser})
    returning id`;
  for (const groupId of a.groupIds) {
    await db`insert into company_advisor_groups (advisor_id, group_id) values (${id}, ${groupId})`;
  }
  for (const permissionId of a.permissionIds) {
    await db`
      insert into company_advisor_user_permissions (advisor_id, permission_id)
      values (${id}, ${permissionId})`;
  }
  return id;
}

/**
 * Deactivates up to `limit` advisers with no activity in any source since `since`
 * (the original's rule: active, joined before `since`, no SSO email user id); returns
 * their ids. With `simulate`, only finds them.
 */
export async function deactivateInactiveAdvisers(
  db: Db,
  options: { since: Date; activity: Fragment; limit: number; simulate: boolean },
): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    select a.id::text as id from company_advisor a
    where a.is_active and a.date_joined < ${options.since} and a.sso_email_user_id is null
      and not exists (
        select 1 from (${options.activity}) active where active.adviser_id = a.id)
    order by a.id limit ${options.limit}
    for update of a skip locked`;
  const ids = rows.map((r) => r.id);
  if (!options.simulate && ids.length) {
    await db`update company_advisor set is_active = false where id = any(${ids}::uuid[])`;
  }
  return ids;
}

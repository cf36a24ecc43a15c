/**
 * Versions and the audit log, as django-reversion and the original's AuditViewSet keep
 * them. Every write to a versioned entity stores, in the request's transaction, a JSON
 * snapshot of the object's columns (many-to-many fields as id lists; created/modified
 * on/by left out, the revision records who and when). `GET …/audit` diffs adjacent
 * versions newest first, naming foreign keys and M2M members by the referenced rows'
 * names, so any domain gets an audit log by describing its table once.
 */
import { isUuid } from "../http/drf.ts";
import type postgres from "postgres";
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";

/** A table a foreign key or M2M member points at, and how to name its rows. */
export interface RefTable {
  table: string;
  /**
   * The display name of the row aliased `r` (the model's `str()`); default the name,
   * with " (disabled)" when the row has a `disabled_on` set, as BaseConstantModel's.
   */
  name?: (sql: Db) => Fragment;
}

const disabledSuffix = (sql: Db) =>
  sql`case when to_jsonb(r)->>'disabled_on' is not null then ' (disabled)' else '' end`;

/** A sector is named by its own segment (not its full path), as `str(sector)`. */
export const sectorRef: RefTable = {
  table: "metadata_sector",
  name: (sql) => sql`r.segment || ${disabledSuffix(sql)}`,
};

/** An administrative area is named with its country, as `str(area)`. */
export const administrativeAreaRef: RefTable = {
  table: "metadata_administrativearea",
  name: (sql) =>
    sql`r.name || ' (' || (select c.name from metadata_country c where c.id = r.country_id) || ')'`,
};

export interface ManyToMany {
  /** The join table, e.g. `company_company_export_to_countries`. */
  table: string;
  /** Its column pointing at the versioned object. */
  source: string;
  /** Its column pointing at the member. */
  target: string;
  ref: RefTable;
  /** Audit shows member names sorted (the original does so for the company core team). */
  sortNames?: boolean;
}

/** How one entity is versioned: its table, its foreign keys and its M2M fields. */
export interface VersionedEntity {
  /** Name in `reversion_version.entity` and the change feed, e.g. "company". */
  entity: string;
  table: string;
  /** Foreign key column (`sector_id`) → referenced table; audit shows it as `sector`. */
  foreignKeys: Record<string, RefTable>;
  manyToMany?: Record<string, ManyToMany>;
}

/** Advisers are named "first last" (blank parts dropped), or "(no name)", as `str(adviser)`. */
export const adviserRef: RefTable = {
  table: "company_advisor",
  name: (sql) =>
    sql`coalesce(nullif(concat_ws(' ', nullif(r.first_name, ''), nullif(r.last_name, '')), ''), '(no name)')`,
};

export interface RevisionMeta {
  userId: string | null;
  at: Date;
  comment?: string;
}

const EXCLUDED = ["created_on", "created_by_id", "modified_on", "modified_by_id"];
const PG_UTC = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?\+00:00$/;

/** jsonb's `…+00:00` timestamps as Python's isoformat renders them through DRF (`…Z`). */
function normaliseValue(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const m = PG_UTC.exec(value);
  if (!m) return value;
  return m[2] ? `${m[1]}.${m[2].padEnd(6, "0")}Z` : `${m[1]}Z`;
}

/** The current snapshot of one object, or null when it does not exist. */
export async function snapshot(
  db: Db,
  entity: VersionedEntity,
  id: string,
): Promise<Record<string, unknown> | null> {
  const [row] = await db<{ data: Record<string, unknown> }[]>`
    select to_jsonb(t) as data from ${db(entity.table)} t where t.id = ${id}`;
  if (!row) return null;
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row.data)) {
    if (!EXCLUDED.includes(key)) data[key] = normaliseValue(value);
  }
  for (const [field, m2m] of Object.entries(entity.manyToMany ?? {})) {
    const members = await db<{ id: string }[]>`
      select ${db(m2m.target)}::text as id from ${db(m2m.table)}
      where ${db(m2m.source)} = ${id} order by 1`;
    data[field] = members.map((m) => m.id);
  }
  return data;
}

/** Stores one revision holding a version of each object (skipping any that are gone). */
export async function recordVersions(
  db: Db,
  meta: RevisionMeta,
  objects: { entity: VersionedEntity; id: string }[],
): Promise<void> {
  if (!objects.length) return;
  const [{ id: revisionId }] = await db<{ id: number }[]>`
    insert into reversion_revision (date_created, user_id, comment)
    values (${meta.at}, ${meta.userId}, ${meta.comment ?? ""}) returning id`;
  for (const { entity, id } of objects) {
    const data = await snapshot(db, entity, id);
    if (!data) continue;
    await db`
      insert into reversion_version (revision_id, entity, object_id, serialized_data)
      values (${revisionId}, ${entity.entity}, ${id}, ${db.json(data as postgres.JSONValue)})
      on conflict (entity, object_id, revision_id)
      do update set serialized_data = excluded.serialized_data`;
  }
}

export interface AuditUser {
  id: string;
  first_name: string;
  last_name: string;
  name: string;
  email: string;
}

export interface AuditEntry {
  id: number;
  user: AuditUser | null;
  timestamp: string;
  comment: string;
  changes: Record<string, [unknown, unknown]>;
}

interface VersionRow {
  id: number;
  data: Record<string, unknown>;
  timestamp: string;
  comment: string;
  user_id: string | null;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
}

const isBlank = (v: unknown) => v === "" || v === null || v === undefined;

function differs(a: unknown, b: unknown): boolean {
  if (isBlank(a) && isBlank(b)) return false;
  return JSON.stringify(a) !== JSON.stringify(b);
}

/** Raw changes between two snapshots: the new one's fields that differ ("" equals null). */
function rawChanges(older: Record<string, unknown>, newer: Record<string, unknown>) {
  const changes: Record<string, [unknown, unknown]> = {};
  for (const [field, value] of Object.entries(newer)) {
    if (!(field in older)) changes[field] = [null, value];
    else if (differs(older[field], value)) changes[field] = [older[field], value];
  }
  return changes;
}

/** Names of rows by table, fetched once per table for a page of entries. */
async function resolveNames(
  db: Db,
  wanted: Map<RefTable, Set<string>>,
): Promise<Map<RefTable, Map<string, string>>> {
  const resolved = new Map<RefTable, Map<string, string>>();
  for (const [ref, ids] of wanted) {
    const valid = [...ids].filter((id) => isUuid(id));
    const names = new Map<string, string>();
    if (valid.length) {
      const name = ref.name ? ref.name(db) : db`r.name || ${disabledSuffix(db)}`;
      const rows = await db<{ id: string; name: string }[]>`
        select r.id::text as id, ${name} as name from ${db(ref.table)} r
        where r.id = any(${valid}::uuid[])`;
      for (const row of rows) names.set(row.id, row.name);
    }
    resolved.set(ref, names);
  }
  return resolved;
}

/**
 * One page of an object's audit log: `count` is versions − 1, entries newest first, each
 * diffing a version against the one before it.
 */
export async function auditLog(
  db: Db,
  entity: VersionedEntity,
  id: string,
  page: { limit: number; offset: number },
): Promise<{ count: number; results: AuditEntry[] }> {
  const [{ n }] = await db<{ n: number }[]>`
    select count(*)::int as n from reversion_version
    where entity = ${entity.entity} and object_id = ${id}`;
  const rows = await db<VersionRow[]>`
    select v.id, v.serialized_data as data, api_datetime(r.date_created) as timestamp,
           r.comment, a.id as user_id, a.first_name, a.last_name, a.email
    from reversion_version v
    join reversion_revision r on r.id = v.revision_id
    left join company_advisor a on a.id = r.user_id
    where v.entity = ${entity.entity} and v.object_id = ${id}
    order by v.id desc
    limit ${page.limit + 1} offset ${page.offset}`;

  const pairs = rows.slice(0, -1).map((newer, i) => ({
    newer,
    changes: rawChanges(rows[i + 1].data, newer.data),
  }));

  const m2m = entity.manyToMany ?? {};
  const wanted = new Map<RefTable, Set<string>>();
  const want = (ref: RefTable, value: unknown) => {
    if (typeof value !== "string" || !value) return;
    if (!wanted.has(ref)) wanted.set(ref, new Set());
    wanted.get(ref)!.add(value);
  };
  for (const { changes } of pairs) {
    for (const [field, values] of Object.entries(changes)) {
      const fk = entity.foreignKeys[field];
      for (const value of values) {
        if (fk) want(fk, value);
        else if (m2m[field] && Array.isArray(value)) value.forEach((v) => want(m2m[field].ref, v));
      }
    }
  }
  const names = await resolveNames(db, wanted);
  const nameOf = (ref: RefTable, value: unknown) =>
    typeof value === "string" && value ? names.get(ref)?.get(value) ?? value : value;

  const results = pairs.map(({ newer, changes }): AuditEntry => {
    const friendly: Record<string, [unknown, unknown]> = {};
    for (const [field, [before, after]] of Object.entries(changes)) {
      const fk = entity.foreignKeys[field];
      const many = m2m[field];
      if (fk) {
        friendly[field.replace(/_id$/, "")] = [nameOf(fk, before), nameOf(fk, after)];
      } else if (many) {
        const render = (value: unknown) => {
          if (!Array.isArray(value) || !value.length) return value;
          const list = value.map((v) => nameOf(many.ref, v));
          return many.sortNames ? list.sort() : list;
        };
        friendly[field] = [render(before), render(after)];
      } else {
        friendly[field] = [before, after];
      }
    }
    const user = newer.user_id
      ? {
        id: newer.user_id,
        first_name: newer.first_name ?? "",
        last_name: newer.last_name ?? "",
        name: [newer.first_name, newer.last_name].filter(Boolean).join(" "),
        email: newer.email ?? "",
      }
      : null;
    return {
      id: newer.id,
      user,
      timestamp: newer.timestamp,
      comment: newer.comment ?? "",
      changes: friendly,
    };
  });
  return { count: Math.max(n - 1, 0), results };
}

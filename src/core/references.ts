/**
 * Existence checks for the references a request names, so a missing row gets DRF's
 * `Invalid pk "<id>" - object does not exist.` on the field that named it (nested fields
 * nest), all at once, instead of the first foreign-key violation the database reports.
 */
import type { Db } from "../db/pool.ts";
import { type FieldErrors, mergeErrors } from "../http/errors.ts";
import { DRF_MESSAGES } from "../http/drf.ts";

export interface Reference {
  /** Where the reference sits in the body, e.g. `["address", "country"]`. */
  path: (string | number)[];
  table: string;
  id: string;
}

/**
 * The references a body names through its reference fields: `single` maps a field holding
 * one id to its table, `lists` a field holding a list of ids. Unset fields name nothing.
 */
export function referencesOf(
  input: Record<string, unknown>,
  single: Record<string, string>,
  lists: Record<string, string> = {},
): Reference[] {
  const refs: Reference[] = [];
  for (const [field, table] of Object.entries(single)) {
    const id = input[field];
    if (typeof id === "string") refs.push({ path: [field], table, id });
  }
  for (const [field, table] of Object.entries(lists)) {
    const ids = input[field];
    if (Array.isArray(ids)) { for (const id of ids) refs.push({ path: [field], table, id }); }
  }
  return refs;
}

export const doesNotExist = (id: string) => DRF_MESSAGES.invalidPk(id);

/** Field errors for the references whose rows do not exist (empty when all exist). */
export async function missingReferences(db: Db, refs: Reference[]): Promise<FieldErrors> {
  const byTable = new Map<string, Set<string>>();
  for (const ref of refs) {
    if (!byTable.has(ref.table)) byTable.set(ref.table, new Set());
    byTable.get(ref.table)!.add(ref.id);
  }
  const found = new Set<string>();
  for (const [table, ids] of byTable) {
    const rows = await db<{ key: string }[]>`
      select ${table}::text || ':' || id::text as key from ${db(table)} where id = any(${[
      ...ids,
    ]}::uuid[])`;
    for (const row of rows) found.add(row.key);
  }
  const errors: FieldErrors = {};
  for (const ref of refs) {
    if (found.has(`${ref.table}:${ref.id}`)) continue;
    const path = ref.path.map(String);
    let node: FieldErrors = { [path[path.length - 1]]: [doesNotExist(ref.id)] };
    for (let i = path.length - 2; i >= 0; i--) node = { [path[i]]: node };
    mergeErrors(errors, node);
  }
  return errors;
}

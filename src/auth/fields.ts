/**
 * Permission-gated response fields, as the original's PermittedFieldsModelSerializer:
 * a serialiser names the permission each gated field needs, and the field is left out
 * (not nulled) for callers without it, including callers that are not advisers.
 */
import { type Caller, hasPermission } from "./caller.ts";

/** Field name → the `app_label.codename` needed to see it. */
export type FieldGates<T> = { [K in keyof T]?: string };

/** A copy of `item` without the gated fields the caller may not see. */
export function permittedFields<T extends object>(
  caller: Caller,
  item: T,
  gates: FieldGates<T>,
): Partial<T> {
  const out: Partial<T> = { ...item };
  for (const [field, permission] of Object.entries(gates) as [keyof T, string][]) {
    if (!hasPermission(caller, permission)) delete out[field];
  }
  return out;
}

/** The same for a list; the caller's permissions are checked once per gate. */
export function permittedFieldsOfAll<T extends object>(
  caller: Caller,
  items: T[],
  gates: FieldGates<T>,
): Partial<T>[] {
  const hidden = (Object.entries(gates) as [keyof T, string][])
    .filter(([, permission]) => !hasPermission(caller, permission))
    .map(([field]) => field);
  if (!hidden.length) return items;
  return items.map((item) => {
    const out: Partial<T> = { ...item };
    for (const field of hidden) delete out[field];
    return out;
  });
}

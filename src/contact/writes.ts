/**
 * The contact's write paths, as its serializers run them: field checks, the serializer's
 * validators, the mapping to columns, the write with its stamps, and the recorded version
 * and change-feed rows.
 */
import type { Db } from "../db/pool.ts";
import { type FieldErrors, mergeErrors, ValidationError } from "../http/errors.ts";
import { missingReferences, referencesOf } from "../core/references.ts";
import {
  creationStamps,
  modificationStamps,
  recordWrite,
  type WriteMeta,
} from "../core/tracking.ts";
import { companyName } from "../company/queries.ts";
import type { ContactInput } from "./routes.ts";
import * as q from "./queries.ts";
import { checkContactValidators, messages, telephoneError } from "./rules.ts";

const REF_TABLES = {
  title: "metadata_title",
  company: "company_company",
  address_country: "metadata_country",
  address_area: "metadata_administrativearea",
} as const;

/** Field checks, then the serializer's validators; returns the lower-cased email. */
async function validate(
  db: Db,
  input: ContactInput,
  stored: q.ContactRow | null,
  v4: boolean,
) {
  const errors: FieldErrors = await missingReferences(db, referencesOf(input, REF_TABLES));
  const phone = telephoneError(input.full_telephone_number);
  if (phone) errors.full_telephone_number = [phone];
  if (input.email !== undefined && !errors.company) {
    const email = input.email.toLowerCase();
    const companyId = input.company ?? (input.company === null ? null : stored?.company_id);
    if (stored?.email !== email && companyId && await q.emailTakenAt(db, email, companyId)) {
      mergeErrors(errors, { email: [messages.emailTaken(await companyName(db, companyId) ?? "")] });
    }
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);

  const storedValues = (stored ?? {}) as unknown as Record<string, unknown>;
  const combined = (field: string): unknown => {
    if (field in input) return input[field as keyof ContactInput];
    return storedValues[`${field}_id`] ?? storedValues[field] ?? null;
  };
  checkContactValidators(combined, { archived: stored?.archived ?? false, v4 });
}

function toColumns(input: ContactInput): q.ContactColumns {
  const columns: q.ContactColumns = {};
  for (const [field, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const column = field in REF_TABLES ? `${field}_id` : field;
    columns[column] = field === "email" ? String(value).toLowerCase() : value as string | boolean;
  }
  return columns;
}

/** Creates a contact (owned by the adviser creating it); returns its id. */
export async function createContact(db: Db, input: ContactInput, meta: WriteMeta, v4: boolean) {
  await validate(db, input, null, v4);
  const id = await q.insertContact(db, {
    ...toColumns(input),
    adviser_id: meta.userId,
    ...creationStamps(meta),
  });
  await recordWrite(db, q.contactEntity, id, meta);
  return id;
}

export async function updateContact(
  db: Db,
  stored: q.ContactRow,
  input: ContactInput,
  meta: WriteMeta,
  v4: boolean,
) {
  await validate(db, input, stored, v4);
  await q.updateContact(db, stored.id, { ...toColumns(input), ...modificationStamps(meta) });
  await recordWrite(db, q.contactEntity, stored.id, meta);
}

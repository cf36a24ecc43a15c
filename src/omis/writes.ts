/**
 * The order's write paths, as OrderSerializer and the order model run them: reference
 * and field checks, the serializer's validators (editable fields by status, the contact
 * working at the company, the billing address), the mapping to columns, the write with
 * its stamps, and the recorded version and change-feed rows.
 */
import type { Db } from "../db/pool.ts";
import { ApiError, type FieldErrors, mergeErrors, ValidationError } from "../http/errors.ts";
import { DRF_MESSAGES, isUuid } from "../http/drf.ts";
import { canonicalUuid } from "../http/schemas.ts";
import { missingReferences, referencesOf } from "../core/references.ts";
import {
  creationStamps,
  modificationStamps,
  recordWrite,
  type WriteMeta,
} from "../core/tracking.ts";
import { recordChanges } from "../core/change_feed.ts";
import { type Notices, notifyAdvisers, notifyOrder } from "./notifications.ts";
import type { OrderInput } from "./routes.ts";
import * as q from "./queries.ts";
import { touchesInvoice, updateInvoiceDetails, updatePricing } from "./quotes.ts";
import {
  billingAddressErrors,
  CANCELLABLE,
  checkStatus,
  COMPLETABLE,
  generatePublicToken,
  generateReference,
  messages,
  OPEN_STATUSES,
  pythonType,
  readonlyFieldError,
} from "./rules.ts";

const REF_TABLES = {
  company: "company_company",
  contact: "company_contact",
  primary_market: "metadata_country",
  sector: "metadata_sector",
  uk_region: "metadata_ukregion",
  billing_address_country: "metadata_country",
} as const;

/** A body field's value, or the stored one when the body leaves it out. */
function combiner(input: OrderInput, stored: q.OrderRow | null) {
  return (field: string): unknown => {
    if (field in input) return input[field as keyof OrderInput] ?? null;
    if (!stored) return null;
    if (field === "service_types") return stored.service_type_ids;
    return field in REF_TABLES ? stored[`${field}_id`] ?? null : stored[field] ?? null;
  };
}

/** Field-level checks: references exist, the market is open, service types enabled. */
async function fieldErrors(db: Db, input: OrderInput, createdOn: Date): Promise<FieldErrors> {
  const errors = await missingReferences(
    db,
    referencesOf(input, REF_TABLES, { service_types: "order_servicetype" }),
  );
  if (input.primary_market && !errors.primary_market) {
    const market = await q.findMarket(db, input.primary_market);
    if (market && !market.market) {
      errors.primary_market = [messages.noMarket(market.name)];
    } else if (market?.disabled_on && market.disabled_on <= createdOn) {
      errors.primary_market = [messages.disabled([market.name])];
    }
  }
  if (input.service_types?.length && !errors.service_types) {
    const disabled = await q.disabledServiceTypes(db, input.service_types, createdOn);
    if (disabled.length) errors.service_types = [messages.disabled(disabled)];
  }
  return errors;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && [...a].sort().join() === [...b].sort().join();
  }
  return (a ?? null) === (b ?? null);
}

/** Every check of OrderSerializer, in its order; throws the first failing stage's 400. */
async function validate(db: Db, input: OrderInput, stored: q.OrderRow | null, now: Date) {
  const errors = await fieldErrors(db, input, stored?.created_on ?? now);
  if (Object.keys(errors).length) throw new ValidationError(errors);

  const value = combiner(input, stored);
  if (stored) {
    const before = combiner({}, stored);
    const readonly = readonlyFieldError(
      stored.status,
      Object.keys(input).filter((field) => input[field as keyof OrderInput] !== undefined),
      (field) => !sameValue(value(field), before(field)),
    );
    if (readonly) throw new ValidationError(readonly);
  }
  const contactId = value("contact") as string;
  if (await q.contactCompany(db, contactId) !== value("company")) {
    throw new ValidationError({ contact: [messages.contactElsewhere] });
  }
  const address = billingAddressErrors(value);
  if (Object.keys(address).length) throw new ValidationError(mergeErrors({}, address));
}

/** Columns of the body; a VAT status other than EU clears the VAT number and check. */
function toColumns(input: OrderInput, stored: q.OrderRow | null): q.OrderColumns {
  const columns: q.OrderColumns = {};
  for (const [field, value] of Object.entries(input)) {
    if (value === undefined || field === "service_types") continue;
    columns[field in REF_TABLES ? `${field}_id` : field] = value;
  }
  const vatStatus = combiner(input, stored)("vat_status");
  if (vatStatus && vatStatus !== "eu") {
    columns.vat_number = "";
    columns.vat_verified = null;
  }
  return columns;
}

async function uniqueReference(db: Db, now: Date): Promise<string> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const reference = generateReference(now);
    if (!await q.referenceTaken(db, reference)) return reference;
  }
  throw new Error("Cannot generate random reference");
}

/** Creates a draft order (uk_region from the company unless given); returns its id. */
export async function createOrder(
  db: Db,
  input: OrderInput,
  meta: WriteMeta,
  notices: Notices,
): Promise<string> {
  await validate(db, input, null, meta.at);
  const columns = toColumns(input, null);
  if (!("uk_region" in input)) columns.uk_region_id = await q.companyUkRegion(db, input.company!);
  const id = await q.insertOrder(db, {
    ...columns,
    reference: await uniqueReference(db, meta.at),
    public_token: generatePublicToken(),
    status: "draft",
    ...creationStamps(meta),
  });
  if (input.service_types) await q.setServiceTypes(db, id, input.service_types);
  await updatePricing(db, id);
  await recordWrite(db, q.orderEntity, id, meta);
  await notifyOrder(db, notices, "order_created", id);
  return id;
}

export async function updateOrder(db: Db, stored: q.OrderRow, input: OrderInput, meta: WriteMeta) {
  await validate(db, input, stored, meta.at);
  await q.updateOrder(db, stored.id, { ...toColumns(input, stored), ...modificationStamps(meta) });
  if (input.service_types) await q.setServiceTypes(db, stored.id, input.service_types);
  await updatePricing(db, stored.id);
  const written = Object.keys(input).filter((f) => input[f as keyof OrderInput] !== undefined);
  if (stored.status === "quote_accepted" && touchesInvoice(written)) {
    await updateInvoiceDetails(db, stored, meta.at);
  }
  await recordWrite(db, q.orderEntity, stored.id, meta);
}

/** Cancels a draft order or one awaiting quote acceptance, with the reason given. */
export async function cancelOrder(
  db: Db,
  stored: q.OrderRow,
  reasonId: string,
  meta: WriteMeta,
  notices: Notices,
) {
  const errors = await missingReferences(db, [
    { path: ["cancellation_reason"], table: "order_cancellationreason", id: reasonId },
  ]);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  checkStatus(stored.status, CANCELLABLE);
  await q.updateOrder(db, stored.id, {
    status: "cancelled",
    cancelled_on: meta.at,
    cancelled_by_id: meta.userId,
    cancellation_reason_id: reasonId,
    ...modificationStamps(meta),
  });
  await recordWrite(db, q.orderEntity, stored.id, meta);
  await notifyOrder(db, notices, "order_cancelled", stored.id);
}

/** Marks a paid order as complete. */
export async function completeOrder(
  db: Db,
  stored: q.OrderRow,
  meta: WriteMeta,
  notices: Notices,
) {
  checkStatus(stored.status, COMPLETABLE);
  if (await q.assigneeWithoutActualTime(db, stored.id)) {
    throw new ValidationError({ non_field_errors: [messages.actualTimeMissing] });
  }
  await q.updateOrder(db, stored.id, {
    status: "complete",
    completed_on: meta.at,
    completed_by_id: meta.userId,
    ...modificationStamps(meta),
  });
  await recordWrite(db, q.orderEntity, stored.id, meta);
  await notifyOrder(db, notices, "order_completed", stored.id);
}

/**
 * Replaces the order's subscribers with the advisers listed (SubscribedAdviserListSerializer):
 * item errors first (a 400 listing one object per item), then the order's status (409).
 */
export async function replaceSubscribers(
  db: Db,
  stored: q.OrderRow,
  body: unknown,
  meta: WriteMeta,
  notices: Notices,
) {
  if (!Array.isArray(body)) {
    throw new ApiError(400, {
      non_field_errors: [`Expected a list of items but got type "${pythonType(body)}".`],
    });
  }
  const ids: (string | null)[] = [];
  const itemErrors: FieldErrors[] = body.map((item): FieldErrors => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      ids.push(null);
      return {
        non_field_errors: [`Invalid data. Expected a dictionary, but got ${pythonType(item)}.`],
      };
    }
    const id = (item as Record<string, unknown>).id;
    if (id === undefined) {
      ids.push(null);
      return { id: [DRF_MESSAGES.required] };
    }
    if (id === null) {
      ids.push(null);
      return { id: [DRF_MESSAGES.notNull] };
    }
    if (typeof id !== "string" || !isUuid(id)) {
      ids.push(null);
      return { id: [DRF_MESSAGES.invalidUuid] };
    }
    ids.push(canonicalUuid(id));
    return {};
  });
  const known = await q.existingAdvisers(db, ids.filter((id): id is string => id !== null));
  ids.forEach((id, i) => {
    if (id && !known.has(id)) itemErrors[i] = { id: [messages.notAnAdviser(id)] };
  });
  if (itemErrors.some((errors) => Object.keys(errors).length)) {
    throw new ApiError(400, itemErrors);
  }
  checkStatus(stored.status, OPEN_STATUSES);
  const wanted = [...new Set(ids as string[])];
  const before = await q.subscriberIds(db, stored.id);
  await q.replaceSubscribers(db, stored.id, wanted, meta.userId, meta.at);
  await notifyAdvisers(db, notices, stored.id, {
    added: wanted.filter((id) => !before.includes(id)),
    removed: before.filter((id) => !wanted.includes(id)),
    by: meta.userId,
  });
  // The order's search document lists its subscribers.
  await recordChanges(db, [{ entity: q.orderEntity.entity, id: stored.id }]);
}

/**
 * OMIS order rules, as the original's order model and validators: statuses and their
 * labels, the fields each status lets a PATCH change, the reference and public token
 * formats, and the messages (400s and the 409s of invalid transitions).
 */
import { ApiError, type FieldErrors } from "../http/errors.ts";

export const ORDER_STATUSES = [
  "draft",
  "quote_awaiting_acceptance",
  "quote_accepted",
  "paid",
  "complete",
  "cancelled",
] as const;
export type OrderStatus = typeof ORDER_STATUSES[number];

export const STATUS_LABELS: Record<OrderStatus, string> = {
  draft: "Draft",
  quote_awaiting_acceptance: "Quote awaiting acceptance",
  quote_accepted: "Quote accepted",
  paid: "Paid",
  complete: "Complete",
  cancelled: "Cancelled",
};

export const VAT_STATUSES = ["uk", "eu", "outside_eu"] as const;

/** Fields whose change updates the invoice once the quote is accepted. */
export const INVOICE_FIELDS = [
  "billing_address_1",
  "billing_address_2",
  "billing_address_town",
  "billing_address_county",
  "billing_address_postcode",
  "billing_address_country",
  "vat_status",
  "vat_number",
  "vat_verified",
  "po_number",
];

/** What a PATCH may change in each status (OrderSerializer's OrderEditableFieldsValidator). */
export const EDITABLE_FIELDS: Record<OrderStatus, ReadonlySet<string>> = {
  draft: new Set([
    ...INVOICE_FIELDS,
    "description",
    "service_types",
    "sector",
    "uk_region",
    "contacts_not_to_approach",
    "contact",
    "existing_agents",
    "further_info",
    "delivery_date",
  ]),
  quote_awaiting_acceptance: new Set([...INVOICE_FIELDS, "contact"]),
  quote_accepted: new Set([...INVOICE_FIELDS, "contact"]),
  paid: new Set(["contact"]),
  complete: new Set(),
  cancelled: new Set(),
};

export const messages = {
  readonly: "This field cannot be changed at this stage.",
  contactElsewhere: "The contact does not work at the given company.",
  noMarket: (country: string) => `The OMIS market for country '${country}' doesn't exist.`,
  disabled: (names: string[]) => `"${names.join(", ")}" disabled.`,
  required: "This field is required.",
  wrongStatus: (status: OrderStatus) =>
    `The action cannot be performed in the current status ${STATUS_LABELS[status]}.`,
  notAnAdviser: (id: string) => `${id} is not a valid adviser`,
  actualTimeMissing: "You must set the actual time for all assignees to complete this order.",
};

/** The 409 of an action the order's status does not allow (OrderInStatusSubValidator). */
export function checkStatus(status: OrderStatus, allowed: readonly OrderStatus[]) {
  if (!allowed.includes(status)) {
    throw new ApiError(409, { detail: messages.wrongStatus(status) });
  }
}

/** Statuses in which subscribers and assignees can change (before completion or cancellation). */
export const OPEN_STATUSES: readonly OrderStatus[] = [
  "draft",
  "quote_awaiting_acceptance",
  "quote_accepted",
  "paid",
];

/** Statuses an order can be cancelled from (without the admin's force). */
export const CANCELLABLE: readonly OrderStatus[] = ["draft", "quote_awaiting_acceptance"];
export const COMPLETABLE: readonly OrderStatus[] = ["paid"];

/**
 * The first field the status does not let change, with its message (the original stops
 * at the first one). `changed(field)` says whether the body's value differs from the
 * stored one.
 */
export function readonlyFieldError(
  status: OrderStatus,
  fields: string[],
  changed: (field: string) => boolean,
): FieldErrors | null {
  const editable = EDITABLE_FIELDS[status];
  for (const field of fields) {
    if (!editable.has(field) && changed(field)) return { [field]: [messages.readonly] };
  }
  return null;
}

/**
 * The billing address check (AddressValidator, lazy): only when some billing address
 * field is filled in, then line 1, town and country are required.
 */
export function billingAddressErrors(value: (field: string) => unknown): FieldErrors {
  const fields = [
    "billing_address_1",
    "billing_address_2",
    "billing_address_town",
    "billing_address_county",
    "billing_address_postcode",
    "billing_address_country",
  ];
  const blank = (v: unknown) => v === null || v === undefined || v === "";
  if (fields.every((field) => blank(value(field)))) return {};
  const errors: FieldErrors = {};
  for (const field of ["billing_address_1", "billing_address_town", "billing_address_country"]) {
    if (blank(value(field))) errors[field] = [messages.required];
  }
  return errors;
}

export function randomFrom(alphabet: string, length: number): string {
  const bytes = crypto.getRandomValues(new Uint32Array(length));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

/** `<3 letters><3 digits>/<yy>`, e.g. `GEA962/16` (the year of `now`, UTC). */
export function generateReference(now: Date): string {
  const year = String(now.getUTCFullYear() % 100).padStart(2, "0");
  return `${randomFrom("ACEFHJKMNPRTUVWXY", 3)}${randomFrom("123456789", 3)}/${year}`;
}

/** 50 URL-safe characters, as Python's `secrets.token_urlsafe(37)`. */
export function generatePublicToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(37));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}

export const REFERENCE_RE = /^[ACEFHJKMNPRTUVWXY]{3}[1-9]{3}\/\d{2}$/;

/** Python's name for a JSON value's type, as DRF's list and dictionary messages name it. */
export function pythonType(value: unknown): string {
  if (value === null) return "NoneType";
  if (Array.isArray(value)) return "list";
  const names: Record<string, string> = {
    string: "str",
    number: "int",
    boolean: "bool",
    object: "dict",
  };
  return names[typeof value] ?? typeof value;
}

/**
 * Error bodies in the shapes DRF clients already parse: `{"detail": "..."}` for
 * 401/403/404/405, `{"field": ["message"]}` (nested, lists by index) for 400.
 * Handlers and rules throw these; the app's error handler renders them.
 */
import { DRF_MESSAGES } from "./drf.ts";
import { z } from "zod";

/**
 * A DRF validation body: field → messages, nested objects nest, plain list items by
 * index, lists of objects as one entry per item.
 */
export type FieldErrors = { [field: string]: string[] | FieldErrors | FieldErrors[] };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(
      typeof body === "object" && body && "detail" in body ? String(body.detail) : `HTTP ${status}`,
    );
    this.name = "ApiError";
  }
}

/** 400 with field errors. `non_field_errors` carries cross-field messages. */
export class ValidationError extends ApiError {
  constructor(readonly errors: FieldErrors) {
    super(400, errors);
    this.name = "ValidationError";
  }
}

export const BEARER_CHALLENGE = { "WWW-Authenticate": 'Bearer realm="api"' };

export const notAuthenticated = (headers: Record<string, string> = BEARER_CHALLENGE) =>
  new ApiError(401, { detail: "Authentication credentials were not provided." }, headers);
export const authenticationFailed = (
  detail = "Invalid authentication credentials.",
  headers: Record<string, string> = BEARER_CHALLENGE,
) => new ApiError(401, { detail }, headers);
export const permissionDenied = () =>
  new ApiError(403, { detail: "You do not have permission to perform this action." });
/** DRF/Django's 404 text, e.g. `notFound("Company")` → "No Company matches the given query." */
export const notFound = (model?: string) =>
  new ApiError(404, { detail: model ? `No ${model} matches the given query.` : "Not found." });
export const methodNotAllowed = (method: string, allow: string[] = []) =>
  new ApiError(
    405,
    { detail: `Method "${method}" not allowed.` },
    allow.length ? { Allow: allow.join(", ") } : {},
  );
export const notImplemented = () =>
  new ApiError(501, {
    detail: "Cannot process request due to functionality that is unimplemented.",
  });

/** Shorthand for a single-field 400: `fieldError("reason", "This field is required.")`. */
export const fieldError = (field: string, message: string) =>
  new ValidationError({ [field]: [message] });
export const nonFieldError = (message: string) =>
  new ValidationError({ non_field_errors: [message] });

/** Merges error bodies so several rules can report at once. */
export function mergeErrors(target: FieldErrors, source: FieldErrors): FieldErrors {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (Array.isArray(value)) {
      target[key] = Array.isArray(existing) ? [...existing, ...value] as string[] : value;
    } else {
      target[key] = mergeErrors(existing && !Array.isArray(existing) ? existing : {}, value);
    }
  }
  return target;
}

const typeNames: Record<string, string> = {
  string: "Not a valid string.",
  number: "A valid number is required.",
  int: "A valid integer is required.",
  boolean: "Must be a valid boolean.",
  array: 'Expected a list of items but got type "{type}".',
  object: "Invalid data. Expected a dictionary, but got {type}.",
};

function received(input: unknown): string {
  if (input === null) return "NoneType";
  if (Array.isArray(input)) return "list";
  return {
    string: "str",
    number: "int",
    boolean: "bool",
    object: "dict",
  }[typeof input as string] ??
    typeof input;
}

type RawIssue = z.core.$ZodRawIssue & { message?: string };

/**
 * DRF's wording for a Zod issue, so clients see the messages they already know.
 * Installed as Zod's global error map below: schema-level messages still win.
 */
export function drfMessage(issue: RawIssue): string | undefined {
  const input = issue.input;
  switch (issue.code) {
    case "invalid_type":
      if (input === undefined) return DRF_MESSAGES.required;
      if (input === null) return DRF_MESSAGES.notNull;
      return typeNames[issue.expected]?.replace("{type}", received(input));
    case "too_big":
      if (issue.origin === "string") {
        return `Ensure this field has no more than ${issue.maximum} characters.`;
      }
      if (issue.origin === "array") {
        return `Ensure this field has no more than ${issue.maximum} elements.`;
      }
      return `Ensure this value is less than or equal to ${issue.maximum}.`;
    case "too_small":
      if (issue.origin === "string") {
        return issue.minimum === 1
          ? DRF_MESSAGES.blank
          : `Ensure this field has at least ${issue.minimum} characters.`;
      }
      if (issue.origin === "array") return "This list may not be empty.";
      return `Ensure this value is greater than or equal to ${issue.minimum}.`;
    case "invalid_value":
      // DRF checks for a missing or null value before the choices.
      if (input === undefined) return DRF_MESSAGES.required;
      if (input === null) return DRF_MESSAGES.notNull;
      return DRF_MESSAGES.notAValidChoice(input);
    case "invalid_format":
      if (issue.format === "uuid") return DRF_MESSAGES.invalidUuid;
      if (issue.format === "email") return "Enter a valid email address.";
      if (issue.format === "date") {
        return "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.";
      }
      if (issue.format === "datetime") {
        return "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].";
      }
      if (issue.format === "url") return "Enter a valid URL.";
      return undefined;
    case "invalid_union":
      return "Invalid value.";
    default:
      return undefined;
  }
}

z.config({ customError: (issue) => drfMessage(issue as RawIssue) });

/**
 * Turns Zod issues into a DRF body: nested objects nest. A list of objects (a nested
 * serializer with `many=True`) gets a list with one entry per item (`{}` for a fine one),
 * as DRF's ListSerializer gives; a list of plain values keeps index keys, as its
 * ListField. `input` (the data validated) gives the lists' lengths.
 */
export function zodToFieldErrors(
  issues: readonly z.core.$ZodIssue[],
  input?: unknown,
): FieldErrors {
  const errors: FieldErrors = {};
  const objectLists = new Set<string>();
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") continue;
    const path = issue.path.map(String);
    issue.path.forEach((segment, i) => {
      if (typeof segment !== "number") return;
      const itemNotObject = i === issue.path.length - 1 && issue.code === "invalid_type" &&
        issue.expected === "object";
      if (i < issue.path.length - 1 || itemNotObject) {
        objectLists.add(JSON.stringify(path.slice(0, i)));
      }
    });
    const message = issue.message;
    if (path.length === 0) {
      mergeErrors(errors, { non_field_errors: [message] });
      continue;
    }
    let node: FieldErrors = { [path[path.length - 1]]: [message] };
    for (let i = path.length - 2; i >= 0; i--) node = { [path[i]]: node };
    mergeErrors(errors, node);
  }
  return objectLists.size ? listsOfItems(errors, [], objectLists, input) as FieldErrors : errors;
}

/** Rewrites the index-keyed errors of lists of objects as DRF's one-entry-per-item lists. */
function listsOfItems(
  node: FieldErrors,
  path: string[],
  objectLists: Set<string>,
  input: unknown,
): FieldErrors | FieldErrors[] {
  const at = (key: string) =>
    input && typeof input === "object" ? (input as Record<string, unknown>)[key] : undefined;
  if (objectLists.has(JSON.stringify(path))) {
    const indices = Object.keys(node).map(Number);
    const length = Array.isArray(input) ? input.length : Math.max(...indices) + 1;
    return Array.from({ length }, (_, i) => {
      const item = node[String(i)];
      if (item === undefined) return {};
      if (Array.isArray(item)) return { non_field_errors: item as string[] };
      return listsOfItems(item, [...path, String(i)], objectLists, at(String(i))) as FieldErrors;
    });
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = Array.isArray(value)
      ? value
      : listsOfItems(value, [...path, key], objectLists, at(key));
  }
  return out as FieldErrors;
}

interface PgError {
  code?: string;
  detail?: string;
  constraint_name?: string;
  column_name?: string;
  message?: string;
}

export const NULL_CHARACTER = "Null characters are not allowed.";
const INVALID_DATETIME =
  "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].";

/** DRF's ServiceUnavailable, with a hint of when to come back. */
export const serviceUnavailable = () =>
  new ApiError(503, { detail: "Service temporarily unavailable, try again later." }, {
    "Retry-After": "1",
  });

/**
 * postgres.js's own codes for a connection lost or not made, and the SQLSTATEs of a
 * server going away or refusing connections (classes 08 and 57P, too many connections).
 */
const UNAVAILABLE = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "53300",
  "57P01",
  "57P02",
  "57P03",
  "57014", // query_canceled: the statement timeout (or a cancelled request)
]);

/** Whether `error` says the database is unreachable or shedding load (a 503, not a 500). */
export function databaseUnavailable(error: unknown): boolean {
  const code = (error as PgError | null)?.code;
  return typeof code === "string" && (UNAVAILABLE.has(code) || code.startsWith("08"));
}

/**
 * Maps database errors that bad input can cause to 400s, so a missed check in a domain
 * becomes a clear field error rather than a 500, and an unreachable database to a 503.
 * PostgreSQL's own text never reaches the client: messages are DRF's. Returns null for
 * other errors.
 */
export function databaseErrorToApiError(error: unknown): ApiError | null {
  const pg = error as PgError;
  if (!pg || typeof pg.code !== "string") return null;
  if (databaseUnavailable(error)) return serviceUnavailable();
  const key = /Key \(([^)]+)\)=\(([^)]*)\)/.exec(pg.detail ?? "");
  const field = (key?.[1] ?? pg.column_name ?? "non_field_errors").split(",")[0].trim().replace(
    /_id$/,
    "",
  );
  switch (pg.code) {
    case "23503": // foreign_key_violation: a referenced object does not exist
      return new ValidationError({
        [field]: [DRF_MESSAGES.invalidPk(key?.[2] ?? "")],
      });
    case "23505": // unique_violation
      return new ValidationError({
        [field]: [`An object with this ${field.replaceAll("_", " ")} already exists.`],
      });
    case "23502": // not_null_violation
      return new ValidationError({ [field]: [DRF_MESSAGES.notNull] });
    case "22021": // character_not_in_repertoire: a NUL in text
    case "22P05": // untranslatable_character: \u0000 in jsonb
      return new ValidationError({ [field]: [NULL_CHARACTER] });
    case "22007": // invalid_datetime_format
    case "22008": // datetime_field_overflow (e.g. a year before 1)
      return new ValidationError({ [field]: [INVALID_DATETIME] });
    case "22001": { // string_data_right_truncation: "value too long for type character varying(N)"
      const max = /\((\d+)\)/.exec(pg.message ?? "")?.[1];
      return new ValidationError({
        [field]: [max ? `Ensure this field has no more than ${max} characters.` : "Invalid value."],
      });
    }
    case "22P02": // invalid_text_representation (e.g. a malformed uuid that slipped through)
    case "22003": // numeric_value_out_of_range
    case "2201W": // invalid_row_count_in_limit_clause
    case "2201X": // invalid_row_count_in_result_offset_clause
    case "22023": // invalid_parameter_value
    case "54001": // statement_too_complex (stack depth limit exceeded)
      return new ValidationError({ [field]: ["Invalid value."] });
    default:
      return null;
  }
}

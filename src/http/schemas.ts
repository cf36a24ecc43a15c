/**
 * Zod building blocks shared by every domain's routes, so a nested reference or a JSON
 * body reads and fails the same way everywhere, in DRF's words.
 */
import { DRF_MESSAGES, isUuid } from "./drf.ts";
import { z } from "@hono/zod-openapi";

function pythonType(value: unknown): string {
  if (value === null) return "NoneType";
  if (Array.isArray(value)) return "list";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (typeof value === "boolean") return "bool";
  return typeof value;
}

/** A UUID in its canonical lower-case, hyphenated form. */
export function canonicalUuid(value: string): string {
  const hex = value.replaceAll("-", "").toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
    hex.slice(20)
  }`;
}

function reference(allowNull: boolean) {
  return z.unknown().transform((value, ctx): string | null => {
    if (value === undefined) {
      ctx.addIssue({ code: "custom", message: DRF_MESSAGES.required });
      return z.NEVER;
    }
    // DRF's RelatedField reads "" as null.
    if (value === null || value === "") {
      if (allowNull) return null;
      ctx.addIssue({ code: "custom", message: DRF_MESSAGES.notNull });
      return z.NEVER;
    }
    let id: unknown = value;
    if (typeof value === "object" && !Array.isArray(value)) {
      if (!("id" in (value as object))) {
        ctx.addIssue({ code: "custom", message: "pk not provided." });
        return z.NEVER;
      }
      id = (value as { id: unknown }).id;
    } else if (typeof value !== "string") {
      ctx.addIssue({
        code: "custom",
        message: `Incorrect type. Expected object, received ${pythonType(value)}.`,
      });
      return z.NEVER;
    }
    if (typeof id !== "string" || !isUuid(id.trim())) {
      ctx.addIssue({ code: "custom", message: DRF_MESSAGES.invalidUuid });
      return z.NEVER;
    }
    return canonicalUuid(id.trim());
  }).openapi({
    description: 'A reference: "<uuid>" or {"id": "<uuid>"}',
    example: { id: "80756b9a-5d95-e211-a939-e4115bead28a" },
  });
}

/**
 * A nested reference as DRF's NestedRelatedField accepts it: `"uuid"` or `{"id": "uuid"}`,
 * parsed to the id. Whether the row exists is checked later (see src/core/references.ts).
 */
export const nestedRef = () => reference(false) as unknown as z.ZodType<string, unknown>;

/** A reference that may be null (DRF `allow_null=True`). */
export const nullableRef = () => reference(true);

/** A list of references (an M2M field): ids, duplicates removed, order kept. */
export function refList() {
  return z.array(nestedRef()).transform((ids) => [...new Set(ids)]);
}

/** A JSON request body for `createRoute` (required: a body-less request validates as `{}`). */
export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return {
    required: true,
    description,
    content: { "application/json": { schema } },
  };
}

/**
 * A `{id}` path parameter: a malformed UUID is a 404, as the original's uuid converter.
 * `guid`, not `uuid`: the reference data's ids predate RFC 4122 version bits.
 */
export const idParam = z.object({
  id: z.guid().openapi({ param: { name: "id", in: "path" } }),
});

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * DRF's DecimalField: a JSON number or numeric string, checked for total digits, decimal
 * places and whole digits as DRF does (so `"1.0"` has one decimal place), parsed to the
 * decimal's text for a `numeric` column.
 */
export function decimalField(options: { maxDigits: number; decimalPlaces: number }) {
  const { maxDigits, decimalPlaces } = options;
  return z.unknown().transform((value, ctx): string => {
    const fail = (message: string) => {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    };
    if (value === undefined) return fail(DRF_MESSAGES.required);
    if (value === null) return fail(DRF_MESSAGES.notNull);
    if (typeof value !== "string" && typeof value !== "number") {
      return fail("A valid number is required.");
    }
    const text = String(value).trim();
    if (text.length > 1000) return fail("String value too large.");
    const m = DECIMAL_RE.exec(text);
    if (!m || (m[2] === "" && (m[3] ?? "") === "")) return fail("A valid number is required.");
    const [, sign, whole, fraction = "", exp = "0"] = m;
    const coefficient = `${whole}${fraction}`.replace(/^0+(?=\d)/, "");
    const exponent = Number(exp) - fraction.length;
    let total: number, places: number;
    if (exponent >= 0) [total, places] = [coefficient.length + exponent, 0];
    else if (coefficient.length > -exponent) [total, places] = [coefficient.length, -exponent];
    else [total, places] = [-exponent, -exponent];
    if (total > maxDigits) {
      return fail(`Ensure that there are no more than ${maxDigits} digits in total.`);
    }
    if (places > decimalPlaces) {
      return fail(`Ensure that there are no more than ${decimalPlaces} decimal places.`);
    }
    if (total - places > maxDigits - decimalPlaces) {
      return fail(
        `Ensure that there are no more than ${
          maxDigits - decimalPlaces
        } digits before the decimal point.`,
      );
    }
    return `${sign}${whole || "0"}${fraction ? `.${fraction}` : ""}e${exp}`;
  }).openapi({ type: "string", example: "1000" }) as unknown as z.ZodType<string, unknown>;
}

/** DRF's IntegerField: an integer, or a string or float holding one, within the bounds. */
export function integerField(options: { min?: number; max?: number } = {}) {
  return z.unknown().transform((value, ctx): number => {
    const fail = (message: string) => {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    };
    if (value === undefined) return fail(DRF_MESSAGES.required);
    if (value === null) return fail(DRF_MESSAGES.notNull);
    const text = typeof value === "number" || typeof value === "string"
      ? String(value).trim().replace(/\.0*$/, "")
      : "";
    if (!/^[+-]?\d+$/.test(text) || text.length > 1000) {
      return fail("A valid integer is required.");
    }
    const n = Number(text);
    if (options.max !== undefined && n > options.max) {
      return fail(`Ensure this value is less than or equal to ${options.max}.`);
    }
    if (options.min !== undefined && n < options.min) {
      return fail(`Ensure this value is greater than or equal to ${options.min}.`);
    }
    return n;
  }).openapi({ type: "integer" }) as unknown as z.ZodType<number, unknown>;
}

/**
 * `{id, name}`: a nested reference as responses render it. `guid`, not `uuid`: the
 * reference data's ids predate RFC 4122 version bits.
 */
export const IdName = z.object({ id: z.guid(), name: z.string() }).openapi("IdName");

/** `{id, name, first_name, last_name}`: a nested adviser (the original's NestedAdviserField). */
export const NestedAdviser = z.object({
  id: z.guid(),
  name: z.string(),
  first_name: z.string(),
  last_name: z.string(),
}).openapi("NestedAdviser");

/** An OpenAPI JSON response: `description`, and the body's schema. */
export const jsonResponse = (description: string, schema: z.ZodType) => ({
  description,
  content: { "application/json": { schema } },
});

/** Year 0 passes ISO patterns but not Python's dates (years 1–9999) nor PostgreSQL's. */
const yearOne = (v: string) => !v.startsWith("0000");

/** DRF's DateField: `YYYY-MM-DD`, years 1–9999. */
export const isoDate = () =>
  z.iso.date().refine(yearOne, {
    message: "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
  });

/** DRF's DateTimeField: ISO 8601 with or without an offset, years 1–9999. */
export const isoDateTime = () =>
  z.iso.datetime({ offset: true, local: true }).refine(yearOne, {
    message:
      "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
  });

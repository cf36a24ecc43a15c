/**
 * Zod building blocks shared by every domain's routes, so a nested reference or a JSON
 * body reads and fails the same way everywhere, in DRF's words.
 */
import { z } from "@hono/zod-openapi";

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

function pythonType(value: unknown): string {
  if (value === null) return "NoneType";
  if (Array.isArray(value)) return "list";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (typeof value === "boolean") return "bool";
  return typeof value;
}

/** A UUID in its canonical lower-case, hyphenated form. */
function canonicalUuid(value: string): string {
  const hex = value.replaceAll("-", "").toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
    hex.slice(20)
  }`;
}

function reference(allowNull: boolean) {
  return z.unknown().transform((value, ctx): string | null => {
    if (value === null) {
      if (allowNull) return null;
      ctx.addIssue({ code: "custom", message: "This field may not be null." });
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
    if (typeof id !== "string" || !UUID_RE.test(id.trim())) {
      ctx.addIssue({ code: "custom", message: "Must be a valid UUID." });
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

/** Loose object schema for documenting responses built in SQL. */
export const jsonObject = z.record(z.string(), z.unknown()).openapi({ type: "object" });

/**
 * A `{id}` path parameter: a malformed UUID is a 404, as the original's uuid converter.
 * `guid`, not `uuid`: the reference data's ids predate RFC 4122 version bits.
 */
export const idParam = z.object({
  id: z.guid().openapi({ param: { name: "id", in: "path" } }),
});

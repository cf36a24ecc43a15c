/**
 * What every request is checked for before any route sees it, so each domain gets the
 * same answer at once:
 * - a body larger than the original's limit (Django's DATA_UPLOAD_MAX_MEMORY_SIZE,
 *   2.5 MB) is refused from its Content-Length, or as soon as a streamed body passes the
 *   limit, never read whole;
 * - a NUL character in a query parameter or anywhere in a JSON body (values or keys) is
 *   DRF's 400 `Null characters are not allowed.` on that field: PostgreSQL cannot store it;
 * - JSON nested deeper than Python's recursion limit is the parse error the original gives.
 * The body read here is kept for the route (Hono's body cache), byte for byte, so a Hawk
 * payload hash sees exactly what the client sent.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./context.ts";
import {
  ApiError,
  type FieldErrors,
  mergeErrors,
  NULL_CHARACTER,
  ValidationError,
} from "./errors.ts";

/** Django's default DATA_UPLOAD_MAX_MEMORY_SIZE (the original keeps it). */
export const MAX_BODY_BYTES = 2_621_440;
/** Python's default recursion limit, which bounds what its JSON parser reads. */
export const MAX_JSON_DEPTH = 1000;

export const bodyTooLarge = () =>
  new ApiError(413, { detail: "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE." });

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;

/** The body's bytes, or a 413 once they pass `max` (the rest is not read). */
async function readBounded(request: Request, max: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > max) throw bodyTooLarge();
  const reader = request.body!.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw bodyTooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/** Field errors (DRF-nested, list items by index) for every NUL in `value`. */
function nullCharacters(value: unknown): FieldErrors | "too deep" {
  const errors: FieldErrors = {};
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (path.length > MAX_JSON_DEPTH) return "too deep";
    if (typeof value === "string") {
      if (value.includes("\0")) addAt(errors, path);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, path: [...path, String(i)] }));
    } else if (value && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes("\0")) addAt(errors, [...path, key.replaceAll("\0", "")]);
        else stack.push({ value: item, path: [...path, key] });
      }
    }
  }
  return errors;
}

function addAt(errors: FieldErrors, path: string[]) {
  let node: FieldErrors = { [path.at(-1) ?? "non_field_errors"]: [NULL_CHARACTER] };
  for (let i = path.length - 2; i >= 0; i--) node = { [path[i]]: node };
  mergeErrors(errors, node);
}

export const requestGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  // A NUL reaches a request's URL only percent-encoded: most requests parse nothing here.
  if (c.req.url.includes("%00")) {
    const errors: FieldErrors = {};
    for (const [key, value] of new URL(c.req.url).searchParams) {
      if (key.includes("\0") || value.includes("\0")) {
        mergeErrors(errors, {
          [key.replaceAll("\0", "") || "non_field_errors"]: [NULL_CHARACTER],
        });
      }
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);
  }
  if (!c.req.raw.body) return await next();

  const bytes = await readBounded(c.req.raw, MAX_BODY_BYTES);
  // Hono keeps promises in its body cache (its type says otherwise).
  (c.req.bodyCache as Record<string, unknown>).arrayBuffer = Promise.resolve(bytes.buffer);
  if (JSON_TYPE.test((c.req.header("content-type") ?? "").split(";")[0].trim())) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      return await next(); // the route reports the parse error in DRF's words
    }
    const found = nullCharacters(parsed);
    if (found === "too deep") {
      throw new ApiError(400, {
        detail:
          "JSON parse error - maximum recursion depth exceeded while decoding a JSON document",
      });
    }
    if (Object.keys(found).length) throw new ValidationError(found);
  }
  await next();
};

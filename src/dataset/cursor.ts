/**
 * Dataset cursors, opaque as DRF's (base64 of a query string: `p` the position, `r=1`
 * for a previous page), but keyed on the whole ordering instead of DRF's first column
 * plus an offset: `p` holds the first key of the row the page starts after, `i` the
 * second and `k` any third, so every page is an index range scan however deep it is. A cursor that does
 * not decode to values of the ordering's types is a 400 `Invalid cursor`.
 */
import { ApiError } from "../http/errors.ts";
import type { CursorKey } from "./dataset.ts";

export interface Cursor {
  /** The ordering's values of the row the page starts after (before, when reversed). */
  position: string[];
  reverse: boolean;
}

export const invalidCursor = () => new ApiError(400, { detail: "Invalid cursor" });

const KEYS = ["p", "i", "k"];

export function encodeCursor(cursor: Cursor): string {
  const params = new URLSearchParams();
  if (cursor.reverse) params.set("r", "1");
  cursor.position.forEach((value, n) => params.set(KEYS[n], value));
  return btoa(params.toString());
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})T\d{2}:[0-5]\d:[0-5]\d(\.\d{1,6})?Z$/;

/** Whether `value` is a value PostgreSQL accepts as `type` (so a bad one never reaches it). */
export function validKeyValue(type: CursorKey["type"], value: string): boolean {
  switch (type) {
    case "uuid":
      return UUID.test(value);
    case "bigint":
      return /^-?\d{1,18}$/.test(value);
    case "timestamptz": {
      const match = TIMESTAMP.exec(value);
      if (!match) return false;
      const parsed = new Date(value);
      // Rejects days that do not exist (2021-02-30), which Date would roll over.
      return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === match[1];
    }
  }
}

export function decodeCursor(raw: string, ordering: CursorKey[]): Cursor {
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(atob(raw));
  } catch {
    throw invalidCursor();
  }
  const position = ordering.map((_key, n) => params.get(KEYS[n]) ?? "");
  if (!ordering.every((key, n) => validKeyValue(key.type, position[n]))) throw invalidCursor();
  const r = params.get("r");
  if (r !== null && r !== "0" && r !== "1") throw invalidCursor();
  return { position, reverse: r === "1" };
}

/**
 * The original's activity cursor: `?cursor=<modified_on>&cursor=<id>` (the last item's
 * timestamp and id), or, for clients carrying on from before that, DRF's base64 cursor
 * whose `p` is a timestamp. Values are checked here, so a malformed or tampered cursor
 * is a 400 `Invalid cursor` and never reaches PostgreSQL.
 */
import { ApiError } from "../http/errors.ts";

export interface ActivityCursor {
  after: string;
  afterId: string;
}

export const START: ActivityCursor = {
  after: "0001-01-01 00:00:00.000000+00:00",
  afterId: "00000000-0000-0000-0000-000000000000",
};

const invalidCursor = () => new ApiError(400, { detail: "Invalid cursor" });

// Python's datetime.fromisoformat, as far as clients use it: a date, or a date and time
// (T or space) with optional fraction and offset; naive times are UTC.
const TIMESTAMP =
  /^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:[0-5]\d(?::[0-5]\d(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const UUID = /^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i;

function validTimestamp(value: string): boolean {
  const match = TIMESTAMP.exec(value);
  if (!match) return false;
  const [year, month, day] = match[1].split("-").map(Number);
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return year > 0 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** DRF's old cursor: base64 of a query string with the position in `p`. */
function legacyPosition(value: string): string | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return null;
  try {
    return new URLSearchParams(atob(value)).get("p");
  } catch {
    return null;
  }
}

export function readActivityCursor(values: string[]): ActivityCursor {
  if (values.length === 0) return START;
  const legacy = legacyPosition(values[0]);
  if (legacy !== null) {
    if (!validTimestamp(legacy)) throw invalidCursor();
    return { after: legacy, afterId: START.afterId };
  }
  if (values.length !== 2) throw invalidCursor();
  const [after, afterId] = values;
  if (!validTimestamp(after) || !UUID.test(afterId)) throw invalidCursor();
  return { after, afterId };
}

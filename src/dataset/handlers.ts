/** Dataset pages: parse the cursor and page size, read one keyset range, link the next. */
import type { Context } from "hono";
import type { App, AppEnv } from "../http/context.ts";
import { absoluteUrl } from "../http/pagination.ts";
import { ApiError } from "../http/errors.ts";
import { CREATED_ON_ID, type Dataset } from "./dataset.ts";
import { type Cursor, decodeCursor, encodeCursor } from "./cursor.ts";
import { datasetRoute } from "./routes.ts";
import { datasetRows } from "./queries.ts";

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 10_000;

/** DRF's page_size: a positive integer, cut to the maximum; anything else the default. */
function pageSize(raw: string | undefined): number {
  if (raw === undefined || !/^\s*\+?\d+\s*$/.test(raw)) return DEFAULT_PAGE_SIZE;
  const n = Number(raw);
  return n <= 0 ? DEFAULT_PAGE_SIZE : Math.min(n, MAX_PAGE_SIZE);
}

/** The original's parse_date of `updated_since`: blank or "null" is no filter. */
function updatedSince(raw: string | undefined): string | null {
  if (!raw || raw.trim().toLowerCase() === "null") return null;
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(raw);
  if (match) {
    const [year, month, day] = match.slice(1).map(Number);
    const date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCFullYear() === year && date.getUTCDate() === day && year > 0) {
      return date.toISOString().slice(0, 10);
    }
  }
  throw new ApiError(400, ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]);
}

function link(c: Context<AppEnv>, cursor: Cursor): string {
  const url = absoluteUrl(c);
  url.searchParams.set("cursor", encodeCursor(cursor));
  return url.toString();
}

export function registerDatasetRoutes(app: App, datasets: Dataset[]) {
  for (const dataset of datasets) {
    const ordering = dataset.ordering ?? CREATED_ON_ID;
    app.openapi(datasetRoute(dataset), async (c) => {
      const raw = c.req.query("cursor");
      const cursor = raw ? decodeCursor(raw, ordering) : null;
      const size = pageSize(c.req.query("page_size"));
      const since = dataset.updatedSince ? updatedSince(c.req.query("updated_since")) : null;
      const where = dataset.where?.(c.var.db, (name) => c.req.query(name)) ?? null;
      const read = await datasetRows(c.var.db, dataset, {
        cursor,
        size,
        updatedSince: since,
        where,
        context: { frontendBaseUrl: c.var.deps.config.DATAHUB_FRONTEND_BASE_URL },
      });
      const more = read.length > size;
      const page = read.slice(0, size);
      if (cursor?.reverse) page.reverse();
      const first = page[0], last = page[page.length - 1];
      const reverse = cursor?.reverse ?? false;
      // Forward: more rows ahead give `next`; a cursor means rows behind, so `previous`.
      // Reversed: we came from a page ahead, so `next`; more rows behind give `previous`.
      const next = last && (reverse || more)
        ? link(c, { position: last.keys, reverse: false })
        : null;
      const previous = first && (reverse ? more : cursor !== null)
        ? link(c, { position: first.keys, reverse: true })
        : null;
      const render = dataset.enrich?.render ?? ((row) => row);
      return c.json({ next, previous, results: page.map((r) => render(r.row)) }, 200);
    });
  }
}

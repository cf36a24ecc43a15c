/** The export country history search: validate as the original's serializer, page, render. */
import type { App, Handler } from "../http/context.ts";
import { nonFieldError, ValidationError, zodToFieldErrors } from "../http/errors.ts";
import { clipPage, type SearchDocument } from "../search/app.ts";
import { interactionSearchApp } from "../interaction/search.ts";
import * as routes from "./routes.ts";
import * as q from "./queries.ts";

/** The interaction document's keys the original's view returns (its `fields_to_include`). */
const INTERACTION_FIELDS = [
  "company",
  "contacts",
  "date",
  "dit_participants",
  "export_countries",
  "id",
  "kind",
  "service",
  "subject",
];

const pick = (doc: SearchDocument, keys: string[]) =>
  Object.fromEntries(keys.filter((k) => k in doc).map((k) => [k, doc[k]]));

const searchExportCountryHistory: Handler<typeof routes.searchExportCountryHistory> = async (
  c,
) => {
  const body = (await c.req.json().catch(() => ({}))) ?? {};
  const raw: Record<string, unknown> = typeof body === "object" && !Array.isArray(body)
    ? { ...body }
    : {};
  // As every search view: legacy paging parameters may come in the query string.
  for (const key of ["limit", "offset"] as const) {
    const fromQuery = c.req.query(key);
    if (raw[key] === undefined && fromQuery !== undefined) raw[key] = fromQuery;
  }
  const parsed = routes.timelineBody.safeParse(raw);
  if (!parsed.success) throw new ValidationError(zodToFieldErrors(parsed.error.issues, raw));
  const data = parsed.data;
  if (data.company === undefined && data.country === undefined) {
    throw nonFieldError("Request must include either country or company parameters");
  }
  const db = c.var.db;
  const { count, hits } = await q.timelinePage(db, {
    companies: data.company,
    countries: data.country,
    order: data.sortby ?? "desc",
    ...clipPage(data.offset, data.limit),
  });
  const ofSource = (source: q.TimelineHit["source"]) =>
    hits.filter((h) => h.source === source).map((h) => h.id);
  const [history, interactions] = await Promise.all([
    q.historyDocuments(db, ofSource("history")),
    interactionSearchApp.build(db, ofSource("interaction")),
  ]);
  const byId = new Map<string, Record<string, unknown>>([
    ...history.map((d) => [d.id, d] as const),
    ...interactions.map((d) => [d.id, pick(d, INTERACTION_FIELDS)] as const),
  ]);
  const results = hits.map((h) => byId.get(h.id)).filter((d) => d !== undefined);
  return c.json({ count, results }, 200);
};

export function registerExportCountryHistoryRoutes(app: App) {
  app.openapi(routes.searchExportCountryHistory, searchExportCountryHistory);
}

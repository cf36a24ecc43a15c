/**
 * EYB lead handlers: the current leads, one lead with its audit log (as the original's
 * AuditLogField, unpaged) and ranges formatted for display, and the paged audit route.
 */
import type { App } from "../http/context.ts";
import type { Db } from "../db/pool.ts";
import { notFound } from "../http/errors.ts";
import { paginate, readPage } from "../http/pagination.ts";
import { parseUuid } from "../http/filter_values.ts";
import { registerAudit } from "../core/audit.ts";
import { auditLog } from "../core/versions.ts";
import { leadRoutes as r } from "./routes.ts";
import * as q from "./queries.ts";
import { formatCurrencyRange } from "./rules.ts";

/** A repeatable query parameter's values. */
const all = (url: string, name: string) => new URL(url).searchParams.getAll(name);

/** UUIDs of a repeatable filter; a filter of only bad ids matches nothing. */
function uuids(values: string[]): string[] {
  if (!values.length) return [];
  const parsed = values.map(parseUuid).filter((v): v is string => v !== null);
  return parsed.length ? parsed : ["00000000-0000-0000-0000-000000000000"];
}

const VALUES: Record<string, boolean | null> = { high: true, low: false, unknown: null };

async function present(db: Db, lead: q.LeadJson) {
  // The whole log, unpaged, as the original's AuditLogField.
  const { results } = await auditLog(db, q.leadEntity, String(lead.id), {
    limit: 1_000_000,
    offset: 0,
  });
  return {
    ...lead,
    hiring: formatCurrencyRange(String(lead.hiring ?? ""), ""),
    spend: formatCurrencyRange(String(lead.spend ?? "")),
    audit_log: results,
  };
}

export function registerLeadRoutes(app: App) {
  app.openapi(r.list, async (c) => {
    const query = c.req.valid("query");
    // Given values that are all unknown words match nothing, as the original's `__in=[]`.
    const rawValues = all(c.req.url, "value");
    const values = rawValues.map((v) => v.toLowerCase().trim()).filter((v) => v in VALUES);
    const page = readPage(c);
    const result = await q.listLeads(c.var.db, {
      filters: {
        overseasRegions: uuids(all(c.req.url, "overseas_region")),
        countries: uuids(all(c.req.url, "country")),
        company: query.company || undefined,
        sectors: uuids(all(c.req.url, "sector")),
        values: rawValues.length ? values.map((v) => VALUES[v]) : undefined,
      },
      sortby: query.sortby,
      page,
    });
    const results = [];
    for (const lead of result.results) results.push(await present(c.var.db, lead));
    return c.json(paginate(c, page, result.count, results) as never, 200);
  });

  app.openapi(r.get, async (c) => {
    const { id } = c.req.valid("param");
    const lead = await q.findLead(c.var.db, id);
    if (!lead) throw notFound("EYBLead");
    return c.json(await present(c.var.db, lead) as never, 200);
  });

  registerAudit(app, r.audit, { entity: q.leadEntity, model: "EYBLead" });
}

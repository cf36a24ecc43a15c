/**
 * All SQL of the export country history timeline: the company's export country history
 * entries and its interactions that discussed export countries, in one date order (the
 * original searches both indexes at once; the two tables answer the same question).
 */
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";
import { adviserName, documentDatetime, jsonObject, ref } from "../core/render.ts";
import type { SearchDocument } from "../search/app.ts";

export interface TimelineQuery {
  companies?: string[];
  countries?: string[];
  order: "asc" | "desc";
  offset: number;
  limit: number;
}

export interface TimelineHit {
  id: string;
  source: "history" | "interaction";
}

function hits(db: Db, q: TimelineQuery): Fragment {
  const { companies, countries } = q;
  const historyCompany = companies ? db`and h.company_id = any(${companies}::uuid[])` : db``;
  const historyCountry = countries ? db`and h.country_id = any(${countries}::uuid[])` : db``;
  const interactionCompany = companies ? db`and i.company_id = any(${companies}::uuid[])` : db``;
  const interactionCountry = countries
    ? db`and exists (select 1 from interaction_interactionexportcountry ec
        where ec.interaction_id = i.id and ec.country_id = any(${countries}::uuid[]))`
    : db``;
  return db`(
    select h.history_id as id, h.history_date as date, 'history' as source
    from company_companyexportcountryhistory h where true ${historyCompany} ${historyCountry}
    union all
    select i.id, i.date, 'interaction' from interaction_interaction i
    where i.were_countries_discussed ${interactionCompany} ${interactionCountry})`;
}

/** One page of the timeline and the number of entries; undated entries sort as missing. */
export async function timelinePage(
  db: Db,
  q: TimelineQuery,
): Promise<{ count: number; hits: TimelineHit[] }> {
  // As the original's sort: missing dates last when descending, first when ascending.
  const order = q.order === "desc"
    ? db`order by t.date desc nulls last, t.id desc`
    : db`order by t.date asc nulls first, t.id`;
  const [{ count }] = await db<{ count: number }[]>`
    select count(*)::int as count from ${hits(db, q)} t`;
  const rows = count > q.offset
    ? await db<TimelineHit[]>`
      select t.id::text, t.source from ${hits(db, q)} t ${order}
      limit ${q.limit} offset ${q.offset}`
    : [];
  return { count, hits: rows };
}

/** History entries as the original's ExportCountryHistory documents, by history id. */
export async function historyDocuments(db: Db, ids: string[]): Promise<SearchDocument[]> {
  const doc = jsonObject(db, [
    ["company", ref(db, "company_company", db`h.company_id`)],
    ["country", ref(db, "metadata_country", db`h.country_id`)],
    ["date", documentDatetime(db, db`h.history_date`)],
    ["history_date", documentDatetime(db, db`h.history_date`)],
    ["history_type", db`h.history_type`],
    [
      "history_user",
      db`(select jsonb_build_object('id', a.id, 'name', ${adviserName(db, "a")})
        from company_advisor a where a.id = h.history_user_id)`,
    ],
    ["id", db`h.history_id`],
    ["status", db`h.status`],
  ]);
  const rows = await db<{ doc: SearchDocument }[]>`
    select ${doc} as doc from company_companyexportcountryhistory h
    where h.history_id = any(${ids}::uuid[])`;
  return rows.map((r) => r.doc);
}

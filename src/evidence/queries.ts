/** All SQL of evidence documents (`evidence_evidencedocument` and its tags). */
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";
import { adviser, datetime, jsonObject } from "../core/render.ts";
import { documentStateFields } from "../documents/kit.ts";
import { projectLinkJson } from "../investment/queries.ts";

export const TAGS = {
  table: "evidence_evidencedocument_tags",
  source: "evidencedocument_id",
  target: "evidencetag_id",
};

/** An evidence document aliased `d` as EvidenceDocumentSerializer renders it. */
export function evidenceDocumentJson(sql: Db): Fragment {
  return jsonObject(sql, [
    ["id", sql`d.id`],
    [
      "tags",
      sql`(select coalesce(jsonb_agg(jsonb_build_object('id', t.id, 'name', t.name)
          order by t.name, t.id), '[]'::jsonb)
        from evidence_evidencedocument_tags dt
        join evidence_evidencetag t on t.id = dt.evidencetag_id
        where dt.evidencedocument_id = d.id)`,
    ],
    ["comment", sql`d.comment`],
    ["created_by", adviser(sql, sql`d.created_by_id`)],
    ["created_on", datetime(sql, sql`d.created_on`)],
    ["modified_by", adviser(sql, sql`d.modified_by_id`)],
    ["modified_on", datetime(sql, sql`d.modified_on`)],
    ["investment_project", projectLinkJson(sql, sql`d.investment_project_id`)],
    ["original_filename", sql`d.original_filename`],
    [
      "url",
      sql`format('/v3/investment/%s/evidence-document/%s/download',
        d.investment_project_id, d.id)`,
    ],
    ...documentStateFields(sql, sql`d.document_id`),
  ]);
}

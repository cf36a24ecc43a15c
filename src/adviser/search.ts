/**
 * The adviser search app (`POST /v4/search/adviser`, global search): the original's
 * `datahub/search/adviser` document, filters and permission, declared once.
 */
import {
  bool,
  defineSearchApp,
  ids,
  match,
  partialText,
  queryBuilder,
  str,
} from "../search/app.ts";
import { boolean, idName, keyword, text, textKeywordTrigram } from "../search/mapping.ts";
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";
import { IdName } from "../http/schemas.ts";
import { z } from "@hono/zod-openapi";

// Response schemas (named components of the OpenAPI document).

export const AdviserSearchResult = z.object({
  id: z.guid(),
  name: z.string(),
  dit_team: IdName.nullable(),
  is_active: z.boolean(),
  last_name: z.string(),
  first_name: z.string(),
}).openapi("AdviserSearchResult");

/** Documents `{id, first_name, last_name, name, is_active, dit_team}` of these advisers. */
function adviserDocuments(db: Db, ids: string[]): Fragment {
  return db`
    select to_jsonb(r) as doc from (
      select a.id::text as id, a.first_name, a.last_name,
             concat_ws(' ', nullif(a.first_name, ''), nullif(a.last_name, '')) as name,
             a.is_active,
             case when t.id is null then null
                  else json_build_object('id', t.id, 'name', t.name) end as dit_team
      from company_advisor a
      left join metadata_team t on t.id = a.dit_team_id
      where a.id = any(${ids}::uuid[])
    ) r`;
}

export const adviserSearchApp = defineSearchApp({
  result: AdviserSearchResult,
  name: "adviser",
  path: "/v4/search/adviser",
  plural: "Advisers",
  table: "company_advisor",
  global: true,
  viewPermissions: ["company.view_advisor"],
  mapping: {
    id: keyword(),
    first_name: textKeywordTrigram(),
    last_name: textKeywordTrigram(),
    name: text(),
    dit_team: idName(),
    is_active: boolean(),
  },
  searchFields: [
    "id",
    "first_name",
    "first_name.trigram",
    "last_name",
    "last_name.trigram",
    "is_active",
    "name",
  ],
  primaryTextFields: ["name", "first_name", "last_name"],
  filters: {
    id: ids("id"),
    first_name: partialText("first_name"),
    last_name: partialText("last_name"),
    name: match("name", str()),
    is_active: match("is_active", bool()),
    dit_team: ids("dit_team.id"),
  },
  ...queryBuilder(adviserDocuments),
});

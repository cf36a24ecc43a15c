/**
 * OpenSearch index bodies and query DSL, as the original builds them
 * (`datahub/search/models.py`, `query_builder.py`). Pure functions, unit-tested without
 * a cluster; src/search/opensearch.ts sends what these return.
 *
 * Deliberate differences from the original (see search-and-jobs.md A6, A11):
 * - free-text field lists keep only text and keyword fields, so a word never meets a
 *   boolean or date field (the original fails to parse or relies on leniency);
 * - the global aggregation asks for one bucket per registered app, not the default 10.
 */
import type { Condition, EntityQuery, SearchApp } from "./app.ts";
import { ANALYSIS, type Mapping, resolveField } from "./mapping.ts";
import type { GlobalQuery } from "./backend.ts";
import { sha256Hex } from "../crypto.ts";

// deno-lint-ignore no-explicit-any -- DSL is free-form JSON
export type Dsl = Record<string, any>;

/** Stored in every document for global search's per-type filter and aggregation. */
export const DOCUMENT_TYPE = "_document_type";

/** The index mapping: the app's fields plus `_document_type`, unmapped keys not indexed. */
export function indexMapping(app: SearchApp): Dsl {
  return {
    dynamic: "false",
    properties: { ...app.mapping, [DOCUMENT_TYPE]: { type: "keyword" } },
  };
}

/** Index creation body: analysis settings, mapping and (optionally) aliases. */
export function indexBody(app: SearchApp, aliases: string[] = []): Dsl {
  return {
    settings: { analysis: ANALYSIS },
    mappings: indexMapping(app),
    ...(aliases.length ? { aliases: Object.fromEntries(aliases.map((a) => [a, {}])) } : {}),
  };
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * 32 hex characters identifying the mapping (sorted-key compact JSON). The original
 * uses BLAKE2b-128; we use SHA-256 truncated to the same length, since our indices are
 * not shared with the Python service. As there, analysis changes alone do not change it.
 */
export async function mappingHash(app: SearchApp): Promise<string> {
  return (await sha256Hex(canonical(indexMapping(app)))).slice(0, 32);
}

export interface IndexNames {
  prefix: string;
  read: string;
  write: string;
}

export function indexNames(indexPrefix: string, app: SearchApp): IndexNames {
  const prefix = `${indexPrefix}-${app.name}-`;
  return { prefix, read: `${prefix}read`, write: `${prefix}write` };
}

/** A condition tree as a filter query. */
export function conditionDsl(c: Condition): Dsl {
  if ("none" in c) return { match_none: {} };
  if ("not" in c) return { bool: { must_not: [conditionDsl(c.not)] } };
  if ("or" in c) return { bool: { should: c.or.map(conditionDsl), minimum_should_match: 1 } };
  if ("and" in c) return { bool: { must: c.and.map(conditionDsl) } };
  if ("match" in c) return { match: { [c.match]: { query: c.value, operator: "and" } } };
  if ("range" in c) {
    const bounds: Dsl = {};
    if (c.gte !== undefined) bounds.gte = c.gte;
    if (c.lte !== undefined) bounds.lte = c.lte;
    return { range: { [c.range]: bounds } };
  }
  const exists = { exists: { field: c.exists } };
  return { bool: c.present ? { must: exists } : { must_not: exists } };
}

const TEXT_KINDS = new Set(["keyword", "folded", "text", "trigram", "postcode"]);

function textFields(mapping: Mapping, fields: string[]): string[] {
  return fields.filter((f) => TEXT_KINDS.has(resolveField(mapping, f).kind));
}

/** Entity search free text (`_build_basic_term_query`). */
export function basicTermQuery(term: string, fields: string[]): Dsl {
  return {
    bool: {
      should: [
        { match: { "name.keyword": { query: term, boost: 2 } } },
        { multi_match: { query: term, fields, type: "cross_fields", operator: "and" } },
      ],
    },
  };
}

/** Global search free text (`_build_fuzzy_term_query`); `match_all` for a blank term. */
export function fuzzyTermQuery(term: string, fields: string[]): Dsl {
  if (term === "") return { match_all: {} };
  const fuzzy = fields.filter((f) => f.endsWith(".trigram")).map((f) => ({
    match: {
      [f.replaceAll(".trigram", "")]: {
        query: term,
        fuzziness: "AUTO",
        operator: "AND",
        prefix_length: "2",
        minimum_should_match: "80%",
      },
    },
  }));
  return {
    bool: {
      should: [
        { match: { "name.keyword": { query: term, boost: 10 } } },
        ...fuzzy,
        { multi_match: { query: term, fields, type: "cross_fields", operator: "and", boost: 4 } },
      ],
      must_not: [{ match: { archived: true } }],
    },
  };
}

function sourceExcludes(apps: SearchApp[]): string[] {
  return [...new Set([DOCUMENT_TYPE, ...apps.flatMap((a) => a.excludeFromResults ?? [])])];
}

/** The `_search` body of an entity search (`get_search_by_entities_query`). */
export function entitySearchBody(query: EntityQuery): Dsl {
  const { app } = query;
  const filter: Dsl[] = [];
  if (query.scope) filter.push(conditionDsl(query.scope));
  filter.push({ bool: { must: query.filters.map(conditionDsl) } });
  return {
    query: {
      bool: {
        must: query.term === ""
          ? []
          : [basicTermQuery(query.term, textFields(app.mapping, app.searchFields))],
        filter,
      },
    },
    sort: query.sort
      ? [
        {
          [query.sort.field]: {
            order: query.sort.order,
            missing: query.sort.order === "desc" ? "_last" : "_first",
          },
        },
        "id",
      ]
      : ["_score", "id"],
    from: query.offset,
    size: query.limit,
    track_total_hits: true,
    _source: { excludes: sourceExcludes([app]) },
  };
}

/** The union of the global apps' free-text fields (sorted, without `archived`). */
export function globalFields(apps: SearchApp[]): string[] {
  const fields = new Set(apps.flatMap((a) => textFields(a.mapping, a.searchFields)));
  fields.delete("archived");
  return [...fields].sort();
}

/** The `_search` body of `GET /v3/search` (`get_basic_search_query`, fuzzy). */
export function globalSearchBody(query: GlobalQuery): Dsl {
  const allGlobal = query.apps;
  const permission = query.permitted.length
    ? {
      bool: {
        should: query.permitted.map(({ app, scope }) => {
          const type = { term: { [DOCUMENT_TYPE]: app.name } };
          return scope ? { bool: { must: [type, conditionDsl(scope)] } } : type;
        }),
      },
    }
    : { match_none: {} };
  return {
    query: {
      bool: {
        must: [fuzzyTermQuery(query.term, globalFields(allGlobal))],
        filter: [permission],
      },
    },
    post_filter: { bool: { should: [{ term: { [DOCUMENT_TYPE]: query.entity } }] } },
    aggs: {
      count_by_type: { terms: { field: DOCUMENT_TYPE, size: Math.max(allGlobal.length, 1) } },
    },
    sort: ["_score", "id"],
    from: query.offset,
    size: query.limit,
    track_total_hits: true,
    _source: { excludes: sourceExcludes(allGlobal) },
  };
}

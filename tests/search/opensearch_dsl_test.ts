/** The OpenSearch mapping and query DSL generated from the declarations (no cluster). */
import assert from "node:assert/strict";
import { adviserSearchApp } from "../../src/adviser/search.ts";
import { compileFilters, type EntityQuery, parseSortby } from "../../src/search/app.ts";
import {
  conditionDsl,
  entitySearchBody,
  fuzzyTermQuery,
  globalFields,
  globalSearchBody,
  indexBody,
  indexMapping,
  indexNames,
  mappingHash,
} from "../../src/search/opensearch_dsl.ts";

const NK = { type: "keyword", normalizer: "lowercase_asciifolding_normalizer" };
const TRI = { type: "text", analyzer: "trigram_analyzer" };
const TEAM = "00000000-0000-4000-8000-000000000001";

Deno.test("OpenSearch mapping and query DSL", async (t) => {
  await t.step("adviser mapping is the original's", () => {
    assert.deepEqual(indexMapping(adviserSearchApp), {
      dynamic: "false",
      properties: {
        id: { type: "keyword" },
        first_name: { type: "text", fields: { keyword: NK, trigram: TRI } },
        last_name: { type: "text", fields: { keyword: NK, trigram: TRI } },
        name: { type: "text" },
        dit_team: { type: "object", properties: { id: { type: "keyword" }, name: NK } },
        is_active: { type: "boolean" },
        _document_type: { type: "keyword" },
      },
    });
    const body = indexBody(adviserSearchApp, ["p-adviser-read", "p-adviser-write"]);
    assert.deepEqual(Object.keys(body.settings.analysis.analyzer).sort(), [
      "english_analyzer",
      "postcode_analyzer_v2",
      "postcode_search_analyzer_v2",
      "trigram_analyzer",
    ]);
    assert.deepEqual(body.aliases, { "p-adviser-read": {}, "p-adviser-write": {} });
    assert.deepEqual(indexNames("p", adviserSearchApp), {
      prefix: "p-adviser-",
      read: "p-adviser-read",
      write: "p-adviser-write",
    });
  });

  await t.step("the mapping hash is 32 hex characters and follows the mapping", async () => {
    const hash = await mappingHash(adviserSearchApp);
    assert.match(hash, /^[0-9a-f]{32}$/);
    assert.equal(await mappingHash(adviserSearchApp), hash);
    const changed = {
      ...adviserSearchApp,
      mapping: { ...adviserSearchApp.mapping, name: { type: "keyword" as const } },
    };
    assert.notEqual(await mappingHash(changed), hash);
  });

  await t.step("conditions: lists OR, null is missing, exists, ranges", async () => {
    const filters = await compileFilters(adviserSearchApp, {
      id: [TEAM],
      first_name: "Ann",
      dit_team: [TEAM, TEAM],
      is_active: true,
    }, { db: null as never });
    assert.deepEqual(filters.map(conditionDsl), [
      { match: { id: { query: TEAM, operator: "and" } } },
      {
        bool: {
          should: [
            { match: { first_name: { query: "Ann", operator: "and" } } },
            { match: { "first_name.trigram": { query: "Ann", operator: "and" } } },
          ],
          minimum_should_match: 1,
        },
      },
      { match: { is_active: { query: true, operator: "and" } } },
      {
        bool: {
          should: [
            { match: { "dit_team.id": { query: TEAM, operator: "and" } } },
            { match: { "dit_team.id": { query: TEAM, operator: "and" } } },
          ],
          minimum_should_match: 1,
        },
      },
    ]);
    assert.deepEqual(conditionDsl({ exists: "dit_team", present: false }), {
      bool: { must_not: { exists: { field: "dit_team" } } },
    });
    assert.deepEqual(conditionDsl({ range: "date", gte: "2024-01-01" }), {
      range: { date: { gte: "2024-01-01" } },
    });
    assert.deepEqual(conditionDsl({ none: true }), { match_none: {} });
    assert.deepEqual(conditionDsl({ not: { match: "created_by.id", value: "x" } }), {
      bool: { must_not: [{ match: { "created_by.id": { query: "x", operator: "and" } } }] },
    });
  });

  await t.step("entity search body: term, filters, scope, sort, paging, source", () => {
    const query: EntityQuery = {
      app: { ...adviserSearchApp, sortby: { name: "first_name.keyword" } },
      term: "ann",
      filters: [{ match: "is_active", value: true }],
      scope: { match: "dit_team.id", value: TEAM },
      sort: null,
      offset: 20,
      limit: 10,
    };
    query.sort = parseSortby(query.app, "name:desc");
    assert.deepEqual(entitySearchBody(query), {
      query: {
        bool: {
          must: [{
            bool: {
              should: [
                { match: { "name.keyword": { query: "ann", boost: 2 } } },
                {
                  multi_match: {
                    query: "ann",
                    // is_active is left out: a word never meets a boolean field
                    fields: [
                      "id",
                      "first_name",
                      "first_name.trigram",
                      "last_name",
                      "last_name.trigram",
                      "name",
                    ],
                    type: "cross_fields",
                    operator: "and",
                  },
                },
              ],
            },
          }],
          filter: [
            { match: { "dit_team.id": { query: TEAM, operator: "and" } } },
            { bool: { must: [{ match: { is_active: { query: true, operator: "and" } } }] } },
          ],
        },
      },
      sort: [{ "first_name.keyword": { order: "desc", missing: "_last" } }, "id"],
      from: 20,
      size: 10,
      track_total_hits: true,
      _source: { excludes: ["_document_type"] },
    });
    const blank = entitySearchBody({ ...query, term: "", sort: null, scope: null });
    assert.deepEqual(blank.query.bool.must, []);
    assert.deepEqual(blank.sort, ["_score", "id"]);
  });

  await t.step("global search: fuzzy trigram parents, boosts, permissions, counts", () => {
    assert.deepEqual(fuzzyTermQuery("", ["name"]), { match_all: {} });
    const fuzzy = fuzzyTermQuery("ann", ["first_name", "first_name.trigram"]);
    assert.deepEqual(fuzzy.bool.should, [
      { match: { "name.keyword": { query: "ann", boost: 10 } } },
      {
        match: {
          first_name: {
            query: "ann",
            fuzziness: "AUTO",
            operator: "AND",
            prefix_length: "2",
            minimum_should_match: "80%",
          },
        },
      },
      {
        multi_match: {
          query: "ann",
          fields: ["first_name", "first_name.trigram"],
          type: "cross_fields",
          operator: "and",
          boost: 4,
        },
      },
    ]);
    assert.deepEqual(fuzzy.bool.must_not, [{ match: { archived: true } }]);
    assert.ok(!globalFields([adviserSearchApp]).includes("is_active"));

    const body = globalSearchBody({
      apps: [adviserSearchApp],
      permitted: [{ app: adviserSearchApp, scope: null }],
      entity: "adviser",
      term: "ann",
      offset: 0,
      limit: 5,
    });
    assert.deepEqual(body.query.bool.filter, [{
      bool: { should: [{ term: { _document_type: "adviser" } }] },
    }]);
    assert.deepEqual(body.post_filter, {
      bool: { should: [{ term: { _document_type: "adviser" } }] },
    });
    assert.deepEqual(body.aggs, {
      count_by_type: { terms: { field: "_document_type", size: 1 } },
    });
    const none = globalSearchBody({
      apps: [adviserSearchApp],
      permitted: [],
      entity: "adviser",
      term: "",
      offset: 0,
      limit: 5,
    });
    assert.deepEqual(none.query.bool.filter, [{ match_none: {} }]);
  });
});

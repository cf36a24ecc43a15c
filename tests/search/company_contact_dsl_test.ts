/** OpenSearch mappings and query DSL of the company and contact apps (no cluster). */
import assert from "node:assert/strict";
import { companySearchApp, GLOBAL_HQ } from "../../src/company/search.ts";
import { contactSearchApp } from "../../src/contact/search.ts";
import { adviserSearchApp } from "../../src/adviser/search.ts";
import { compileFilters, type EntityQuery, parseSortby } from "../../src/search/app.ts";
import {
  conditionDsl,
  entitySearchBody,
  globalFields,
  globalSearchBody,
  indexMapping,
} from "../../src/search/opensearch_dsl.ts";

const NK = { type: "keyword", normalizer: "lowercase_asciifolding_normalizer" };
const TRI = { type: "text", analyzer: "trigram_analyzer" };
const TT = { type: "text", fields: { trigram: TRI } };
const ID = "00000000-0000-4000-8000-000000000001";
const noDb = { db: null as never };

Deno.test("company and contact OpenSearch mappings and DSL", async (t) => {
  await t.step("company mapping: the original's field types", () => {
    const p = indexMapping(companySearchApp).properties;
    assert.deepEqual(p.name, { type: "text", fields: { keyword: NK, trigram: TRI } });
    assert.deepEqual(p.trading_names, TT);
    assert.deepEqual(p.address.properties.country, {
      type: "object",
      properties: { id: { type: "keyword" }, name: TT },
    });
    assert.deepEqual(p.address.properties.postcode, TT);
    assert.deepEqual(p.uk_address_postcode, {
      type: "text",
      analyzer: "postcode_analyzer_v2",
      search_analyzer: "postcode_search_analyzer_v2",
    });
    assert.deepEqual(p.sector.properties.ancestors, {
      type: "object",
      properties: { id: { type: "keyword" } },
    });
    assert.deepEqual(p.one_list_group_global_account_manager.properties.name, {
      type: "text",
      index: false,
    });
    assert.deepEqual(p.vat_number, { type: "keyword", index: false });
    assert.deepEqual(p.description, { type: "text", analyzer: "english_analyzer" });
    assert.deepEqual(p.company_number, NK);
    assert.deepEqual(p.latest_interaction_date, { type: "date" });
    // The original's 40 fields plus `_document_type` and the postcode analyzer's tokens
    // as keywords (so both backends match postcode areas and districts alike).
    assert.deepEqual(p.uk_address_postcode_tokens, { type: "keyword" });
    assert.equal(Object.keys(p).length, 40 + 1 + 2);
  });

  await t.step("contact mapping: the original's field types", () => {
    const p = indexMapping(contactSearchApp).properties;
    assert.deepEqual(p.first_name, { type: "text", fields: { keyword: NK } });
    assert.deepEqual(p.company, {
      type: "object",
      properties: {
        id: { type: "keyword" },
        name: { type: "text", fields: { trigram: TRI, keyword: NK } },
        trading_names: TT,
      },
    });
    assert.deepEqual(p.created_by.properties.dit_team, {
      type: "object",
      properties: { id: { type: "keyword" }, name: NK },
    });
    assert.deepEqual(p.email, NK);
    assert.deepEqual(p.full_telephone_number, { type: "keyword" });
    // The original's 32 fields plus `_document_type`.
    assert.equal(Object.keys(p).length, 32 + 1);
  });

  await t.step("company filters: composites, the GHQ quirk, postcodes", async () => {
    const [hq, name, country, postcode] = await compileFilters(companySearchApp, {
      headquarter_type: [GLOBAL_HQ, null],
      name: "acme",
      country: [ID],
      uk_postcode: ["SW1"],
    }, noDb);
    assert.deepEqual(conditionDsl(hq), {
      bool: {
        should: [
          { match: { "headquarter_type.id": { query: GLOBAL_HQ, operator: "and" } } },
          { bool: { must_not: { exists: { field: "headquarter_type" } } } },
          { match: { is_global_ultimate: { query: true, operator: "and" } } },
        ],
        minimum_should_match: 1,
      },
    });
    assert.deepEqual(
      conditionDsl(name).bool.should.map((m: Record<string, object>) => Object.keys(m.match)[0]),
      ["name", "name.trigram", "trading_names", "trading_names.trigram"],
    );
    assert.deepEqual(
      conditionDsl(country).bool.should.map((m: Record<string, object>) => Object.keys(m.match)[0]),
      ["address.country.id", "registered_address.country.id"],
    );
    assert.deepEqual(
      conditionDsl(postcode).bool.should.map((m: Record<string, object>) =>
        Object.keys(m.match)[0]
      ),
      ["uk_address_postcode_tokens", "uk_registered_address_postcode_tokens"],
    );
    assert.deepEqual(conditionDsl(postcode).bool.should[0].match.uk_address_postcode_tokens, {
      query: "sw1",
      operator: "and",
    });
  });

  await t.step("company entity search body: sort remapping, excluded fields", () => {
    const query: EntityQuery = {
      app: companySearchApp,
      term: "acme",
      filters: [],
      scope: null,
      sort: parseSortby(companySearchApp, "name:desc"),
      offset: 0,
      limit: 10,
    };
    const body = entitySearchBody(query);
    assert.deepEqual(body.sort, [{ "name.keyword": { order: "desc", missing: "_last" } }, "id"]);
    assert.deepEqual(body._source, {
      excludes: [
        "_document_type",
        "uk_address_postcode",
        "uk_registered_address_postcode",
        "uk_address_postcode_tokens",
        "uk_registered_address_postcode_tokens",
      ],
    });
    const fields = body.query.bool.must[0].bool.should[1].multi_match.fields;
    assert.ok(fields.includes("address.postcode"));
    assert.ok(fields.includes("registered_address.country.name.trigram"));
    assert.equal(fields.length, companySearchApp.searchFields.length);
  });

  await t.step("contact filters and sort", async () => {
    const [companyName, created] = await compileFilters(contactSearchApp, {
      company_name: "gadg",
      created_on_exists: false,
    }, noDb);
    assert.deepEqual(
      conditionDsl(companyName).bool.should.map((m: Record<string, object>) =>
        Object.keys(m.match)[0]
      ),
      [
        "company.name",
        "company.name.trigram",
        "company.trading_names",
        "company.trading_names.trigram",
      ],
    );
    assert.deepEqual(conditionDsl(created), {
      bool: { must_not: { exists: { field: "created_on" } } },
    });
    assert.deepEqual(parseSortby(contactSearchApp, "last_name"), {
      field: "last_name.keyword",
      order: "asc",
    });
    assert.deepEqual(parseSortby(contactSearchApp, "company.name:desc"), {
      field: "company.name.keyword",
      order: "desc",
    });
  });

  await t.step("global search over adviser, company and contact", () => {
    const apps = [adviserSearchApp, companySearchApp, contactSearchApp];
    const fields = globalFields(apps);
    assert.ok(fields.includes("company.name.trigram"));
    assert.ok(fields.includes("trading_names.trigram"));
    assert.equal(fields.includes("is_active"), false);
    const body = globalSearchBody({
      apps,
      permitted: [{ app: companySearchApp, scope: null }, { app: contactSearchApp, scope: null }],
      entity: "company",
      term: "acme",
      offset: 0,
      limit: 10,
    });
    assert.deepEqual(body.aggs.count_by_type.terms.size, 3);
    assert.deepEqual(body.query.bool.filter[0].bool.should, [
      { term: { _document_type: "company" } },
      { term: { _document_type: "contact" } },
    ]);
    assert.deepEqual(body._source.excludes, [
      "_document_type",
      "uk_address_postcode",
      "uk_registered_address_postcode",
      "uk_address_postcode_tokens",
      "uk_registered_address_postcode_tokens",
    ]);
  });
});

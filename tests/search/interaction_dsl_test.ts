/** OpenSearch mapping and query DSL of the interaction app (no cluster). */
import assert from "node:assert/strict";
import { interactionSearchApp } from "../../src/interaction/search.ts";
import { adviserSearchApp } from "../../src/adviser/search.ts";
import { compileFilters, type EntityQuery, parseSortby } from "../../src/search/app.ts";
import {
  conditionDsl,
  entitySearchBody,
  globalFields,
  indexMapping,
} from "../../src/search/opensearch_dsl.ts";

const NK = { type: "keyword", normalizer: "lowercase_asciifolding_normalizer" };
const TRI = { type: "text", analyzer: "trigram_analyzer" };
const TT = { type: "text", fields: { trigram: TRI } };
const K = { type: "keyword" };
const ID = "00000000-0000-4000-8000-000000000001";
const noDb = { db: null as never };
const matchAnd = (field: string, query: unknown) => ({
  match: { [field]: { query, operator: "and" } },
});

Deno.test("interaction OpenSearch mapping and DSL", async (t) => {
  await t.step("mapping: the original's field types", () => {
    const p = indexMapping(interactionSearchApp).properties;
    assert.deepEqual(p.subject, {
      type: "text",
      fields: {
        english: { type: "text", analyzer: "english_analyzer" },
        keyword: NK,
        trigram: TRI,
      },
    });
    const company = {
      type: "object",
      properties: {
        id: K,
        name: { type: "text", fields: { trigram: TRI, keyword: NK } },
        trading_names: TT,
      },
    };
    assert.deepEqual(p.company, company);
    assert.deepEqual(p.companies, company);
    assert.deepEqual(p.contacts, {
      type: "object",
      properties: {
        id: K,
        first_name: { type: "text", index: false },
        last_name: { type: "text", index: false },
        name: TT,
      },
    });
    assert.deepEqual(p.dit_participants.properties.team, {
      type: "object",
      properties: { id: K, name: TT },
    });
    assert.deepEqual(p.dit_participants.properties.adviser.properties.name, TT);
    const idNameNotIndexed = {
      type: "object",
      properties: { id: K, name: { type: "keyword", index: false } },
    };
    for (
      const field of [
        "company_one_list_group_tier",
        "communication_channel",
        "investment_project",
        "policy_areas",
        "policy_issue_types",
        "service_delivery_status",
      ]
    ) assert.deepEqual(p[field], idNameNotIndexed, field);
    assert.deepEqual(p.service, {
      type: "object",
      properties: { id: K, name: { type: "text", fields: { keyword: NK, trigram: TRI } } },
    });
    assert.deepEqual(p.company_sector.properties.ancestors, {
      type: "object",
      properties: { id: K },
    });
    assert.deepEqual(p.kind, K);
    assert.deepEqual(p.date, { type: "date" });
    assert.deepEqual(p.is_event, { type: "boolean", index: false });
    assert.deepEqual(p.net_company_receipt, { type: "double", index: false });
    assert.deepEqual(p.notes, { type: "text", index: false });
    assert.deepEqual(p.export_countries.properties.country, {
      type: "object",
      properties: { id: K, name: { type: "text", index: false } },
    });
    // The original's 27 fields plus `_document_type`.
    assert.equal(Object.keys(p).length, 27 + 1);
  });

  await t.step("filters: composites, sector descent, participants, dates", async () => {
    const [kind, subject, companyName, exists, adviser, after] = await compileFilters(
      interactionSearchApp,
      {
        kind: ["interaction"],
        subject: "plan",
        company_name: "acme",
        created_on_exists: false,
        dit_participants__adviser: [ID],
        date_after: "2024-01-01",
      },
      noDb,
    );
    assert.deepEqual(conditionDsl(kind), matchAnd("kind", "interaction"));
    assert.deepEqual(conditionDsl(subject), {
      bool: {
        should: [matchAnd("subject", "plan"), matchAnd("subject.trigram", "plan")],
        minimum_should_match: 1,
      },
    });
    assert.deepEqual(conditionDsl(companyName), {
      bool: {
        should: [
          matchAnd("company.name", "acme"),
          matchAnd("company.name.trigram", "acme"),
          matchAnd("company.trading_names", "acme"),
          matchAnd("company.trading_names.trigram", "acme"),
        ],
        minimum_should_match: 1,
      },
    });
    assert.deepEqual(conditionDsl(exists), {
      bool: { must_not: { exists: { field: "created_on" } } },
    });
    assert.deepEqual(conditionDsl(adviser), matchAnd("dit_participants.adviser.id", ID));
    assert.deepEqual(conditionDsl(after), { range: { date: { gte: "2024-01-01" } } });
    // Sector descent reads the sector tree; an unknown id has no ancestors to drop.
    const sectorDescends = interactionSearchApp.filters.sector_descends;
    const fakeDb = (() => Promise.resolve([])) as never;
    assert.deepEqual(conditionDsl((await sectorDescends.condition([ID], { db: fakeDb }))!), {
      bool: {
        should: [
          matchAnd("company_sector.id", ID),
          matchAnd("company_sector.ancestors.id", ID),
          matchAnd("investment_project_sector.id", ID),
          matchAnd("investment_project_sector.ancestors.id", ID),
        ],
        minimum_should_match: 1,
      },
    });
  });

  await t.step("entity search body: default date:desc, remapped sorts, excluded keys", () => {
    const query: EntityQuery = {
      app: interactionSearchApp,
      term: "widgets",
      filters: [],
      scope: null,
      sort: parseSortby(interactionSearchApp, interactionSearchApp.defaultSort!),
      offset: 0,
      limit: 10,
    };
    const body = entitySearchBody(query);
    assert.deepEqual(body.sort, [{ date: { order: "desc", missing: "_last" } }, "id"]);
    assert.deepEqual(body._source, {
      excludes: ["_document_type", "export_countries", "were_countries_discussed"],
    });
    const multi = body.query.bool.must[0].bool.should[1].multi_match;
    assert.deepEqual(multi.fields, interactionSearchApp.searchFields);
    assert.equal(multi.operator, "and");
    assert.deepEqual(parseSortby(interactionSearchApp, "company.name"), {
      field: "company.name.keyword",
      order: "asc",
    });
    assert.deepEqual(parseSortby(interactionSearchApp, "subject:desc"), {
      field: "subject.keyword",
      order: "desc",
    });
    assert.throws(() => parseSortby(interactionSearchApp, "name"));
  });

  await t.step("global search fields include the interaction's", () => {
    const fields = globalFields([adviserSearchApp, interactionSearchApp]);
    for (const f of ["subject.english", "contacts.name.trigram", "dit_participants.team.name"]) {
      assert.ok(fields.includes(f), f);
    }
  });
});

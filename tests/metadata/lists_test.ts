import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import { type Field, metadataEndpoints } from "../../src/metadata/registry.ts";
import { SEED_DIR, tableName } from "../../src/metadata/loader.ts";

type Row = Record<string, unknown>;

interface IndexEndpoint {
  path: string;
  serializer: string;
  query_filters?: Record<string, string>;
}
const index = JSON.parse(await Deno.readTextFile(new URL("index.json", SEED_DIR))) as {
  tables: { file: string; table: string; rows: number; endpoints: IndexEndpoint[] }[];
};

const seed = new Map<string, Row[]>();
for (const t of index.tables) {
  seed.set(
    tableName(t.table),
    JSON.parse(await Deno.readTextFile(new URL(t.file, SEED_DIR))) as Row[],
  );
}
const rowsOf = (table: string) => seed.get(table)!;
const byId = (table: string, id: unknown) => rowsOf(table).find((r) => r.id === id);

/** Services without children, by `order` (ties keep the file's tree order). */
function leafServices(): Row[] {
  const parents = new Set(rowsOf("metadata_service").map((r) => r.parent_id));
  return rowsOf("metadata_service").filter((r) => !parents.has(r.id))
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r.order as number) - (b.r.order as number) || a.i - b.i)
    .map(({ r }) => r);
}

/** What one seed row should render as, written independently of the SQL. */
function expectedValue(field: Field, row: Row): unknown {
  switch (field.kind) {
    case "column":
      return row[field.column];
    case "nested": {
      const target = byId(field.table, row[field.foreignKey]);
      return target ? { id: target.id, name: target.name } : null;
    }
    case "lookup":
      return byId(field.table, row[field.foreignKey])![field.column];
    case "serviceQuestions":
      return rowsOf("interaction_servicequestion").filter((q) => q.service_id === row.id).map((
        q,
      ) => ({
        disabled_on: q.disabled_on,
        id: q.id,
        name: q.name,
        answer_options: rowsOf("interaction_serviceansweroption").filter((a) =>
          a.question_id === q.id
        ).map((a) => ({ disabled_on: a.disabled_on, id: a.id, name: a.name })),
      }));
    case "null":
      return null;
  }
}

const UK = "80756b9a-5d95-e211-a939-e4115bead28a";

Deno.test("GET /v4/metadata/<id>", async (t) => {
  const ctx = await testApp();
  const { token } = await createAdviser(ctx.sql);
  const get = (path: string) => call(ctx.app, "GET", `/v4/metadata/${path}`, { token });

  await t.step("the registry serves exactly the 80 lists of index.json, on the same tables", () => {
    const documented = index.tables.flatMap((t) =>
      t.endpoints.map((e) => [e.path.replace("/v4/metadata/", ""), tableName(t.table)])
    ).sort();
    const registered = metadataEndpoints.map((e) => [e.id, e.table]).sort();
    assert.equal(registered.length, 80);
    assert.deepEqual(registered, documented);
  });

  await t.step("every list has the seed's rows, shapes and order", async () => {
    for (const endpoint of metadataEndpoints) {
      const res = await get(endpoint.id);
      assert.equal(res.status, 200, endpoint.id);
      assert.match(res.headers.get("content-type") ?? "", /application\/json/);
      const table = index.tables.find((t) => tableName(t.table) === endpoint.table)!;
      const rows = endpoint.leavesOnly ? leafServices() : rowsOf(endpoint.table);
      assert.equal(res.body.length, endpoint.leavesOnly ? 257 : table.rows, endpoint.id);
      if (endpoint.id === "exchange-rate") continue; // created_on is stamped on load
      const expected = rows.map((row) =>
        Object.fromEntries(endpoint.fields.map((f) => [f.key, expectedValue(f, row)]))
      );
      assert.deepEqual(res.body, expected, endpoint.id);
      // Key order is part of the contract (clients diff these lists).
      if (res.body.length) {
        assert.deepEqual(Object.keys(res.body[0]), endpoint.fields.map((f) => f.key));
      }
    }
  });

  await t.step("country: 270 rows; the United Kingdom in full", async () => {
    const res = await get("country");
    assert.equal(res.body.length, 270);
    assert.deepEqual(res.body.find((c: Row) => c.id === UK), {
      id: UK,
      name: "United Kingdom",
      disabled_on: null,
      overseas_region: null,
      iso_alpha2_code: "GB",
    });
    assert.deepEqual(res.body.find((c: Row) => c.name === "France"), {
      id: "82756b9a-5d95-e211-a939-e4115bead28a",
      name: "France",
      disabled_on: null,
      overseas_region: { id: "3e6809d6-89f6-4590-8458-1d0dab73ad1a", name: "Europe" },
      iso_alpha2_code: "FR",
    });
    const disabled = res.body.find((c: Row) => c.name === "French Southern Territories");
    assert.equal(disabled.disabled_on, "2023-02-01T00:00:01Z");
    assert.equal(res.body[0].name, "Abu Dhabi");
  });

  await t.step("sector: computed names, parent with its computed name, level", async () => {
    const res = await get("sector");
    assert.equal(res.body.length, 433);
    assert.deepEqual(res.body.find((s: Row) => s.id === "6df1690c-6095-e211-a939-e4115bead28a"), {
      id: "6df1690c-6095-e211-a939-e4115bead28a",
      name: "Advanced engineering : Metals, minerals and materials : Ceramics",
      segment: "Ceramics",
      parent: {
        id: "a522c9d2-5f95-e211-a939-e4115bead28a",
        name: "Advanced engineering : Metals, minerals and materials",
      },
      level: 2,
      disabled_on: null,
    });
  });

  await t.step("service: leaf services only, with questions and answer options", async () => {
    const res = await get("service");
    assert.equal(res.body.length, 257);
    const service = res.body.find((s: Row) => s.id === "ef3218c1-bed6-4ad8-b8d5-8af2430d32ff");
    assert.deepEqual(Object.keys(service), [
      "id",
      "name",
      "disabled_on",
      "contexts",
      "interaction_questions",
    ]);
    assert.equal(service.name, "Investment advice and information");
    assert.deepEqual(service.contexts, ["investment_interaction"]);
    const [question] = service.interaction_questions;
    assert.deepEqual(Object.keys(question), ["disabled_on", "id", "name", "answer_options"]);
    assert.equal(question.name, "What did you give advice about?");
    assert.deepEqual(question.answer_options[0], {
      disabled_on: null,
      id: "d7293a68-05a6-461b-911c-2f07b4306c1e",
      name: "Banking and funding",
    });
    assert.equal(question.answer_options.length, 8);
    const orders = res.body.map((s: Row) => byId("metadata_service", s.id)!.order as number);
    assert.deepEqual(orders, [...orders].sort((a, b) => a - b));
    const parents = new Set(rowsOf("metadata_service").map((r) => r.parent_id));
    assert.ok(res.body.every((s: Row) => !parents.has(s.id)));
  });

  await t.step("team: role, uk_region and country nested", async () => {
    const res = await get("team");
    assert.equal(res.body.length, 1126);
    assert.deepEqual(res.body.find((r: Row) => r.name === "UKTI - London Region"), {
      id: "8a10dd28-9798-e211-a939-e4115bead28a",
      name: "UKTI - London Region",
      disabled_on: null,
      role: { id: "5d329c18-6095-e211-a939-e4115bead28a", name: "International Trade Director" },
      uk_region: { id: "874cd12a-6095-e211-a939-e4115bead28a", name: "London" },
      country: { id: UK, name: "United Kingdom" },
    });
    assert.equal(res.body[0].name, "Aberdeen City Council");
    assert.equal(res.body[0].uk_region, null);
  });

  await t.step("administrative-area: country nested, area_code", async () => {
    const res = await get("administrative-area");
    assert.equal(res.body.length, 373);
    assert.deepEqual(res.body[0], {
      id: "b5d03d97-fef5-4da6-9117-98a4d633b581",
      name: "Acre",
      disabled_on: null,
      country: { id: "b05f66a0-5d95-e211-a939-e4115bead28a", name: "Brazil" },
      area_code: "",
    });
  });

  await t.step(
    "exchange-rate, investment-project-stage, hvc, hq team, asset class, OMIS market",
    async () => {
      const rate = await get("exchange-rate");
      assert.equal(rate.body.length, 1);
      assert.deepEqual(Object.keys(rate.body[0]), [
        "from_currency_code",
        "to_currency_code",
        "exchange_rate",
        "created_on",
      ]);
      assert.equal(rate.body[0].exchange_rate, 0.81318591);
      assert.match(rate.body[0].created_on, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$/);

      const stages = await get("investment-project-stage");
      assert.deepEqual(stages.body[1], {
        id: "c9864359-fb1a-4646-a4c1-97d10189fc03",
        name: "Assign PM",
        disabled_on: null,
        exclude_from_investment_flow: true,
      });
      assert.deepEqual(stages.body.map((s: Row) => s.name), [
        "Prospect",
        "Assign PM",
        "Active",
        "Verify win",
        "Won",
      ]);

      const hvc = await get("hvc");
      assert.deepEqual(hvc.body[0], {
        id: "0240d283-ec44-4f33-b501-e2bf14e337b5",
        name: "Australia Consumer Goods & Retail: E004",
        disabled_on: null,
        campaign_id: "E004",
        financial_year: 16,
      });

      const posts = await get("hq-team-region-or-post");
      assert.deepEqual(Object.keys(posts.body[0]), ["id", "name", "disabled_on", "team_type"]);
      assert.equal(posts.body[0].team_type.id, "a4839e09-e30e-492c-93b5-8ab2ef90b891");

      const assets = await get("capital-investment/asset-class-interest");
      assert.equal(assets.body[0].name, "Biofuel");
      assert.equal(
        assets.body[0].asset_class_interest_sector.id,
        "f3eb86b0-d53c-488d-8d64-47ab3294a6bf",
      );

      const markets = await get("omis-market");
      assert.deepEqual(markets.body[0], {
        id: "87756b9a-5d95-e211-a939-e4115bead28a",
        name: "Afghanistan",
        disabled_on: null,
      });

      const types = await get("business-type");
      assert.deepEqual(Object.keys(types.body[0]), ["id", "name", "disabled_on"]);
      assert.deepEqual((await get("postcode-data")).body, []);
    },
  );

  await t.step("credentials are required", async () => {
    const none = await call(ctx.app, "GET", "/v4/metadata/country");
    assert.equal(none.status, 401);
    assert.deepEqual(none.body, { detail: "Authentication credentials were not provided." });
    const bad = await call(ctx.app, "GET", "/v4/metadata/sector?level__lte=x", {
      token: "not-a-token",
    });
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.body, { detail: "Invalid authentication credentials." });
  });

  await t.step("every list is in the OpenAPI document with its filters", async () => {
    const doc = await call(ctx.app, "GET", "/openapi.json");
    for (const endpoint of metadataEndpoints) {
      const operation = doc.body.paths[`/v4/metadata/${endpoint.id}`]?.get;
      assert.ok(operation, endpoint.id);
      assert.deepEqual(
        (operation.parameters ?? []).map((p: Row) => p.name),
        endpoint.filters.map((f) => f.param),
        endpoint.id,
      );
      const schema = operation.responses["200"].content["application/json"].schema;
      assert.equal(schema.type, "array");
      assert.deepEqual(Object.keys(schema.items.properties), endpoint.fields.map((f) => f.key));
    }
  });

  await ctx.close();
});

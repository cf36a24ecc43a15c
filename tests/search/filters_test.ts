/**
 * The filter table's semantics on each backend, through a synthetic app (no domain
 * tables needed): words, trigrams, case-folding, lists with null, exists, date and
 * number ranges, tree descent, sorting with missing values, and the generic CSV export.
 */
import assert from "node:assert/strict";
import { createApp } from "../../src/http/app.ts";
import { call, createAdviser } from "../helpers/app.ts";
import {
  defineSearchApp,
  descends,
  exists,
  ids,
  match,
  partialText,
  range,
  type SearchDocument,
  singleOrList,
  str,
} from "../../src/search/app.ts";
import {
  boolean,
  date,
  idName,
  integer,
  keyword,
  normalizedKeyword,
  object,
  sector,
  textKeywordTrigram,
} from "../../src/search/mapping.ts";
import { createSearchDomain } from "../../src/search/domain.ts";
import { backendsUnderTest, searchTestApp } from "./support.ts";

const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";
const C = "00000000-0000-4000-8000-00000000000c";
const TAG1 = "00000000-0000-4000-8000-000000000001";
const TAG2 = "00000000-0000-4000-8000-000000000002";

function widgets(sectors: { root: string; child: string; grandchild: string }): SearchDocument[] {
  return [
    {
      id: A,
      name: "Acme T-Shirt Works",
      code: "ÉCOLE-1",
      tags: [{ id: TAG1, name: "One" }, { id: TAG2, name: "Two" }],
      created_on: "2024-03-10T15:00:00Z",
      size: 10,
      archived: false,
      sector: {
        id: sectors.grandchild,
        name: "g",
        ancestors: [{ id: sectors.root }, { id: sectors.child }],
      },
    },
    {
      id: B,
      name: "Bravo Widgets",
      code: "b-2",
      tags: [{ id: TAG2, name: "Two" }],
      created_on: "2024-03-11T09:00:00Z",
      size: 200,
      archived: true,
      sector: { id: sectors.child, name: "c", ancestors: [{ id: sectors.root }] },
    },
    {
      id: C,
      name: "Charlie",
      code: "c-3",
      tags: [],
      created_on: null,
      size: null,
      archived: false,
      sector: null,
    },
  ];
}

let stored: SearchDocument[] = [];

const widgetApp = defineSearchApp({
  name: "widget",
  path: "/v4/search/widget",
  plural: "Widgets",
  table: "company_advisor",
  global: false,
  viewPermissions: ["test.view_widget"],
  mapping: {
    id: keyword(),
    name: textKeywordTrigram(),
    code: normalizedKeyword(),
    tags: object({ id: keyword(), name: normalizedKeyword() }),
    created_on: date(),
    size: integer(),
    archived: boolean(),
    sector: sector(),
    owner: idName(),
  },
  searchFields: ["id", "name", "name.trigram", "code"],
  filters: {
    name: partialText("name"),
    code: match("code", singleOrList(str())),
    tag: ids("tags.id", { nullable: true }),
    created_on_after: range("created_on", "gte"),
    created_on_before: range("created_on", "lte"),
    size_start: range("size", "gte", "number"),
    size_end: range("size", "lte", "number"),
    created_on_exists: exists("created_on"),
    sector_descends: descends(["sector"], { table: "metadata_sector", parentColumn: "parent_id" }),
  },
  sortby: { name: "name.keyword", created_on: "created_on", size: "size" },
  excludeFromResults: ["archived"],
  build: (_db, wanted) => Promise.resolve(stored.filter((d) => wanted.includes(d.id))),
  export: {
    path: "/v4/search/widget/export",
    permission: "test.export_widget",
    columns: { name: "Name", code: "Code", created_on: "Date created", size: "Size" },
    rows: (_db, wanted) =>
      Promise.resolve(
        wanted.map((id) => stored.find((d) => d.id === id)!).map((d) => ({
          ...d,
          created_on: d.created_on ? new Date(d.created_on as string) : null,
        })),
      ),
  },
});

for (const { name, env, ignore } of backendsUnderTest) {
  Deno.test({ name: `filter table semantics and CSV export (${name})`, ignore }, async (t) => {
    const ctx = await searchTestApp(env, [widgetApp]);
    const [sectors] = await ctx.sql<{ root: string; child: string; grandchild: string }[]>`
      select r.id::text as root, c.id::text as child, g.id::text as grandchild
      from metadata_sector g join metadata_sector c on c.id = g.parent_id
      join metadata_sector r on r.id = c.parent_id where r.parent_id is null limit 1`;
    stored = widgets(sectors);
    await ctx.backend.write(ctx.sql, widgetApp, stored, []);
    await ctx.backend.refresh([widgetApp]);
    const app = createApp(ctx.deps, [createSearchDomain([widgetApp])]);
    const viewer = await createAdviser(ctx.sql, { permissions: ["test.view_widget"] });
    const exporter = await createAdviser(ctx.sql, {
      permissions: ["test.view_widget", "test.export_widget"],
    });
    const found = async (body: Record<string, unknown>) => {
      const res = await call(app, "POST", "/v4/search/widget", { token: viewer.token, body });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.results.map((r: { id: string }) => r.id);
    };

    await t.step("partial names match on trigrams, hyphens ignored", async () => {
      assert.deepEqual(await found({ name: "shirt wor" }), [A]);
      assert.deepEqual(await found({ name: "tshirt" }), [A]);
      assert.deepEqual(await found({ name: "widgets" }), [B]);
    });
    await t.step("normalised keywords match whole values, case-folded", async () => {
      assert.deepEqual(await found({ code: "B-2" }), [B]);
      assert.deepEqual(await found({ code: ["c-3", "b-2"], sortby: "name" }), [B, C]);
      assert.deepEqual(await found({ code: "b" }), []);
    });
    await t.step("lists of ids match any element; null means missing", async () => {
      assert.deepEqual(await found({ tag: TAG2, sortby: "name" }), [A, B]);
      assert.deepEqual(await found({ tag: [TAG1] }), [A]);
      assert.deepEqual(await found({ tag: [null, TAG1], sortby: "name" }), [A, C]);
    });
    await t.step("ranges: dates (a date-only upper bound covers the day) and numbers", async () => {
      assert.deepEqual(await found({ created_on_before: "2024-03-10" }), [A]);
      assert.deepEqual(await found({ created_on_after: "2024-03-11" }), [B]);
      assert.deepEqual(
        await found({ created_on_after: "2024-03-10T16:00:00Z", created_on_before: "2024-03-12" }),
        [B],
      );
      assert.deepEqual(await found({ size_start: 50 }), [B]);
      assert.deepEqual(await found({ size_end: "10" }), [A]);
    });
    await t.step("_exists", async () => {
      assert.deepEqual(await found({ created_on_exists: false }), [C]);
      assert.deepEqual(await found({ created_on_exists: true, sortby: "name" }), [A, B]);
    });
    await t.step("sector_descends keeps the most specific ids", async () => {
      assert.deepEqual(await found({ sector_descends: sectors.root, sortby: "name" }), [A, B]);
      assert.deepEqual(await found({ sector_descends: [sectors.root, sectors.grandchild] }), [A]);
    });
    await t.step("sortby: direction, missing values first ascending, last descending", async () => {
      assert.deepEqual(await found({ sortby: "size" }), [C, A, B]);
      assert.deepEqual(await found({ sortby: "size:desc" }), [B, A, C]);
      assert.deepEqual(await found({ sortby: "created_on:desc" }), [B, A, C]);
      const bad = await call(app, "POST", "/v4/search/widget", {
        token: viewer.token,
        body: { sortby: "size:sideways" },
      });
      assert.deepEqual(bad.body, { sortby: ['"sideways" is not a valid sort direction.'] });
    });
    await t.step("excluded fields are not returned", async () => {
      const res = await call(app, "POST", "/v4/search/widget", {
        token: viewer.token,
        body: { code: "b-2" },
      });
      assert.equal(res.body.results[0].archived, undefined);
      assert.equal(res.body.results[0].name, "Bravo Widgets");
    });
    await t.step("CSV export: view and export permissions, filters and order", async () => {
      const denied = await call(app, "POST", "/v4/search/widget/export", {
        token: viewer.token,
        body: {},
      });
      assert.equal(denied.status, 403);
      const res = await app.request("http://testserver/v4/search/widget/export", {
        method: "POST",
        headers: { authorization: `Bearer ${exporter.token}`, "content-type": "application/json" },
        body: JSON.stringify({ sortby: "size:desc", tag: TAG2 }),
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
      assert.match(
        res.headers.get("content-disposition")!,
        /^attachment; filename="Data Hub - Widgets - \d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.csv"$/,
      );
      const bytes = new Uint8Array(await res.arrayBuffer());
      assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
      assert.equal(
        new TextDecoder().decode(bytes.slice(3)),
        "Name,Code,Date created,Size\r\n" +
          "Bravo Widgets,b-2,2024-03-11 09:00:00,200\r\n" +
          "Acme T-Shirt Works,ÉCOLE-1,2024-03-10 15:00:00,10\r\n",
      );
    });
    await ctx.close();
  });
}

/**
 * The PostgreSQL backend derives a document's word sets, tokens and flags in SQL (one
 * INSERT … SELECT per batch, src/search/postgres.ts). These are the rules in code (as the
 * backend applied them before): every stored row must hold exactly what they give, for
 * documents with nested lists, empty values, quotes and backslashes, long words and
 * thousands of words.
 */
import assert from "node:assert/strict";
import { freshDatabase } from "../helpers/db.ts";
import {
  bool,
  defineSearchApp,
  exists,
  ids,
  match,
  type SearchDocument,
  str,
} from "../../src/search/app.ts";
import {
  boolean,
  idName,
  keyword,
  normalizedKeyword,
  object,
  text,
  textKeywordTrigram,
} from "../../src/search/mapping.ts";
import { documentText } from "../../src/search/backend.ts";
import { cappedWords, PostgresBackend } from "../../src/search/postgres.ts";
import { layoutOf, type PgLayout, presenceToken, tokenOf } from "../../src/search/pg_layout.ts";

function nodesAt(doc: unknown, path: string[]): unknown[] {
  let nodes: unknown[] = [doc];
  for (const key of path) {
    nodes = nodes.flatMap((n) => {
      if (Array.isArray(n)) return n.map((x) => (x as Record<string, unknown>)?.[key]);
      return n && typeof n === "object" ? [(n as Record<string, unknown>)[key]] : [];
    });
  }
  return nodes.flatMap((n) => (Array.isArray(n) ? n : [n]));
}

const isPresent = (v: unknown) =>
  v !== null && v !== undefined &&
  !(Array.isArray(v) && v.length === 0) &&
  !(typeof v === "object" && !Array.isArray(v) && Object.keys(v as object).length === 0);

/** A document's tokens: its exact-match values and which filter paths it has. */
function documentTokens(layout: PgLayout, doc: SearchDocument): string[] {
  const out = new Set<string>();
  for (const field of layout.tokenFields.values()) {
    for (const v of nodesAt(doc, field.path)) {
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") {
        out.add(tokenOf(field, v));
      }
    }
  }
  for (const { code, path } of layout.presence.values()) {
    if (nodesAt(doc, path).some(isPresent)) out.add(presenceToken(code));
  }
  return [...out].sort();
}

const gadgetApp = defineSearchApp({
  name: "gadget",
  path: "/v4/search/gadget",
  plural: "Gadgets",
  table: "company_advisor",
  global: false,
  viewPermissions: ["test.view_gadget"],
  mapping: {
    id: keyword(),
    name: textKeywordTrigram(),
    email: normalizedKeyword(),
    notes: text(),
    archived: boolean(),
    pinned: boolean(),
    owner: idName(),
    parts: object({ id: keyword(), label: text(), tags: keyword() }),
  },
  searchFields: ["id", "name", "name.trigram", "notes", "parts.label", "owner.name"],
  filters: {
    email: match("email", str()),
    archived: match("archived", bool()),
    pinned: match("pinned", bool()),
    owner: ids("owner.id"),
    part: ids("parts.id"),
    tag: match("parts.tags", str()),
    notes_exists: exists("notes"),
  },
  build: () => Promise.resolve([]),
});

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const many = Array.from({ length: 4500 }, (_, i) => `w${i.toString(36)}x`).join(" ");

const docs: SearchDocument[] = [
  {
    id: id(1),
    name: "Acme T-Shirt Works Ltd",
    email: "Info@Acme.EXAMPLE",
    notes: 'Line one\nline two\t"quoted" back\\slash \\n not-an-escape café ÉCOLE 42',
    archived: false,
    pinned: true,
    owner: { id: id(90), name: "Ada Lovelace" },
    parts: [
      { id: id(91), label: "Bolt M4", tags: ["metal", "Small", "it's \\ odd", "x':1 y"] },
      { id: id(92), label: null, tags: [] },
      {},
    ],
  },
  {
    id: id(2),
    name: "Bravo",
    email: null,
    notes: "",
    archived: true,
    pinned: false,
    owner: null,
    parts: [],
  },
  { id: id(3), name: 12345, notes: `${"z".repeat(70)} short ${"y".repeat(61)}`, owner: {} },
  { id: id(4), name: "Many words", notes: many, archived: false, parts: { id: id(93) } },
  { id: id(5), name: "Nested", parts: [[{ id: id(94), label: "deep" }], { label: 7 }] },
];

Deno.test("the SQL derivation of word sets, tokens and flags", async (t) => {
  const db = await freshDatabase();
  const { sql } = db;
  const backend = new PostgresBackend();
  const layout = layoutOf(gadgetApp);
  const search = (term: string, filters: { match: string; value: boolean }[] = []) =>
    backend.search(sql, {
      app: gadgetApp,
      term,
      filters,
      scope: null,
      sort: null,
      offset: 0,
      limit: 10,
    });
  const searchAll = (term: string) =>
    backend.globalSearch(sql, {
      apps: [gadgetApp],
      permitted: [{ app: gadgetApp, scope: null }],
      entity: "gadget",
      term,
      offset: 0,
      limit: 10,
    });

  await t.step("each row holds the words, names, tokens and flags the rules give", async () => {
    await sql.begin((tx) => backend.write(tx, gadgetApp, docs, []));
    const rows = await sql<
      { id: string; words: string[]; names: string[]; flags: string; name_key: string }[]
    >`
      select id::text, tsvector_to_array(words) as words, tsvector_to_array(names) as names,
        flags, name_key
      from ${sql(layout.table)} order by id`;
    assert.equal(rows.length, docs.length);
    const flagCodes = layout.flags.map((f) => `#${layout.tokenFields.get(f)!.code}=`);
    for (const row of rows) {
      const doc = docs.find((d) => d.id === row.id)!;
      const text = documentText(gadgetApp, doc);
      const tokens = documentTokens(layout, doc);
      const sorted = (a: Iterable<string>) => [...new Set(a)].sort();
      assert.deepEqual(
        sorted(row.words),
        sorted([...cappedWords(`${text.primary} ${text.other}`), ...tokens]),
        `words of ${doc.id}`,
      );
      assert.deepEqual(sorted(row.names), sorted(cappedWords(text.primary)), `names of ${doc.id}`);
      assert.equal(
        row.flags,
        tokens.filter((x) => flagCodes.includes(x.slice(0, x.indexOf("=") + 1))).join(","),
      );
      assert.equal(row.name_key, typeof doc.name === "string" ? doc.name.toLowerCase() : "");
    }
  });

  await t.step("counts follow every write, a replaced row's flags and a delete", async () => {
    const counts = async () =>
      Object.fromEntries(
        (await sql<{ key: string; n: number }[]>`
          select key, n::int from search_count where app = 'gadget' order by key`)
          .map((r) => [r.key, r.n]),
      );
    const archived = tokenOf(layout.tokenFields.get("archived")!, true);
    const before = await counts();
    assert.equal(before[""], 5);
    assert.equal(before[archived], 1);
    await sql.begin((tx) =>
      backend.write(tx, gadgetApp, [{ ...docs[0], archived: true }], [id(2)])
    );
    const after = await counts();
    assert.equal(after[""], 4);
    assert.equal(after[archived], 1);
  });

  await t.step("word counts follow every write; one-word totals equal the matches", async () => {
    // Each word's documents, and those of them holding a flag's true token (archived).
    const archived = tokenOf(layout.tokenFields.get("archived")!, true);
    const stored = async (flag: string) =>
      (await sql<{ word: string; n: number }[]>`
        select word, n::int from search_word_count
        where app = 'gadget' and flag = ${flag} and n > 0
        order by word`).map((r) => `${r.word}:${r.n}`);
    const actual = async (flag: string) =>
      (await sql<{ word: string; n: number }[]>`
        select word, ndoc as n from ts_stat(${
        flag
          ? `select words from search_gadget where flags like '%${flag}%'`
          : "select words from search_gadget"
      })
        where word !~ '^#' order by word collate "C"`).map((r) => `${r.word}:${r.n}`);
    const same = async () => {
      for (const flag of ["", archived]) assert.deepEqual(await stored(flag), await actual(flag));
      assert.notDeepEqual(await stored(archived), []);
    };
    await same();
    await sql.begin((tx) =>
      backend.write(tx, gadgetApp, [{ ...docs[2], notes: "line lines linen" }], [id(5)])
    );
    await same();
    await sql.begin((tx) =>
      backend.write(tx, gadgetApp, [{ ...docs[3], notes: "line", archived: true }], [])
    );
    await same();
    // A rebuild's end counts everything again.
    await backend.prepareRebuild(sql, gadgetApp);
    await backend.prune(sql, gadgetApp, new Date(0));
    await same();
    for (const term of ["line", "lin", "acme", "w1", "nothing", "line two"]) {
      const { count } = await search(term);
      const query = cappedWords(term).map((w) => `${w}:*`).join(" & ");
      const [{ n }] = await sql<{ n: number }[]>`
        select count(*)::int as n from search_gadget where words @@ ${query}::tsquery`;
      assert.equal(count, n, term);
    }
  });

  await t.step("one-word totals within a flag and global search's equal the matches", async () => {
    const archived = layout.tokenFields.get("archived")!;
    const check = async (label: string) => {
      for (const term of ["line", "lin", "acme", "w1", "nothing"]) {
        const query = cappedWords(term).map((w) => `${w}:*`).join(" & ");
        for (const value of [false, true]) {
          const { count } = await search(term, [{ match: "archived", value }]);
          const [{ n }] = await sql<{ n: number }[]>`
            select count(*)::int as n from search_gadget
            where words @@ ${`${query} & '${tokenOf(archived, value)}'`}::tsquery`;
          assert.equal(count, n, `${label}: ${term}, archived ${value}`);
        }
        const global = await searchAll(term);
        const [{ n }] = await sql<{ n: number }[]>`
          select count(*)::int as n from search_gadget
          where words @@ ${`${query} & !'${tokenOf(archived, true)}'`}::tsquery`;
        assert.equal(global.count, n, `${label}: global ${term}`);
      }
    };
    // Some documents lack the flag (counted through GIN), then every one holds it (its
    // other value's matches taken from the word counts).
    await check("some unflagged");
    await sql.begin((tx) =>
      backend.write(tx, gadgetApp, [{ ...docs[2], notes: "line lines", archived: false }], [])
    );
    await check("all flagged");
  });

  await t.step("a term with a word most documents hold finds the same matches", async () => {
    // `filler` is held by 1,000 times the documents of `rare`: GIN reads `rare` alone and
    // each of its matches is tested for the whole term.
    const filler = Array.from({ length: 1000 }, (_, i) => ({
      id: id(1000 + i),
      name: `Filler ${i}`,
      notes: "filler words",
      archived: false,
    }));
    await sql.begin((tx) =>
      backend.write(tx, gadgetApp, [
        ...filler,
        { id: id(3000), name: "Rare one", notes: "rare filler", archived: false },
        { id: id(3001), name: "Rare two", notes: "rare", archived: false },
      ], [])
    );
    for (const term of ["rare filler", "filler rare", "fill rar"]) {
      const found = await search(term);
      assert.equal(found.count, 1, term);
      assert.deepEqual(found.results.map((r) => r.id), [id(3000)], term);
      const global = await searchAll(term);
      assert.equal(global.count, 1, `global ${term}`);
    }
    assert.equal((await search("filler words")).count, 1000);
    // Tiers of many matches are walked (`filler`: the names), or found sparse on the way and
    // taken whole (`words`: one name holds it, "Many words"); the page is each tier's first
    // ids either way.
    const fillers = (n: number) => Array.from({ length: n }, (_, i) => id(1000 + i));
    const ids = async (term: string) => (await search(term)).results.map((r) => r.id);
    assert.deepEqual(await ids("filler"), fillers(10));
    assert.deepEqual(await ids("words"), [id(4), ...fillers(9)]);
  });

  await db.close();
});

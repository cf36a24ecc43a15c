/**
 * The API's memory stays flat over many requests (issue #13, the 300 MB target): postgres.js
 * keeps, forever, one entry per tagged template's strings object (an Error whose stack
 * frames hold the caller's closures, and with them a request's queries). Joined fragments
 * used to get a new strings array per call, so every list, search and update grew that
 * cache; they now share one template per separator and length.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { joinFragments } from "../../src/db/fragments.ts";
import { emptyDatabase } from "../helpers/db.ts";

const sql = postgres("postgres://nobody@127.0.0.1:1/none"); // fragments never connect
const stringsOf = (fragment: unknown) => (fragment as { strings: TemplateStringsArray }).strings;

Deno.test("joined fragments share their template strings across calls", () => {
  for (const separator of [",", "and", "or"] as const) {
    const first = joinFragments(sql, [sql`a = ${1}`, sql`b = ${2}`], separator);
    const second = joinFragments(sql, [sql`c = ${3}`, sql`d = ${4}`], separator);
    assert.equal(stringsOf(first), stringsOf(second), separator);
    assert.deepEqual([...stringsOf(first)], ["", separator === "," ? ", " : ` ${separator} `, ""]);
  }
});

Deno.test("a long list is joined in shared groups, as one flat list", async () => {
  const parts = Array.from({ length: 100 }, (_, i) => sql`${i}::int as ${sql(`c${i}`)}`);
  assert.equal(stringsOf(joinFragments(sql, parts)), stringsOf(joinFragments(sql, parts)));
  const db = await emptyDatabase();
  try {
    const [row] = await db.sql`select ${joinFragments(db.sql, parts)}`;
    assert.deepEqual(Object.values(row), parts.map((_, i) => i));
    const [{ n }] = await db.sql`
      select count(*)::int as n from generate_series(1, 200) x
      where ${joinFragments(db.sql, parts.map((_, i) => db.sql`x = ${i}`), "or")}`;
    assert.equal(n, 99);
  } finally {
    await db.close();
  }
});

import assert from "node:assert/strict";
import { orderBy, parseSortby, type SortChoices } from "../../src/http/sortby.ts";
import { freshDatabase } from "../helpers/db.ts";

Deno.test("sortby", async (t) => {
  const db = await freshDatabase();
  const { sql } = db;
  await sql`create table fruit (id int primary key, name text, price int)`;
  await sql`insert into fruit values
    (1, 'pear', 3), (2, 'apple', 3), (3, 'fig', 1), (4, 'banana', 2), (5, 'kiwi', 2)`;
  const choices: SortChoices = {
    name: "f.name",
    price: "price",
    name_length: sql`length(f.name)`,
  };
  const sorted = async (value: string | undefined, fallback: string[] = []) => {
    const terms = parseSortby(value, choices, fallback);
    const rows = await sql<{ id: number }[]>`
      select f.id from fruit f ${orderBy(sql, terms, choices, "f.id")}`;
    return rows.map((r) => r.id);
  };

  await t.step("parses a comma list with `-` for descending", () => {
    assert.deepEqual(parseSortby("price, -name", choices), [
      { name: "price", descending: false },
      { name: "name", descending: true },
    ]);
  });

  await t.step("one term, ascending or descending, on a qualified column", async () => {
    assert.deepEqual(await sorted("name"), [2, 4, 3, 5, 1]);
    assert.deepEqual(await sorted("-name"), [1, 5, 3, 4, 2]);
  });

  await t.step("several terms; the tiebreak keeps equal rows stable", async () => {
    assert.deepEqual(await sorted("price"), [3, 4, 5, 1, 2]);
    assert.deepEqual(await sorted("-price,name"), [2, 1, 4, 5, 3]);
  });

  await t.step("an SQL fragment as a column", async () => {
    assert.deepEqual(await sorted("-name_length,name"), [4, 2, 5, 1, 3]);
  });

  await t.step("unknown names are ignored; none usable → the fallback", async () => {
    assert.deepEqual(await sorted("colour,-price"), [1, 2, 4, 5, 3]);
    assert.deepEqual(await sorted("colour; drop table fruit", ["-price"]), [1, 2, 4, 5, 3]);
    assert.deepEqual(await sorted(undefined, ["name"]), [2, 4, 3, 5, 1]);
    assert.deepEqual(await sorted(",,", ["name"]), [2, 4, 3, 5, 1]);
    assert.deepEqual(parseSortby("toString,__proto__", choices), []);
  });

  await t.step("a fallback outside the choices is a programming error, said loudly", () => {
    assert.throws(
      () => orderBy(sql, parseSortby(undefined, choices, ["-id"]), choices),
      /sortby "id" is not one of name, price, name_length/,
    );
  });

  await t.step("no terms and no tiebreak: no order by at all", async () => {
    const rows = await sql`select count(*)::int as n from fruit ${orderBy(sql, [], choices)}`;
    assert.equal(rows[0].n, 5);
  });

  await db.close();
});

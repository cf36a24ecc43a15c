import assert from "node:assert/strict";
import { createApp } from "../../src/http/app.ts";
import type { App } from "../../src/http/context.ts";
import {
  paginate,
  paginateByNumber,
  readPage,
  readPageNumber,
  totalBehind,
} from "../../src/http/pagination.ts";
import { freshDatabase } from "../helpers/db.ts";
import { call, testDeps } from "../helpers/app.ts";

const itemsDomain = {
  name: "items",
  register(app: App) {
    app.get("/v4/item", async (c) => {
      const page = readPage(c);
      const [{ count }] = await c.var.db<{ count: number }[]>`
        select count(*)::int as count from item`;
      const rows = await c.var.db`
        select n from item order by n limit ${page.limit} offset ${page.offset}`;
      return c.json(paginate(c, page, count, rows.map((r) => r.n)));
    });
    app.get("/v4/item-by-page", async (c) => {
      const page = readPageNumber(c, 2);
      const [{ count }] = await c.var.db<{ count: number }[]>`
        select count(*)::int as count from item`;
      const rows = await c.var.db`
        select n from item order by n limit ${page.limit} offset ${page.offset}`;
      return c.json(paginateByNumber(c, page, count, rows.map((r) => r.n)));
    });
  },
};

Deno.test("pagination", async (t) => {
  const db = await freshDatabase();
  await db.sql`create table item (n int primary key)`;
  await db.sql`insert into item select generate_series(1, 5)`;
  const deps = testDeps(db);
  const app = createApp(deps, [itemsDomain]);
  const get = async (path: string, headers?: Record<string, string>) => {
    const res = await call(app, "GET", path, { headers });
    assert.equal(res.status, 200, res.text);
    return res.body;
  };

  await t.step("no parameters: the default limit (100) and no links", async () => {
    assert.deepEqual(await get("/v4/item"), {
      count: 5,
      next: null,
      previous: null,
      results: [1, 2, 3, 4, 5],
    });
  });

  await t.step("limit/offset pages with absolute next/previous links", async () => {
    assert.deepEqual(await get("/v4/item?limit=2"), {
      count: 5,
      next: "http://testserver/v4/item?limit=2&offset=2",
      previous: null,
      results: [1, 2],
    });
    assert.deepEqual(await get("/v4/item?limit=2&offset=2&sortby=n"), {
      count: 5,
      next: "http://testserver/v4/item?limit=2&offset=4&sortby=n",
      previous: "http://testserver/v4/item?limit=2&sortby=n",
      results: [3, 4],
    });
    assert.deepEqual(await get("/v4/item?limit=2&offset=4"), {
      count: 5,
      next: null,
      previous: "http://testserver/v4/item?limit=2&offset=2",
      results: [5],
    });
  });

  await t.step("previous drops offset when it would reach the first page", async () => {
    const body = await get("/v4/item?offset=1&limit=2");
    assert.equal(body.previous, "http://testserver/v4/item?limit=2");
    assert.deepEqual(body.results, [2, 3]);
  });

  await t.step("an offset past the end is an empty page, not an error", async () => {
    const body = await get("/v4/item?limit=2&offset=10");
    assert.deepEqual(body.results, []);
    assert.equal(body.next, null);
    assert.equal(body.previous, "http://testserver/v4/item?limit=2&offset=8");
  });

  await t.step("X-Forwarded-Proto sets the links' scheme", async () => {
    const body = await get("/v4/item?limit=2", { "x-forwarded-proto": "https" });
    assert.equal(body.next, "https://testserver/v4/item?limit=2&offset=2");
    const ignored = await get("/v4/item?limit=2", { "x-forwarded-proto": "gopher" });
    assert.equal(ignored.next, "http://testserver/v4/item?limit=2&offset=2");
  });

  await t.step("bad limit falls back to the default, bad offset to 0, as DRF", async () => {
    for (const limit of ["abc", "0", "-1", "2.5", ""]) {
      const body = await get(`/v4/item?limit=${limit}&offset=1`);
      assert.deepEqual(body.results, [2, 3, 4, 5], `limit=${limit}`);
      assert.equal(body.previous, "http://testserver/v4/item?limit=100", `limit=${limit}`);
    }
    for (const offset of ["abc", "-2", "1.5"]) {
      const body = await get(`/v4/item?limit=2&offset=${offset}`);
      assert.deepEqual(body.results, [1, 2], `offset=${offset}`);
    }
    // `+` in a query is a space; Python's int() ignores surrounding spaces, and so do we.
    assert.deepEqual((await get("/v4/item?limit=+3")).results, [1, 2, 3]);
    assert.deepEqual((await get("/v4/item?limit=100000")).results, [1, 2, 3, 4, 5]);
  });

  await t.step("page-number pages: next/previous by page, page=1 dropped", async () => {
    assert.deepEqual(await get("/v4/item-by-page"), {
      count: 5,
      next: "http://testserver/v4/item-by-page?page=2",
      previous: null,
      results: [1, 2],
    });
    assert.deepEqual(await get("/v4/item-by-page?page=2&name=x"), {
      count: 5,
      next: "http://testserver/v4/item-by-page?page=3&name=x",
      previous: "http://testserver/v4/item-by-page?name=x",
      results: [3, 4],
    });
    assert.deepEqual(await get("/v4/item-by-page?page=3"), {
      count: 5,
      next: null,
      previous: "http://testserver/v4/item-by-page?page=2",
      results: [5],
    });
  });

  await t.step("a malformed page or one past the last is 404 Invalid page.", async () => {
    for (const page of ["0", "-1", "abc", "", "1.5", "4"]) {
      const res = await call(app, "GET", `/v4/item-by-page?page=${page}`);
      assert.equal(res.status, 404, `page=${page}`);
      assert.deepEqual(res.body, { detail: "Invalid page." });
    }
  });

  await t.step("page 1 of an empty list is valid", async () => {
    await db.sql`delete from item`;
    assert.deepEqual(await get("/v4/item-by-page?page=1"), {
      count: 0,
      next: null,
      previous: null,
      results: [],
    });
  });

  await db.close();
});

Deno.test("totalBehind counts only when the page cannot tell", async () => {
  let counted = 0;
  const count = () => Promise.resolve(++counted && 42);
  assert.equal(await totalBehind({ limit: 10, offset: 0 }, 3, count), 3);
  assert.equal(await totalBehind({ limit: 10, offset: 20 }, 4, count), 24);
  assert.equal(await totalBehind({ limit: 10, offset: 0 }, 0, count), 0);
  assert.equal(counted, 0);
  assert.equal(await totalBehind({ limit: 10, offset: 0 }, 10, count), 42);
  assert.equal(await totalBehind({ limit: 10, offset: 50 }, 0, count), 42);
  assert.equal(counted, 2);
});

import assert from "node:assert/strict";
import { z } from "@hono/zod-openapi";
import { composeRegistry } from "../../src/registry.ts";
import type { Dataset } from "../../src/dataset/dataset.ts";

const row = z.object({ id: z.string() });
const things: Dataset = { name: "things-dataset", summary: "Things", row, from: (sql) => sql`t t` };

Deno.test("two domains may not declare a dataset or feed of one name", () => {
  assert.throws(
    () => composeRegistry([{ name: "a", datasets: [things] }, { name: "b", datasets: [things] }]),
    /two datasets are named "things-dataset"/,
  );
  const feed = { path: "thing", summary: "T", table: "t", item: () => ({}) as never };
  assert.throws(
    () =>
      composeRegistry([
        { name: "a", activityFeeds: [feed] },
        { name: "b", activityFeeds: [feed] },
      ]),
    /two activity feeds are named "thing"/,
  );
});

import assert from "node:assert/strict";
import { z } from "@hono/zod-openapi";
import { composeRegistry } from "../../src/registry.ts";
import type { Dataset } from "../../src/dataset/dataset.ts";

const row = z.object({ id: z.string() });
const real: Dataset = { name: "things-dataset", summary: "Things", row, from: (sql) => sql`t t` };
const placeholder: Dataset = { name: "things-dataset", summary: "Things", row, pending: true };

Deno.test("a domain's dataset or feed replaces the pending one of its name", () => {
  const registry = composeRegistry([
    {
      name: "pending",
      datasets: [placeholder],
      activityFeeds: [{ path: "thing", summary: "T", pending: true }],
    },
    { name: "things", datasets: [real] },
  ]);
  assert.deepEqual(registry.datasets, [real]);
  assert.equal(registry.activityFeeds.length, 1);
  assert.ok(registry.activityFeeds[0].pending);
  assert.throws(
    () => composeRegistry([{ name: "a", datasets: [real] }, { name: "b", datasets: [real] }]),
    /two datasets are named "things-dataset"/,
  );
});

/**
 * The OpenSearch backend's index lifecycle and bulk writes against a recorded stand-in
 * for the cluster (the live behaviour tests run when OPENSEARCH_URL is set).
 */
import assert from "node:assert/strict";
import { adviserSearchApp } from "../../src/adviser/search.ts";
import { bulkBodies, OpenSearchBackend, OpenSearchError } from "../../src/search/opensearch.ts";
import { mappingHash } from "../../src/search/opensearch_dsl.ts";

interface Recorded {
  method: string;
  path: string;
  body: string;
}

/** A fake cluster: `aliases` maps alias → indices; answers from `answer` or `{}`. */
function fakeCluster(
  aliases: Record<string, string[]>,
  answer: (r: Recorded) => unknown = () => ({}),
) {
  const calls: Recorded[] = [];
  const fetch = ((input: URL | string, init?: RequestInit) => {
    const url = new URL(String(input));
    const call = {
      method: init?.method ?? "GET",
      path: url.pathname,
      body: String(init?.body ?? ""),
    };
    calls.push(call);
    if (call.method === "GET" && call.path.startsWith("/_alias/")) {
      const alias = call.path.slice("/_alias/".length);
      const indices = aliases[alias];
      if (!indices) return Promise.resolve(new Response("{}", { status: 404 }));
      return Promise.resolve(Response.json(
        Object.fromEntries(indices.map((i) => [i, { aliases: { [alias]: {} } }])),
      ));
    }
    if (call.method === "POST" && call.path === "/_aliases") {
      for (const action of JSON.parse(call.body).actions) {
        const [kind, { index, alias }] = Object.entries(action)[0] as [
          string,
          { index: string; alias: string },
        ];
        aliases[alias] ??= [];
        if (kind === "add") aliases[alias].push(index);
        else aliases[alias] = aliases[alias].filter((i) => i !== index);
        if (!aliases[alias].length) delete aliases[alias];
      }
    }
    return Promise.resolve(Response.json(answer(call)));
  }) as typeof globalThis.fetch;
  return { calls, fetch };
}

Deno.test("OpenSearch backend lifecycle", async (t) => {
  const hash = await mappingHash(adviserSearchApp);
  const target = `dh-adviser-${hash}`;

  await t.step(
    "a missing write alias: create the index with both aliases, then resync",
    async () => {
      const cluster = fakeCluster({});
      const backend = new OpenSearchBackend({
        url: "http://os",
        indexPrefix: "dh",
        fetch: cluster.fetch,
      });
      const resynced: string[] = [];
      const report = await backend.migrate(null as never, [adviserSearchApp], {
        resync: (app) => (resynced.push(app.name), Promise.resolve(3)),
      });
      const put = cluster.calls.find((c) => c.method === "PUT")!;
      assert.equal(put.path, `/${target}`);
      assert.deepEqual(JSON.parse(put.body).aliases, {
        "dh-adviser-read": {},
        "dh-adviser-write": {},
      });
      assert.deepEqual(resynced, ["adviser"]);
      assert.deepEqual(report, [`adviser: created ${target}, 3 indexed`]);
    },
  );

  await t.step(
    "an outdated mapping: new index, one atomic alias switch, resync, old removed",
    async () => {
      const aliases = {
        "dh-adviser-read": ["dh-adviser-old"],
        "dh-adviser-write": ["dh-adviser-old"],
      };
      const cluster = fakeCluster(aliases);
      const backend = new OpenSearchBackend({
        url: "http://os",
        indexPrefix: "dh",
        fetch: cluster.fetch,
      });
      await backend.migrate(null as never, [adviserSearchApp], {
        resync: () => Promise.resolve(0),
      });
      const switches = cluster.calls.filter((c) => c.path === "/_aliases").map((c) =>
        JSON.parse(c.body)
      );
      assert.deepEqual(switches[0].actions, [
        { add: { index: target, alias: "dh-adviser-read" } },
        { add: { index: target, alias: "dh-adviser-write" } },
        { remove: { index: "dh-adviser-old", alias: "dh-adviser-write" } },
      ]);
      assert.deepEqual(switches[1].actions, [{
        remove: { index: "dh-adviser-old", alias: "dh-adviser-read" },
      }]);
      assert.ok(cluster.calls.some((c) => c.method === "DELETE" && c.path === "/dh-adviser-old"));
      assert.deepEqual(aliases, { "dh-adviser-read": [target], "dh-adviser-write": [target] });
    },
  );

  await t.step("an up-to-date index is left alone", async () => {
    const cluster = fakeCluster({ "dh-adviser-read": [target], "dh-adviser-write": [target] });
    const backend = new OpenSearchBackend({
      url: "http://os",
      indexPrefix: "dh",
      fetch: cluster.fetch,
    });
    const report = await backend.migrate(null as never, [adviserSearchApp]);
    assert.deepEqual(report, [`adviser: ${target} up to date`]);
    assert.ok(cluster.calls.every((c) => c.method === "GET"));
  });

  await t.step(
    "bulk writes go to the write alias; item errors fail, missing deletes do not",
    async () => {
      const cluster = fakeCluster(
        {},
        (c) =>
          c.path === "/_bulk"
            ? { errors: true, items: [{ delete: { status: 404, error: { type: "not_found" } } }] }
            : {},
      );
      const backend = new OpenSearchBackend({
        url: "http://os",
        indexPrefix: "dh",
        fetch: cluster.fetch,
      });
      await backend.write(null as never, adviserSearchApp, [{ id: "a", name: "Ann" }], ["b"]);
      const lines = cluster.calls[0].body.trim().split("\n").map((l) => JSON.parse(l));
      assert.deepEqual(lines, [
        { index: { _index: "dh-adviser-write", _id: "a" } },
        { id: "a", name: "Ann", _document_type: "adviser" },
        { delete: { _index: "dh-adviser-write", _id: "b" } },
      ]);
      const failing = fakeCluster({}, () => ({
        errors: true,
        items: [{ index: { status: 400, error: { type: "mapper_parsing_exception" } } }],
      }));
      const broken = new OpenSearchBackend({
        url: "http://os",
        indexPrefix: "dh",
        fetch: failing.fetch,
      });
      await assert.rejects(
        broken.write(null as never, adviserSearchApp, [{ id: "a" }], []),
        OpenSearchError,
      );
    },
  );

  await t.step("bulk bodies are split below the size limit, never inside a pair", () => {
    const pairs = Array.from(
      { length: 10 },
      (_, i) => [`{"index":{"_id":"${i}"}}`, "x".repeat(100)],
    );
    const bodies = bulkBodies(pairs, 400);
    assert.ok(bodies.length > 1);
    for (const body of bodies) {
      assert.ok(new TextEncoder().encode(body).length <= 400);
      assert.equal(body.trim().split("\n").length % 2, 0);
    }
    assert.equal(bodies.join(""), pairs.map((p) => `${p[0]}\n${p[1]}\n`).join(""));
  });

  await t.step("an unreachable cluster is a 502", async () => {
    const backend = new OpenSearchBackend({
      url: "http://os",
      indexPrefix: "dh",
      fetch: () => Promise.reject(new TypeError("connection refused")),
    });
    await assert.rejects(
      backend.refresh([adviserSearchApp]),
      (e: { status?: number }) => e.status === 502,
    );
  });
});

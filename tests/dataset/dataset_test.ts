import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import { expectedServerAuthorization } from "../helpers/hawk.ts";
import { ACTIVITY_STREAM, DATA_FLOW, MACHINE_ENV, REDBOX, signedGet } from "../helpers/machine.ts";
import { registry } from "../../src/domains.ts";

const UK = "80756b9a-5d95-e211-a939-e4115bead28a";

/** The original's 24 datasets (datahub/dataset/urls.py). */
const NAMES = [
  "advisers-dataset",
  "omis-dataset",
  "contacts-dataset",
  "companies-dataset",
  "company-export-dataset",
  "company-export-country-dataset",
  "company-export-country-history-dataset",
  "interactions-dataset",
  "interactions-export-country-dataset",
  "tasks-dataset",
  "teams-dataset",
  "investment-projects-dataset",
  "investment-projects-activity-dataset",
  "events-dataset",
  "company-referrals-dataset",
  "pipeline-items-dataset",
  "user-events-dataset",
  "company-objective-dataset",
  "export-wins-advisers-dataset",
  "export-wins-breakdowns-dataset",
  "export-wins-hvc-dataset",
  "export-wins-win-dataset",
  "expand-your-business-dataset",
  "hcsat-dataset",
];

Deno.test("datasets: the original's 24, Hawk scope datasets, cursor pages", async (t) => {
  const ctx = await testApp({ env: MACHINE_ENV });
  const { sql } = ctx;
  // Five companies, one created at a time shared by two, so the cursor must use the id.
  const stamps = [
    "2024-01-01T10:00:00Z",
    "2024-01-02T10:00:00.123456Z",
    "2024-01-02T10:00:00.123456Z",
    "2024-01-03T10:00:00Z",
    "2024-01-04T10:00:00Z",
  ];
  const ids: string[] = [];
  for (const [n, at] of stamps.entries()) {
    const [{ id }] = await sql<{ id: string }[]>`
      insert into company_company (name, created_on, modified_on, address_country_id, turnover)
      values (${`Company ${n}`}, ${at}::text::timestamptz, ${at}::text::timestamptz, ${UK}, ${
      n === 0 ? 1000 : null
    }) returning id`;
    ids.push(id);
  }
  const expectedOrder = [...ids.entries()]
    .sort(([a], [b]) => stamps[a].localeCompare(stamps[b]) || ids[a].localeCompare(ids[b]))
    .map(([, id]) => id);

  await t.step("every dataset route exists and answers a page", async () => {
    assert.deepEqual(registry.datasets.map((d) => d.name).sort(), [...NAMES].sort());
    for (const name of NAMES) {
      const res = await signedGet(ctx, DATA_FLOW, `/v4/dataset/${name}`);
      assert.equal(res.status, 200, `${name}: ${res.text}`);
      assert.deepEqual(Object.keys(res.body).sort(), ["next", "previous", "results"]);
      assert.ok(Array.isArray(res.body.results));
    }
  });

  await t.step("a walk with page_size=2 sees every company once, in order", async () => {
    const seen: string[] = [];
    let link: string | null = "/v4/dataset/companies-dataset?page_size=2";
    let pages = 0;
    while (link) {
      assert.ok(pages < 10, "the walk ends");
      const res = await signedGet(ctx, REDBOX, link);
      assert.equal(res.status, 200, res.text);
      assert.ok(res.body.results.length <= 2);
      if (pages === 0) assert.equal(res.body.previous, null);
      else assert.ok(res.body.previous);
      seen.push(...res.body.results.map((r: { id: string }) => r.id));
      link = res.body.next;
      pages++;
    }
    assert.deepEqual(seen, expectedOrder);
    assert.equal(pages, 3);
  });

  await t.step("previous goes back to the page before", async () => {
    const first = await signedGet(ctx, DATA_FLOW, "/v4/dataset/companies-dataset?page_size=2");
    const second = await signedGet(ctx, DATA_FLOW, first.body.next);
    const back = await signedGet(ctx, DATA_FLOW, second.body.previous);
    assert.equal(back.status, 200);
    assert.deepEqual(back.body.results, first.body.results);
    assert.equal(back.body.previous, null);
    assert.ok(back.body.next);
  });

  await t.step("a company row has the original's columns", async () => {
    const res = await signedGet(ctx, DATA_FLOW, "/v4/dataset/companies-dataset?page_size=1");
    const [row] = res.body.results;
    const company = registry.datasets.find((d) => d.name === "companies-dataset")!;
    assert.deepEqual(Object.keys(row), Object.keys(company.row.shape));
    assert.equal(row.created_on, "2024-01-01T10:00:00Z");
    assert.equal(row.address_country__name, "United Kingdom");
    assert.deepEqual(row.one_list_core_team_advisers, [null]);
    assert.equal(typeof row.turnover_gbp, "number");
    company.row.parse(row);
  });

  await t.step("updated_since keeps rows modified after the date", async () => {
    const res = await signedGet(
      ctx,
      DATA_FLOW,
      "/v4/dataset/companies-dataset?updated_since=2024-01-02",
    );
    assert.equal(res.status, 200);
    assert.equal(res.body.results.length, 4);
    const blank = await signedGet(ctx, DATA_FLOW, "/v4/dataset/companies-dataset?updated_since=");
    assert.equal(blank.body.results.length, 5);
    const bad = await signedGet(
      ctx,
      DATA_FLOW,
      "/v4/dataset/companies-dataset?updated_since=yesterday",
    );
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, [
      "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
    ]);
  });

  await t.step("page_size: bad values fall back to 100", async () => {
    for (const size of ["0", "-1", "x"]) {
      const res = await signedGet(
        ctx,
        DATA_FLOW,
        `/v4/dataset/companies-dataset?page_size=${size}`,
      );
      assert.equal(res.status, 200);
      assert.equal(res.body.results.length, 5);
    }
  });

  await t.step("malformed or tampered cursors are a 400", async () => {
    const tampered = [
      "not-base64!",
      btoa("p=2024-13-01T00:00:00.000000Z&i=00000000-0000-0000-0000-000000000000"),
      btoa("p=2024-02-30T00:00:00.000000Z&i=00000000-0000-0000-0000-000000000000"),
      btoa("p=2024-01-01T00:00:00.000000Z&i=1' or 1=1"),
      btoa("o=100&p=2024-01-01"),
    ];
    for (const cursor of tampered) {
      const res = await signedGet(
        ctx,
        DATA_FLOW,
        `/v4/dataset/companies-dataset?cursor=${encodeURIComponent(cursor)}`,
      );
      assert.equal(res.status, 400, `${cursor}: ${res.text}`);
      assert.deepEqual(res.body, { detail: "Invalid cursor" });
    }
    const other = await signedGet(ctx, DATA_FLOW, "/v4/dataset/omis-dataset?cursor=zzz");
    assert.equal(other.status, 400);
  });

  await t.step("other scopes 403, bearer and none 401, replays 401; signed", async () => {
    const path = "/v4/dataset/teams-dataset";
    const wrong = await signedGet(ctx, ACTIVITY_STREAM, path);
    assert.equal(wrong.status, 403);
    assert.deepEqual(wrong.body, { detail: "You do not have permission to perform this action." });
    const staff = await createAdviser(sql, { superuser: true });
    assert.equal((await call(ctx.app, "GET", path, { token: staff.token })).status, 401);
    assert.equal((await call(ctx.app, "GET", path)).status, 401);
    const once = await signedGet(ctx, DATA_FLOW, path, { nonce: "same-nonce" });
    assert.equal(once.status, 200);
    assert.equal(
      once.headers.get("server-authorization"),
      await expectedServerAuthorization(
        DATA_FLOW.key,
        once.signed.resource,
        once.text,
        once.headers.get("content-type"),
      ),
    );
    const replay = await signedGet(ctx, DATA_FLOW, path, { nonce: "same-nonce" });
    assert.equal(replay.status, 401);
    const stale = await signedGet(ctx, DATA_FLOW, path, { ts: Date.now() / 1000 - 3600 });
    assert.equal(stale.status, 401);
    // Behind the platform's router, the client address must be allow-listed.
    const outside = await signedGet(ctx, DATA_FLOW, path, {
      headers: { "x-forwarded-for": "203.0.113.9, 10.0.0.1" },
    });
    assert.equal(outside.status, 401);
  });

  await t.step("teams page by id, without created_on", async () => {
    const res = await signedGet(ctx, DATA_FLOW, "/v4/dataset/teams-dataset?page_size=3");
    assert.equal(res.status, 200);
    assert.equal(res.body.results.length, 3);
    const ids = res.body.results.map((r: { id: string }) => r.id);
    assert.deepEqual(ids, [...ids].sort());
    const next = await signedGet(ctx, DATA_FLOW, res.body.next);
    assert.ok(next.body.results[0].id > ids[2]);
  });

  await ctx.close();
});

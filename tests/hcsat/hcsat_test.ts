import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import { DATA_FLOW, MACHINE_ENV, signedGet } from "../helpers/machine.ts";
import { feedbackSchema } from "../../src/hcsat/routes.ts";

const NOW = new Date("2026-03-01T12:00:00Z");

Deno.test("HCSAT: feedback, its detail, and its dataset", async (t) => {
  let now = NOW;
  const ctx = await testApp({ env: MACHINE_ENV, deps: { now: () => now } });
  const user = await createAdviser(ctx.sql);
  const post = (body: unknown, token: string | null = user.token) =>
    call(ctx.app, "POST", "/v4/hcsat", { token: token ?? undefined, body });
  const patch = (id: string, body: unknown) =>
    call(ctx.app, "PATCH", `/v4/hcsat/${id}`, { token: user.token, body });

  let notUseful = "";
  let useful = "";

  await t.step("POST records the first answer", async () => {
    const res = await post({ url: "https://www.datahub.test/companies", was_useful: false });
    assert.equal(res.status, 201, res.text);
    feedbackSchema.parse(res.body);
    assert.deepEqual({ ...res.body, id: undefined }, {
      id: undefined,
      url: "https://www.datahub.test/companies",
      was_useful: false,
      did_not_find_what_i_wanted: null,
      difficult_navigation: null,
      lacks_feature: null,
      unable_to_load: null,
      inaccurate_information: null,
      other_issues: null,
      other_issues_detail: "",
      improvement_suggestion: "",
      created_on: "2026-03-01T12:00:00Z",
      modified_on: "2026-03-01T12:00:00Z",
    });
    notUseful = res.body.id;
    useful = (await post({ url: "https://www.datahub.test/", was_useful: true })).body.id;
  });

  await t.step("POST: required fields, a valid URL, no detail yet; signed in", async () => {
    const missing = await post({});
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body, {
      url: ["This field is required."],
      was_useful: ["This field is required."],
    });
    const badUrl = await post({ url: "not a url", was_useful: true });
    assert.deepEqual(badUrl.body, { url: ["Enter a valid URL."] });
    const detail = await post({
      url: "https://www.datahub.test/",
      was_useful: false,
      lacks_feature: true,
    });
    assert.equal(detail.status, 400);
    assert.deepEqual(detail.body, {
      non_field_errors: [
        "Detailed feedback fields cannot be provided during initial feedback creation.",
      ],
    });
    assert.equal((await post({ url: "https://x.test/", was_useful: true }, null)).status, 401);
  });

  await t.step("PATCH adds detail; url and was_useful stay as sent", async () => {
    now = new Date("2026-03-01T12:05:00Z");
    const res = await patch(notUseful, {
      url: "https://elsewhere.test/",
      was_useful: true,
      lacks_feature: true,
      other_issues: true,
      other_issues_detail: "Slow",
      improvement_suggestion: null,
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.url, "https://www.datahub.test/companies");
    assert.equal(res.body.was_useful, false);
    assert.equal(res.body.lacks_feature, true);
    assert.equal(res.body.other_issues_detail, "Slow");
    assert.equal(res.body.improvement_suggestion, "");
    assert.equal(res.body.modified_on, "2026-03-01T12:05:00Z");
    assert.equal(res.body.created_on, "2026-03-01T12:00:00Z");
  });

  await t.step("PATCH: the original's rules, and 404 for unknown feedback", async () => {
    const onUseful = await patch(useful, { lacks_feature: true });
    assert.equal(onUseful.status, 400);
    assert.deepEqual(onUseful.body, {
      non_field_errors: ["Detailed feedback cannot be added to feedback marked as useful."],
    });
    const detailWithoutOther = await patch(notUseful, {
      other_issues: false,
      other_issues_detail: "Something",
    });
    assert.deepEqual(detailWithoutOther.body, {
      other_issues_detail: [
        "Other issues detail can only be provided when other_issues is true.",
      ],
    });
    const unknown = await patch(crypto.randomUUID(), { lacks_feature: true });
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, {
      detail: "No CustomerSatisfactionToolFeedback matches the given query.",
    });
  });

  await t.step("the hcsat dataset lists feedback, oldest first", async () => {
    const res = await signedGet(ctx, DATA_FLOW, "/v4/dataset/hcsat-dataset");
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      res.body.results.map((r: { id: string }) => r.id).sort(),
      [notUseful, useful].sort(),
    );
    const row = res.body.results.find((r: { id: string }) => r.id === notUseful);
    assert.deepEqual(Object.keys(row), [
      "id",
      "created_on",
      "modified_on",
      "url",
      "was_useful",
      "did_not_find_what_i_wanted",
      "difficult_navigation",
      "lacks_feature",
      "unable_to_load",
      "inaccurate_information",
      "other_issues",
      "other_issues_detail",
      "improvement_suggestion",
    ]);
    assert.equal(row.lacks_feature, true);
    const since = await signedGet(
      ctx,
      DATA_FLOW,
      "/v4/dataset/hcsat-dataset?updated_since=2026-03-02",
    );
    assert.deepEqual(since.body.results, []);
  });

  await ctx.close();
});

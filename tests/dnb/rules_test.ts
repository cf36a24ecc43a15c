import assert from "node:assert/strict";
import { companyTree, dunsErrors, relatedDuns } from "../../src/dnb/rules.ts";
import { midnightYesterday, pythonIso } from "../../src/dnb/jobs.ts";
import type { FamilyTreeMember } from "../../src/dnb/client.ts";

const member = (duns: string, parent?: string, level?: number): FamilyTreeMember => ({
  duns,
  primaryName: `Company ${duns}`,
  corporateLinkage: { hierarchyLevel: level, ...(parent ? { parent: { duns: parent } } : {}) },
});

Deno.test("DUNS numbers: every failing check of the original's field, in its order", () => {
  assert.deepEqual(dunsErrors("123456789"), []);
  assert.deepEqual(dunsErrors(123456789), []);
  assert.deepEqual(dunsErrors("abc"), [
    "Enter a valid integer.",
    "Ensure this field has at least 9 characters.",
  ]);
  assert.deepEqual(dunsErrors(""), ["This field may not be blank."]);
  assert.deepEqual(dunsErrors("", { allowBlank: true }), []);
  assert.deepEqual(dunsErrors(true), ["Not a valid string."]);
});

Deno.test("family trees: the requested company swaps with its first sibling", () => {
  const members = [
    member("100000000", undefined, 1),
    member("200000000", "100000000", 2),
    member("300000000", "100000000", 2),
    member("400000000", "100000000", 2),
  ];
  const tree = companyTree(members, "400000000", new Map());
  assert.ok("subsidiaries" in tree);
  assert.deepEqual(tree.subsidiaries!.map((s) => s.duns_number), [
    "400000000",
    "300000000",
    "200000000",
  ]);
});

Deno.test("family trees: a lone member is the root even with a parent; cycles end", () => {
  const lone = companyTree([member("100000000", "999999999", 3)], "100000000", new Map());
  assert.equal("duns_number" in lone && lone.duns_number, "100000000");
  assert.equal("subsidiaries" in lone, false);
  const looped = companyTree(
    [member("100000000"), member("200000000", "300000000"), member("300000000", "200000000")],
    "100000000",
    new Map(),
  );
  assert.equal("duns_number" in looped && looped.duns_number, "100000000");
});

Deno.test("related DUNS numbers: parents nearest first, subsidiaries depth first", () => {
  const members = [
    member("100000000"),
    member("200000000", "100000000"),
    member("300000000", "200000000"),
    member("400000000", "300000000"),
    member("500000000", "200000000"),
  ];
  const both = { parents: true, subsidiaries: true };
  assert.deepEqual(relatedDuns(members, "200000000", both), [
    "100000000",
    "300000000",
    "400000000",
    "500000000",
  ]);
  assert.deepEqual(relatedDuns(members, "400000000", { parents: true, subsidiaries: false }), [
    "300000000",
    "200000000",
    "100000000",
  ]);
  assert.deepEqual(relatedDuns(members, "999999999", both), []);
});

Deno.test("the nightly run's times as the original writes them", () => {
  const at = new Date("2019-01-02T02:00:00.250Z");
  assert.equal(pythonIso(at), "2019-01-02T02:00:00.250000+00:00");
  assert.equal(pythonIso(at, " "), "2019-01-02 02:00:00.250000+00:00");
  assert.equal(pythonIso(new Date("2019-01-02T02:00:00Z")), "2019-01-02T02:00:00+00:00");
  assert.equal(midnightYesterday(new Date("2019-03-01T00:30:00Z")), "2019-02-28T00:00:00");
});

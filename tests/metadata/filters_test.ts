import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import { SEED_DIR } from "../../src/metadata/loader.ts";
import {
  autocompletePatterns,
  parseBoolean,
  parseDecimal,
  parseUuid,
} from "../../src/http/filter_values.ts";

type Row = Record<string, unknown>;
const seed = async (file: string) =>
  JSON.parse(await Deno.readTextFile(new URL(file, SEED_DIR))) as Row[];

const UK = "80756b9a-5d95-e211-a939-e4115bead28a";
const USA = "81756b9a-5d95-e211-a939-e4115bead28a";
const CHOICE = "Select a valid choice. That choice is not one of the available choices.";

Deno.test("value parsing follows Django's form fields", async (t) => {
  await t.step("decimals", () => {
    for (const ok of ["1", "-2", "+3", "1.5", ".5", "5.", "1e2", " 7 ", "1_000"]) {
      assert.notEqual(parseDecimal(ok), null, ok);
    }
    for (const bad of ["", " ", "x", "1.2.3", "NaN", "Infinity", "1e", "1__0", "0x10"]) {
      assert.equal(parseDecimal(bad), null, bad);
    }
    assert.equal(parseDecimal(" 1_000 "), "1000");
  });

  await t.step("UUIDs in the forms Python accepts", () => {
    for (
      const form of [UK, UK.toUpperCase(), UK.replaceAll("-", ""), `{${UK}}`, `urn:uuid:${UK}`]
    ) {
      assert.equal(parseUuid(form), UK, form);
    }
    for (const bad of ["", "abc", `${UK}0`, ` ${UK}`, UK.replace("8", "g")]) {
      assert.equal(parseUuid(bad), null, bad);
    }
  });

  await t.step("booleans as BooleanWidget reads them", () => {
    assert.equal(parseBoolean("true"), true);
    assert.equal(parseBoolean("True"), true);
    assert.equal(parseBoolean("1"), true);
    assert.equal(parseBoolean("FALSE"), false);
    assert.equal(parseBoolean("0"), false);
    assert.equal(parseBoolean("yes"), null);
  });

  await t.step("autocomplete tokens become escaped word-prefix patterns", () => {
    assert.deepEqual(autocompletePatterns("  lon   uk "), [String.raw`\mlon`, String.raw`\muk`]);
    assert.deepEqual(autocompletePatterns("a.b (c"), [String.raw`\ma\.b`, String.raw`\m\(c`]);
    assert.deepEqual(autocompletePatterns("   "), []);
  });
});

Deno.test("metadata list filters", async (t) => {
  const ctx = await testApp();
  const { token } = await createAdviser(ctx.sql);
  const get = (path: string) => call(ctx.app, "GET", `/v4/metadata/${path}`, { token });
  const ids = (body: Row[]) => body.map((r) => r.id);

  await t.step("country ?is_export_win", async () => {
    const countries = await seed("metadata_country.json");
    const yes = await get("country?is_export_win=true");
    assert.equal(yes.status, 200);
    assert.deepEqual(ids(yes.body), ids(countries.filter((c) => c.is_export_win)));
    assert.equal(yes.body.length, 244);
    const no = await get("country?is_export_win=0");
    assert.deepEqual(ids(no.body), ids(countries.filter((c) => !c.is_export_win)));
    assert.ok(ids(no.body).includes(UK));
    // django-filter's BooleanWidget turns unknown values into "no filter", not an error.
    const unknown = await get("country?is_export_win=maybe");
    assert.equal(unknown.status, 200);
    assert.equal(unknown.body.length, 270);
  });

  await t.step("administrative-area ?country", async () => {
    const areas = await seed("metadata_administrativearea.json");
    const us = await get(`administrative-area?country=${USA}`);
    assert.equal(us.status, 200);
    assert.deepEqual(ids(us.body), ids(areas.filter((a) => a.country_id === USA)));
    assert.ok(us.body.length > 50);
    const none = await get(`administrative-area?country=${UK}`);
    assert.deepEqual(none.body, []);
    const hex = await get(`administrative-area?country=${USA.replaceAll("-", "").toUpperCase()}`);
    assert.equal(hex.body.length, us.body.length);
    assert.equal((await get("administrative-area?country=")).body.length, 373);
    for (const bad of ["not-a-uuid", crypto.randomUUID(), " "]) {
      const res = await get(`administrative-area?country=${encodeURIComponent(bad)}`);
      assert.equal(res.status, 400, bad);
      assert.deepEqual(res.body, { country: [CHOICE] });
    }
  });

  await t.step("sector ?level__lte ?level__gte", async () => {
    const sectors = await seed("metadata_sector.json");
    const level = (r: Row) => r.level as number;
    const top = await get("sector?level__lte=0");
    assert.deepEqual(ids(top.body), ids(sectors.filter((s) => level(s) === 0)));
    const deep = await get("sector?level__gte=2");
    assert.deepEqual(ids(deep.body), ids(sectors.filter((s) => level(s) >= 2)));
    const middle = await get("sector?level__gte=1&level__lte=1");
    assert.deepEqual(ids(middle.body), ids(sectors.filter((s) => level(s) === 1)));
    // Decimals are truncated towards zero before comparing, as Django does.
    assert.deepEqual(
      ids((await get("sector?level__lte=1.9")).body),
      ids(
        sectors.filter((s) => level(s) <= 1),
      ),
    );
    assert.deepEqual(
      ids((await get("sector?level__gte=1.5")).body),
      ids(
        sectors.filter((s) => level(s) >= 1),
      ),
    );
    assert.equal((await get("sector?level__lte=")).body.length, 433);
    // A repeated parameter counts with its last value.
    assert.deepEqual(ids((await get("sector?level__lte=x&level__lte=0")).body), ids(top.body));
    for (const bad of ["x", "1.2.3", "NaN", " "]) {
      const res = await get(`sector?level__lte=${encodeURIComponent(bad)}`);
      assert.equal(res.status, 400, bad);
      assert.deepEqual(res.body, { level__lte: ["Enter a number."] });
    }
    const both = await get("sector?level__lte=a&level__gte=b");
    assert.deepEqual(both.body, {
      level__lte: ["Enter a number."],
      level__gte: ["Enter a number."],
    });
  });

  await t.step("service ?contexts__has_any", async () => {
    const all = (await get("service")).body as Row[];
    const res = await get("service?contexts__has_any=event,trade_agreement_interaction");
    assert.equal(res.status, 200);
    const wanted = new Set(["event", "trade_agreement_interaction"]);
    assert.deepEqual(
      ids(res.body),
      ids(all.filter((s) => (s.contexts as string[]).some((c) => wanted.has(c)))),
    );
    assert.ok(res.body.length > 50 && res.body.length < all.length);
    assert.deepEqual((await get("service?contexts__has_any=unknown")).body, []);
    assert.equal((await get("service?contexts__has_any=")).body.length, all.length);
  });

  await t.step("team ?autocomplete ?id", async () => {
    const res = await get("team?autocomplete=lon%20reg");
    assert.equal(res.status, 200);
    assert.ok(res.body.length >= 1);
    for (const team of res.body as Row[]) {
      const words = (team.name as string).toLowerCase().split(/\W+/);
      assert.ok(words.some((w) => w.startsWith("lon")), team.name as string);
      assert.ok(words.some((w) => w.startsWith("reg")), team.name as string);
    }
    assert.ok(res.body.some((r: Row) => r.name === "UKTI - London Region"));
    // Prefixes of words only: "ondon" starts no word.
    assert.deepEqual((await get("team?autocomplete=ondon")).body, []);
    // Regex characters are matched literally.
    const special = await get(`team?autocomplete=${encodeURIComponent("(.*")}`);
    assert.equal(special.status, 200);
    assert.deepEqual(special.body, []);
    assert.equal((await get("team?autocomplete=")).body.length, 1126);

    const one = await get("team?id=8a10dd28-9798-e211-a939-e4115bead28a");
    assert.deepEqual(ids(one.body), ["8a10dd28-9798-e211-a939-e4115bead28a"]);
    assert.deepEqual((await get(`team?id=${crypto.randomUUID()}`)).body, []);
    const bad = await get("team?id=123");
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { id: ["Enter a valid UUID."] });
  });

  await t.step("hq-team-region-or-post ?team_type", async () => {
    const posts = await seed("export_win_hqteamregionorpost.json");
    const teamType = posts[0].team_type_id;
    const res = await get(`hq-team-region-or-post?team_type=${teamType}`);
    assert.deepEqual(ids(res.body), ids(posts.filter((p) => p.team_type_id === teamType)));
    const bad = await get(`hq-team-region-or-post?team_type=${UK}`);
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { team_type: [CHOICE] });
  });

  await t.step("hvc ?financial_year", async () => {
    const res = await get("hvc?financial_year=23");
    assert.equal(res.body.length, 147);
    assert.ok(res.body.every((h: Row) => h.financial_year === 23));
    assert.equal((await get("hvc?financial_year=23.9")).body.length, 147);
    assert.deepEqual((await get("hvc?financial_year=1999")).body, []);
    const bad = await get("hvc?financial_year=FY23");
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { financial_year: ["Enter a number."] });
  });

  await t.step("unknown parameters are ignored", async () => {
    const res = await get("title?name=Mr&foo=bar");
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 47);
  });

  await ctx.close();
});

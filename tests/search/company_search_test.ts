/**
 * Company search on each backend: documents written through POST /v4/company and synced
 * by the inline job, every filter and sortby, free-text ranking, paging, 400s,
 * permissions, global search, the CSV export (columns, file name, 5,000 cap) and the
 * public Hawk variant.
 */
import assert from "node:assert/strict";
import { call, createAdviser } from "../helpers/app.ts";
import { assertSignedResponse, hawkHeader } from "../helpers/hawk.ts";
import { recordChanges } from "../../src/core/change_feed.ts";
import { companySearchApp, GLOBAL_HQ } from "../../src/company/search.ts";
import { contactSearchApp } from "../../src/contact/search.ts";
import { rebuildApp } from "../../src/search/sync.ts";
import { seedDatabase } from "../../bench/seed.ts";
import { backendsUnderTest, searchTestApp } from "./support.ts";

const UK = "80756b9a-5d95-e211-a939-e4115bead28a";
const FRANCE = "82756b9a-5d95-e211-a939-e4115bead28a";
const UKHQ = "3e6debb4-1596-40c5-aa25-f00da0e05af9";
const BUSINESS_TYPE = "98d14e94-5d95-e211-a939-e4115bead28a";
const TIER_A = "b91bf800-8d53-e311-aef3-441ea13961e2";
const MARKET_ACCESS = { id: "market-access-id", key: "market-access-secret" };
const FRONTEND = { id: "frontend-id", key: "frontend-secret" };

type Doc = { id: string; name: string } & Record<string, unknown>;
const names = (body: { results: Doc[] }) => body.results.map((r) => r.name);
const nameSet = (body: { results: Doc[] }) => new Set(names(body));

for (const { name: backendName, env, ignore } of backendsUnderTest) {
  Deno.test({ name: `company search (${backendName})`, ignore }, async (t) => {
    const ctx = await searchTestApp({
      ...env,
      MARKET_ACCESS_ACCESS_KEY_ID: MARKET_ACCESS.id,
      MARKET_ACCESS_SECRET_ACCESS_KEY: MARKET_ACCESS.key,
      DATA_HUB_FRONTEND_ACCESS_KEY_ID: FRONTEND.id,
      DATA_HUB_FRONTEND_SECRET_ACCESS_KEY: FRONTEND.key,
      DATAHUB_FRONTEND_BASE_URL: "https://datahub.example",
    }, [companySearchApp, contactSearchApp]);
    const { app, sql } = ctx;
    const user = await createAdviser(sql, {
      permissions: [
        "company.view_company",
        "company.add_company",
        "company.change_company",
        "company.export_company",
      ],
    });
    const viewer = await createAdviser(sql, { permissions: ["company.view_company"] });
    const nobody = await createAdviser(sql);
    const gam = await createAdviser(sql, { firstName: "Gina", lastName: "Manager" });
    const member = await createAdviser(sql, { firstName: "Carl", lastName: "Core" });
    const [leaf] = await sql<{ id: string; name: string; parent: string; root: string }[]>`
      select s.id::text, s.name, p.id::text as parent, p.parent_id::text as root
      from metadata_sector s join metadata_sector p on p.id = s.parent_id
      where s.level = 2 and p.parent_id is not null order by s.name limit 1`;
    const [other] = await sql<{ id: string }[]>`
      select id::text from metadata_sector where tree_id <> (select tree_id from metadata_sector
        where id = ${leaf.id}) and level = 0 order by name limit 1`;
    const regions = await sql<{ id: string; name: string }[]>`
      select id::text, name from metadata_ukregion order by name limit 2`;
    const [area] = await sql<{ id: string; country: string }[]>`
      select id::text, country_id::text as country from metadata_administrativearea limit 1`;

    const settle = async () => {
      await ctx.deps.jobs.idle();
      await ctx.sync();
    };
    const create = async (name: string, extra: Record<string, unknown> = {}) => {
      const res = await call(app, "POST", "/v4/company", {
        token: user.token,
        body: {
          name,
          business_type: BUSINESS_TYPE,
          sector: { id: leaf.id },
          uk_region: regions[0].id,
          address: {
            line_1: "1 High St",
            town: "London",
            postcode: "SW1A 1AA",
            country: { id: UK },
          },
          ...extra,
        },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };
    const acme = await create("Acme Trading Ltd", {
      trading_names: ["Roadrunner Supplies"],
      company_number: "01234567",
      headquarter_type: GLOBAL_HQ,
      export_segment: "hep",
      export_sub_segment: "challenge",
    });
    const abroad = await create("Acme", {
      sector: { id: other.id },
      uk_region: null,
      headquarter_type: UKHQ,
      address: { line_1: "2 Rue", town: "Paris", country: { id: FRANCE } },
    });
    const bolton = await create("Bolton Engineering", {
      uk_region: regions[1].id,
      address: { line_1: "3 Mill Rd", town: "Manchester", postcode: "M1 2AB", country: { id: UK } },
    });
    const ultimate = await create("Global Ultimate Holdings");
    const subsidiary = await create("Acme Subsidiary", { global_headquarters: { id: acme } });
    const archived = await create("Archived Acme Supplies");
    await create("Nimbleworth");
    await create("Nimbleworth Holdings");
    const nimbleFuzzy = await create("Nimblewerth Ltd");
    assert.equal(
      (await call(app, "POST", `/v4/company/${archived}/archive`, {
        token: user.token,
        body: { reason: "Dissolved" },
      })).status,
      200,
    );
    // Fields no v4 company route writes (D&B, One List, export countries, areas).
    await sql`update company_company set duns_number = '111111111',
      global_ultimate_duns_number = '111111111' where id = ${ultimate}`;
    await sql`update company_company set one_list_account_owner_id = ${gam.id},
      one_list_tier_id = ${TIER_A}, number_of_employees = 250, turnover = 1000000
      where id = ${acme}`;
    await sql`insert into company_onelistcoreteammember (company_id, adviser_id)
      values (${acme}, ${member.id}), (${acme}, ${gam.id})`;
    await sql`insert into company_companyexportcountry (company_id, country_id, status)
      values (${acme}, ${FRANCE}, 'currently_exporting'), (${bolton}, ${FRANCE}, 'future_interest')`;
    await sql`update company_company set registered_address_area_id = ${area.id},
      registered_address_country_id = ${area.country}, registered_address_1 = 'x'
      where id = ${bolton}`;
    await recordChanges(sql, [acme, ultimate, bolton].map((id) => ({ entity: "company", id })));
    await recordChanges(sql, [{ entity: "company", id: subsidiary }]);
    await settle();

    const search = (body: unknown, token = viewer.token) =>
      call(app, "POST", "/v4/search/company", { token, body });

    await t.step("a write is searchable after the sync job runs", async () => {
      const res = await search({ id: acme });
      assert.equal(res.status, 200);
      assert.equal(res.body.count, 1);
      const doc = res.body.results[0];
      assert.equal(doc.name, "Acme Trading Ltd");
      assert.deepEqual(doc.trading_names, ["Roadrunner Supplies"]);
      assert.deepEqual(doc.sector.ancestors, [{ id: leaf.root }, { id: leaf.parent }]);
      assert.equal(doc.sector.name, leaf.name);
      assert.deepEqual(doc.address.country, { id: UK, name: "United Kingdom" });
      assert.equal(doc.address.postcode, "SW1A 1AA");
      assert.equal(doc.registered_address, null);
      assert.deepEqual(doc.uk_region, { id: regions[0].id, name: regions[0].name });
      assert.equal(doc.one_list_group_global_account_manager.id, gam.id);
      assert.deepEqual(doc.adviser.map((a: Doc) => a.id), [member.id]);
      assert.deepEqual(doc.export_to_countries, [{ id: FRANCE, name: "France" }]);
      assert.deepEqual(doc.future_interest_countries, []);
      assert.equal(doc.latest_interaction_date, null);
      assert.equal(doc.uk_based, true);
      assert.equal(doc.has_name, true);
      assert.equal(doc.is_global_ultimate, false);
      assert.equal(doc.global_ultimate_duns_number, null);
      assert.equal("uk_address_postcode" in doc, false);
      assert.equal("_document_type" in doc, false);
      // The subsidiary embeds its group's One List team.
      const sub = (await search({ id: subsidiary })).body.results[0];
      assert.equal(sub.one_list_group_global_account_manager.id, gam.id);
      assert.deepEqual(sub.global_headquarters, { id: acme, name: "Acme Trading Ltd" });
    });

    await t.step("needs a login and company.view_company", async () => {
      assert.equal((await call(app, "POST", "/v4/search/company", { body: {} })).status, 401);
      assert.equal((await search({}, nobody.token)).status, 403);
    });

    await t.step("filters", async () => {
      const expect = async (body: Record<string, unknown>, wanted: string[]) => {
        const res = await search({ ...body, limit: 50 });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.deepEqual(nameSet(res.body), new Set(wanted), JSON.stringify(body));
      };
      const acmeName = "Acme Trading Ltd";
      await expect({ id: [acme, bolton] }, [acmeName, "Bolton Engineering"]);
      await expect({ archived: true }, ["Archived Acme Supplies"]);
      await expect({ headquarter_type: UKHQ }, ["Acme"]);
      await expect({ headquarter_type: GLOBAL_HQ }, [acmeName, "Global Ultimate Holdings"]);
      await expect({ headquarter_type: [null], name: "acme" }, [
        "Acme Subsidiary",
        "Archived Acme Supplies",
      ]);
      await expect({ has_name: false }, []);
      await expect({ is_global_ultimate: true }, ["Global Ultimate Holdings"]);
      await expect({ name: "roadrunner" }, [acmeName]);
      await expect({ name: "olto" }, ["Bolton Engineering"]);
      await expect({ sector_descends: leaf.root, name: "acme" }, [
        acmeName,
        "Acme Subsidiary",
        "Archived Acme Supplies",
      ]);
      await expect({ sector_descends: [leaf.root, other.id], name: "acme" }, [
        acmeName,
        "Acme",
        "Acme Subsidiary",
        "Archived Acme Supplies",
      ]);
      await expect({ country: FRANCE }, ["Acme"]);
      await expect({ area: area.id }, ["Bolton Engineering"]);
      await expect({ uk_based: false }, ["Acme"]);
      await expect({ uk_region: regions[1].id }, ["Bolton Engineering"]);
      await expect({ export_to_countries: FRANCE }, [acmeName]);
      await expect({ future_interest_countries: [FRANCE] }, ["Bolton Engineering"]);
      await expect({ one_list_group_global_account_manager: gam.id }, [
        acmeName,
        "Acme Subsidiary",
      ]);
      await expect({ adviser: member.id }, [acmeName, "Acme Subsidiary"]);
      await expect({ one_list_tier: TIER_A }, [acmeName]);
      await expect({ latest_interaction_date_after: "2020-01-01" }, []);
      await expect({ latest_interaction_date_before: "2020-01-01" }, []);
      await expect({ uk_postcode: "M1", name: "bolton" }, ["Bolton Engineering"]);
      await expect({ uk_postcode: ["m12ab", "zz9"] }, ["Bolton Engineering"]);
      await expect({ export_segment: "hep" }, [acmeName]);
      await expect({ export_sub_segment: ["challenge"] }, [acmeName]);
      await expect({ duns_number: "111111111" }, ["Global Ultimate Holdings"]);
      await expect({ company_number: ["01234567"] }, [acmeName]);
    });

    await t.step("sortby: name, modified_on, latest_interaction_date; invalid is 400", async () => {
      const byName = await search({ sortby: "name", limit: 50 });
      const sorted = [...names(byName.body)].sort((a, b) =>
        a.toLowerCase() < b.toLowerCase() ? -1 : 1
      );
      assert.deepEqual(names(byName.body), sorted);
      const desc = await search({ sortby: "name:desc", limit: 50 });
      assert.deepEqual(names(desc.body), [...sorted].reverse());
      await sql`update company_company set modified_on = '2030-01-01T04:04:02.35Z' where id = ${bolton}`;
      await recordChanges(sql, [{ entity: "company", id: bolton }]);
      await settle();
      const recent = await search({ sortby: "modified_on:desc", limit: 1 });
      assert.equal(names(recent.body)[0], "Bolton Engineering");
      assert.equal(recent.body.results[0].modified_on, "2030-01-01T04:04:02.350000+00:00");
      assert.equal((await search({ sortby: "latest_interaction_date" })).status, 200);
      assert.deepEqual((await search({ sortby: "created_on" })).body, {
        sortby: ['"created_on" is not a valid choice for the sort field.'],
      });
      assert.deepEqual((await search({ sortby: "name:up" })).body, {
        sortby: ['"up" is not a valid sort direction.'],
      });
    });

    await t.step("invalid filter values are 400s on their field", async () => {
      assert.deepEqual((await search({ uk_region: "x" })).body, {
        uk_region: ["Must be a valid UUID."],
      });
      assert.deepEqual((await search({ archived: "perhaps" })).body, {
        archived: ["Must be a valid boolean."],
      });
      const date = await search({ latest_interaction_date_after: "yesterday" });
      assert.equal(date.status, 400);
      assert.deepEqual(Object.keys(date.body), ["latest_interaction_date_after"]);
      assert.deepEqual((await search({ headquarter_type: [UKHQ, "no"] })).body, {
        headquarter_type: { 1: ["Must be a valid UUID."] },
      });
    });

    await t.step("free text: exact name, then every-word matches (no fuzzy)", async () => {
      const res = await search({ original_query: "Nimbleworth" });
      assert.deepEqual(names(res.body), ["Nimbleworth", "Nimbleworth Holdings"]);
      const acmes = await search({ original_query: "acme" });
      assert.equal(names(acmes.body)[0], "Acme");
      assert.ok(nameSet(acmes.body).has("Acme Trading Ltd"));
      const prefix = await search({ original_query: "bolt" });
      assert.deepEqual(names(prefix.body), ["Bolton Engineering"]);
      const tradingName = await search({ original_query: "roadrunner" });
      assert.deepEqual(names(tradingName.body), ["Acme Trading Ltd"]);
    });

    await t.step("paging: offset + limit, clipped at 10,000", async () => {
      const all = await search({ sortby: "name", limit: 50 });
      const page = await search({ sortby: "name", offset: 2, limit: 3 });
      assert.equal(page.body.count, all.body.count);
      assert.deepEqual(page.body.results, all.body.results.slice(2, 5));
      const end = await search({ offset: 9999, limit: 500 });
      assert.equal(end.status, 200);
      assert.deepEqual(end.body.results, []);
      assert.equal((await search({ offset: 10000 })).status, 400);
      assert.equal((await search({ limit: 0 })).status, 400);
    });

    await t.step("global search: company is the default entity; fuzzy last", async () => {
      const res = await call(app, "GET", "/v3/search?term=nimbleworth", { token: viewer.token });
      assert.equal(res.status, 200);
      assert.deepEqual(names(res.body), ["Nimbleworth", "Nimbleworth Holdings", "Nimblewerth Ltd"]);
      assert.deepEqual(res.body.aggregations, [{ count: 3, entity: "company" }]);
      const archivedHidden = await call(app, "GET", "/v3/search?term=archived%20acme", {
        token: viewer.token,
      });
      assert.equal(nameSet(archivedHidden.body).has("Archived Acme Supplies"), false);
    });

    await t.step("CSV export: columns, values, file name, permission", async () => {
      const denied = await call(app, "POST", "/v4/search/company/export", {
        token: viewer.token,
        body: {},
      });
      assert.equal(denied.status, 403);
      const res = await call(app, "POST", "/v4/search/company/export", {
        token: user.token,
        body: { id: [acme, bolton, abroad], sortby: "name:desc" },
      });
      assert.equal(res.status, 200);
      assert.match(
        res.headers.get("content-disposition")!,
        /^attachment; filename="Data Hub - Companies - \d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.csv"$/,
      );
      const lines = res.text.replace(/^\ufeff/, "").trimEnd().split("\r\n");
      assert.equal(
        lines[0],
        "Name,Link,Sector,Country,Area,UK region,Countries exported to,Countries of interest," +
          "Archived,Date created,Number of employees,Annual turnover,Headquarter type",
      );
      assert.deepEqual(lines.slice(1).map((l) => l.split(",")[0]), [
        "Bolton Engineering",
        "Acme Trading Ltd",
        "Acme",
      ]);
      const acmeRow = lines[2];
      assert.ok(acmeRow.startsWith(`Acme Trading Ltd,https://datahub.example/companies/${acme},`));
      assert.ok(acmeRow.includes(`,United Kingdom,,${regions[0].name},France,,False,`));
      assert.ok(acmeRow.endsWith(",250,$1000000,GHQ"));
    });

    await t.step("public search over Hawk: signed, whitelisted fields, scope", async () => {
      const url = "http://testserver/v4/public/search/company";
      const body = JSON.stringify({ name: "acme trading", uk_region: "ignored" });
      const signed = await hawkHeader(MARKET_ACCESS, {
        method: "POST",
        url,
        ts: Math.floor(Date.now() / 1000),
        body,
        contentType: "application/json",
      });
      const res = await call(app, "POST", "/v4/public/search/company", {
        body,
        headers: { authorization: signed.header },
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.count, 1);
      const doc = res.body.results[0];
      assert.equal(doc.id, acme);
      assert.equal("one_list_group_global_account_manager" in doc, false);
      assert.equal("adviser" in doc, false);
      assert.equal(Object.keys(doc).length, 30);
      await assertSignedResponse(res, MARKET_ACCESS.key, signed.resource);
      const wrongScope = await hawkHeader(FRONTEND, {
        method: "POST",
        url,
        ts: Math.floor(Date.now() / 1000),
        body,
        contentType: "application/json",
      });
      const denied = await call(app, "POST", "/v4/public/search/company", {
        body,
        headers: { authorization: wrongScope.header },
      });
      assert.equal(denied.status, 403);
      assert.ok(denied.headers.get("server-authorization"));
      const bearer = await call(app, "POST", "/v4/public/search/company", {
        token: viewer.token,
        body: {},
      });
      assert.equal(bearer.status, 401);
    });

    await t.step("a deleted company's document goes", async () => {
      await sql`delete from company_company where id = ${nimbleFuzzy}`;
      await recordChanges(sql, [{ entity: "company", id: nimbleFuzzy }]);
      await settle();
      assert.equal((await search({ id: nimbleFuzzy })).body.count, 0);
    });

    await t.step("uk_postcode matches whole areas, districts and sectors", async () => {
      const at = (name: string, postcode: string) =>
        create(name, {
          address: { line_1: "1 St", town: "London", postcode, country: { id: UK } },
        });
      await at("Postcode W1 2BB", "W1 2BB");
      await at("Postcode W1A 1AA", "W1A 1AA");
      await at("Postcode W11 2BQ", "W11 2BQ");
      await settle();
      const found = async (uk_postcode: unknown) =>
        names((await search({ uk_postcode, name: "postcode", sortby: "name" })).body);
      assert.deepEqual(await found("W1"), ["Postcode W1 2BB", "Postcode W1A 1AA"]);
      assert.deepEqual(await found("w"), [
        "Postcode W1 2BB",
        "Postcode W11 2BQ",
        "Postcode W1A 1AA",
      ]);
      assert.deepEqual(await found("W11"), ["Postcode W11 2BQ"]);
      assert.deepEqual(await found("W1A"), ["Postcode W1A 1AA"]);
      assert.deepEqual(await found("W1 2"), ["Postcode W1 2BB"]);
      assert.deepEqual(await found("w1a1aa"), ["Postcode W1A 1AA"]);
      assert.deepEqual(await found("W1 2B"), []);
    });

    await t.step("CSV export stops at 5,000 rows (seeded companies)", async () => {
      await seedDatabase(sql, { counts: { companies: 5001 }, seed: 7 });
      await rebuildApp(sql, ctx.backend, companySearchApp);
      await ctx.backend.refresh([companySearchApp]);
      const res = await call(app, "POST", "/v4/search/company/export", {
        token: user.token,
        body: {},
      });
      assert.equal(res.status, 200);
      assert.equal(res.text.trimEnd().split("\r\n").length, 1 + 5000);
    });

    await ctx.close();
  });
}

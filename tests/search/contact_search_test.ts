/**
 * Contact search on each backend: contacts written through POST /v4/contact, every
 * filter and sortby, ranking, 400s, permissions, global search counts with companies,
 * the CSV export, and re-indexing when the company is renamed, archived or deleted.
 */
import assert from "node:assert/strict";
import { call, createAdviser } from "../helpers/app.ts";
import { recordChanges } from "../../src/core/change_feed.ts";
import { companySearchApp } from "../../src/company/search.ts";
import { contactSearchApp } from "../../src/contact/search.ts";
import { backendsUnderTest, searchTestApp } from "./support.ts";

const UK = "80756b9a-5d95-e211-a939-e4115bead28a";
const FRANCE = "82756b9a-5d95-e211-a939-e4115bead28a";
const BUSINESS_TYPE = "98d14e94-5d95-e211-a939-e4115bead28a";
const TITLE = "c1d9b924-6095-e211-a939-e4115bead28a";

type Doc = { id: string; name: string } & Record<string, unknown>;
const names = (body: { results: Doc[] }) => body.results.map((r) => r.name);
const nameSet = (body: { results: Doc[] }) => new Set(names(body));
/** The cells of one CSV line (quoted cells may hold commas). */
const cells = (line: string) =>
  [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)]
    .slice(0, -1)
    .map((m) => m[1].startsWith('"') ? m[1].slice(1, -1).replaceAll('""', '"') : m[1]);

for (const { name: backendName, env, ignore } of backendsUnderTest) {
  Deno.test({ name: `contact search (${backendName})`, ignore }, async (t) => {
    const ctx = await searchTestApp(
      { ...env, DATAHUB_FRONTEND_BASE_URL: "https://datahub.example" },
      [companySearchApp, contactSearchApp],
    );
    const { app, sql } = ctx;
    const [team] = await sql<{ id: string; name: string }[]>`
      select id::text, name from metadata_team order by name limit 1`;
    const user = await createAdviser(sql, {
      teamId: team.id,
      permissions: [
        "company.view_company",
        "company.add_company",
        "company.change_company",
        "company.view_contact",
        "company.add_contact",
        "company.change_contact",
        "company.export_contact",
      ],
    });
    const viewer = await createAdviser(sql, { permissions: ["company.view_contact"] });
    const [leaf] = await sql<{ id: string; root: string; path: string }[]>`
      select s.id::text, r.id::text as root, s.name as path from metadata_sector s
      join metadata_sector r on r.tree_id = s.tree_id and r.level = 0
      where s.level = 1 order by s.name limit 1`;
    const regions = await sql<{ id: string; name: string }[]>`
      select id::text, name from metadata_ukregion order by name limit 2`;
    const settle = async () => {
      await ctx.deps.jobs.idle();
      await ctx.sync();
    };
    const company = async (name: string, region: string, trading: string[] = []) => {
      const res = await call(app, "POST", "/v4/company", {
        token: user.token,
        body: {
          name,
          trading_names: trading,
          business_type: BUSINESS_TYPE,
          sector: { id: leaf.id },
          uk_region: region,
          address: { line_1: "1 Dock Rd", town: "Leeds", postcode: "LS1 5DL", country: { id: UK } },
        },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };
    const widgets = await company("Widgets plc", regions[0].id, ["WP"]);
    const gadgets = await company("Gadgets Ltd", regions[1].id);
    let n = 0;
    const contact = async (first: string, last: string, companyId: string, extra = {}) => {
      const res = await call(app, "POST", "/v4/contact", {
        token: user.token,
        body: {
          first_name: first,
          last_name: last,
          primary: true,
          email: `person${++n}@example.com`,
          company: { id: companyId },
          address_same_as_company: true,
          ...extra,
        },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };
    const jo = await contact("Jo", "Bloggs", widgets, {
      title: TITLE,
      job_title: "Export Manager",
      email: "jo.bloggs@example.com",
    });
    const amy = await contact("Amy", "Zephyr", gadgets, {
      address_same_as_company: false,
      address_1: "9 Rue",
      address_town: "Paris",
      address_country: { id: FRANCE },
    });
    const bob = await contact("Bob", "Adams", widgets);
    await sql`update company_contact set created_on = null where id = ${bob}`;
    await recordChanges(sql, [{ entity: "contact", id: bob }]);
    await settle();
    const search = (body: unknown, token = viewer.token) =>
      call(app, "POST", "/v3/search/contact", { token, body });

    await t.step("a write is searchable after the sync job runs", async () => {
      const res = await search({ email: "JO.BLOGGS@example.com" });
      assert.equal(res.status, 200);
      assert.equal(res.body.count, 1);
      const doc = res.body.results[0];
      assert.equal(doc.id, jo);
      assert.equal(doc.name, "Jo Bloggs");
      assert.equal(doc.name_with_title, "Admiral Jo Bloggs");
      assert.deepEqual(doc.company, { id: widgets, name: "Widgets plc", trading_names: ["WP"] });
      assert.equal(doc.company_sector.id, leaf.id);
      assert.deepEqual(doc.company_sector.ancestors, [{ id: leaf.root }]);
      assert.deepEqual(doc.company_uk_region, regions[0]);
      // The company's address, since it is shared.
      assert.equal(doc.address_town, "Leeds");
      assert.deepEqual(doc.address_country, { id: UK, name: "United Kingdom" });
      assert.deepEqual(doc.created_by.dit_team, { id: team.id, name: team.name });
      assert.equal(doc.archived, false);
    });

    await t.step("needs a login and company.view_contact", async () => {
      assert.equal((await call(app, "POST", "/v3/search/contact", { body: {} })).status, 401);
      const other = await createAdviser(sql, { permissions: ["company.view_company"] });
      assert.equal((await search({}, other.token)).status, 403);
    });

    await t.step("filters", async () => {
      const expect = async (body: Record<string, unknown>, wanted: string[]) => {
        const res = await search(body);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.deepEqual(nameSet(res.body), new Set(wanted), JSON.stringify(body));
      };
      await expect({ email: "jo.bloggs@example.com" }, ["Jo Bloggs"]);
      await expect({ name: "loggs" }, ["Jo Bloggs"]);
      await expect({ company: widgets }, ["Jo Bloggs", "Bob Adams"]);
      await expect({ company_name: "gadg" }, ["Amy Zephyr"]);
      await expect({ company_name: "WP" }, ["Jo Bloggs", "Bob Adams"]);
      await expect({ company_sector: leaf.id }, ["Jo Bloggs", "Bob Adams", "Amy Zephyr"]);
      await expect({ company_sector_descends: leaf.root }, [
        "Jo Bloggs",
        "Bob Adams",
        "Amy Zephyr",
      ]);
      await expect({ company_uk_region: regions[1].id }, ["Amy Zephyr"]);
      await expect({ created_by: user.id, company: gadgets }, ["Amy Zephyr"]);
      await expect({ created_on_exists: false }, ["Bob Adams"]);
      await expect({ address_country: FRANCE }, ["Amy Zephyr"]);
      await expect({ archived: true }, []);
    });

    await t.step("sortby choices, and 400s", async () => {
      const sorted = async (sortby: string) => names((await search({ sortby })).body);
      assert.deepEqual(await sorted("last_name"), ["Bob Adams", "Jo Bloggs", "Amy Zephyr"]);
      assert.deepEqual(await sorted("last_name:desc"), ["Amy Zephyr", "Jo Bloggs", "Bob Adams"]);
      assert.equal((await sorted("company.name"))[0], "Amy Zephyr");
      assert.equal((await sorted("address_country.name:desc"))[2], "Amy Zephyr");
      assert.equal((await sorted("address_country.name"))[0], "Amy Zephyr");
      assert.equal((await sorted("address_area.name")).length, 3);
      assert.equal((await sorted("created_on"))[0], "Bob Adams");
      assert.equal((await sorted("modified_on:desc")).length, 3);
      assert.deepEqual((await search({ sortby: "first_name" })).body, {
        sortby: ['"first_name" is not a valid choice for the sort field.'],
      });
      assert.deepEqual((await search({ company: "nope" })).body, {
        company: ["Must be a valid UUID."],
      });
      assert.deepEqual((await search({ created_on_exists: "x" })).body, {
        created_on_exists: ["Must be a valid boolean."],
      });
    });

    await t.step("free text: exact name first; company names and job titles", async () => {
      const exact = await search({ original_query: "Jo Bloggs" });
      assert.equal(names(exact.body)[0], "Jo Bloggs");
      assert.deepEqual(names((await search({ original_query: "export" })).body), ["Jo Bloggs"]);
      assert.deepEqual(
        nameSet((await search({ original_query: "widgets" })).body),
        new Set([
          "Jo Bloggs",
          "Bob Adams",
        ]),
      );
    });

    await t.step("global search counts companies and contacts", async () => {
      const res = await call(app, "GET", "/v3/search?term=widgets&entity=contact", {
        token: user.token,
      });
      assert.equal(res.status, 200);
      assert.deepEqual(nameSet(res.body), new Set(["Jo Bloggs", "Bob Adams"]));
      assert.deepEqual(res.body.aggregations, [
        { count: 2, entity: "contact" },
        { count: 1, entity: "company" },
      ]);
      const contactsOnly = await call(app, "GET", "/v3/search?term=widgets", {
        token: viewer.token,
      });
      assert.deepEqual(contactsOnly.body.results, []);
      assert.deepEqual(contactsOnly.body.aggregations, [{ count: 2, entity: "contact" }]);
    });

    await t.step("CSV export: the 17 columns, shared addresses, file name", async () => {
      assert.equal(
        (await call(app, "POST", "/v3/search/contact/export", { token: viewer.token, body: {} }))
          .status,
        403,
      );
      const res = await call(app, "POST", "/v3/search/contact/export", {
        token: user.token,
        body: { sortby: "last_name" },
      });
      assert.equal(res.status, 200);
      assert.match(
        res.headers.get("content-disposition")!,
        /filename="Data Hub - Contacts - [\d-]{19}\.csv"/,
      );
      const lines = res.text.replace(/^\ufeff/, "").trimEnd().split("\r\n");
      assert.equal(
        lines[0],
        "Name,Job title,Date created,Archived,Link,Company,Company sector,Company link," +
          "Company UK region,Country,Area,Postcode,Phone number,Email address," +
          "Date of latest interaction,Teams of latest interaction,Created by team",
      );
      assert.deepEqual(lines.slice(1).map((l) => l.split(",")[0]), [
        "Bob Adams",
        "Jo Bloggs",
        "Amy Zephyr",
      ]);
      const joRow = cells(lines[2]);
      assert.equal(joRow.length, 17);
      assert.equal(joRow[6], leaf.path);
      assert.equal(joRow[1], "Export Manager");
      assert.equal(joRow[3], "False");
      assert.equal(joRow[4], `https://datahub.example/contacts/${jo}`);
      assert.equal(joRow[5], "Widgets plc");
      assert.equal(joRow[7], `https://datahub.example/companies/${widgets}`);
      assert.equal(joRow[9], "United Kingdom");
      assert.equal(joRow[11], "LS1 5DL");
      assert.equal(joRow[16], team.name);
      assert.equal(cells(lines[3])[9], "France");
    });

    await t.step("renaming or archiving a company re-indexes its contacts", async () => {
      const renamed = await call(app, "PATCH", `/v4/company/${widgets}`, {
        token: user.token,
        body: { name: "Sprockets plc" },
      });
      assert.equal(renamed.status, 200);
      await settle();
      const res = await search({ company_name: "sprockets" });
      assert.deepEqual(nameSet(res.body), new Set(["Jo Bloggs", "Bob Adams"]));
      assert.equal(res.body.results[0].company.name, "Sprockets plc");
      assert.equal((await search({ company_name: "widgets" })).body.count, 0);
      const archived = await call(app, "POST", `/v4/company/${gadgets}/archive`, {
        token: user.token,
        body: { reason: "Closed" },
      });
      assert.equal(archived.status, 200);
      await settle();
      const companies = await call(app, "POST", "/v4/search/company", {
        token: user.token,
        body: { archived: true },
      });
      assert.deepEqual(names(companies.body), ["Gadgets Ltd"]);
    });

    await t.step("deleted contacts leave the index", async () => {
      await sql`delete from company_contact where id = ${amy}`;
      await recordChanges(sql, [{ entity: "contact", id: amy, operation: "delete" }]);
      await settle();
      const rest = await search({});
      assert.deepEqual(nameSet(rest.body), new Set(["Jo Bloggs", "Bob Adams"]));
    });

    await ctx.close();
  });
}

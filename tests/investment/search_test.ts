/**
 * Investment project search on each backend: documents from projects written through
 * POST /v3/investment, filters, sortby, the associated-only scope, global search and the
 * CSV export.
 */
import assert from "node:assert/strict";
import { call, createAdviser } from "../helpers/app.ts";
import { companySearchApp } from "../../src/company/search.ts";
import { investmentSearchApp } from "../../src/investment/search.ts";
import { backendsUnderTest, searchTestApp } from "../search/support.ts";
import { dnbEnv, HIERARCHY, HIERARCHY_COUNT, startDnbService } from "../helpers/dnb_service.ts";

const FDI = "3e143372-496c-4d1e-8278-6fdd3da9b48b";
const NON_FDI = "9c364e64-2b28-401b-b2df-50e08b0bca44";
const NEW_SITE = "f8447013-cfdc-4f35-a146-6619665388b3";
const COLD_CALL = "0c4f8e74-d34f-4aca-b764-a44cdc2d0087";
const AIRCRAFT = "b422c9d2-5f95-e211-a939-e4115bead28a";
const ACTIVITY = "fea31ce4-391c-4e9a-ada2-0f02ce06b8f5";
const PROSPECT = "8a320cc9-ae2e-443e-9d26-2f36452c2ced";
const WON = "945ea6d1-eee3-4f5b-9144-84a75b71b8e6";

type Doc = { id: string; name: string } & Record<string, unknown>;
const names = (body: { results: Doc[] }) => body.results.map((r) => r.name);

for (const { name: backendName, env, ignore } of backendsUnderTest) {
  Deno.test({ name: `investment project search (${backendName})`, ignore }, async (t) => {
    const dnb = startDnbService();
    const ctx = await searchTestApp(
      { ...env, ...dnbEnv(dnb), DATAHUB_FRONTEND_BASE_URL: "https://datahub.example" },
      [companySearchApp, investmentSearchApp],
    );
    const { app, sql } = ctx;
    const teams = await sql<{ id: string }[]>`
      insert into metadata_team (id, name)
      values (gen_random_uuid(), 'Team A'), (gen_random_uuid(), 'Team B') returning id`;
    const user = await createAdviser(sql, {
      teamId: teams[0].id,
      permissions: [
        "investment.view_all_investmentproject",
        "investment.add_investmentproject",
        "investment.change_all_investmentproject",
        "investment.export_investmentproject",
      ],
    });
    const outsider = await createAdviser(sql, { superuser: true, teamId: teams[1].id });
    const restricted = await createAdviser(sql, {
      teamId: teams[0].id,
      permissions: ["investment.view_associated_investmentproject"],
    });
    const [{ id: company }] = await sql<{ id: string }[]>`
      insert into company_company (name, duns_number, created_on)
      values ('Investor Ltd', '123456789', now()) returning id`;
    const [{ id: subsidiary }] = await sql<{ id: string }[]>`
      insert into company_company (name, duns_number, created_on)
      values ('Subsidiary Ltd', '777777777', now()) returning id`;
    const [{ id: contact }] = await sql<{ id: string }[]>`
      insert into company_contact (first_name, last_name, company_id, "primary", email, created_on)
      values ('Ann', 'Lee', ${company}, true, 'ann@example.test', now()) returning id`;
    const settle = async () => {
      await ctx.deps.jobs.idle();
      await ctx.sync();
    };
    const create = async (name: string, token: string, crm: string, extra = {}) => {
      const res = await call(app, "POST", "/v3/investment", {
        token,
        body: {
          name,
          description: "d",
          investment_type: FDI,
          fdi_type: NEW_SITE,
          estimated_land_date: "2030-06-01",
          investor_company: company,
          client_contacts: [contact],
          client_relationship_manager: crm,
          referral_source_adviser: crm,
          referral_source_activity: COLD_CALL,
          sector: AIRCRAFT,
          business_activities: [ACTIVITY],
          ...extra,
        },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body as { id: string; project_code: string };
    };
    const alpha = await create("Alpha factory", user.token, user.id, {
      foreign_equity_investment: 1000000,
    });
    const beta = await create("Beta offices", outsider.token, outsider.id, {
      investment_type: NON_FDI,
      fdi_type: null,
      estimated_land_date: "2031-01-01",
    });
    await settle();
    const search = (body: Record<string, unknown>, token = user.token) =>
      call(app, "POST", "/v3/search/investment_project", { token, body });

    await t.step("documents, free text and project code", async () => {
      const all = await search({});
      assert.equal(all.status, 200, JSON.stringify(all.body));
      assert.equal(all.body.count, 2);
      const doc = all.body.results.find((d: Doc) => d.id === alpha.id);
      assert.equal(doc.project_code, alpha.project_code);
      assert.deepEqual(doc.stage, { id: PROSPECT, name: "Prospect" });
      assert.equal(doc.investor_company.name, "Investor Ltd");
      assert.equal(doc.client_relationship_manager.dit_team.id, teams[0].id);
      assert.equal(doc.gross_value_added, 209651);
      assert.ok(doc.incomplete_fields.includes("client_requirements"));
      assert.deepEqual(names((await search({ original_query: "alpha" })).body), [
        "Alpha factory",
      ]);
      assert.deepEqual(names((await search({ project_code: beta.project_code })).body), [
        "Beta offices",
      ]);
    });

    await t.step("filters and sortby", async () => {
      assert.deepEqual(names((await search({ investment_type: NON_FDI })).body), [
        "Beta offices",
      ]);
      assert.deepEqual(names((await search({ adviser: user.id })).body), ["Alpha factory"]);
      assert.deepEqual(
        names((await search({ estimated_land_date_after: "2030-12-01" })).body),
        ["Beta offices"],
      );
      assert.deepEqual(names((await search({ gross_value_added_start: 100 })).body), [
        "Alpha factory",
      ]);
      // Both land in FY 2030 (April 2030 to March 2031); neither in 2031.
      const fy2030 = await search({ land_date_financial_year_start: [2030], sortby: "name" });
      assert.deepEqual(names(fy2030.body), ["Alpha factory", "Beta offices"]);
      assert.equal((await search({ land_date_financial_year_start: 2031 })).body.count, 0);
      assert.deepEqual(
        names(
          (await search({ level_of_involvement_simplified: "unspecified", sortby: "name:desc" }))
            .body,
        ),
        ["Beta offices", "Alpha factory"],
      );
      assert.equal((await search({ stage: WON })).body.count, 0);
      const bad = await search({ sortby: "nope", stage: "x" });
      assert.equal(bad.status, 400);
    });

    await t.step("associated-only advisers see their team's projects", async () => {
      const res = await search({}, restricted.token);
      assert.deepEqual(names(res.body), ["Alpha factory"]);
      const global = await call(app, "GET", "/v3/search?term=offices&entity=investment_project", {
        token: outsider.token,
      });
      assert.equal(global.status, 200);
      assert.deepEqual(names(global.body), ["Beta offices"]);
    });

    await t.step("show_summary: projects per stage, the investor's last won", async () => {
      const stages = { label: "", id: "", value: 0 };
      const res = await search({ show_summary: true, investor_company: company });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(Object.keys(res.body.summary), [
        "prospect",
        "assign_pm",
        "active",
        "verify_win",
        "won",
      ]);
      assert.deepEqual(res.body.summary.prospect, {
        ...stages,
        label: "Prospect",
        id: PROSPECT,
        value: 2,
      });
      assert.deepEqual(res.body.summary.won, {
        ...stages,
        label: "Won",
        id: WON,
        value: 0,
        last_won_project: { id: null, last_changed: null, name: null },
      });
      assert.equal("summary" in (await search({})).body, false);

      await sql`update investment_investmentproject set stage_id = ${WON} where id = ${beta.id}`;
      await sql`insert into investment_investmentprojectstagelog
        (investment_project_id, stage_id, created_on)
        values (${beta.id}, ${WON}, '2024-03-01T10:00:00Z')`;
      await ctx.backend.write(
        sql,
        investmentSearchApp,
        await investmentSearchApp.build(sql, [beta.id]),
        [],
      );
      await ctx.backend.refresh([investmentSearchApp]);
      const won = await search({ show_summary: "true", investor_company: [company] });
      assert.equal(won.body.summary.prospect.value, 1);
      assert.equal(won.body.summary.won.value, 1);
      assert.deepEqual(won.body.summary.won.last_won_project, {
        id: beta.id,
        name: "Beta offices",
        last_changed: "2024-03-01T10:00:00Z",
      });
    });

    await t.step("include_subsidiary_companies: the investor's D&B family", async () => {
      await create("Gamma plant", user.token, user.id, { investor_company: subsidiary });
      await settle();
      dnb.json(HIERARCHY_COUNT, 2);
      dnb.json(HIERARCHY, {
        global_ultimate_duns: "123456789",
        family_tree_members: [
          { duns: "123456789", corporateLinkage: { hierarchyLevel: 1 } },
          {
            duns: "777777777",
            corporateLinkage: { hierarchyLevel: 2, parent: { duns: "123456789" } },
          },
        ],
        global_ultimate_family_tree_members_count: 2,
      });
      const own = await search({ investor_company: company, sortby: "name" });
      assert.deepEqual(names(own.body), ["Alpha factory", "Beta offices"]);
      const family = await search({
        investor_company: company,
        include_subsidiary_companies: true,
        sortby: "name",
      });
      assert.equal(family.status, 200, family.text);
      assert.deepEqual(names(family.body), ["Alpha factory", "Beta offices", "Gamma plant"]);
      const parents = await search({ investor_company: company, include_parent_companies: true });
      assert.equal(parents.body.count, 2);
    });

    await t.step("CSV export", async () => {
      const res = await call(app, "POST", "/v3/search/investment_project/export", {
        token: user.token,
        body: { sortby: "name" },
      });
      assert.equal(res.status, 200);
      const lines = res.text.replace(/^\uFEFF/, "").trim().split("\r\n");
      // The original's field_titles, in order.
      assert.equal(
        lines[0],
        [
          "Date created,Project reference,Project name,Investor company",
          "Investor company town or city,Investor company area,Country of origin",
          "Investment type,Status,Stage,Link,Actual land date,Estimated land date,FDI value",
          "Sector,Date of latest interaction,Project manager,Client relationship manager",
          "Global account manager,Project assurance adviser,Other team members",
          "Delivery partners,Possible UK regions,Actual UK regions",
          "Specific investment programmes,Referral source activity",
          "Referral source activity website,Total investment,New jobs",
          "Average salary of new jobs,Safeguarded jobs,Level of involvement,R&D budget",
          "Associated non-FDI R&D project,New to world tech,Likelihood to land,FDI type",
          "Foreign equity investment,GVA multiplier,GVA",
        ].join(","),
      );
      assert.equal(lines.length, 4);
      assert.ok(lines[1].includes("Alpha factory"));
      assert.ok(lines[1].includes("https://datahub.example/investments/projects/"));
      const denied = await call(app, "POST", "/v3/search/investment_project/export", {
        token: restricted.token,
        body: {},
      });
      assert.equal(denied.status, 403);
    });

    await ctx.close();
    await dnb.close();
  });
}

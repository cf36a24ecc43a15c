/**
 * The company activity search's `include_parent_companies` and
 * `include_subsidiary_companies`: the first company's D&B relatives (from a dnb-service
 * stand-in) join the `company` filter, as the original's view.
 */
import assert from "node:assert/strict";
import { call, createAdviser } from "../helpers/app.ts";
import { dnbEnv, HIERARCHY, HIERARCHY_COUNT, startDnbService } from "../helpers/dnb_service.ts";
import { searchTestApp } from "../search/support.ts";
import { companyActivitySearchApp } from "../../src/company_activity/search.ts";

Deno.test("company activity of a company's parents and subsidiaries", async (t) => {
  const dnb = startDnbService();
  const ctx = await searchTestApp(dnbEnv(dnb), [companyActivitySearchApp]);
  try {
    const { app, sql } = ctx;
    const user = await createAdviser(sql, {
      permissions: [
        "company_activity.view_companyactivity",
        "company_referral.add_companyreferral",
      ],
    });
    const other = await createAdviser(sql, {});
    const company = async (name: string, duns: string | null) =>
      (await sql<{ id: string }[]>`
        insert into company_company (name, duns_number, created_on)
        values (${name}, ${duns}, now()) returning id::text`)[0].id;
    const parent = await company("Parent Plc", "987654321");
    const requested = await company("Requested Ltd", "123456789");
    const child = await company("Child Ltd", "777777777");
    const plain = await company("No Duns Ltd", null);
    const referrals: Record<string, string> = {};
    for (const [name, id] of Object.entries({ parent, requested, child, plain })) {
      const res = await call(app, "POST", "/v4/company-referral", {
        token: user.token,
        body: {
          company: { id },
          recipient: { id: other.id },
          subject: `About ${name}`,
          notes: "-",
        },
      });
      assert.equal(res.status, 201, res.text);
      referrals[name] = res.body.id;
    }
    await ctx.sync();
    dnb.json(HIERARCHY_COUNT, 3);
    dnb.json(HIERARCHY, {
      global_ultimate_duns: "987654321",
      family_tree_members: [
        { duns: "987654321", corporateLinkage: { hierarchyLevel: 1 } },
        {
          duns: "123456789",
          corporateLinkage: { hierarchyLevel: 2, parent: { duns: "987654321" } },
        },
        {
          duns: "777777777",
          corporateLinkage: { hierarchyLevel: 3, parent: { duns: "123456789" } },
        },
      ],
      global_ultimate_family_tree_members_count: 3,
    });
    const subjects = async (body: Record<string, unknown>) => {
      const res = await call(app, "POST", "/v4/search/company-activity", {
        token: user.token,
        body: { sortby: "date", ...body },
      });
      assert.equal(res.status, 200, res.text);
      return (res.body.results as { referral: { subject: string } }[])
        .map((r) => r.referral.subject).sort();
    };

    await t.step("without the flags: the company alone, dnb-service not asked", async () => {
      const before = dnb.requests.length;
      assert.deepEqual(await subjects({ company: requested }), ["About requested"]);
      assert.deepEqual(
        await subjects({
          company: requested,
          include_parent_companies: false,
          include_subsidiary_companies: false,
        }),
        ["About requested"],
      );
      assert.equal(dnb.requests.length, before);
    });

    await t.step("parents, subsidiaries or both join the company", async () => {
      assert.deepEqual(
        await subjects({ company: requested, include_parent_companies: true }),
        ["About parent", "About requested"],
      );
      assert.deepEqual(
        await subjects({ company: [requested], include_subsidiary_companies: "true" }),
        ["About child", "About requested"],
      );
      assert.deepEqual(
        await subjects({
          company: requested,
          include_parent_companies: true,
          include_subsidiary_companies: true,
        }),
        ["About child", "About parent", "About requested"],
      );
    });

    await t.step("a company without a DUNS number: the original's 400", async () => {
      const res = await call(app, "POST", "/v4/search/company-activity", {
        token: user.token,
        body: { company: plain, include_parent_companies: true },
      });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { detail: `company ${plain} does not contain a duns number` });
      const bad = await call(app, "POST", "/v4/search/company-activity", {
        token: user.token,
        body: { company: requested, include_parent_companies: "maybe" },
      });
      assert.deepEqual(bad.body, { include_parent_companies: ["Must be a valid boolean."] });
    });

    await t.step("dnb-service failing: 502", async () => {
      dnb.status(HIERARCHY_COUNT, 500);
      const res = await call(app, "POST", "/v4/search/company-activity", {
        token: user.token,
        body: { company: requested, include_subsidiary_companies: true },
      });
      assert.equal(res.status, 502, res.text);
    });
  } finally {
    await ctx.close();
    await dnb.close();
  }
});

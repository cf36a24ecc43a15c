/**
 * The project list sends cached project documents: a write through another app instance,
 * or in SQL behind both, is in the next list; each caller variant (the document
 * permission) gets its own documents; a listed document equals the project's detail.
 */
import assert from "node:assert/strict";
import { createApp } from "../../src/http/app.ts";
import { registry } from "../../src/domains.ts";
import { call, createAdviser, testApp, testDeps } from "../helpers/app.ts";

const FDI = "3e143372-496c-4d1e-8278-6fdd3da9b48b";
const NEW_SITE = "f8447013-cfdc-4f35-a146-6619665388b3";
const COLD_CALL = "0c4f8e74-d34f-4aca-b764-a44cdc2d0087";
const AIRCRAFT = "b422c9d2-5f95-e211-a939-e4115bead28a";
const FRANCE = "82756b9a-5d95-e211-a939-e4115bead28a";

Deno.test("investment project list: cached documents follow writes", async (t) => {
  const ctx = await testApp();
  const { sql } = ctx;
  const reader = createApp(testDeps(ctx.db), registry.domains);
  const user = await createAdviser(sql, { superuser: true });
  const viewer = await createAdviser(sql, {
    permissions: ["investment.view_all_investmentproject"],
  });
  const [{ id: company }] = await sql<{ id: string }[]>`
    insert into company_company (name, created_on, address_country_id)
    values ('Investor Ltd', now(), ${FRANCE}) returning id`;
  const [{ id: contact }] = await sql<{ id: string }[]>`
    insert into company_contact (first_name, last_name, company_id, "primary", email, created_on)
    values ('Ann', 'Lee', ${company}, true, 'ann@example.test', now()) returning id`;
  const created = await call(ctx.app, "POST", "/v3/investment", {
    token: user.token,
    body: {
      name: "Project",
      description: "A description",
      investment_type: { id: FDI },
      fdi_type: NEW_SITE,
      estimated_land_date: "2030-01-01",
      investor_company: company,
      client_contacts: [{ id: contact }],
      client_relationship_manager: user.id,
      referral_source_adviser: user.id,
      referral_source_activity: COLD_CALL,
      sector: AIRCRAFT,
      business_activities: [{ id: "befab707-5abd-4f47-8477-57f091e6dac9" }],
      other_business_activity: "Other things",
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id;
  const list = async (token = user.token) => {
    const res = await call(reader, "GET", "/v3/investment", { token });
    assert.equal(res.status, 200);
    return res.body.results[0];
  };

  try {
    await t.step("a listed document equals the project's detail", async () => {
      const detail = await call(reader, "GET", `/v3/investment/${id}`, { token: user.token });
      assert.deepEqual(await list(), detail.body);
      assert.equal((await list()).name, "Project");
    });

    await t.step("a PATCH through the other instance is in the next list", async () => {
      const patched = await call(ctx.app, "PATCH", `/v3/investment/${id}`, {
        token: user.token,
        body: { name: "Renamed" },
      });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.equal((await list()).name, "Renamed");
    });

    await t.step("SQL writes to the project and its team are in the next list", async () => {
      await sql`update investment_investmentproject set description = 'Set in SQL'
        where id = ${id}`;
      assert.equal((await list()).description, "Set in SQL");
      await sql`insert into investment_investmentprojectteammember
        (investment_project_id, adviser_id, role) values (${id}, ${viewer.id}, 'Helper')`;
      assert.deepEqual(
        (await list()).team_members.map((m: { role: string }) => m.role),
        ["Helper"],
      );
    });

    await t.step("the gated field follows each caller's permission", async () => {
      assert.equal("archived_documents_url_path" in await list(user.token), true);
      assert.equal("archived_documents_url_path" in await list(viewer.token), false);
      assert.equal("archived_documents_url_path" in await list(user.token), true);
    });
  } finally {
    await ctx.close();
  }
});

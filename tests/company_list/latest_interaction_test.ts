/**
 * Company list items show their company's latest interaction (from the interaction domain)
 * and are ordered by it: most recent first, then newest created, companies without any
 * last, as the original's CompanyListItemViewSet.
 */
import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";

const PERMISSIONS = [
  "company_list.view_companylist",
  "company_list.add_companylist",
  "company.view_company",
  "company_list.view_companylistitem",
  "company_list.add_companylistitem",
  "interaction.add_all_interaction",
];

Deno.test("company list items: latest interaction and the default order", async (t) => {
  const ctx = await testApp();
  const { app, sql } = ctx;
  let clock = new Date("2024-04-01T09:00:00Z");
  ctx.deps.now = () => clock;
  const tick = () => (clock = new Date(clock.getTime() + 60_000));

  const [team] = await sql<{ id: string; name: string }[]>`
    insert into metadata_team (id, name) values (gen_random_uuid(), 'Exporters')
    returning id, name`;
  const user = await createAdviser(sql, {
    permissions: PERMISSIONS,
    teamId: team.id,
    firstName: "Ann",
    lastName: "Lee",
  });
  const [channel] = await sql<{ id: string }[]>`
    select id from interaction_communicationchannel where disabled_on is null limit 1`;
  const [service] = await sql<{ id: string }[]>`
    select s.id from metadata_service s
    where not exists (select 1 from metadata_service c where c.parent_id = s.id)
      and not exists (select 1 from interaction_servicequestion q where q.service_id = s.id)
    limit 1`;

  const company = async (name: string) => {
    const [{ id }] = await sql<{ id: string }[]>`
      insert into company_company (name, created_on) values (${name}, now()) returning id`;
    const [{ id: contact }] = await sql<{ id: string }[]>`
      insert into company_contact (first_name, last_name, company_id, "primary", email)
      values ('Jo', ${name}, ${id}, true, 'jo@example.test') returning id`;
    return { id, contact };
  };
  const interaction = async (
    companies: { id: string; contact: string }[],
    date: string,
    subject: string,
  ) => {
    tick();
    const res = await call(app, "POST", "/v4/interaction", {
      token: user.token,
      body: {
        kind: "interaction",
        communication_channel: channel.id,
        subject,
        date,
        dit_participants: [{ adviser: user.id }],
        companies: companies.map((c) => c.id),
        contacts: companies.map((c) => c.contact),
        service: service.id,
        was_policy_feedback_provided: false,
        has_related_trade_agreements: false,
        related_trade_agreements: [],
      },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return { id: res.body.id as string, created_on: res.body.created_on as string };
  };

  const alpha = await company("Alpha");
  const beta = await company("Beta");
  const gamma = await company("Gamma");
  const delta = await company("Delta");
  const listRes = await call(app, "POST", "/v4/company-list", {
    token: user.token,
    body: { name: "Mine" },
  });
  const list = listRes.body.id as string;
  for (const c of [delta, gamma, beta, alpha]) {
    tick();
    const put = await call(app, "PUT", `/v4/company-list/${list}/item/${c.id}`, {
      token: user.token,
    });
    assert.equal(put.status, 204);
  }

  await interaction([alpha], "2024-01-10", "Old news");
  const alphaLatest = await interaction([alpha], "2024-03-01", "New news");
  // Same date, created later: Beta's comes before Alpha's.
  const betaLatest = await interaction([beta], "2024-03-01", "Same day");
  // Listed on Delta only through `companies`: the latest is by the interaction's company.
  await interaction([gamma, delta], "2023-05-01", "Long ago");

  const items = async (query = "") => {
    const res = await call(app, "GET", `/v4/company-list/${list}/item${query}`, {
      token: user.token,
    });
    assert.equal(res.status, 200);
    return res.body.results as {
      company: { name: string };
      latest_interaction: Record<string, unknown> | null;
    }[];
  };

  await t.step(
    "latest_interaction: {id, created_on, date, subject, dit_participants}",
    async () => {
      const byName = new Map((await items()).map((i) => [i.company.name, i.latest_interaction]));
      assert.deepEqual(byName.get("Alpha"), {
        id: alphaLatest.id,
        created_on: alphaLatest.created_on,
        date: "2024-03-01",
        subject: "New news",
        dit_participants: [{
          adviser: { id: user.id, name: "Ann Lee" },
          team: { id: team.id, name: "Exporters" },
        }],
      });
      assert.equal(byName.get("Beta")?.id, betaLatest.id);
      assert.equal(byName.get("Gamma")?.subject, "Long ago");
      assert.equal(byName.get("Delta"), null);
    },
  );

  await t.step("default order: latest date desc, then newest created, none last", async () => {
    assert.deepEqual((await items()).map((i) => i.company.name), [
      "Beta",
      "Alpha",
      "Gamma",
      "Delta",
    ]);
  });

  await t.step("an explicit sortby replaces the default order", async () => {
    assert.deepEqual((await items("?sortby=-created_on")).map((i) => i.company.name), [
      "Alpha",
      "Beta",
      "Gamma",
      "Delta",
    ]);
  });

  await ctx.close();
});

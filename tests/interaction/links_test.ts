/**
 * Interactions as they touch other domains: the export of the pipeline they belong to
 * (export theme only), and the countries discussed, which the first time are copied to
 * the company's export countries as the original's `_save_export_countries` does.
 */
import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import type { Sql } from "../../src/db/pool.ts";

const UK = "80756b9a-5d95-e211-a939-e4115bead28a";
const US = "81756b9a-5d95-e211-a939-e4115bead28a";
const FRANCE = "82756b9a-5d95-e211-a939-e4115bead28a";
const INVALID_CHOICE = ["Select a valid choice. That choice is not one of the available choices."];
const EXPORT_THEME_ONLY = ["Company Export is only valid for Export theme."];

const PERMISSIONS = [
  "interaction.view_all_interaction",
  "interaction.add_all_interaction",
  "interaction.change_all_interaction",
  "company.view_company",
  "company.view_companyexportcountry",
];

async function one<T>(query: Promise<T[]>): Promise<T> {
  const [row] = await query;
  assert.ok(row, "reference row not found");
  return row;
}

async function company(sql: Sql, name: string): Promise<{ company: string; contact: string }> {
  const [{ id }] = await sql<{ id: string }[]>`
    insert into company_company (name, created_on) values (${name}, now()) returning id`;
  const [{ id: contact }] = await sql<{ id: string }[]>`
    insert into company_contact (first_name, last_name, company_id, "primary", email, created_on)
    values ('Jo', ${name}, ${id}, true, 'jo@example.test', now()) returning id`;
  return { company: id, contact };
}

Deno.test("interactions linked to exports and to the company's export countries", async (t) => {
  const ctx = await testApp();
  const { app, sql } = ctx;
  let clock = new Date("2024-06-01T12:00:00Z");
  ctx.deps.now = () => clock;

  const channel = (await one(sql<{ id: string }[]>`
    select id from interaction_communicationchannel where disabled_on is null
    order by name limit 1`)).id;
  const service = (await one(sql<{ id: string }[]>`
    select s.id from metadata_service s
    where not exists (select 1 from metadata_service c where c.parent_id = s.id)
      and not exists (select 1 from interaction_servicequestion q where q.service_id = s.id)
    order by s.name limit 1`)).id;
  const user = await createAdviser(sql, { permissions: PERMISSIONS });
  const colleague = await createAdviser(sql, { permissions: PERMISSIONS });
  const acme = await company(sql, "Acme");

  const exportOf = async (companyId: string, title: string) =>
    (await sql<{ id: string }[]>`
      insert into company_companyexport (company_id, title, owner_id, created_on)
      values (${companyId}, ${title}, ${user.id}, now()) returning id`)[0].id;
  const widgets = await exportOf(acme.company, "Widgets to France");
  const gadgets = await exportOf(acme.company, "Gadgets to Spain");

  const body = (overrides: Record<string, unknown> = {}) => ({
    kind: "interaction",
    communication_channel: channel,
    subject: "Catch-up",
    date: "2024-03-01",
    dit_participants: [{ adviser: user.id }],
    company: acme.company,
    contacts: [acme.contact],
    service,
    was_policy_feedback_provided: false,
    has_related_trade_agreements: false,
    related_trade_agreements: [],
    ...overrides,
  });
  const post = (payload: unknown, version = "v4") =>
    call(app, "POST", `/${version}/interaction`, { token: user.token, body: payload });
  const create = async (overrides: Record<string, unknown> = {}) => {
    const res = await post(body(overrides));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string } & Record<string, unknown>;
  };
  const patch = (id: string, payload: unknown, token = user.token) =>
    call(app, "PATCH", `/v4/interaction/${id}`, { token, body: payload });

  let linked = "";
  await t.step("company_export: export theme only, rendered {title, id} in v3 and v4", async () => {
    const domestic = await post(body({ theme: "domestic", company_export: widgets }));
    assert.deepEqual([domestic.status, domestic.body], [400, {
      company_export: EXPORT_THEME_ONLY,
    }]);
    const noTheme = await post(body({ company_export: { id: widgets } }), "v3");
    assert.deepEqual(noTheme.body, { company_export: EXPORT_THEME_ONLY });
    const missing = crypto.randomUUID();
    const unknown = await post(body({ theme: "export", company_export: missing }));
    assert.deepEqual(unknown.body, {
      company_export: [`Invalid pk "${missing}" - object does not exist.`],
    });

    const created = await create({ theme: "export", company_export: { id: widgets } });
    linked = created.id;
    assert.deepEqual(created.company_export, { id: widgets, title: "Widgets to France" });
    for (const version of ["v3", "v4"]) {
      const res = await call(app, "GET", `/${version}/interaction/${linked}`, {
        token: user.token,
      });
      assert.deepEqual(res.body.company_export, { id: widgets, title: "Widgets to France" });
    }
    const [version] = await sql<{ data: Record<string, unknown> }[]>`
      select serialized_data as data from reversion_version
      where entity = 'interaction' and object_id = ${linked} order by id desc limit 1`;
    assert.equal(version.data.company_export_id, widgets);
  });

  await t.step(
    "PATCH: the export can move; the theme cannot leave export while linked",
    async () => {
      const moved = await patch(linked, { company_export: gadgets });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      assert.deepEqual(moved.body.company_export, { id: gadgets, title: "Gadgets to Spain" });
      const other = await patch(linked, { theme: "other" });
      assert.deepEqual([other.status, other.body], [400, { company_export: EXPORT_THEME_ONLY }]);
      const unlinked = await patch(linked, { theme: "other", company_export: null });
      assert.equal(unlinked.status, 200, JSON.stringify(unlinked.body));
      assert.equal(unlinked.body.company_export, null);
      const back = await patch(linked, { theme: "export", company_export: widgets });
      assert.equal(back.status, 200, JSON.stringify(back.body));
    },
  );

  await t.step("list: company_export_id filters; unknown or malformed ids are 400", async () => {
    await create({ theme: "export" });
    const res = await call(app, "GET", `/v4/interaction?company_export_id=${widgets}`, {
      token: user.token,
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.results.map((r: { id: string }) => r.id), [linked]);
    const none = await call(app, "GET", `/v3/interaction?company_export_id=${gadgets}`, {
      token: user.token,
    });
    assert.equal(none.body.count, 0);
    for (const value of [crypto.randomUUID(), "nope"]) {
      const bad = await call(app, "GET", `/v4/interaction?company_export_id=${value}`, {
        token: user.token,
      });
      assert.deepEqual([bad.status, bad.body], [400, { company_export_id: INVALID_CHOICE }]);
    }
  });

  await t.step("the export's own serializer does not list its interactions", async () => {
    const res = await call(app, "GET", `/v4/export/${widgets}`, { token: user.token });
    assert.equal(res.status, 200);
    assert.equal("interactions" in res.body, false);
  });

  await t.step("the foreign key: deleting an export deletes its interactions", async () => {
    const doomed = await exportOf(acme.company, "Doomed");
    const interaction = await create({ theme: "export", company_export: doomed });
    await sql`delete from company_companyexport where id = ${doomed}`;
    const rows = await sql`select 1 from interaction_interaction where id = ${interaction.id}`;
    assert.equal(rows.length, 0);
    await assert.rejects(
      async () =>
        await sql`update interaction_interaction set company_export_id = ${doomed}
          where id = ${linked}`,
      /foreign key/,
    );
  });

  const beta = await company(sql, "Beta");
  /** The company's export countries as `GET /v4/company/{id}` shows them, by name. */
  const countries = async () =>
    ((await call(app, "GET", `/v4/company/${beta.company}`, { token: user.token }))
      .body.export_countries as { country: { id: string; name: string }; status: string }[])
      .sort((a, b) => a.country.name.localeCompare(b.country.name));
  const statusOf = async (country: string) =>
    (await countries()).find((c) => c.country.id === country)?.status;
  const discussed = (items: [string, string][], overrides: Record<string, unknown> = {}) => ({
    company: beta.company,
    contacts: [beta.contact],
    theme: "export",
    were_countries_discussed: true,
    export_countries: items.map(([country, status]) => ({ country, status })),
    ...overrides,
  });

  let first = "";
  await t.step(
    "create: the countries discussed become the company's, without history",
    async () => {
      first = (await create(discussed([[UK, "currently_exporting"], [FRANCE, "future_interest"]])))
        .id;
      assert.deepEqual(await countries(), [
        { country: { id: FRANCE, name: "France" }, status: "future_interest" },
        { country: { id: UK, name: "United Kingdom" }, status: "currently_exporting" },
      ]);
      const rows = await sql<{ created_by_id: string; modified_on: Date }[]>`
      select created_by_id, modified_on from company_companyexportcountry
      where company_id = ${beta.company}`;
      assert.deepEqual(rows.map((r) => r.created_by_id), [user.id, user.id]);
      assert.deepEqual(rows.map((r) => r.modified_on), [clock, clock]);
      // The original adds them without track_history (its test asserts no history rows).
      const history = await sql`select 1 from company_companyexportcountryhistory
      where company_id = ${beta.company}`;
      assert.equal(history.length, 0);
    },
  );

  await t.step("a country's status changes only for newer news", async () => {
    // Dated before the row was last modified: kept.
    await create(discussed([[UK, "not_interested"]], { date: "2024-05-01" }));
    assert.equal(await statusOf(UK), "currently_exporting");
    // Dated after it: taken.
    clock = new Date("2024-07-01T12:00:00Z");
    await create(discussed([[UK, "not_interested"]], { date: "2024-06-15" }));
    assert.equal(await statusOf(UK), "not_interested");
    // A future date counts as today: older than a row modified later than today.
    await sql`update company_companyexportcountry set modified_on = '2025-01-01T00:00:00Z'
      where company_id = ${beta.company} and country_id = ${FRANCE}`;
    await create(discussed([[FRANCE, "currently_exporting"]], { date: "2030-01-01" }));
    assert.equal(await statusOf(FRANCE), "future_interest");
  });

  await t.step("update: copied only when the interaction had no countries before", async () => {
    const changed = await patch(first, discussed([[US, "future_interest"]]));
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(await statusOf(US), undefined);

    const plain = await create({ company: beta.company, contacts: [beta.contact] });
    const added = await patch(
      plain.id,
      discussed([[US, "future_interest"]], { company: undefined, contacts: undefined }),
      colleague.token,
    );
    assert.equal(added.status, 200, JSON.stringify(added.body));
    assert.equal(await statusOf(US), "future_interest");
    // On behalf of the interaction's creator, as the original.
    const [row] = await sql<{ created_by_id: string }[]>`
      select created_by_id from company_companyexportcountry
      where company_id = ${beta.company} and country_id = ${US}`;
    assert.equal(row.created_by_id, user.id);
  });

  await t.step("a refused interaction leaves the company's countries alone", async () => {
    const before = await countries();
    const refused = await post(
      body(discussed([[FRANCE, "not_interested"]], { contacts: [acme.contact] })),
    );
    assert.equal(refused.status, 400);
    assert.deepEqual(await countries(), before);
  });

  await ctx.close();
});

/**
 * `POST /v4/search/export-country-history`: export country history entries and the
 * interactions that discussed export countries, as the original's
 * datahub/search/export_country_history tests pin them.
 */
import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";

const UK = "80756b9a-5d95-e211-a939-e4115bead28a";
const FRANCE = "82756b9a-5d95-e211-a939-e4115bead28a";
const PATH = "/v4/search/export-country-history";
const PERMISSIONS = ["company.view_companyexportcountry", "interaction.view_all_interaction"];

Deno.test("export country history search", async (t) => {
  const ctx = await testApp();
  const { app, sql } = ctx;
  const user = await createAdviser(sql, {
    firstName: "Hana",
    lastName: "History",
    permissions: [...PERMISSIONS, "interaction.add_all_interaction"],
  });
  const [channel] = await sql<{ id: string }[]>`
    select id::text from interaction_communicationchannel where disabled_on is null limit 1`;
  const [service] = await sql<{ id: string; name: string }[]>`
    select s.id::text, s.name from metadata_service s
    where not exists (select 1 from metadata_service c where c.parent_id = s.id)
      and not exists (select 1 from interaction_servicequestion q where q.service_id = s.id)
    order by s.name limit 1`;
  const company = async (name: string) => {
    const [{ id }] = await sql<{ id: string }[]>`
      insert into company_company (name, created_on, trading_names)
      values (${name}, now(), ${["T/A " + name]}) returning id::text`;
    const [{ id: contact }] = await sql<{ id: string }[]>`
      insert into company_contact (first_name, last_name, company_id, "primary", email)
      values ('Jo', ${name}, ${id}, true, 'jo@example.test') returning id::text`;
    return { id, contact };
  };
  const acme = await company("Acme");
  const other = await company("Other");
  const history = async (
    companyId: string,
    country: string,
    date: string | null,
    type = "insert",
    by: string | null = user.id,
  ) =>
    (await sql<{ id: string }[]>`
      insert into company_companyexportcountryhistory
        (history_date, history_user_id, history_type, id, country_id, company_id, status)
      values (${date}, ${by}, ${type}, gen_random_uuid(), ${country}, ${companyId},
        'currently_exporting')
      returning history_id::text as id`)[0].id;
  const interaction = async (
    target: { id: string; contact: string },
    date: string,
    countries: string[] | null,
  ) => {
    const res = await call(app, "POST", "/v4/interaction", {
      token: user.token,
      body: {
        kind: "interaction",
        theme: "export",
        communication_channel: channel.id,
        subject: `Talk on ${date}`,
        date,
        dit_participants: [{ adviser: user.id }],
        company: target.id,
        contacts: [target.contact],
        service: service.id,
        was_policy_feedback_provided: false,
        has_related_trade_agreements: false,
        related_trade_agreements: [],
        were_countries_discussed: countries !== null,
        ...(countries
          ? {
            export_countries: countries.map((country) => ({ country, status: "future_interest" })),
          }
          : {}),
      },
    });
    assert.equal(res.status, 201, res.text);
    return res.body.id as string;
  };

  const h2002 = await history(acme.id, UK, "2002-02-23T01:02:03Z");
  const i2001 = await interaction(acme, "2001-01-22", [FRANCE]);
  const i2003 = await interaction(acme, "2003-03-24", [UK]);
  const h2004 = await history(acme.id, FRANCE, "2004-04-25T01:02:03Z", "delete");
  await interaction(acme, "2005-01-01", null); // no countries discussed: never listed
  await history(other.id, UK, "2006-01-01T00:00:00Z");
  await interaction(other, "2006-02-01", [FRANCE]);
  const search = (body: unknown, token = user.token, query = "") =>
    call(app, "POST", `${PATH}${query}`, { token, body });

  await t.step("both permissions are needed", async () => {
    for (const permissions of [[], [PERMISSIONS[0]], [PERMISSIONS[1]]]) {
      const caller = await createAdviser(sql, { permissions });
      const res = await search({ company: acme.id }, caller.token);
      assert.equal(res.status, 403, res.text);
    }
  });

  await t.step("a company or a country is required", async () => {
    const res = await search({});
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      non_field_errors: ["Request must include either country or company parameters"],
    });
    const bad = await search({ company: "nope", sortby: "subject" });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, {
      company: ["Must be a valid UUID."],
      sortby: ['"subject" is not a valid choice for the sort field.'],
    });
    const sort = await search({ company: acme.id, sortby: "subject" });
    assert.deepEqual(sort.body, {
      sortby: ['"subject" is not a valid choice for the sort field.'],
    });
  });

  await t.step("a company's history and export interactions, newest first", async () => {
    const res = await search({ company: acme.id });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.count, 4);
    assert.deepEqual(res.body.results.map((r: { id: string }) => r.id), [
      h2004,
      i2003,
      h2002,
      i2001,
    ]);
    const asc = await search({ company: acme.id, sortby: "date:asc" });
    assert.deepEqual(asc.body.results.map((r: { id: string }) => r.id), [
      i2001,
      h2002,
      i2003,
      h2004,
    ]);
  });

  await t.step("a history entry and an interaction as the original renders them", async () => {
    const res = await search({ company: acme.id, sortby: "date:asc" });
    const [first, second] = res.body.results;
    assert.deepEqual(second, {
      company: { id: acme.id, name: "Acme" },
      country: { id: UK, name: "United Kingdom" },
      date: "2002-02-23T01:02:03+00:00",
      history_date: "2002-02-23T01:02:03+00:00",
      history_type: "insert",
      history_user: { id: user.id, name: "Hana History" },
      id: h2002,
      status: "currently_exporting",
    });
    assert.deepEqual(Object.keys(first).sort(), [
      "company",
      "contacts",
      "date",
      "dit_participants",
      "export_countries",
      "id",
      "kind",
      "service",
      "subject",
    ]);
    assert.deepEqual(first.company, { id: acme.id, name: "Acme", trading_names: ["T/A Acme"] });
    assert.deepEqual(first.export_countries, [
      { country: { id: FRANCE, name: "France" }, status: "future_interest" },
    ]);
    assert.equal(first.kind, "interaction");
    assert.deepEqual(first.service, { id: service.id, name: service.name });
    assert.equal(first.dit_participants[0].adviser.id, user.id);
  });

  await t.step("by country: history of that country, interactions discussing it", async () => {
    const res = await search({ country: FRANCE, sortby: "date:asc" });
    assert.equal(res.body.count, 3);
    assert.equal(res.body.results[0].id, i2001);
    assert.equal(res.body.results[1].id, h2004);
    const both = await search({ country: [UK], company: [acme.id] });
    assert.deepEqual(both.body.results.map((r: { id: string }) => r.id), [i2003, h2002]);
  });

  await t.step("an entry without user or date; paging from the query string", async () => {
    const undated = await history(acme.id, UK, null, "update", null);
    const res = await search({ company: acme.id }, user.token, "?limit=2&offset=4");
    assert.equal(res.body.count, 5);
    assert.deepEqual(res.body.results.map((r: { id: string }) => r.id), [undated]);
    assert.equal(res.body.results[0].history_user, null);
    const asc = await search({ company: acme.id, sortby: "date:asc", limit: 1 });
    assert.equal(asc.body.results[0].id, undated);
  });

  await ctx.close();
});

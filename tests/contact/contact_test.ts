import assert from "node:assert/strict";
import { call, createAdviser, HeldQueue, testApp } from "../helpers/app.ts";

const UK = "80756b9a-5d95-e211-a939-e4115bead28a";
const US = "81756b9a-5d95-e211-a939-e4115bead28a";
const NEW_YORK = "aa65b701-244a-41fc-bd31-0a546303106a";
const TITLE = "c1d9b924-6095-e211-a939-e4115bead28a";
const UK_REGION = "1718e330-6095-e211-a939-e4115bead28a";

/** ContactSerializer's keys (with the permission-gated one). */
const CONTACT_KEYS = [
  "id",
  "title",
  "first_name",
  "last_name",
  "name",
  "job_title",
  "company",
  "adviser",
  "primary",
  "full_telephone_number",
  "email",
  "valid_email",
  "address_same_as_company",
  "address_1",
  "address_2",
  "address_town",
  "address_county",
  "address_country",
  "address_postcode",
  "notes",
  "archived",
  "archived_documents_url_path",
  "archived_on",
  "archived_reason",
  "archived_by",
  "created_on",
  "modified_on",
  "address_area",
  "consent_data",
  "consent_data_last_modified",
  "consent_data_management_url",
].sort();

Deno.test("v3/v4 contact", async (t) => {
  // The search sync job is held so the change-feed rows of each write stay inspectable.
  const ctx = await testApp({ deps: { jobs: new HeldQueue() } });
  const { app, sql } = ctx;
  const user = await createAdviser(sql, {
    permissions: [
      "company.view_contact",
      "company.add_contact",
      "company.change_contact",
      "company.view_contact_document",
      "company.view_company",
      "company.change_company",
    ],
    firstName: "Cal",
    lastName: "Smith",
  });
  const viewer = await createAdviser(sql, { permissions: ["company.view_contact"] });
  const token = user.token;
  const [{ id: companyId }] = await sql`
    insert into company_company (name, address_1, address_town, address_country_id, uk_region_id,
                                 created_on)
    values ('Widgets plc', '1 Road', 'Leeds', ${UK}, ${UK_REGION}, now()) returning id`;
  let people = 0;
  const contact = (extra: Record<string, unknown> = {}) => ({
    first_name: "Jo",
    last_name: "Bloggs",
    primary: true,
    email: `Person${++people}@Example.com`,
    company: { id: companyId },
    address_same_as_company: true,
    ...extra,
  });
  const create = (body: unknown, version = "v3") =>
    call(app, "POST", `/${version}/contact`, { token, body });
  const patch = (id: string, body: unknown, version = "v3") =>
    call(app, "PATCH", `/${version}/contact/${id}`, { token, body });
  const counts = async () =>
    (await sql`select (select count(*) from reversion_version)::int as versions,
      (select count(*) from change_feed)::int as feed`)[0];

  let contactId = "";

  await t.step("create: 201 with the serializer's keys; adviser is the caller", async () => {
    const before = await counts();
    const res = await create(
      contact({ email: "Jo@Example.com", title: TITLE, full_telephone_number: "+44 20 7946 0000" }),
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
    contactId = res.body.id;
    assert.deepEqual(Object.keys(res.body).sort(), CONTACT_KEYS);
    assert.equal(res.body.email, "jo@example.com");
    assert.equal(res.body.name, "Jo Bloggs");
    assert.deepEqual(res.body.company, { id: companyId, name: "Widgets plc" });
    assert.deepEqual(res.body.title, { id: TITLE, name: "Admiral" });
    assert.equal(res.body.adviser.id, user.id);
    assert.equal(res.body.archived, false);
    const after = await counts();
    assert.equal(after.versions, before.versions + 1);
    assert.equal(after.feed, before.feed + 1);
  });

  await t.step("authentication, permissions, 404s and 405", async () => {
    assert.equal((await call(app, "GET", "/v3/contact")).status, 401);
    assert.equal(
      (await call(app, "POST", "/v4/contact", { token: viewer.token, body: {} }))
        .status,
      403,
    );
    const seen = await call(app, "GET", `/v4/contact/${contactId}`, { token: viewer.token });
    assert.equal(seen.status, 200);
    assert.ok(!("archived_documents_url_path" in seen.body));
    assert.deepEqual(
      (await call(app, "GET", `/v3/contact/${crypto.randomUUID()}`, { token }))
        .body,
      { detail: "No Contact matches the given query." },
    );
    assert.equal((await call(app, "GET", "/v3/contact/123", { token })).status, 404);
    assert.equal((await call(app, "PUT", `/v4/contact/${contactId}`, { token })).status, 405);
  });

  await t.step("validation messages", async () => {
    assert.deepEqual((await create({})).body, {
      first_name: ["This field is required."],
      last_name: ["This field is required."],
      primary: ["This field is required."],
      email: ["This field is required."],
    });
    const types = await create(contact({ email: "nope", primary: "x", company: [1] }));
    assert.deepEqual(types.body, {
      email: ["Enter a valid email address."],
      primary: ["Must be a valid boolean."],
      company: ["Incorrect type. Expected object, received list."],
    });
    assert.deepEqual((await create(contact({ address_same_as_company: false }))).body, {
      address_same_as_company: [
        "Please select either address_same_as_company or enter an address manually.",
      ],
    });
    assert.deepEqual((await create(contact({ address_1: "1 Lane" }))).body, {
      address_same_as_company: [
        "Please select either address_same_as_company or enter an address manually, not both!",
      ],
    });
    assert.deepEqual(
      (await create(contact({ address_same_as_company: false, address_1: "1 Lane" }))).body,
      { address_town: ["This field is required."], address_country: ["This field is required."] },
    );
    assert.deepEqual((await create(contact({ email: "JO@example.com" }))).body, {
      email: ["A contact with this email already exists at Widgets plc."],
    });
    assert.match(
      (await create(contact({ email: "x@example.com", full_telephone_number: "call me" })))
        .body.full_telephone_number[0],
      /^Phone number must be composed of valid characters/,
    );
    const missing = crypto.randomUUID();
    assert.deepEqual((await create(contact({ email: "y@example.com", title: missing }))).body, {
      title: [`Invalid pk "${missing}" - object does not exist.`],
    });
  });

  await t.step("v4 needs an area for US and Canadian addresses; v3 does not", async () => {
    const us = {
      email: "us@example.com",
      address_same_as_company: false,
      address_1: "5th Ave",
      address_town: "New York",
      address_country: US,
    };
    assert.deepEqual((await create(contact(us), "v4")).body, {
      address_area: ["This field is required."],
    });
    const withArea = await create(contact({ ...us, address_area: NEW_YORK }), "v4");
    assert.equal(withArea.status, 201);
    assert.deepEqual(withArea.body.address_area, { id: NEW_YORK, name: "New York" });
    assert.equal((await create(contact({ ...us, email: "us3@example.com" }))).status, 201);
  });

  await t.step("PATCH is partial; audit diffs two PATCHes", async () => {
    const first = await patch(contactId, { job_title: "CEO" });
    assert.equal(first.status, 200);
    assert.equal(first.body.first_name, "Jo");
    assert.equal(first.body.job_title, "CEO");
    await patch(contactId, { job_title: "CTO", title: null, notes: "" }, "v4");
    const audit = await call(app, "GET", `/v3/contact/${contactId}/audit`, {
      token: viewer.token,
    });
    assert.equal(audit.status, 200);
    assert.equal(audit.body.count, 2);
    assert.deepEqual(audit.body.results[0].changes, {
      job_title: ["CEO", "CTO"],
      title: ["Admiral", null],
    });
    assert.deepEqual(audit.body.results[1].changes, { job_title: [null, "CEO"] });
    assert.equal(audit.body.results[0].user.name, "Cal Smith");
  });

  await t.step("archive / unarchive; archived contacts cannot be edited", async () => {
    const archived = await call(app, "POST", `/v3/contact/${contactId}/archive`, {
      token,
      body: { reason: "Left the company" },
    });
    assert.equal(archived.status, 200);
    assert.deepEqual(Object.keys(archived.body).sort(), CONTACT_KEYS);
    assert.equal(archived.body.archived_reason, "Left the company");
    assert.equal(archived.body.archived_by.id, user.id);
    const before = await counts();
    const refused = await patch(contactId, { job_title: "Nope" });
    assert.deepEqual(refused.body, {
      non_field_errors: ["This record has been archived and cannot be edited."],
    });
    assert.deepEqual(await counts(), before);
    const back = await call(app, "POST", `/v3/contact/${contactId}/unarchive`, { token });
    assert.equal(back.body.archived, false);
    assert.equal(back.body.archived_reason, "");
    assert.equal((await patch(contactId, { job_title: "Back" })).status, 200);
  });

  await t.step("v3 list: filters, default -created_on, sortby, limit/offset", async () => {
    const all = await call(app, "GET", `/v3/contact?company_id=${companyId}`, { token });
    assert.equal(all.status, 200);
    const created = all.body.results.map((c: { created_on: string }) => c.created_on);
    assert.deepEqual(created, [...created].sort().reverse());
    const byEmail = await call(app, "GET", "/v3/contact?email=jo@example.com", { token });
    assert.deepEqual(byEmail.body.results.map((c: { id: string }) => c.id), [contactId]);
    await sql`update company_contact set archived = true where email = 'us@example.com'`;
    const archived = await call(app, "GET", "/v3/contact?archived=true", { token });
    assert.deepEqual(archived.body.results.map((c: { email: string }) => c.email), [
      "us@example.com",
    ]);
    const sorted = await call(app, "GET", "/v3/contact?sortby=email&limit=1&offset=1", { token });
    const emails = (await sql`select email from company_contact order by email`).map((r) =>
      r.email
    );
    assert.equal(sorted.body.count, emails.length);
    assert.equal(sorted.body.results[0].email, emails[1]);
    assert.equal((await call(app, "GET", "/v3/contact?company_id=nope", { token })).status, 400);
  });

  await t.step("v4 list pages by ?page= at 300", async () => {
    await sql`insert into company_contact (first_name, last_name, "primary", email, company_id,
        created_on)
      select 'Bulk', n::text, false, 'bulk' || n || '@example.com', ${companyId},
        now() - n * interval '1 minute'
      from generate_series(1, 300) n`;
    const first = await call(app, "GET", `/v4/contact?company_id=${companyId}`, { token });
    assert.equal(first.body.count, 303);
    assert.equal(first.body.results.length, 300);
    assert.equal(
      first.body.next,
      `http://testserver/v4/contact?company_id=${companyId}&page=2`,
    );
    const second = await call(app, "GET", `/v4/contact?company_id=${companyId}&page=2`, {
      token,
    });
    assert.equal(second.body.results.length, 3);
    assert.equal(second.body.next, null);
    // DRF's page=last: the last page, linked back to the one before it.
    const last = await call(app, "GET", `/v4/contact?company_id=${companyId}&page=last`, {
      token,
    });
    assert.equal(last.status, 200);
    assert.deepEqual(last.body.results, second.body.results);
    assert.equal(last.body.next, null);
    assert.equal(last.body.previous, `http://testserver/v4/contact?company_id=${companyId}`);
    const emptyLast = await call(app, "GET", "/v4/contact?email=nobody@x.test&page=last", {
      token,
    });
    assert.deepEqual(emptyLast.body, { count: 0, next: null, previous: null, results: [] });
    const beyond = await call(app, "GET", "/v4/contact?page=9", { token });
    assert.deepEqual(beyond.body, { detail: "Invalid page." });
    assert.equal((await call(app, "GET", "/v4/contact?page=x", { token })).status, 404);
  });

  await t.step(
    "a company write feeds its contacts to search; company embeds contacts",
    async () => {
      const before = (await sql`select max(id) as id from change_feed`)[0].id;
      const res = await call(app, "PATCH", `/v4/company/${companyId}`, {
        token,
        body: { description: "renamed" },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const feed = await sql`select entity, count(*)::int as n from change_feed
      where id > ${before} group by entity order by entity`;
      assert.deepEqual(feed.map((r) => [r.entity, r.n]), [["company", 1], ["contact", 303]]);
      assert.equal(res.body.contacts.length, 303);
      assert.deepEqual(Object.keys(res.body.contacts[0]).sort(), CONTACT_KEYS);
    },
  );

  await ctx.close();
});

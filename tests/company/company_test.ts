import assert from "node:assert/strict";
import { call, createAdviser, HeldQueue, testApp } from "../helpers/app.ts";

const UK = "80756b9a-5d95-e211-a939-e4115bead28a";
const US = "81756b9a-5d95-e211-a939-e4115bead28a";
const FRANCE = "82756b9a-5d95-e211-a939-e4115bead28a";
const NEW_YORK = "aa65b701-244a-41fc-bd31-0a546303106a";
const UK_REGION = "1718e330-6095-e211-a939-e4115bead28a";
const SECTOR = "af959812-6095-e211-a939-e4115bead28a";
const BUSINESS_TYPE = "98d14e94-5d95-e211-a939-e4115bead28a";
const UK_ESTABLISHMENT = "b0730fc6-fcce-4071-bdab-ba8de4f4fc98";
const GHQ = "43281c5e-92a4-4794-867b-b4d5f801e6f3";
const UKHQ = "3e6debb4-1596-40c5-aa25-f00da0e05af9";
const TIER_A = "b91bf800-8d53-e311-aef3-441ea13961e2";
const TIER_D_ITA = "1929c808-99b4-4abf-a891-45f2e187b410";

/** The v4 CompanySerializer's keys (with both permission-gated fields). */
const COMPANY_KEYS = [
  "id",
  "reference_code",
  "name",
  "trading_names",
  "uk_based",
  "company_number",
  "vat_number",
  "duns_number",
  "created_on",
  "modified_on",
  "modified_by",
  "archived",
  "archived_documents_url_path",
  "archived_on",
  "archived_reason",
  "archived_by",
  "description",
  "transferred_by",
  "transferred_on",
  "transferred_to",
  "transfer_reason",
  "website",
  "business_type",
  "one_list_group_tier",
  "contacts",
  "employee_range",
  "number_of_employees",
  "is_number_of_employees_estimated",
  "export_to_countries",
  "future_interest_countries",
  "headquarter_type",
  "one_list_group_global_account_manager",
  "global_headquarters",
  "sector",
  "turnover_range",
  "turnover",
  "turnover_gbp",
  "is_turnover_estimated",
  "uk_region",
  "export_experience_category",
  "address",
  "registered_address",
  "pending_dnb_investigation",
  "export_potential",
  "last_modified_potential",
  "great_profile_status",
  "is_global_ultimate",
  "global_ultimate_duns_number",
  "dnb_modified_on",
  "export_countries",
  "export_segment",
  "export_sub_segment",
  "is_global_headquarters",
  "global_ultimate_country",
  "strategy",
  "is_out_of_business",
].sort();

const ukCompany = (extra: Record<string, unknown> = {}) => ({
  name: "Acme Ltd",
  business_type: BUSINESS_TYPE,
  sector: { id: SECTOR },
  uk_region: UK_REGION,
  address: { line_1: "1 High St", town: "London", postcode: "N1 1AA", country: { id: UK } },
  ...extra,
});

Deno.test("v4 company", async (t) => {
  // The search sync job is held so the change-feed rows of each write stay inspectable.
  const ctx = await testApp({ deps: { jobs: new HeldQueue() } });
  const { app, sql } = ctx;
  const all = [
    "company.view_company",
    "company.add_company",
    "company.change_company",
    "company.view_company_document",
    "company.view_companyexportcountry",
    "company.change_companyexportcountry",
  ];
  const user = await createAdviser(sql, { permissions: all, firstName: "Ann", lastName: "Lee" });
  const viewer = await createAdviser(sql, { permissions: ["company.view_company"] });
  const token = user.token;
  const create = (body: unknown) => call(app, "POST", "/v4/company", { token, body });
  const patch = (id: string, body: unknown) =>
    call(app, "PATCH", `/v4/company/${id}`, { token, body });
  const counts = async () => {
    const [r] = await sql`select (select count(*) from reversion_version)::int as versions,
      (select count(*) from change_feed)::int as feed`;
    return r;
  };

  let companyId = "";

  await t.step("create: 201 with the serializer's key set, versioned and fed", async () => {
    const before = await counts();
    const res = await create(ukCompany({ trading_names: ["Acme"], website: "acme.example" }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    companyId = res.body.id;
    assert.deepEqual(Object.keys(res.body).sort(), COMPANY_KEYS);
    assert.equal(res.body.name, "Acme Ltd");
    assert.equal(res.body.pending_dnb_investigation, true);
    assert.equal(res.body.uk_based, true);
    assert.equal(res.body.website, "http://acme.example");
    assert.deepEqual(res.body.sector, { id: SECTOR, name: "Advanced engineering" });
    assert.deepEqual(res.body.address, {
      line_1: "1 High St",
      line_2: "",
      town: "London",
      county: "",
      postcode: "N1 1AA",
      area: null,
      country: { id: UK, name: "United Kingdom" },
    });
    assert.equal(res.body.registered_address, null);
    assert.deepEqual(res.body.contacts, []);
    assert.deepEqual(res.body.modified_by, {
      id: user.id,
      name: "Ann Lee",
      first_name: "Ann",
      last_name: "Lee",
    });
    assert.deepEqual(res.body.export_countries, []);
    const after = await counts();
    assert.equal(after.versions, before.versions + 1);
    assert.equal(after.feed, before.feed + 1);
  });

  await t.step("authentication and permissions", async () => {
    assert.equal((await call(app, "GET", "/v4/company")).status, 401);
    const denied = await call(app, "POST", "/v4/company", { token: viewer.token, body: {} });
    assert.equal(denied.status, 403);
    assert.deepEqual(denied.body, { detail: "You do not have permission to perform this action." });
    const patchDenied = await call(app, "PATCH", `/v4/company/${companyId}`, {
      token: viewer.token,
      body: { name: "x" },
    });
    assert.equal(patchDenied.status, 403);
    // Gated fields are dropped for callers without the permission.
    const seen = await call(app, "GET", `/v4/company/${companyId}`, { token: viewer.token });
    assert.equal(seen.status, 200);
    assert.ok(!("archived_documents_url_path" in seen.body));
    assert.ok(!("export_countries" in seen.body));
  });

  await t.step("detail: 404 for unknown and malformed ids; PUT is 405", async () => {
    const unknown = await call(app, "GET", `/v4/company/${crypto.randomUUID()}`, { token });
    assert.deepEqual(unknown.body, { detail: "No Company matches the given query." });
    assert.equal((await call(app, "GET", "/v4/company/nope", { token })).status, 404);
    assert.equal((await call(app, "PUT", `/v4/company/${companyId}`, { token })).status, 405);
  });

  await t.step("create validation: required fields and nested address", async () => {
    const empty = await create({});
    assert.deepEqual(empty.body, {
      name: ["This field is required."],
      address: ["This field is required."],
    });
    const rules = await create({ name: "X", address: { line_1: "" } });
    assert.deepEqual(rules.body, {
      address: {
        line_1: ["This field is required."],
        town: ["This field is required."],
        country: ["This field is required."],
      },
    });
    const noSector = await create({ name: "X", address: { line_1: "a", town: "b", country: UK } });
    assert.deepEqual(noSector.body, {
      sector: ["This field is required."],
      business_type: ["This field is required."],
    });
    const noRegion = await create(ukCompany({ uk_region: null }));
    assert.deepEqual(noRegion.body, { uk_region: ["This field is required."] });
    const usNoArea = await create(ukCompany({ address: { line_1: "a", town: "b", country: US } }));
    assert.deepEqual(usNoArea.body, { address: { address_area: ["This field is required."] } });
    const us = await create(ukCompany({
      uk_region: null,
      address: { line_1: "a", town: "b", postcode: "10001", area: NEW_YORK, country: US },
    }));
    assert.equal(us.status, 201);
    assert.equal(us.body.uk_based, false);
    assert.deepEqual(us.body.address.area, { id: NEW_YORK, name: "New York" });
  });

  await t.step("create validation: types, references, lists by index, unknown fields", async () => {
    const missingId = crypto.randomUUID();
    const res = await create(ukCompany({
      name: true,
      trading_names: ["ok", "", 3],
      sector: "not-a-uuid",
      business_type: 12,
      uk_region: {},
      headquarter_type: missingId,
      export_segment: "nope",
      unknown_field: "ignored",
    }));
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      name: ["Not a valid string."],
      trading_names: { "1": ["This field may not be blank."], "2": ["Not a valid string."] },
      sector: ["Must be a valid UUID."],
      business_type: ["Incorrect type. Expected object, received int."],
      uk_region: ["pk not provided."],
      export_segment: ['"nope" is not a valid choice.'],
    });
    const missing = await create(ukCompany({ headquarter_type: missingId }));
    assert.deepEqual(missing.body, {
      headquarter_type: [`Invalid pk "${missingId}" - object does not exist.`],
    });
    const ignored = await create(ukCompany({ name: "Other", duns_number: "123456789", x: 1 }));
    assert.equal(ignored.status, 201);
    assert.equal(ignored.body.duns_number, null);
    const badUrl = await create(ukCompany({ website: "not a url" }));
    assert.deepEqual(badUrl.body, { website: ["Enter a valid URL."] });
    const invalidJson = await call(app, "POST", "/v4/company", { token, body: "{" });
    assert.equal(invalidJson.status, 400);
  });

  await t.step("UK establishment company numbers", async () => {
    const base = { business_type: UK_ESTABLISHMENT };
    assert.deepEqual((await create(ukCompany(base))).body, {
      company_number: ["This field is required."],
    });
    assert.deepEqual((await create(ukCompany({ ...base, company_number: "br-1" }))).body, {
      company_number: [
        "This field can only contain the letters A to Z and numbers (no symbols, punctuation or spaces).",
        "This must be a valid UK establishment number, beginning with BR.",
      ],
    });
    const abroad = await create(ukCompany({
      ...base,
      company_number: "BR123",
      uk_region: null,
      address: { line_1: "a", town: "Paris", country: FRANCE },
    }));
    assert.deepEqual(abroad.body, {
      address_country: ["A UK establishment (branch of non-UK company) must be in the UK."],
    });
    assert.equal((await create(ukCompany({ ...base, company_number: "BR123" }))).status, 201);
  });

  let hqId = "";
  await t.step("headquarters rules", async () => {
    const hq = await create(ukCompany({ name: "Global HQ", headquarter_type: GHQ }));
    hqId = hq.body.id;
    assert.equal(hq.body.is_global_headquarters, true);
    const notHq = await create(ukCompany({ global_headquarters: companyId }));
    assert.deepEqual(notHq.body, {
      global_headquarters: [
        "Company to be linked as global headquarters must be a global headquarters.",
      ],
    });
    assert.deepEqual((await patch(hqId, { global_headquarters: hqId })).body, {
      global_headquarters: ["Global headquarters cannot point to itself."],
    });
    const both = await create(ukCompany({ headquarter_type: GHQ, global_headquarters: hqId }));
    assert.deepEqual(both.body, {
      headquarter_type: ["A company cannot both be and have a global headquarters."],
    });
    const linked = await patch(companyId, { global_headquarters: { id: hqId } });
    assert.equal(linked.status, 200);
    assert.deepEqual(linked.body.global_headquarters, { id: hqId, name: "Global HQ" });
    assert.deepEqual((await patch(hqId, { headquarter_type: UKHQ })).body, {
      headquarter_type: ["Subsidiaries have to be unlinked before changing headquarter type."],
    });
  });

  await t.step(
    "PATCH is partial; blank registered address is null; D&B fields read-only",
    async () => {
      const res = await patch(companyId, {
        description: "Makes things",
        registered_address: { line_1: "2 Low St", town: "Leeds", country: UK },
      });
      assert.equal(res.status, 200);
      assert.equal(res.body.name, "Acme Ltd");
      assert.equal(res.body.description, "Makes things");
      assert.equal(res.body.registered_address.town, "Leeds");
      const town = await patch(companyId, { address: { town: "Bristol" } });
      assert.equal(town.body.address.line_1, "1 High St");
      assert.equal(town.body.address.town, "Bristol");
      const cleared = await patch(companyId, { registered_address: null });
      assert.equal(cleared.body.registered_address, null);
      const partial = await patch(companyId, { registered_address: { town: "York" } });
      assert.deepEqual(partial.body, {
        registered_address: {
          line_1: ["This field is required."],
          country: ["This field is required."],
        },
      });
      const sectorBlank = await patch(companyId, { sector: null });
      assert.deepEqual(sectorBlank.body, { sector: ["This field is required."] });

      await sql`update company_company set duns_number = '123456789' where id = ${companyId}`;
      const dnb = await patch(companyId, { name: "Renamed", description: "Still editable" });
      assert.equal(dnb.status, 200);
      assert.equal(dnb.body.name, "Acme Ltd");
      assert.equal(dnb.body.description, "Still editable");
      await sql`update company_company set duns_number = null where id = ${companyId}`;
    },
  );

  await t.step("a failing write leaves no version and no change-feed row", async () => {
    const before = await counts();
    const res = await patch(companyId, { uk_region: null });
    assert.equal(res.status, 400);
    assert.deepEqual(await counts(), before);
  });

  await t.step("audit: two PATCHes give two entries, newest first", async () => {
    const fresh = await create(ukCompany({ name: "Audited" }));
    const id = fresh.body.id;
    await patch(id, { name: "Audited 2" });
    await patch(id, {
      name: "Audited 3",
      headquarter_type: UKHQ,
      address: { country: FRANCE },
      uk_region: null,
    });
    const res = await call(app, "GET", `/v4/company/${id}/audit`, { token: viewer.token });
    assert.equal(res.status, 200);
    assert.equal(res.body.count, 2);
    const [latest, first] = res.body.results;
    assert.deepEqual(latest.changes, {
      name: ["Audited 2", "Audited 3"],
      headquarter_type: [null, "ukhq"],
      address_country: ["United Kingdom", "France"],
      uk_region: ["All", null],
    });
    assert.deepEqual(first.changes, { name: ["Audited", "Audited 2"] });
    assert.equal(latest.user.name, "Ann Lee");
    // A foreign key shows as the row's str(): a sector by its own segment, "(disabled)"
    // when disabled.
    const [child] = await sql<{ id: string; name: string; segment: string }[]>`
      select id::text, name, segment from metadata_sector
      where level = 2 and disabled_on is null order by name limit 1`;
    assert.ok(child.name.includes(" : "));
    await patch(id, { sector: child.id });
    await sql`update metadata_sector set disabled_on = now() where id = ${SECTOR}`;
    const sectors = await call(app, "GET", `/v4/company/${id}/audit?limit=1`, { token });
    await sql`update metadata_sector set disabled_on = null where id = ${SECTOR}`;
    assert.deepEqual(sectors.body.results[0].changes, {
      sector: ["Advanced engineering (disabled)", child.segment],
    });
    assert.equal(latest.comment, "");
    assert.equal(
      (await call(app, "GET", `/v4/company/${crypto.randomUUID()}/audit`, { token })).status,
      404,
    );
  });

  await t.step("archive / unarchive round trip; merged companies stay archived", async () => {
    const denied = await call(app, "POST", `/v4/company/${companyId}/archive`, {
      token: viewer.token,
      body: { reason: "x" },
    });
    assert.equal(denied.status, 403);
    const archived = await call(app, "POST", `/v4/company/${companyId}/archive`, {
      token,
      body: { reason: "Dissolved" },
    });
    assert.equal(archived.status, 200);
    assert.deepEqual(Object.keys(archived.body).sort(), COMPANY_KEYS);
    assert.equal(archived.body.archived, true);
    assert.equal(archived.body.archived_reason, "Dissolved");
    assert.equal(archived.body.archived_by.id, user.id);
    const back = await call(app, "POST", `/v4/company/${companyId}/unarchive`, { token });
    assert.equal(back.body.archived, false);
    assert.equal(back.body.archived_reason, "");
    assert.equal(back.body.archived_by, null);

    const merged = await create(ukCompany({ name: "Duplicate" }));
    await sql`update company_company set archived = true, transferred_to_id = ${companyId},
      transfer_reason = 'duplicate' where id = ${merged.body.id}`;
    const refused = await call(app, "POST", `/v4/company/${merged.body.id}/unarchive`, { token });
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body, {
      non_field_errors: [
        "This record is no longer in use and its data has been transferred to another record " +
        "for the following reason: Duplicate record.",
      ],
    });
  });

  await t.step("list: pagination, sortby, filters, autocomplete", async () => {
    const page = await call(app, "GET", "/v4/company?limit=2&sortby=name", { token });
    assert.equal(page.status, 200);
    const total = (await sql`select count(*)::int as n from company_company`)[0].n;
    assert.equal(page.body.count, total);
    assert.equal(page.body.results.length, 2);
    assert.equal(page.body.next, "http://testserver/v4/company?limit=2&sortby=name&offset=2");
    const names = (await call(app, "GET", `/v4/company?limit=100&sortby=-name`, { token }))
      .body.results.map((c: { name: string }) => c.name);
    assert.deepEqual(names, [...names].sort().reverse());
    const subs = await call(app, "GET", `/v4/company?global_headquarters_id=${hqId}`, { token });
    assert.deepEqual(subs.body.results.map((c: { id: string }) => c.id), [companyId]);
    const bad = await call(app, "GET", "/v4/company?global_headquarters_id=zzz", { token });
    assert.equal(bad.status, 400);
    await sql`update company_company set global_ultimate_duns_number = '987654321'
      where id = ${hqId}`;
    const duns = await call(app, "GET", "/v4/company?global_ultimate_duns_number=987654321", {
      token,
    });
    assert.deepEqual(duns.body.results.map((c: { id: string }) => c.id), [hqId]);
    const auto = await call(app, "GET", "/v4/company?autocomplete=glob", { token });
    assert.deepEqual(auto.body.results.map((c: { name: string }) => c.name), ["Global HQ"]);
    assert.equal(auto.body.results[0].is_in_adviser_list, false);
    const none = await call(app, "GET", "/v4/company?autocomplete=lobal", { token });
    assert.equal(none.body.count, 0);
  });

  await t.step("One List: regional account manager actions", async () => {
    const ram = await createAdviser(sql, {
      permissions: ["company.change_company", "company.change_regional_account_manager"],
    });
    const id = (await create(ukCompany({ name: "Managed" }))).body.id;
    const path = `/v4/company/${id}`;
    assert.equal(
      (await call(app, "POST", `${path}/self-assign-account-manager`, { token })).status,
      403,
    );
    const assigned = await call(app, "POST", `${path}/assign-regional-account-manager`, {
      token: ram.token,
      body: { regional_account_manager: user.id },
    });
    assert.equal(assigned.status, 204);
    const detail = await call(app, "GET", path, { token });
    assert.equal(detail.body.one_list_group_tier.id, TIER_D_ITA);
    assert.equal(detail.body.one_list_group_global_account_manager.id, user.id);
    assert.deepEqual(
      Object.keys(detail.body.one_list_group_global_account_manager).sort(),
      ["contact_email", "dit_team", "first_name", "id", "last_name", "name"],
    );
    const self = await call(app, "POST", `${path}/self-assign-account-manager`, {
      token: ram.token,
    });
    assert.equal(self.status, 204);
    await sql`update company_company set one_list_tier_id = ${TIER_A} where id = ${id}`;
    const otherTier = await call(app, "POST", `${path}/remove-account-manager`, {
      token: ram.token,
    });
    assert.deepEqual(otherTier.body, {
      non_field_errors: ["A lead adviser can't be removed from companies on this One List tier."],
    });
    await sql`update company_company set one_list_tier_id = ${TIER_D_ITA} where id = ${id}`;
    const removed = await call(app, "POST", `${path}/remove-account-manager`, {
      token: ram.token,
    });
    assert.equal(removed.status, 204);
    assert.equal((await call(app, "GET", path, { token })).body.one_list_group_tier, null);
  });

  await t.step("One List: tier, global account manager and core team", async () => {
    const gam = await createAdviser(sql, {
      permissions: [
        "company.change_company",
        "company.change_one_list_tier_and_global_account_manager",
      ],
      firstName: "Gina",
      lastName: "Manager",
    });
    const path = `/v4/company/${hqId}`;
    const ita = await call(app, "POST", `${path}/assign-one-list-tier-and-global-account-manager`, {
      token: gam.token,
      body: { one_list_tier: TIER_D_ITA, global_account_manager: gam.id },
    });
    assert.deepEqual(ita.body, {
      one_list_tier: ["A company can only have this One List tier assigned by ITA."],
    });
    const noPerm = await call(
      app,
      "POST",
      `${path}/assign-one-list-tier-and-global-account-manager`,
      { token: viewer.token, body: { one_list_tier: TIER_A, global_account_manager: gam.id } },
    );
    assert.equal(noPerm.status, 403);
    const ok = await call(app, "POST", `${path}/assign-one-list-tier-and-global-account-manager`, {
      token: gam.token,
      body: { one_list_tier: TIER_A, global_account_manager: gam.id },
    });
    assert.equal(ok.status, 204);
    const sub = await call(
      app,
      "POST",
      `/v4/company/${companyId}/assign-one-list-tier-and-global-account-manager`,
      { token: gam.token, body: { one_list_tier: TIER_A, global_account_manager: gam.id } },
    );
    assert.deepEqual(sub.body, { non_field_errors: ["A subsidiary cannot be on One List."] });
    // The subsidiary inherits the group's tier and manager.
    const child = await call(app, "GET", `/v4/company/${companyId}`, { token });
    assert.equal(child.body.one_list_group_tier.id, TIER_A);
    assert.equal(child.body.one_list_group_global_account_manager.name, "Gina Manager");

    const dup = await call(app, "PATCH", `${path}/update-one-list-core-team`, {
      token: gam.token,
      body: { core_team_members: [{ adviser: user.id }, { adviser: user.id }] },
    });
    assert.deepEqual(dup.body, {
      core_team_members: [
        { adviser: ["You cannot add the same adviser more than once."] },
        { adviser: ["You cannot add the same adviser more than once."] },
      ],
    });
    const team = await call(app, "PATCH", `${path}/update-one-list-core-team`, {
      token: gam.token,
      body: { core_team_members: [{ adviser: user.id }, { adviser: { id: gam.id } }] },
    });
    assert.equal(team.status, 204);
    const core = await call(app, "GET", `/v4/company/${companyId}/one-list-group-core-team`, {
      token: viewer.token,
    });
    assert.deepEqual(
      core.body.map((m: { adviser: { id: string }; is_global_account_manager: boolean }) => [
        m.adviser.id,
        m.is_global_account_manager,
      ]),
      [[gam.id, true], [user.id, false]],
    );
    const audit = await call(app, "GET", `${path}/audit?limit=1`, { token });
    assert.equal(audit.body.results[0].comment, "Updated one list core team members");
    assert.deepEqual(audit.body.results[0].changes, {
      one_list_core_team_members: [[], ["Ann Lee", "Gina Manager"]],
    });
    const removed = await call(app, "POST", `${path}/remove-from-one-list`, { token: gam.token });
    assert.equal(removed.status, 204);
    assert.equal((await call(app, "GET", path, { token })).body.one_list_group_tier, null);
  });

  await t.step("export-detail replaces export countries and logs history", async () => {
    const path = `/v4/company/${companyId}/export-detail`;
    assert.equal(
      (await call(app, "PATCH", path, { token: viewer.token, body: {} })).status,
      403,
    );
    const dup = await call(app, "PATCH", path, {
      token,
      body: {
        export_countries: [
          { country: FRANCE, status: "currently_exporting" },
          { country: FRANCE, status: "future_interest" },
        ],
      },
    });
    assert.deepEqual(dup.body, {
      non_field_errors: ["You cannot enter the same country in multiple fields."],
    });
    // A list of objects: one entry per item (DRF's ListSerializer), not index keys.
    const badStatus = await call(app, "PATCH", path, {
      token,
      body: {
        export_countries: [
          { country: FRANCE, status: "currently_exporting" },
          { country: US, status: "foobar" },
          "France",
        ],
      },
    });
    assert.deepEqual(badStatus.body, {
      export_countries: [
        {},
        { status: ['"foobar" is not a valid choice.'] },
        { non_field_errors: ["Invalid data. Expected a dictionary, but got str."] },
      ],
    });
    const one = await call(app, "PATCH", path, {
      token,
      body: { export_countries: [{ country: FRANCE, status: "foobar" }] },
    });
    assert.deepEqual(one.body, {
      export_countries: [{ status: ['"foobar" is not a valid choice.'] }],
    });
    const first = await call(app, "PATCH", path, {
      token,
      body: {
        export_countries: [
          { country: FRANCE, status: "currently_exporting" },
          { country: { id: US }, status: "future_interest" },
        ],
      },
    });
    assert.equal(first.status, 204);
    await call(app, "PATCH", path, {
      token,
      body: { export_countries: [{ country: FRANCE, status: "not_interested" }] },
    });
    const detail = await call(app, "GET", `/v4/company/${companyId}`, { token });
    assert.deepEqual(detail.body.export_countries, [
      { country: { id: FRANCE, name: "France" }, status: "not_interested" },
    ]);
    assert.deepEqual(detail.body.export_to_countries, []);
    assert.deepEqual(detail.body.future_interest_countries, []);
    const history = await sql`select history_type, status from company_companyexportcountryhistory
      where company_id = ${companyId} order by history_type, status`;
    assert.deepEqual(history.map((h) => `${h.history_type}:${h.status}`), [
      "delete:future_interest",
      "insert:currently_exporting",
      "insert:future_interest",
      "update:not_interested",
    ]);
  });

  await t.step(
    "King's Awards: latest first; [] when none; 404 for an unknown company",
    async () => {
      const path = `/v4/company/${companyId}/kings-awards`;
      assert.deepEqual((await call(app, "GET", path, { token })).body, []);
      const [older, newer] = await sql<{ id: string }[]>`
      insert into company_activity_kingsawardrecipient
        (company_id, year_awarded, category, citation, year_expired)
      values (${companyId}, 2019, 'Innovation (Technology)', 'For a new widget', 2024),
             (${companyId}, 2023, 'International Trade (Export)', '', 2028)
      returning id`;
      const res = await call(app, "GET", path, { token });
      assert.equal(res.status, 200);
      const [company] = await sql`select id, name from company_company where id = ${companyId}`;
      assert.deepEqual(res.body, [
        {
          id: newer.id,
          company: { id: companyId, name: company.name },
          year_awarded: 2023,
          category: "International Trade (Export)",
          citation: "",
          year_expired: 2028,
        },
        {
          id: older.id,
          company: { id: companyId, name: company.name },
          year_awarded: 2019,
          category: "Innovation (Technology)",
          citation: "For a new widget",
          year_expired: 2024,
        },
      ]);
      const unknown = `/v4/company/${crypto.randomUUID()}/kings-awards`;
      assert.equal((await call(app, "GET", unknown, { token })).status, 404);
      assert.equal((await call(app, "GET", path, { token: viewer.token })).status, 200);
    },
  );

  await t.step("export-win checks its permission first", async () => {
    const wins = await call(app, "GET", `/v4/company/${companyId}/export-win`, { token });
    assert.equal(wins.status, 403);
  });

  await t.step("the OpenAPI document describes the company routes", async () => {
    const doc = await call(app, "GET", "/openapi.json");
    assert.equal(doc.status, 200);
    assert.ok(doc.body.paths["/v4/company/{id}/update-one-list-core-team"].patch);
    assert.ok(doc.body.paths["/v4/company/{id}/archive"].post);
  });

  await ctx.close();
});

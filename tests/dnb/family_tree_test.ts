import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import {
  dnbEnv,
  HIERARCHY,
  HIERARCHY_COUNT,
  SEARCH,
  startDnbService,
  UNITED_KINGDOM,
} from "../helpers/dnb_service.ts";
import type { Sql } from "../../src/db/pool.ts";

const UK = { id: UNITED_KINGDOM, name: "United Kingdom" };

/** A company as the original's CompanyFactory makes one (UK address, sector, region). */
async function company(
  sql: Sql,
  values: {
    name: string;
    duns?: string | null;
    hq?: string;
    archived?: boolean;
    employees?: number;
  },
) {
  const [row] = await sql<{ id: string; sector: { id: string; name: string }; region: object }[]>`
    insert into company_company (name, duns_number, global_headquarters_id, archived,
      number_of_employees, address_1, address_town, address_postcode, address_country_id,
      registered_address_1, registered_address_town, registered_address_postcode,
      registered_address_country_id, sector_id, uk_region_id)
    values (${values.name}, ${values.duns ?? null}, ${values.hq ?? null}, ${
    values.archived ?? false
  },
      ${values.employees ?? null}, '1 Main Street', 'London', 'W1 1AA', ${UNITED_KINGDOM},
      '2 Main Street', 'London', 'W1 1AB', ${UNITED_KINGDOM},
      (select id from metadata_sector order by id limit 1),
      (select id from metadata_ukregion order by id limit 1))
    returning id::text,
      (select jsonb_build_object('id', s.id, 'name', s.name) from metadata_sector s
       where s.id = sector_id) as sector,
      (select jsonb_build_object('id', r.id, 'name', r.name) from metadata_ukregion r
       where r.id = uk_region_id) as region`;
  return row;
}

const address = (line1: string, postcode: string) => ({
  line_1: line1,
  line_2: "",
  town: "London",
  county: "",
  postcode,
  country: UK,
});

Deno.test("D&B family trees and related companies", async (t) => {
  const dnb = startDnbService();
  const ctx = await testApp({ env: dnbEnv(dnb, { DNB_MAX_COMPANIES_IN_TREE_COUNT: "5" }) });
  const { app, sql } = ctx;
  const user = await createAdviser(sql, { superuser: true });
  const get = (path: string, token = user.token) => call(app, "GET", path, { token });
  const tree = (members: unknown[]) => {
    dnb.json(HIERARCHY_COUNT, members.length);
    dnb.json(HIERARCHY, {
      global_ultimate_duns: "987654321",
      family_tree_members: members,
      global_ultimate_family_tree_members_count: members.length,
    });
  };

  const ultimate = await company(sql, { name: "Ultimate Plc", duns: "987654321", archived: true });
  const requested = await company(sql, { name: "Requested Ltd", duns: "123456789" });
  const plain = await company(sql, { name: "No Duns Ltd" });

  for (const route of ["family-tree", "reduced-family-tree", "related-companies/count"]) {
    await t.step(`${route}: bad id 400, unknown 404, no DUNS number 400`, async () => {
      let res = await get(`/v4/dnb/11223344/${route}`);
      assert.deepEqual([res.status, res.body], [400, {
        detail: 'company id "11223344" is not valid',
      }]);
      const unknown = crypto.randomUUID();
      res = await get(`/v4/dnb/${unknown}/${route}`);
      assert.deepEqual([res.status, res.body], [404, { detail: `company ${unknown} not found` }]);
      res = await get(`/v4/dnb/${plain.id}/${route}`);
      assert.deepEqual([res.status, res.body], [400, {
        detail: `company ${plain.id} does not contain a duns number`,
      }]);
      const viewer = await createAdviser(sql, { permissions: [] });
      assert.equal((await get(`/v4/dnb/${requested.id}/${route}`, viewer.token)).status, 403);
    });
  }

  await t.step("family-tree: no relatives and no manual subsidiaries", async () => {
    dnb.json(HIERARCHY_COUNT, 0);
    dnb.json(HIERARCHY, { family_tree_members: [] });
    const res = await get(`/v4/dnb/${requested.id}/family-tree`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, {
      ultimate_global_company: {},
      ultimate_global_companies_count: 0,
      family_tree_companies_count: 0,
      manually_verified_subsidiaries: [],
      reduced_tree: false,
    });
  });

  await t.step("family-tree: no relatives but a manual subsidiary: the company alone", async () => {
    const sub = await company(sql, { name: "Manual Sub Ltd", hq: requested.id });
    const res = await get(`/v4/dnb/${requested.id}/family-tree`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, {
      ultimate_global_company: {
        duns_number: "123456789",
        id: requested.id,
        name: "Requested Ltd",
        number_of_employees: null,
        address: address("1 Main Street", "W1 1AA"),
        registered_address: address("2 Main Street", "W1 1AB"),
        sector: requested.sector,
        trading_names: [],
        headquarter_type: null,
        uk_region: requested.region,
        one_list_tier: null,
        archived: false,
        latest_interaction_date: null,
        hierarchy: null,
        is_out_of_business: false,
      },
      ultimate_global_companies_count: 1,
      family_tree_companies_count: 1,
      manually_verified_subsidiaries: [{
        id: sub.id,
        name: "Manual Sub Ltd",
        employee_range: null,
        headquarter_type: null,
        uk_region: sub.region,
        archived: false,
        address: { ...address("1 Main Street", "W1 1AA"), area: null },
        hierarchy: "0",
        one_list_tier: null,
        trading_names: [],
      }],
      reduced_tree: false,
    });
    await sql`delete from company_company where id = ${sub.id}`;
  });

  const members = [
    {
      duns: "987654321",
      primaryName: "D&B Ultimate",
      corporateLinkage: { hierarchyLevel: 1 },
      numberOfEmployees: [{ value: 400 }],
      tradeStyleNames: [{ name: "Trading name 1", priority: 1 }],
    },
    {
      duns: "555555555",
      primaryName: "First Sibling",
      corporateLinkage: { hierarchyLevel: 2, parent: { duns: "987654321" } },
    },
    {
      duns: "123456789",
      primaryName: "D&B Requested",
      corporateLinkage: { hierarchyLevel: 2, parent: { duns: "987654321" } },
      numberOfEmployees: [{ value: 150 }],
    },
    {
      duns: "777777777",
      primaryName: "Grandchild",
      corporateLinkage: { hierarchyLevel: 3, parent: { duns: "123456789" } },
    },
  ];

  await t.step("family-tree: nested, Data Hub's details where known, requested first", async () => {
    tree(members);
    const res = await get(`/v4/dnb/${requested.id}/family-tree`);
    assert.equal(res.status, 200, res.text);
    const [seen] = dnb.seen(HIERARCHY).slice(-1);
    assert.deepEqual(JSON.parse(seen.body), { duns_number: "123456789" });
    const unknown = (duns: string, name: string, hierarchy: number) => ({
      duns_number: duns,
      id: null,
      name,
      number_of_employees: null,
      address: null,
      registered_address: null,
      sector: null,
      trading_names: [],
      headquarter_type: null,
      uk_region: null,
      one_list_tier: null,
      archived: false,
      latest_interaction_date: null,
      hierarchy,
      is_out_of_business: false,
    });
    assert.deepEqual(res.body, {
      ultimate_global_company: {
        duns_number: "987654321",
        id: ultimate.id,
        name: "Ultimate Plc",
        number_of_employees: 400,
        address: address("1 Main Street", "W1 1AA"),
        registered_address: address("2 Main Street", "W1 1AB"),
        sector: ultimate.sector,
        trading_names: ["Trading name 1"],
        headquarter_type: null,
        uk_region: ultimate.region,
        one_list_tier: null,
        archived: true,
        latest_interaction_date: null,
        hierarchy: 1,
        is_out_of_business: false,
        subsidiaries: [
          {
            duns_number: "123456789",
            id: requested.id,
            name: "Requested Ltd",
            number_of_employees: 150,
            address: address("1 Main Street", "W1 1AA"),
            registered_address: address("2 Main Street", "W1 1AB"),
            sector: requested.sector,
            trading_names: [],
            headquarter_type: null,
            uk_region: requested.region,
            one_list_tier: null,
            archived: false,
            latest_interaction_date: null,
            hierarchy: 2,
            is_out_of_business: false,
            subsidiaries: [unknown("777777777", "Grandchild", 3)],
          },
          unknown("555555555", "First Sibling", 2),
        ],
      },
      ultimate_global_companies_count: 4,
      family_tree_companies_count: 4,
      manually_verified_subsidiaries: [],
      reduced_tree: false,
    });
  });

  await t.step("family-tree: too many companies: the reduced tree", async () => {
    dnb.json(HIERARCHY_COUNT, 10);
    dnb.json(
      SEARCH,
      { results: [{ duns_number: "123456789", parent_duns_number: "987654321" }] },
      { results: [{ duns_number: "987654321" }] },
    );
    const before = dnb.seen(HIERARCHY).length;
    const res = await get(`/v4/dnb/${requested.id}/family-tree`);
    assert.equal(res.status, 200, res.text);
    assert.equal(dnb.seen(HIERARCHY).length, before, "the full tree is not asked for");
    assert.equal(res.body.reduced_tree, true);
    assert.equal(res.body.ultimate_global_companies_count, 10);
    assert.equal(res.body.family_tree_companies_count, 2);
    assert.equal(res.body.ultimate_global_company.duns_number, "987654321");
    assert.equal(res.body.ultimate_global_company.subsidiaries[0].id, requested.id);
  });

  await t.step("family-tree: dnb-service failures are 502", async () => {
    tree(members);
    dnb.status(HIERARCHY, 500);
    let res = await get(`/v4/dnb/${requested.id}/family-tree`);
    assert.deepEqual([res.status, res.body], [502, {
      detail: "DNB service returned an error status: 500",
    }]);
    dnb.hang(HIERARCHY_COUNT);
    res = await get(`/v4/dnb/${requested.id}/family-tree`);
    assert.deepEqual([res.status, res.body], [502, {
      detail: "Encountered a timeout interacting with DNB service",
    }]);
    dnb.raw(HIERARCHY_COUNT, "many");
    assert.equal((await get(`/v4/dnb/${requested.id}/family-tree`)).status, 502);
  });

  await t.step("reduced-family-tree: the parents one by one", async () => {
    dnb.json(HIERARCHY_COUNT, 2);
    dnb.json(
      SEARCH,
      { results: [{ duns_number: "123456789", parent_duns_number: "987654321" }] },
      { results: [{ duns_number: "987654321" }] },
    );
    const res = await get(`/v4/dnb/${requested.id}/reduced-family-tree`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      dnb.seen(SEARCH).slice(-2).map((s) => JSON.parse(s.body)),
      [{ duns_number: "123456789" }, { duns_number: "987654321" }],
    );
    const top = res.body.ultimate_global_company;
    assert.deepEqual(
      [top.id, top.hierarchy, top.subsidiaries[0].id, top.subsidiaries[0].hierarchy],
      [ultimate.id, 1, requested.id, 2],
    );
    assert.deepEqual(
      {
        ultimate_global_companies_count: res.body.ultimate_global_companies_count,
        family_tree_companies_count: res.body.family_tree_companies_count,
        reduced_tree: res.body.reduced_tree,
      },
      { ultimate_global_companies_count: 2, family_tree_companies_count: 2, reduced_tree: true },
    );
  });

  await t.step("reduced-family-tree: none, several or another company: 502", async () => {
    dnb.json(HIERARCHY_COUNT, 2);
    for (const results of [[], [{}, {}], [{ duns_number: "000000000" }]]) {
      dnb.json(SEARCH, { results });
      assert.equal((await get(`/v4/dnb/${requested.id}/reduced-family-tree`)).status, 502);
    }
  });

  await t.step("related-companies: Data Hub ids of parents and subsidiaries", async () => {
    const grandchild = await company(sql, { name: "Grandchild Ltd", duns: "777777777" });
    tree(members);
    const related = (query: string) => get(`/v4/dnb/${requested.id}/related-companies${query}`);
    let res = await related("?include_parent_companies=true&include_subsidiary_companies=true");
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, {
      related_companies: [ultimate.id, grandchild.id],
      reduced_tree: false,
    });
    res = await related("?include_parent_companies=true&include_subsidiary_companies=false");
    assert.deepEqual(res.body.related_companies, [ultimate.id]);
    res = await related("?include_parent_companies=false&include_subsidiary_companies=true");
    assert.deepEqual(res.body.related_companies, [grandchild.id]);
    const before = dnb.requests.length;
    res = await related("?include_parent_companies=false&include_subsidiary_companies=false");
    assert.deepEqual(res.body, { related_companies: [], reduced_tree: null });
    res = await get(`/v4/dnb/not-an-id/related-companies`);
    assert.deepEqual(res.body, { related_companies: [], reduced_tree: null });
    assert.equal(dnb.requests.length, before, "nothing asked of dnb-service");
    dnb.json(HIERARCHY, { family_tree_members: [] });
    res = await related("?include_parent_companies=true");
    assert.deepEqual(res.body, { related_companies: [], reduced_tree: null });
    dnb.status(HIERARCHY, 503);
    assert.equal((await related("?include_subsidiary_companies=true")).status, 502);
    res = await get(`/v4/dnb/${plain.id}/related-companies?include_parent_companies=true`);
    assert.equal(res.status, 400);
    const adder = await createAdviser(sql, { permissions: ["company.view_company"] });
    assert.equal((await get(`/v4/dnb/${requested.id}/related-companies`, adder.token)).status, 403);
  });

  await t.step(
    "related-companies/count: D&B's count less the company, manual ones on request",
    async () => {
      await company(sql, { name: "Manual 1", hq: requested.id });
      await company(sql, { name: "Manual 2", hq: requested.id });
      await company(sql, { name: "Manual 3", hq: requested.id });
      const count = (query = "") => get(`/v4/dnb/${requested.id}/related-companies/count${query}`);
      const cases: [number, string, unknown][] = [
        [0, "", {
          related_companies_count: 0,
          manually_linked_subsidiaries_count: 0,
          total: 0,
          reduced_tree: false,
        }],
        [1, "", {
          related_companies_count: 0,
          manually_linked_subsidiaries_count: 0,
          total: 0,
          reduced_tree: false,
        }],
        [10, "?include_manually_linked_companies=true", {
          related_companies_count: 9,
          manually_linked_subsidiaries_count: 3,
          total: 12,
          reduced_tree: true,
        }],
        [4, "?include_manually_linked_companies=false", {
          related_companies_count: 3,
          manually_linked_subsidiaries_count: 0,
          total: 3,
          reduced_tree: false,
        }],
      ];
      for (const [answer, query, expected] of cases) {
        dnb.json(HIERARCHY_COUNT, answer);
        const res = await count(query);
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(res.body, expected);
      }
      assert.deepEqual(JSON.parse(dnb.seen(HIERARCHY_COUNT).slice(-1)[0].body), {
        duns_number: "123456789",
      });
      dnb.status(HIERARCHY_COUNT, 500);
      assert.equal((await count()).status, 502);
    },
  );

  await ctx.close();
  await dnb.close();
});

/**
 * Interaction search on each backend: companies, contacts and interactions written
 * through the API and synced by the inline job, every filter and sortby, free text,
 * paging, 400s, permissions, global search, both CSV exports (columns, file name,
 * injection guard, 5,000 cap), the contact export's latest-interaction columns and the
 * re-indexing an interaction write causes (its company's latest_interaction_date, also
 * when it moves company or is archived).
 */
import assert from "node:assert/strict";
import { call, createAdviser } from "../helpers/app.ts";
import { recordChanges } from "../../src/core/change_feed.ts";
import { companySearchApp } from "../../src/company/search.ts";
import { contactSearchApp } from "../../src/contact/search.ts";
import { interactionSearchApp } from "../../src/interaction/search.ts";
import { rebuildApp } from "../../src/search/sync.ts";
import { backendsUnderTest, searchTestApp } from "./support.ts";

const UK = "80756b9a-5d95-e211-a939-e4115bead28a";
const BUSINESS_TYPE = "98d14e94-5d95-e211-a939-e4115bead28a";
const TIER_A = "b91bf800-8d53-e311-aef3-441ea13961e2";
const GLOBAL_HQ = "43281c5e-92a4-4794-867b-b4d5f801e6f3";
const FRONTEND = "https://datahub.example";

type Doc = { id: string; subject: string } & Record<string, unknown>;
const subjects = (body: { results: Doc[] }) => body.results.map((r) => r.subject);

/** Cells of a CSV line (Python's minimal quoting). */
const cells = (line: string) =>
  [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)]
    .slice(0, -1)
    .map((m) => m[1].startsWith('"') ? m[1].slice(1, -1).replaceAll('""', '"') : m[1]);

const csvLines = (text: string) => text.replace(/^\ufeff/, "").trimEnd().split("\r\n");

for (const { name: backendName, env, ignore } of backendsUnderTest) {
  Deno.test({ name: `interaction search (${backendName})`, ignore }, async (t) => {
    const ctx = await searchTestApp(
      { ...env, DATAHUB_FRONTEND_BASE_URL: FRONTEND },
      [companySearchApp, contactSearchApp, interactionSearchApp],
    );
    const { app, sql } = ctx;
    const settle = async () => {
      await ctx.deps.jobs.idle();
      await ctx.sync();
    };

    // ------------------------------------------------------------ reference data
    const channels = await sql<{ id: string; name: string }[]>`
      select id::text, name from interaction_communicationchannel where disabled_on is null
      order by name limit 2`;
    const services = await sql<{ id: string; name: string; path: string }[]>`
      select s.id::text, s.name, (select string_agg(a.segment, ' : ' order by a.lft)
          from metadata_service a
          where a.tree_id = s.tree_id and a.lft <= s.lft and a.rght >= s.rght) as path
      from metadata_service s
      where not exists (select 1 from metadata_service c where c.parent_id = s.id)
        and not exists (select 1 from interaction_servicequestion q where q.service_id = s.id)
      order by s.name limit 2`;
    const [deliveryStatus] = await sql<{ id: string; name: string }[]>`
      select id::text, name from interaction_servicedeliverystatus order by name limit 1`;
    const [leaf] = await sql<{ id: string; root: string; path: string; cluster: string | null }[]>`
      select s.id::text, r.id::text as root,
        (select string_agg(a.segment, ' : ' order by a.lft) from metadata_sector a
         where a.tree_id = s.tree_id and a.lft <= s.lft and a.rght >= s.rght) as path,
        (select name from metadata_sectorcluster where id = r.sector_cluster_id) as cluster
      from metadata_sector s
      join metadata_sector r on r.tree_id = s.tree_id and r.parent_id is null
      where s.level = 2 order by r.sector_cluster_id is null, s.name limit 1`;
    const [otherRoot] = await sql<{ id: string }[]>`
      select id::text from metadata_sector where parent_id is null and tree_id <>
        (select tree_id from metadata_sector where id = ${leaf.id}) order by name limit 1`;
    const [region] = await sql<{ id: string; name: string }[]>`
      select id::text, name from metadata_ukregion order by name limit 1`;
    const areas = await sql<{ id: string; name: string }[]>`
      select id::text, name from interaction_policyarea order by name limit 2`;
    const [issueType] = await sql<{ id: string; name: string }[]>`
      select id::text, name from interaction_policyissuetype order by name limit 1`;
    const teams = await sql<{ id: string; name: string }[]>`
      insert into metadata_team (id, name, country_id)
      values (gen_random_uuid(), 'Search Team Alpha', ${UK}),
             (gen_random_uuid(), 'Search Team Beta', null)
      returning id::text, name`;

    // ------------------------------------------------------------ people
    const user = await createAdviser(sql, {
      permissions: [
        "interaction.view_all_interaction",
        "interaction.add_all_interaction",
        "interaction.change_all_interaction",
        "interaction.export_interaction",
        "company.view_company",
        "company.add_company",
        "company.change_company",
        "company.view_contact",
        "company.add_contact",
        "company.change_contact",
        "company.export_contact",
      ],
      teamId: teams[0].id,
    });
    const viewer = await createAdviser(sql, { permissions: ["interaction.view_all_interaction"] });
    const nobody = await createAdviser(sql, { permissions: ["company.view_company"] });
    const petra = await createAdviser(sql, {
      firstName: "Petra",
      lastName: "Quill",
      teamId: teams[0].id,
      email: "petra.quill@example.test",
    });
    const oscar = await createAdviser(sql, {
      firstName: "Oscar",
      lastName: "Wren",
      teamId: teams[1].id,
      email: "oscar.wren@example.test",
    });

    // ------------------------------------------------------------ companies, contacts
    const company = async (name: string, extra: Record<string, unknown> = {}) => {
      const res = await call(app, "POST", "/v4/company", {
        token: user.token,
        body: {
          name,
          business_type: BUSINESS_TYPE,
          sector: { id: leaf.id },
          uk_region: region.id,
          address: { line_1: "1 Dock Rd", town: "Leeds", postcode: "LS1 5DL", country: { id: UK } },
          ...extra,
        },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };
    const acme = await company("Acme Trading Ltd", {
      trading_names: ["Roadrunner Supplies"],
      headquarter_type: GLOBAL_HQ,
    });
    const bolton = await company("Bolton Engineering", { sector: { id: otherRoot.id } });
    const subsidiary = await company("Acme Subsidiary", { global_headquarters: { id: acme } });
    // No v4 company route writes One List tiers.
    await sql`update company_company set one_list_tier_id = ${TIER_A} where id = ${acme}`;
    let n = 0;
    const contact = async (first: string, last: string, companyId: string, jobTitle = "") => {
      const res = await call(app, "POST", "/v4/contact", {
        token: user.token,
        body: {
          first_name: first,
          last_name: last,
          job_title: jobTitle,
          primary: true,
          email: `person${++n}@example.com`,
          company: { id: companyId },
          address_same_as_company: true,
        },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };
    const annie = await contact("Annie", "Zed", acme, "Director");
    const bob = await contact("Bob", "Young", bolton);
    const carla = await contact("Carla", "Bolton", subsidiary);

    // ------------------------------------------------------------ interactions
    const interaction = async (body: Record<string, unknown>) => {
      const res = await call(app, "POST", "/v4/interaction", {
        token: user.token,
        body: {
          kind: "interaction",
          was_policy_feedback_provided: false,
          has_related_trade_agreements: false,
          related_trade_agreements: [],
          ...body,
        },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };
    const plan = await interaction({
      subject: "Export plan for widgets",
      date: "2024-03-01",
      company: { id: acme },
      contacts: [annie],
      communication_channel: channels[0].id,
      service: services[0].id,
      dit_participants: [{ adviser: petra.id }],
      was_policy_feedback_provided: true,
      policy_feedback_notes: "=HYPERLINK(evil)",
      notes: "Discussed, at length",
    });
    const review = await interaction({
      subject: "Quarterly review",
      date: "2024-05-10",
      company: { id: bolton },
      contacts: [bob],
      communication_channel: channels[1].id,
      service: services[1].id,
      dit_participants: [{ adviser: oscar.id }],
    });
    const delivery = await interaction({
      kind: "service_delivery",
      subject: "Widget factory visit",
      date: "2023-12-01",
      company: { id: subsidiary },
      contacts: [carla],
      service: services[0].id,
      is_event: false,
      service_delivery_status: deliveryStatus.id,
      net_company_receipt: "1500.50",
      dit_participants: [{ adviser: petra.id }, { adviser: oscar.id }],
    });
    // Policy areas and issue types have no writable API field (the original's drift).
    await sql`insert into interaction_interaction_policy_areas (interaction_id, policyarea_id)
      values (${plan}, ${areas[0].id}), (${plan}, ${areas[1].id})`;
    await sql`insert into interaction_interaction_policy_issue_types
      (interaction_id, policyissuetype_id) values (${review}, ${issueType.id})`;
    await sql`update interaction_interaction set created_on = null where id = ${delivery}`;
    await recordChanges(sql, [plan, review, delivery].map((id) => ({ entity: "interaction", id })));
    await settle();

    const search = (body: unknown, token = viewer.token) =>
      call(app, "POST", "/v3/search/interaction", { token, body });
    const expect = async (body: Record<string, unknown>, wanted: string[]) => {
      const res = await search(body);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(new Set(subjects(res.body)), new Set(wanted), JSON.stringify(body));
    };

    await t.step("an interaction write is searchable after the sync job runs", async () => {
      const res = await search({ contacts: annie });
      assert.equal(res.status, 200);
      assert.equal(res.body.count, 1);
      const doc = res.body.results[0];
      assert.deepEqual(Object.keys(doc).sort(), [
        "communication_channel",
        "companies",
        "company",
        "company_one_list_group_tier",
        "company_sector",
        "contacts",
        "created_on",
        "date",
        "dit_participants",
        "event",
        "grant_amount_offered",
        "id",
        "investment_project",
        "investment_project_sector",
        "is_event",
        "kind",
        "modified_on",
        "net_company_receipt",
        "notes",
        "policy_areas",
        "policy_issue_types",
        "service",
        "service_delivery_status",
        "subject",
        "was_policy_feedback_provided",
      ]);
      assert.equal(doc.id, plan);
      assert.equal(doc.kind, "interaction");
      assert.equal(doc.date, "2024-03-01T00:00:00+00:00");
      const companyDoc = {
        id: acme,
        name: "Acme Trading Ltd",
        trading_names: ["Roadrunner Supplies"],
      };
      assert.deepEqual(doc.company, companyDoc);
      assert.deepEqual(doc.companies, [companyDoc]);
      assert.equal(doc.company_sector.id, leaf.id);
      assert.equal(doc.company_sector.ancestors[0].id, leaf.root);
      assert.equal(doc.company_one_list_group_tier.id, TIER_A);
      assert.deepEqual(doc.communication_channel, channels[0]);
      assert.deepEqual(doc.contacts, [{
        id: annie,
        first_name: "Annie",
        last_name: "Zed",
        name: "Annie Zed",
      }]);
      assert.deepEqual(doc.dit_participants, [{
        adviser: { id: petra.id, first_name: "Petra", last_name: "Quill", name: "Petra Quill" },
        team: teams[0],
      }]);
      assert.deepEqual(doc.service, { id: services[0].id, name: services[0].name });
      assert.deepEqual(
        new Set(doc.policy_areas.map((a: { id: string }) => a.id)),
        new Set(areas.map((a) => a.id)),
      );
      assert.deepEqual(doc.policy_issue_types, []);
      assert.equal(doc.was_policy_feedback_provided, true);
      assert.equal(doc.notes, "Discussed, at length");
      assert.equal(doc.is_event, null);
      assert.equal(doc.event, null);
      assert.equal(doc.investment_project, null);
      assert.equal(doc.net_company_receipt, null);
      const sd = (await search({ kind: "service_delivery" })).body.results[0];
      assert.equal(sd.is_event, false);
      assert.equal(sd.net_company_receipt, 1500.5);
      assert.deepEqual(sd.service_delivery_status, deliveryStatus);
      // The group's tier: the subsidiary's global headquarters'.
      assert.equal(sd.company_one_list_group_tier.id, TIER_A);
      assert.equal(
        (await search({ company: bolton })).body.results[0].company_one_list_group_tier,
        null,
      );
      const [{ pending }] = await sql`select count(*)::int as pending from change_feed`;
      assert.equal(pending, 0);
    });

    await t.step("needs a login and interaction.view_all_interaction", async () => {
      assert.equal((await call(app, "POST", "/v3/search/interaction", { body: {} })).status, 401);
      assert.equal((await search({}, nobody.token)).status, 403);
      const associated = await createAdviser(sql, {
        permissions: ["interaction.view_associated_investmentproject_interaction"],
      });
      assert.equal((await search({}, associated.token)).status, 403);
    });

    await t.step(
      "filters: kind, company, subject, company_name, tier, created_on_exists",
      async () => {
        await expect({ kind: "service_delivery" }, ["Widget factory visit"]);
        await expect({ kind: ["interaction", "service_delivery"] }, [
          "Export plan for widgets",
          "Quarterly review",
          "Widget factory visit",
        ]);
        await expect({ company: acme }, ["Export plan for widgets"]);
        await expect({ company: [acme, bolton] }, ["Export plan for widgets", "Quarterly review"]);
        await expect({ subject: "widget" }, ["Export plan for widgets", "Widget factory visit"]);
        await expect({ subject: "quarterly review" }, ["Quarterly review"]);
        await expect({ subject: "nothing like it" }, []);
        await expect({ company_name: "roadrunner" }, ["Export plan for widgets"]);
        await expect({ company_name: "acme" }, ["Export plan for widgets", "Widget factory visit"]);
        await expect({ company_name: "olto" }, ["Quarterly review"]);
        await expect({ company_one_list_group_tier: TIER_A }, [
          "Export plan for widgets",
          "Widget factory visit",
        ]);
        await expect({ created_on_exists: false }, ["Widget factory visit"]);
        await expect({ created_on_exists: true }, ["Export plan for widgets", "Quarterly review"]);
      },
    );

    await t.step("filters: participants, dates, channel, project, policy, sector", async () => {
      await expect({ dit_participants__adviser: petra.id }, [
        "Export plan for widgets",
        "Widget factory visit",
      ]);
      await expect({ dit_participants__team: teams[1].id }, [
        "Quarterly review",
        "Widget factory visit",
      ]);
      await expect({ date_after: "2024-01-01" }, ["Export plan for widgets", "Quarterly review"]);
      // A date-only upper bound covers the whole day.
      await expect({ date_before: "2024-03-01" }, [
        "Export plan for widgets",
        "Widget factory visit",
      ]);
      await expect({ date_after: "2024-01-01T00:00:00Z", date_before: "2024-04-01" }, [
        "Export plan for widgets",
      ]);
      await expect({ communication_channel: channels[0].id }, ["Export plan for widgets"]);
      await expect({ investment_project: crypto.randomUUID() }, []);
      await expect({ policy_areas: areas[1].id }, ["Export plan for widgets"]);
      await expect({ policy_issue_types: [issueType.id] }, ["Quarterly review"]);
      await expect({ sector_descends: leaf.root }, [
        "Export plan for widgets",
        "Widget factory visit",
      ]);
      await expect({ sector_descends: otherRoot.id }, ["Quarterly review"]);
      // The root is dropped as an ancestor of the leaf: the most specific id wins.
      await expect({ sector_descends: [leaf.root, leaf.id] }, [
        "Export plan for widgets",
        "Widget factory visit",
      ]);
    });

    await t.step("filters: service, policy feedback, contacts; filters AND", async () => {
      await expect({ service: services[1].id }, ["Quarterly review"]);
      await expect({ service: services[0].id }, [
        "Export plan for widgets",
        "Widget factory visit",
      ]);
      await expect({ was_policy_feedback_provided: true }, ["Export plan for widgets"]);
      await expect({ was_policy_feedback_provided: "false" }, [
        "Quarterly review",
        "Widget factory visit",
      ]);
      await expect({ contacts: [annie, bob] }, ["Export plan for widgets", "Quarterly review"]);
      await expect({ service: services[0].id, kind: "interaction", contacts: [annie, carla] }, [
        "Export plan for widgets",
      ]);
    });

    await t.step("sortby: date (default date:desc), subject, company.name", async () => {
      const order = async (sortby?: string) =>
        subjects((await search(sortby ? { sortby } : {})).body);
      const byDate = ["Widget factory visit", "Export plan for widgets", "Quarterly review"];
      assert.deepEqual(await order(), [...byDate].reverse());
      assert.deepEqual(await order("date:desc"), [...byDate].reverse());
      assert.deepEqual(await order("date"), byDate);
      assert.deepEqual(await order("subject"), [
        "Export plan for widgets",
        "Quarterly review",
        "Widget factory visit",
      ]);
      assert.deepEqual(await order("subject:desc"), [
        "Widget factory visit",
        "Quarterly review",
        "Export plan for widgets",
      ]);
      assert.deepEqual(await order("company.name"), [
        "Widget factory visit",
        "Export plan for widgets",
        "Quarterly review",
      ]);
      assert.deepEqual(await order("company.name:desc"), [
        "Quarterly review",
        "Export plan for widgets",
        "Widget factory visit",
      ]);
    });

    await t.step("free text: the search fields, every word, date order by default", async () => {
      // Company, contact, adviser, team and service names, subjects (partial), contact ids.
      await expect({ original_query: "roadrunner" }, []);
      await expect({ original_query: "acme" }, ["Export plan for widgets", "Widget factory visit"]);
      await expect({ original_query: "annie" }, ["Export plan for widgets"]);
      await expect({ original_query: "wren" }, ["Quarterly review", "Widget factory visit"]);
      await expect({ original_query: "search team alpha" }, [
        "Export plan for widgets",
        "Widget factory visit",
      ]);
      await expect({ original_query: services[1].name }, ["Quarterly review"]);
      await expect({ original_query: "quarter" }, ["Quarterly review"]);
      await expect({ original_query: annie }, ["Export plan for widgets"]);
      await expect({ original_query: "widget bolton" }, ["Widget factory visit"]);
      await expect({ original_query: "widget zebra" }, []);
      const both = await search({ original_query: "bolton" });
      // Sorted by the default date:desc, not by score.
      assert.deepEqual(subjects(both.body), ["Quarterly review", "Widget factory visit"]);
    });

    await t.step("paging: offset + limit, the query-string form, clipping", async () => {
      const all = await search({});
      assert.equal(all.body.count, 3);
      const page = await search({ offset: 1, limit: 1 });
      assert.equal(page.body.count, 3);
      assert.deepEqual(page.body.results, all.body.results.slice(1, 2));
      const legacy = await call(app, "POST", "/v3/search/interaction?limit=2&offset=1", {
        token: viewer.token,
        body: {},
      });
      assert.deepEqual(legacy.body.results, all.body.results.slice(1, 3));
      const end = await search({ offset: 9999, limit: 500 });
      assert.equal(end.status, 200);
      assert.deepEqual(end.body.results, []);
    });

    await t.step("invalid sortby, filters and paging are 400s on their field", async () => {
      assert.deepEqual((await search({ sortby: "name" })).body, {
        sortby: ['"name" is not a valid choice for the sort field.'],
      });
      assert.deepEqual((await search({ sortby: "date:sideways" })).body, {
        sortby: ['"sideways" is not a valid sort direction.'],
      });
      assert.deepEqual((await search({ company: "nope" })).body, {
        company: ["Must be a valid UUID."],
      });
      assert.deepEqual((await search({ contacts: [annie, "nope"] })).body, {
        contacts: { 1: ["Must be a valid UUID."] },
      });
      assert.deepEqual(Object.keys((await search({ date_after: "yesterday" })).body), [
        "date_after",
      ]);
      assert.deepEqual((await search({ was_policy_feedback_provided: "maybe" })).body, {
        was_policy_feedback_provided: ["Must be a valid boolean."],
      });
      assert.deepEqual((await search({ created_on_exists: "maybe" })).body, {
        created_on_exists: ["Must be a valid boolean."],
      });
      assert.deepEqual((await search({ offset: 10000 })).body, {
        offset: ["Ensure this value is less than or equal to 9999."],
      });
      assert.deepEqual((await search({ limit: 0 })).body, {
        limit: ["Ensure this value is greater than or equal to 1."],
      });
    });

    await t.step(
      "GET /v3/search counts interactions and hides what the caller cannot view",
      async () => {
        const res = await call(app, "GET", "/v3/search?term=acme&entity=interaction", {
          token: user.token,
        });
        assert.equal(res.status, 200);
        assert.deepEqual(
          new Set(subjects(res.body)),
          new Set([
            "Export plan for widgets",
            "Widget factory visit",
          ]),
        );
        const counts = Object.fromEntries(
          res.body.aggregations.map((a: { entity: string; count: number }) => [a.entity, a.count]),
        );
        assert.equal(counts.interaction, 2);
        assert.equal(counts.company, 2);
        const onlyInteractions = await call(app, "GET", "/v3/search?term=acme", {
          token: viewer.token,
        });
        assert.deepEqual(onlyInteractions.body.aggregations, [{ count: 2, entity: "interaction" }]);
        const hidden = await call(app, "GET", "/v3/search?term=acme&entity=interaction", {
          token: nobody.token,
        });
        assert.equal(hidden.body.count, 0);
        assert.ok(
          !hidden.body.aggregations.some((a: { entity: string }) => a.entity === "interaction"),
        );
        // Both match "bolton"; a company name (weighted as the subject) outranks a contact's.
        const ranked = await call(app, "GET", "/v3/search?term=bolton&entity=interaction", {
          token: viewer.token,
        });
        assert.deepEqual(subjects(ranked.body), ["Quarterly review", "Widget factory visit"]);
      },
    );

    await t.step("CSV export: permissions, the 20 columns, file name, order, guard", async () => {
      const exportAs = (path: string, token: string, body: unknown = {}) =>
        call(app, "POST", `/v3/search/interaction/${path}`, { token, body });
      assert.equal((await exportAs("export", viewer.token)).status, 403);
      assert.equal(
        (await call(app, "POST", "/v3/search/interaction/export", { body: {} })).status,
        401,
      );
      const exporterWithoutView = await createAdviser(sql, {
        permissions: ["interaction.export_interaction"],
      });
      assert.equal((await exportAs("export", exporterWithoutView.token)).status, 403);
      const res = await exportAs("export", user.token);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
      assert.match(
        res.headers.get("content-disposition")!,
        /^attachment; filename="Data Hub - Interactions - \d{4}-\d\d-\d\d-\d\d-\d\d-\d\d\.csv"$/,
      );
      const lines = csvLines(res.text);
      assert.equal(
        lines[0],
        "Date,Type,Service,Subject,Link,Company,Company link,Company country," +
          "Company UK region,Company sector,Contacts,Advisers,Event,Communication channel," +
          "Service delivery status,Net company receipt,Policy issue types,Policy areas," +
          "Policy feedback notes,Notes",
      );
      // The default date:desc order.
      assert.deepEqual(lines.slice(1).map((l) => cells(l)[3]), [
        "Quarterly review",
        "Export plan for widgets",
        "Widget factory visit",
      ]);
      const row = cells(lines[2]);
      assert.equal(row.length, 20);
      assert.deepEqual(row, [
        "2024-03-01 00:00:00",
        "Interaction",
        services[0].path,
        "Export plan for widgets",
        `${FRONTEND}/interactions/${plan}`,
        "Acme Trading Ltd",
        `${FRONTEND}/companies/${acme}`,
        "United Kingdom",
        region.name,
        leaf.path,
        "Annie Zed (Director)",
        "Petra Quill (Search Team Alpha)",
        "",
        channels[0].name,
        "",
        "",
        "",
        `${areas[0].name}; ${areas[1].name}`,
        "'=HYPERLINK(evil)",
        "Discussed, at length",
      ]);
      const sd = cells(lines[3]);
      assert.equal(sd[1], "Service delivery");
      assert.equal(sd[10], "Carla Bolton");
      assert.equal(sd[11], "Oscar Wren (Search Team Beta), Petra Quill (Search Team Alpha)");
      assert.equal(sd[14], deliveryStatus.name);
      assert.equal(sd[15], "1500.5");
      assert.equal(cells(lines[1])[16], issueType.name);
      const filtered = await exportAs("export", user.token, {
        company_name: "acme",
        sortby: "subject:desc",
      });
      assert.deepEqual(csvLines(filtered.text).slice(1).map((l) => cells(l)[3]), [
        "Widget factory visit",
        "Export plan for widgets",
      ]);
      assert.equal((await exportAs("export", user.token, { sortby: "nope" })).status, 400);
    });

    await t.step("policy feedback export: the 41 columns", async () => {
      assert.equal(
        (await call(app, "POST", "/v3/search/interaction/policy-feedback", {
          token: viewer.token,
          body: {},
        })).status,
        403,
      );
      await sql`update company_company set turnover = 1000000, number_of_employees = 250
        where id = ${subsidiary}`;
      const res = await call(app, "POST", "/v3/search/interaction/policy-feedback", {
        token: user.token,
        body: { sortby: "date" },
      });
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-disposition")!, /filename="Data Hub - Interactions - /);
      const lines = csvLines(res.text);
      const titles = cells(lines[0]);
      assert.equal(titles.length, 41);
      assert.deepEqual(titles.slice(0, 14), [
        "Date",
        "Created date",
        "Modified date",
        "Link",
        "Service",
        "Subject",
        "Company",
        "Parent",
        "Parent country",
        "Company country",
        "Company UK region",
        "One List Tier",
        "Company sector",
        "Company sector cluster",
      ]);
      assert.deepEqual(titles.slice(14, 27), [
        "turnover",
        "number_of_employees",
        "team_names",
        "team_countries",
        "kind_name",
        "Communication channel",
        "was_policy_feedback_provided",
        "Policy issue types",
        "Policy areas",
        "Policy feedback notes",
        "Notes",
        "advisers",
        "adviser_emails",
      ]);
      assert.deepEqual(
        titles.slice(27, 37),
        [1, 2, 3, 4, 5].flatMap((i) => [
          `tag_${i}`,
          `probability_score_tag_${i}`,
        ]),
      );
      assert.deepEqual(titles.slice(37), [
        "Contacts",
        "Event",
        "Service delivery status",
        "Net company receipt",
      ]);
      const title = (row: string[], name: string) => row[titles.indexOf(name)];
      const [sd, pf] = [cells(lines[1]), cells(lines[2])];
      assert.equal(title(sd, "Subject"), "Widget factory visit");
      assert.equal(title(sd, "Created date"), "");
      assert.equal(title(sd, "Parent"), "Acme Trading Ltd");
      assert.equal(title(sd, "Parent country"), "United Kingdom");
      assert.equal(title(sd, "One List Tier"), "");
      assert.equal(title(sd, "Company sector cluster"), leaf.cluster ?? "");
      assert.equal(title(sd, "turnover"), "1000000");
      assert.equal(title(sd, "number_of_employees"), "250");
      assert.equal(title(sd, "team_names"), "Search Team Alpha, Search Team Beta");
      assert.equal(title(sd, "team_countries"), "United Kingdom");
      assert.equal(title(sd, "kind_name"), "Service delivery");
      assert.equal(title(sd, "was_policy_feedback_provided"), "False");
      assert.equal(
        title(sd, "adviser_emails"),
        "oscar.wren@example.test, petra.quill@example.test",
      );
      assert.equal(title(sd, "Net company receipt"), "1500.5");
      assert.equal(title(sd, "tag_1"), "");
      assert.equal(
        title(pf, "One List Tier"),
        (await sql`
        select name from company_onelisttier where id = ${TIER_A}`)[0].name,
      );
      assert.equal(title(pf, "Parent"), "");
      assert.equal(title(pf, "was_policy_feedback_provided"), "True");
      assert.equal(title(pf, "Policy feedback notes"), "'=HYPERLINK(evil)");
      assert.match(title(pf, "Created date"), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    });

    await t.step(
      "contact export: the date and teams of each contact's latest interaction",
      async () => {
        const res = await call(app, "POST", "/v3/search/contact/export", {
          token: user.token,
          body: { sortby: "last_name" },
        });
        assert.equal(res.status, 200);
        const lines = csvLines(res.text);
        const titles = cells(lines[0]);
        const byName = new Map(lines.slice(1).map((l) => [cells(l)[0], cells(l)]));
        const latest = (name: string) => {
          const row = byName.get(name)!;
          return [
            row[titles.indexOf("Date of latest interaction")],
            row[titles.indexOf("Teams of latest interaction")],
          ];
        };
        assert.deepEqual(latest("Annie Zed"), ["2024-03-01 00:00:00", "Search Team Alpha"]);
        assert.deepEqual(latest("Carla Bolton"), [
          "2023-12-01 00:00:00",
          "Search Team Alpha, Search Team Beta",
        ]);
      },
    );

    await t.step(
      "an interaction write re-indexes its company's latest_interaction_date",
      async () => {
        const companyDoc = async (id: string) =>
          (await call(app, "POST", "/v4/search/company", { token: user.token, body: { id } }))
            .body.results[0];
        assert.equal((await companyDoc(acme)).latest_interaction_date, "2024-03-01T00:00:00+00:00");
        assert.equal(
          (await companyDoc(bolton)).latest_interaction_date,
          "2024-05-10T00:00:00+00:00",
        );
        const later = await call(app, "PATCH", `/v4/interaction/${plan}`, {
          token: user.token,
          body: { date: "2024-06-01" },
        });
        assert.equal(later.status, 200, JSON.stringify(later.body));
        await settle();
        assert.equal((await companyDoc(acme)).latest_interaction_date, "2024-06-01T00:00:00+00:00");
        const found = await call(app, "POST", "/v4/search/company", {
          token: user.token,
          body: { latest_interaction_date_after: "2024-05-20" },
        });
        assert.deepEqual(found.body.results.map((r: { id: string }) => r.id), [acme]);
        // Moving the interaction to another company re-indexes both.
        const moved = await call(app, "PATCH", `/v4/interaction/${plan}`, {
          token: user.token,
          body: { company: { id: bolton }, contacts: [bob] },
        });
        assert.equal(moved.status, 200, JSON.stringify(moved.body));
        await settle();
        assert.equal((await companyDoc(acme)).latest_interaction_date, null);
        assert.equal(
          (await companyDoc(bolton)).latest_interaction_date,
          "2024-06-01T00:00:00+00:00",
        );
        await expect({ company: bolton }, ["Export plan for widgets", "Quarterly review"]);
      },
    );

    await t.step("archives, contact and company writes, deletes propagate", async () => {
      const archived = await call(app, "POST", `/v4/interaction/${review}/archive`, {
        token: user.token,
        body: { reason: "Duplicate" },
      });
      assert.equal(archived.status, 200);
      await settle();
      // The original's document has no `archived`: archived interactions stay searchable.
      await expect({ company: bolton }, ["Export plan for widgets", "Quarterly review"]);
      const renamed = await call(app, "PATCH", `/v4/contact/${bob}`, {
        token: user.token,
        body: { first_name: "Robert" },
      });
      assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
      const companyRenamed = await call(app, "PATCH", `/v4/company/${bolton}`, {
        token: user.token,
        body: { name: "Bolton Precision" },
      });
      assert.equal(companyRenamed.status, 200, JSON.stringify(companyRenamed.body));
      await settle();
      await expect({ original_query: "robert" }, ["Export plan for widgets", "Quarterly review"]);
      await expect({ company_name: "precision" }, ["Export plan for widgets", "Quarterly review"]);
      // A row that is gone (no API deletes interactions) leaves the index on its feed row.
      await sql`delete from interaction_interaction where id = ${review}`;
      await recordChanges(sql, [
        { entity: "interaction", id: review, operation: "delete" },
        { entity: "company", id: bolton },
      ]);
      await settle();
      await expect({ company: bolton }, ["Export plan for widgets"]);
    });

    await t.step("CSV exports stop at 5,000 rows", async () => {
      await sql`insert into interaction_interaction
          (kind, date, subject, company_id, was_policy_feedback_provided, created_on)
        select 'interaction', '2020-01-01'::timestamptz + g * interval '1 minute',
               'Bulk ' || g, ${acme}, false, now()
        from generate_series(1, 5001) g`;
      await rebuildApp(sql, ctx.backend, interactionSearchApp);
      await ctx.backend.refresh([interactionSearchApp]);
      for (const path of ["export", "policy-feedback"]) {
        const res = await call(app, "POST", `/v3/search/interaction/${path}`, {
          token: user.token,
          body: {},
        });
        assert.equal(res.status, 200);
        assert.equal(csvLines(res.text).length, 1 + 5000, path);
      }
    });

    await ctx.close();
  });
}

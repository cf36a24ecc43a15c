/** Events (/v3/event, /v4/event) pinned to the original's datahub/event tests, and event search. */
import assert from "node:assert/strict";
import { call, createAdviser } from "../helpers/app.ts";
import { backendsUnderTest, searchTestApp } from "../search/support.ts";
import { eventSearchApp } from "../../src/event/search.ts";
import { interactionSearchApp } from "../../src/interaction/search.ts";

const UK = "80756b9a-5d95-e211-a939-e4115bead28a";
const US = "81756b9a-5d95-e211-a939-e4115bead28a";

for (const { name, env, ignore } of backendsUnderTest) {
  Deno.test({ name: `events: CRUD, the original's rules, search (${name})`, ignore }, async (t) => {
    const ctx = await searchTestApp(env, [eventSearchApp, interactionSearchApp]);
    const { app, sql } = ctx;
    const pick = async (query: ReturnType<typeof sql>) => ((await query)[0] as { id: string }).id;
    const eventType = await pick(sql`select id::text from event_eventtype order by name limit 1`);
    const region = await pick(sql`select id::text from metadata_ukregion order by name limit 1`);
    const [teamA, teamB] = await sql<{ id: string; name: string }[]>`
      select id::text, name from metadata_team order by name limit 2`;
    const leaf = await pick(sql`
      select s.id::text from metadata_service s
      where not exists (select 1 from metadata_service c where c.parent_id = s.id)
      order by s.order limit 1`);
    const parent = await pick(sql`
      select s.id::text from metadata_service s
      where exists (select 1 from metadata_service c where c.parent_id = s.id) limit 1`);
    const agreement = await pick(sql`select id::text from metadata_tradeagreement limit 1`);
    const programme = await pick(sql`select id::text from event_programme limit 1`);
    const user = await createAdviser(sql, {
      firstName: "Eve",
      lastName: "Organiser",
      permissions: [
        "event.view_event",
        "event.add_event",
        "event.change_event",
        "interaction.add_all_interaction",
        "interaction.view_all_interaction",
      ],
    });
    const viewerOnly = await createAdviser(sql, { permissions: ["event.view_event"] });
    const nobody = await createAdviser(sql, {});

    const minimal = (extra: Record<string, unknown> = {}) => ({
      name: "Grand exhibition",
      event_type: eventType,
      address_1: "Grand Court Exhibition Centre",
      address_town: "New York",
      address_country: US,
      service: leaf,
      start_date: "2010-09-12",
      end_date: "2010-09-12",
      organiser: user.id,
      lead_team: teamA.id,
      teams: [teamA.id],
      has_related_trade_agreements: null,
      related_trade_agreements: [],
      ...extra,
    });
    const post = (body: unknown, version = "v3", token = user.token) =>
      call(app, "POST", `/${version}/event`, { token, body });
    const patch = (id: string, body: unknown, version = "v3") =>
      call(app, "PATCH", `/${version}/event/${id}`, { token: user.token, body });

    let created = "";
    await t.step("create with only the required fields renders the original's event", async () => {
      const res = await post(minimal());
      assert.equal(res.status, 201, res.text);
      created = res.body.id;
      assert.deepEqual({ ...res.body, id: undefined, event_type: undefined }, {
        id: undefined,
        event_type: undefined,
        name: "Grand exhibition",
        start_date: "2010-09-12",
        end_date: "2010-09-12",
        location_type: null,
        notes: "",
        address_1: "Grand Court Exhibition Centre",
        address_2: "",
        address_town: "New York",
        address_county: "",
        address_postcode: "",
        address_country: { id: US, name: "United States" },
        disabled_on: null,
        uk_region: null,
        organiser: {
          id: user.id,
          first_name: "Eve",
          last_name: "Organiser",
          name: "Eve Organiser",
        },
        lead_team: { id: teamA.id, name: teamA.name },
        teams: [{ id: teamA.id, name: teamA.name }],
        has_related_trade_agreements: null,
        related_trade_agreements: [],
        related_programmes: [],
        service: res.body.service,
        archived_documents_url_path: "",
      });
      assert.equal(res.body.event_type.id, eventType);
      assert.equal(res.body.service.id, leaf);
    });

    await t.step("omitted and blank required fields", async () => {
      const omitted = await post({});
      assert.equal(omitted.status, 400);
      const required = ["This field is required."];
      assert.deepEqual(omitted.body, {
        address_1: required,
        address_country: required,
        address_town: required,
        end_date: required,
        event_type: required,
        lead_team: required,
        name: required,
        organiser: required,
        service: required,
        start_date: required,
        teams: required,
      });
      const blank = await post({
        address_1: "",
        address_country: null,
        address_town: "",
        end_date: null,
        event_type: null,
        lead_team: null,
        name: "",
        organiser: null,
        service: null,
        start_date: null,
        teams: [],
      });
      assert.equal(blank.status, 400);
      const notNull = ["This field may not be null."];
      const notBlank = ["This field may not be blank."];
      assert.deepEqual(blank.body, {
        address_1: notBlank,
        address_country: notNull,
        address_town: notBlank,
        end_date: notNull,
        event_type: notNull,
        lead_team: notNull,
        name: notBlank,
        organiser: notNull,
        service: notNull,
        start_date: notNull,
        teams: ["This list may not be empty."],
      });
    });

    await t.step("the serializer's rules, with its messages", async () => {
      const cases: [Record<string, unknown>, Record<string, string[]>][] = [
        [{ service: parent }, {
          service: ["This field is valid for services without children services."],
        }],
        [{ lead_team: teamB.id }, { lead_team: ["Lead team must be in teams array."] }],
        [{ address_country: UK }, { uk_region: ["This field is required."] }],
        [{ uk_region: region }, {
          uk_region: ["Cannot specify a UK region for a non-UK country."],
        }],
        [{ start_date: undefined }, { start_date: ["This field is required."] }],
        [{ start_date: "2020-01-02", end_date: "2020-01-01" }, {
          end_date: ["End date cannot be before start date."],
        }],
        [{ organiser: teamA.id }, {
          organiser: [`Invalid pk "${teamA.id}" - object does not exist.`],
        }],
      ];
      for (const [extra, errors] of cases) {
        const res = await post(minimal(extra));
        assert.equal(res.status, 400, JSON.stringify(extra));
        assert.deepEqual(res.body, errors);
      }
    });

    await t.step("v4 requires trade agreements consistent with the flag", async () => {
      const missing = await post(
        minimal({ has_related_trade_agreements: undefined, related_trade_agreements: undefined }),
        "v4",
      );
      assert.deepEqual(missing.body, {
        has_related_trade_agreements: ["This field is required."],
        related_trade_agreements: ["This field is required."],
      });
      const inconsistent = await post(minimal({ has_related_trade_agreements: true }), "v4");
      assert.deepEqual(inconsistent.body, {
        related_trade_agreements: [
          "'Related trade agreements' is inconsistent with 'Has related trade agreements?'",
        ],
      });
      const ok = await post(
        minimal({
          name: "Trade fair",
          has_related_trade_agreements: true,
          related_trade_agreements: [agreement],
          related_programmes: [programme],
          address_country: UK,
          uk_region: region,
        }),
        "v4",
      );
      assert.equal(ok.status, 201, ok.text);
      assert.equal(ok.body.related_trade_agreements[0].id, agreement);
      assert.equal(ok.body.related_programmes[0].id, programme);
    });

    await t.step("PATCH: combined rules, null dates, read-only fields, versions", async () => {
      const nullEnd = await patch(created, { end_date: null });
      assert.deepEqual(nullEnd.body, { end_date: ["This field may not be null."] });
      const badLead = await patch(created, { lead_team: teamB.id });
      assert.deepEqual(badLead.body, { lead_team: ["Lead team must be in teams array."] });
      const readOnly = await patch(created, {
        archived_documents_url_path: "new_path",
        disabled_on: null,
        notes: "Bring badges",
      });
      assert.equal(readOnly.status, 200, readOnly.text);
      assert.equal(readOnly.body.archived_documents_url_path, "");
      assert.equal(readOnly.body.notes, "Bring badges");
      const moved = await patch(created, { teams: [teamA.id, teamB.id], lead_team: teamB.id });
      assert.equal(moved.status, 200, moved.text);
      assert.deepEqual(
        moved.body.teams.map((x: { id: string }) => x.id).sort(),
        [
          teamA.id,
          teamB.id,
        ].sort(),
      );
      const [{ n }] = await sql`select count(*)::int as n from reversion_version
        where object_id = ${created}`;
      assert.equal(n, 3);
    });

    await t.step("list, detail, 404 and permissions", async () => {
      const list = await call(app, "GET", "/v4/event?sortby=name", { token: viewerOnly.token });
      assert.equal(list.status, 200);
      assert.equal(list.body.count, 2);
      assert.deepEqual(list.body.results.map((e: { name: string }) => e.name), [
        "Grand exhibition",
        "Trade fair",
      ]);
      const detail = await call(app, "GET", `/v3/event/${created}`, { token: viewerOnly.token });
      assert.equal(detail.body.id, created);
      const missing = await call(app, "GET", `/v3/event/${crypto.randomUUID()}`, {
        token: user.token,
      });
      assert.equal(missing.status, 404);
      assert.equal((await call(app, "GET", "/v3/event", { token: nobody.token })).status, 403);
      assert.equal((await post(minimal(), "v3", viewerOnly.token)).status, 403);
    });

    await t.step("event search: name, disabled_on, and global search", async () => {
      await sql`update event_event set disabled_on = '2020-01-01' where name = 'Trade fair'`;
      await sql`insert into change_feed (entity, entity_id, operation)
                select 'event', id, 'upsert' from event_event`;
      await ctx.sync();
      const search = (body: unknown) =>
        call(app, "POST", "/v3/search/event", { token: viewerOnly.token, body });
      const byName = await search({ original_query: "exhibition" });
      assert.equal(byName.status, 200, byName.text);
      assert.deepEqual(byName.body.results.map((e: { id: string }) => e.id), [created]);
      const active = await search({
        sortby: "name:asc",
        disabled_on: { exists: false, after: "2021-01-01" },
      });
      assert.deepEqual(active.body.results.map((e: { name: string }) => e.name), [
        "Grand exhibition",
      ]);
      const everything = await search({
        sortby: "name:asc",
        disabled_on: { exists: false, after: "2019-01-01" },
      });
      assert.equal(everything.body.count, 2);
      const global = await call(app, "GET", "/v3/search?term=exhibition&entity=event", {
        token: viewerOnly.token,
      });
      assert.equal(global.status, 200, global.text);
      assert.equal(global.body.results[0].id, created);
      assert.ok(
        global.body.aggregations.some((a: { entity: string; count: number }) =>
          a.entity === "event" && a.count === 1
        ),
      );
      assert.equal(
        (await call(app, "POST", "/v3/search/event", { token: nobody.token, body: {} }))
          .status,
        403,
      );
    });

    await t.step("a service delivery at an event links to it; event_id filters", async () => {
      const [{ id: company }] = await sql<{ id: string }[]>`
        insert into company_company (name, created_on) values ('Exhibitor Ltd', now())
        returning id::text`;
      const [{ id: contact }] = await sql<{ id: string }[]>`
        insert into company_contact (first_name, last_name, company_id, "primary", email)
        values ('Ex', 'Hibitor', ${company}, true, 'ex@example.test') returning id::text`;
      const delivery = await call(app, "POST", "/v4/interaction", {
        token: user.token,
        body: {
          kind: "service_delivery",
          is_event: true,
          event: created,
          subject: "Stand visit",
          date: "2024-03-01",
          dit_participants: [{ adviser: user.id }],
          company: { id: company },
          contacts: [contact],
          service: leaf,
          was_policy_feedback_provided: false,
          has_related_trade_agreements: false,
          related_trade_agreements: [],
        },
      });
      assert.equal(delivery.status, 201, delivery.text);
      assert.deepEqual(delivery.body.event, {
        id: created,
        name: "Grand exhibition",
        stova_event_id: null,
      });
      assert.equal(delivery.body.is_event, true);
      const listed = await call(app, "GET", `/v4/interaction?event_id=${created}`, {
        token: user.token,
      });
      assert.deepEqual(listed.body.results.map((i: { id: string }) => i.id), [delivery.body.id]);
      const unknown = await call(app, "GET", `/v4/interaction?event_id=${crypto.randomUUID()}`, {
        token: user.token,
      });
      assert.deepEqual(unknown.body, {
        event_id: ["Select a valid choice. That choice is not one of the available choices."],
      });
      // Renaming the event re-indexes the interactions that embed it.
      await patch(created, { name: "Grander exhibition" });
      await ctx.deps.jobs.idle();
      await ctx.sync();
      const found = await call(app, "POST", "/v3/search/interaction", {
        token: user.token,
        body: { original_query: "Grander" },
      });
      assert.equal(found.status, 200, found.text);
      assert.deepEqual(found.body.results.map((i: { id: string }) => i.id), [delivery.body.id]);
      assert.equal(found.body.results[0].event.name, "Grander exhibition");
    });

    await ctx.close();
  });
}

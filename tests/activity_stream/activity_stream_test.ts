import assert from "node:assert/strict";
import { createAdviser, testApp } from "../helpers/app.ts";
import { ACTIVITY_STREAM, DATA_FLOW, MACHINE_ENV, signedGet } from "../helpers/machine.ts";
import { registry } from "../../src/domains.ts";
import { activityPage } from "../../src/activity_stream/routes.ts";

const FRONTEND = "http://frontend.test";
const COMMUNICATION_CHANNEL = "72c226d7-5d95-e211-a939-e4115bead28a";
const BARRIER = "02a6c9c4-1a3b-4af2-8d7f-e5a0a0d9c0d1";

/** The original's seven feeds and their summaries (datahub/activity_stream/). */
const FEEDS: Record<string, string> = {
  "interaction": "Interaction Activities",
  "event": "Event",
  "company-referral": "Company Referral Activities",
  "investment/project-added": "Investment Activities Added",
  "investment/large-capital-investor-profiles": "Large Capital Investor Profile Activities",
  "investment/large-capital-opportunity": "Large Capital Opportunity Activities Added",
  "omis/order-added": "OMIS Order Added Activity",
};

Deno.test("activity stream: seven feeds, the interaction items, cursor paging", async (t) => {
  const ctx = await testApp({ env: { ...MACHINE_ENV, DATAHUB_FRONTEND_BASE_URL: FRONTEND } });
  const { sql } = ctx;
  const [team] = await sql<{ id: string; name: string }[]>`
    select id, name from metadata_team order by id limit 1`;
  const adviser = await createAdviser(sql, {
    firstName: "Ada",
    lastName: "Lovelace",
    teamId: team.id,
  });
  const [company] = await sql<{ id: string }[]>`
    insert into company_company (name, company_number, duns_number, created_on, modified_on)
    values ('Widgets Ltd', '01234567', '123456789', now(), now()) returning id`;
  const [contact] = await sql<{ id: string }[]>`
    insert into company_contact (first_name, last_name, job_title, company_id, "primary", email,
      created_on, modified_on)
    values ('Grace', 'Hopper', 'Director', ${company.id}, true, 'grace@example.test', now(), now())
    returning id`;
  await sql`insert into metadata_exportbarriertype (id, name, "order")
    values (${BARRIER}, 'Finance', 1) on conflict (id) do nothing`;
  const [channel] = await sql<{ name: string }[]>`
    select name from interaction_communicationchannel where id = ${COMMUNICATION_CHANNEL}`;
  const insertInteraction = async (at: string, extra: { barrier?: boolean } = {}) => {
    const [{ id }] = await sql<{ id: string }[]>`
      insert into interaction_interaction (kind, theme, date, subject, notes,
        was_policy_feedback_provided, company_id, communication_channel_id,
        helped_remove_export_barrier, export_barrier_notes, created_on, modified_on)
      values ('interaction', 'export', '2012-07-10', 'Catch-up', 'Notes', false, ${company.id},
        ${COMMUNICATION_CHANNEL}, ${extra.barrier ?? false}, ${extra.barrier ? "Some notes" : ""},
        ${at}::text::timestamptz, ${at}::text::timestamptz)
      returning id`;
    await sql`insert into interaction_interaction_companies (interaction_id, company_id)
      values (${id}, ${company.id})`;
    await sql`insert into interaction_interaction_contacts (interaction_id, contact_id)
      values (${id}, ${contact.id})`;
    await sql`insert into interaction_interactionditparticipant (interaction_id, adviser_id, team_id)
      values (${id}, ${adviser.id}, ${team.id})`;
    if (extra.barrier) {
      await sql`insert into interaction_interaction_export_barrier_types
        (interaction_id, exportbarriertype_id) values (${id}, ${BARRIER})`;
    }
    return id;
  };
  const first = await insertInteraction("2012-07-12T15:06:03Z", { barrier: true });

  await t.step("every feed answers an Activity Streams page; unbuilt ones are empty", async () => {
    assert.deepEqual(registry.activityFeeds.map((f) => f.path).sort(), Object.keys(FEEDS).sort());
    for (const [path, summary] of Object.entries(FEEDS)) {
      const res = await signedGet(ctx, ACTIVITY_STREAM, `/v3/activity-stream/${path}`);
      assert.equal(res.status, 200, `${path}: ${res.text}`);
      activityPage.parse(res.body);
      assert.equal(res.body.summary, summary);
      if (path !== "interaction") {
        assert.deepEqual(res.body.orderedItems, []);
        assert.equal(res.body.next, null);
      }
    }
  });

  await t.step("an interaction is an Announce in the original's shape", async () => {
    const res = await signedGet(ctx, ACTIVITY_STREAM, "/v3/activity-stream/interaction");
    assert.deepEqual(res.body, {
      "@context": "https://www.w3.org/ns/activitystreams",
      summary: "Interaction Activities",
      type: "OrderedCollectionPage",
      next: "http://testserver/v3/activity-stream/interaction" +
        `?cursor=2012-07-12T15%3A06%3A03.000000%2B00%3A00&cursor=${first}`,
      orderedItems: [{
        id: `dit:DataHubInteraction:${first}:Announce`,
        type: "Announce",
        published: "2012-07-12T15:06:03Z",
        generator: { name: "dit:dataHub", type: "Application" },
        object: {
          id: `dit:DataHubInteraction:${first}`,
          type: ["dit:Event", "dit:Interaction", "dit:datahub:theme:export"],
          content: "Notes",
          startTime: "2012-07-10T00:00:00Z",
          "dit:status": "complete",
          "dit:archived": false,
          "dit:communicationChannel": { name: channel.name },
          "dit:subject": "Catch-up",
          "dit:business_intelligence": false,
          "dit:exportBarrierTypes": [{ name: "Finance" }],
          "dit:exportBarrierNotes": "Some notes",
          attributedTo: [
            {
              id: `dit:DataHubCompany:${company.id}`,
              "dit:dunsNumber": "123456789",
              "dit:companiesHouseNumber": "01234567",
              type: ["Organization", "dit:Company"],
              name: "Widgets Ltd",
            },
            {
              id: `dit:DataHubAdviser:${adviser.id}`,
              type: ["Person", "dit:Adviser"],
              "dit:emailAddress": adviser.email,
              name: "Ada Lovelace",
              "dit:team": {
                id: `dit:DataHubTeam:${team.id}`,
                type: ["Group", "dit:Team"],
                name: team.name,
              },
            },
            {
              id: `dit:DataHubContact:${contact.id}`,
              type: ["Person", "dit:Contact"],
              url: `${FRONTEND}/contacts/${contact.id}`,
              "dit:emailAddress": "grace@example.test",
              "dit:jobTitle": "Director",
              name: "Grace Hopper",
            },
          ],
          url: `${FRONTEND}/interactions/${first}`,
        },
      }],
    });
  });

  await t.step("following next walks every item once and ends on an empty page", async () => {
    // Two more at one timestamp: the id breaks the tie.
    const more = [
      await insertInteraction("2013-01-01T00:00:00.123456Z"),
      await insertInteraction("2013-01-01T00:00:00.123456Z"),
    ].sort();
    const seen: string[] = [];
    let link: string | null = "/v3/activity-stream/interaction";
    let last: { orderedItems: unknown[]; next: string | null } | null = null;
    for (let pages = 0; link; pages++) {
      assert.ok(pages < 10, "the walk ends");
      const res = await signedGet(ctx, ACTIVITY_STREAM, link);
      assert.equal(res.status, 200, res.text);
      seen.push(
        ...res.body.orderedItems.map((i: { object: { id: string } }) =>
          i.object.id.split(":").pop()
        ),
      );
      last = res.body;
      link = res.body.next;
    }
    assert.deepEqual(seen, [first, ...more]);
    assert.deepEqual(last!.orderedItems, []);
    // A cursor at the second item (microseconds kept) gives the third alone.
    const after = await signedGet(
      ctx,
      ACTIVITY_STREAM,
      `/v3/activity-stream/interaction?cursor=${
        encodeURIComponent("2013-01-01T00:00:00.123456+00:00")
      }&cursor=${more[0]}`,
    );
    assert.equal(after.body.orderedItems.length, 1);
    assert.equal(after.body.orderedItems[0].object.id, `dit:DataHubInteraction:${more[1]}`);
  });

  await t.step("rows modified in the last second wait for the next poll", async () => {
    await insertInteraction(new Date().toISOString());
    const res = await signedGet(
      ctx,
      ACTIVITY_STREAM,
      `/v3/activity-stream/interaction?cursor=2013-06-01T00:00:00%2B00:00&cursor=${first}`,
    );
    assert.deepEqual(res.body.orderedItems, []);
  });

  await t.step("DRF's old base64 cursor still reads as a timestamp", async () => {
    const cursor = btoa(new URLSearchParams({ o: "0", p: "2013-01-01 00:00:00+00:00" }).toString());
    const res = await signedGet(
      ctx,
      ACTIVITY_STREAM,
      `/v3/activity-stream/interaction?cursor=${encodeURIComponent(cursor)}`,
    );
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.orderedItems.length, 2);
  });

  await t.step("malformed cursors are a 400, never a 500", async () => {
    for (
      const query of [
        "cursor=yesterday&cursor=00000000-0000-0000-0000-000000000000",
        "cursor=2012-07-12T15:06:03",
        "cursor=2012-02-30T00:00:00&cursor=00000000-0000-0000-0000-000000000000",
        "cursor=2012-07-12T15:06:03&cursor=not-a-uuid",
        "cursor=a&cursor=b&cursor=c",
        `cursor=${encodeURIComponent(btoa("p=garbage"))}`,
      ]
    ) {
      const res = await signedGet(ctx, ACTIVITY_STREAM, `/v3/activity-stream/interaction?${query}`);
      assert.equal(res.status, 400, `${query}: ${res.text}`);
      assert.deepEqual(res.body, { detail: "Invalid cursor" });
    }
  });

  await t.step("a client without the activity_stream scope gets 403", async () => {
    const res = await signedGet(ctx, DATA_FLOW, "/v3/activity-stream/interaction");
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, { detail: "You do not have permission to perform this action." });
  });

  await ctx.close();
});

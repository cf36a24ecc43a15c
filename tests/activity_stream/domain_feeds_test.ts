import assert from "node:assert/strict";
import { testApp } from "../helpers/app.ts";
import { ACTIVITY_STREAM, DATA_FLOW, MACHINE_ENV, signedGet } from "../helpers/machine.ts";
import { insertMachineRows, UK } from "../helpers/machine_rows.ts";

const FRONTEND = "http://frontend.test";
const GENERATOR = { name: "dit:dataHub", type: "Application" };

Deno.test("activity stream: events, company referrals, interaction context", async (t) => {
  const ctx = await testApp({ env: { ...MACHINE_ENV, DATAHUB_FRONTEND_BASE_URL: FRONTEND } });
  const { sql } = ctx;
  const rows = await insertMachineRows(sql);
  const { team, adviser, company, contact, event, recipient } = rows;
  const [country] = await sql<
    { name: string }[]
  >`select name from metadata_country where id = ${UK}`;
  const cursor = (id: string) => `?cursor=2012-07-12T15%3A06%3A03.000000%2B00%3A00&cursor=${id}`;
  const companyItem = {
    id: `dit:DataHubCompany:${company.id}`,
    "dit:dunsNumber": "123456789",
    "dit:companiesHouseNumber": "01234567",
    type: ["Organization", "dit:Company"],
    name: "Widgets Ltd",
  };
  const teamItem = {
    id: `dit:DataHubTeam:${team.id}`,
    type: ["Group", "dit:Team"],
    name: team.name,
  };

  await t.step("an event is an Announce of a dit:dataHub:Event", async () => {
    const res = await signedGet(ctx, ACTIVITY_STREAM, "/v3/activity-stream/event");
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, {
      "@context": "https://www.w3.org/ns/activitystreams",
      summary: "Event",
      type: "OrderedCollectionPage",
      next: `http://testserver/v3/activity-stream/event${cursor(event.id)}`,
      orderedItems: [{
        id: `dit:DataHubEvent:${event.id}:Announce`,
        type: "Announce",
        published: "2012-07-12T15:06:03Z",
        generator: GENERATOR,
        object: {
          id: `dit:DataHubEvent:${event.id}`,
          type: ["dit:dataHub:Event"],
          name: "Trade show",
          content: "Notes",
          startTime: "2012-08-01",
          endTime: "2012-08-03",
          updated: "2012-07-12T15:06:03Z",
          url: `${FRONTEND}/events/${event.id}`,
          "dit:address_1": "1 Street",
          "dit:address_2": "",
          "dit:address_town": "London",
          "dit:address_county": "",
          "dit:address_postcode": "",
          "dit:address_country": { name: country.name, id: UK },
          "dit:disabledOn": null,
          "dit:archivedDocumentsUrlPath": "",
          "dit:eventType": { name: rows.eventType.name, id: rows.eventType.id },
          "dit:hasRelatedTradeAgreements": true,
          "dit:relatedProgrammes": [{
            id: `dit:DataHubEventProgramme:${rows.programme.id}`,
            name: rows.programme.name,
          }],
          "dit:teams": [teamItem],
          "dit:relatedTradeAgreements": [{
            id: `dit:DataHubTradeAgreement:${rows.tradeAgreement.id}`,
            name: rows.tradeAgreement.name,
          }],
          "dit:organiser": { name: "Ada Lovelace", id: adviser.id },
          "dit:leadTeam": { name: team.name },
        },
      }],
    });
  });

  await t.step("a referral is attributed to company, sender, recipient, contact", async () => {
    const res = await signedGet(ctx, ACTIVITY_STREAM, "/v3/activity-stream/company-referral");
    assert.equal(res.status, 200, res.text);
    const sender = {
      id: `dit:DataHubAdviser:${adviser.id}`,
      type: ["Person", "dit:Adviser"],
      "dit:emailAddress": adviser.email,
      name: "Ada Lovelace",
      "dit:team": teamItem,
      "dit:DataHubCompanyReferral:role": "sender",
    };
    assert.deepEqual(res.body, {
      "@context": "https://www.w3.org/ns/activitystreams",
      summary: "Company Referral Activities",
      type: "OrderedCollectionPage",
      next: `http://testserver/v3/activity-stream/company-referral${cursor(rows.referral.id)}`,
      orderedItems: [{
        id: `dit:DataHubCompanyReferral:${rows.referral.id}:Announce`,
        type: "Announce",
        published: "2012-07-12T15:06:03Z",
        generator: GENERATOR,
        object: {
          id: `dit:DataHubCompanyReferral:${rows.referral.id}`,
          type: ["dit:CompanyReferral"],
          startTime: "2012-07-12T15:06:03Z",
          "dit:subject": "Please help",
          "dit:status": "outstanding",
          attributedTo: [
            companyItem,
            sender,
            {
              id: `dit:DataHubAdviser:${recipient.id}`,
              type: ["Person", "dit:Adviser"],
              "dit:emailAddress": recipient.email,
              name: "Bob Smith",
              "dit:DataHubCompanyReferral:role": "recipient",
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
          url: `${FRONTEND}/company-referrals/${rows.referral.id}`,
        },
      }],
    });

    // Completed: the completer follows the recipient, and the completion time is given.
    await sql`update company_referral_companyreferral
      set status = 'complete', completed_by_id = ${recipient.id},
        completed_on = '2012-07-13T10:00:00Z', modified_on = '2012-07-13T10:00:00Z'
      where id = ${rows.referral.id}`;
    const done = await signedGet(ctx, ACTIVITY_STREAM, "/v3/activity-stream/company-referral");
    const object = done.body.orderedItems[0].object;
    assert.equal(object["dit:completedOn"], "2012-07-13T10:00:00Z");
    assert.equal(done.body.orderedItems[0].published, "2012-07-13T10:00:00Z");
    assert.deepEqual(
      object.attributedTo.map((a: Record<string, string>) => a["dit:DataHubCompanyReferral:role"]),
      [undefined, "sender", "recipient", "completer", undefined],
    );
  });

  await t.step("interactions carry their project or event as context", async () => {
    const [project] = await sql<{ id: string }[]>`
      insert into investment_investmentproject (name, description, investment_type_id,
        created_on, modified_on)
      values ('Big plant', 'A plant', (select id from metadata_investmenttype limit 1), now(),
        now())
      returning id`;
    const insert = async (kind: string, extra: { project?: string; event?: string }) =>
      (await sql<{ id: string }[]>`
        insert into interaction_interaction (kind, theme, date, subject, notes,
          was_policy_feedback_provided, company_id, investment_project_id, event_id,
          created_on, modified_on)
        values (${kind}, 'investment', '2012-07-10', 'Catch-up', '', false, ${company.id},
          ${extra.project ?? null}, ${extra.event ?? null}, '2012-07-12T15:06:03Z',
          '2012-07-12T15:06:03Z')
        returning id`)[0].id;
    const withProject = await insert("interaction", { project: project.id });
    const withEvent = await insert("service_delivery", { event: event.id });
    const without = await insert("interaction", {});
    const res = await signedGet(ctx, ACTIVITY_STREAM, "/v3/activity-stream/interaction");
    assert.equal(res.status, 200, res.text);
    const contextOf = (id: string) =>
      res.body.orderedItems.find((i: { object: { id: string } }) =>
        i.object.id === `dit:DataHubInteraction:${id}`
      ).object.context;
    assert.deepEqual(contextOf(withProject), [{
      id: `dit:DataHubInvestmentProject:${project.id}`,
      type: "dit:InvestmentProject",
      name: "Big plant",
      url: `${FRONTEND}/investments/projects/${project.id}/details`,
    }]);
    assert.deepEqual(contextOf(withEvent), [{
      id: `dit:DataHubEvent:${event.id}`,
      type: "dit:Event",
      "dit:eventType": { name: rows.eventType.name },
      name: "Trade show",
      startTime: "2012-08-01",
      endTime: "2012-08-03",
      "dit:team": teamItem,
      url: `${FRONTEND}/events/${event.id}`,
    }]);
    assert.equal(contextOf(without), undefined);
  });

  await t.step("bad cursors 400, wrong scope 403, stale and replayed Hawk 401", async () => {
    for (const path of ["event", "company-referral"]) {
      const bad = await signedGet(
        ctx,
        ACTIVITY_STREAM,
        `/v3/activity-stream/${path}?cursor=2012-07-12&cursor=${"x".repeat(36)}`,
      );
      assert.equal(bad.status, 400, bad.text);
      assert.deepEqual(bad.body, { detail: "Invalid cursor" });
      const wrong = await signedGet(ctx, DATA_FLOW, `/v3/activity-stream/${path}`);
      assert.equal(wrong.status, 403);
      assert.deepEqual(wrong.body, {
        detail: "You do not have permission to perform this action.",
      });
      const stale = await signedGet(ctx, ACTIVITY_STREAM, `/v3/activity-stream/${path}`, {
        ts: ctx.deps.now().getTime() / 1000 - 3600,
      });
      assert.equal(stale.status, 401);
      assert.deepEqual(stale.body, { detail: "Incorrect authentication credentials." });
      const nonce = `nonce-${path}`;
      const once = await signedGet(ctx, ACTIVITY_STREAM, `/v3/activity-stream/${path}`, { nonce });
      assert.equal(once.status, 200);
      const replay = await signedGet(ctx, ACTIVITY_STREAM, `/v3/activity-stream/${path}`, {
        nonce,
      });
      assert.equal(replay.status, 401);
      assert.deepEqual(replay.body, { detail: "Incorrect authentication credentials." });
    }
  });

  await ctx.close();
});

/** Company referrals (/v4/company-referral…), pinned to the original's company_referral tests. */
import assert from "node:assert/strict";
import { call, createAdviser, HeldQueue, testApp } from "../helpers/app.ts";

const REFERRAL_KEYS = [
  "company",
  "completed_by",
  "completed_on",
  "contact",
  "created_by",
  "created_on",
  "id",
  "interaction",
  "notes",
  "recipient",
  "status",
  "subject",
];

Deno.test("company referrals: send, list, detail, complete", async (t) => {
  const ctx = await testApp({ deps: { jobs: new HeldQueue() } });
  const { app, sql } = ctx;
  const [team] = await sql<{ id: string; name: string }[]>`
    insert into metadata_team (id, name) values (gen_random_uuid(), 'Referral team')
    returning id::text, name`;
  const [channel] = await sql<{ id: string }[]>`
    select id::text from interaction_communicationchannel where disabled_on is null limit 1`;
  const [service] = await sql<{ id: string }[]>`
    select s.id::text from metadata_service s
    where not exists (select 1 from metadata_service c where c.parent_id = s.id)
      and not exists (select 1 from interaction_servicequestion q where q.service_id = s.id)
    limit 1`;
  const permissions = [
    "company_referral.view_companyreferral",
    "company_referral.add_companyreferral",
    "company_referral.change_companyreferral",
    "interaction.add_all_interaction",
    "interaction.view_all_interaction",
  ];
  const sender = await createAdviser(sql, {
    permissions,
    teamId: team.id,
    firstName: "Sam",
    lastName: "Sender",
  });
  const recipient = await createAdviser(sql, {
    permissions,
    teamId: team.id,
    firstName: "Rita",
    lastName: "Recipient",
  });
  const stranger = await createAdviser(sql, { permissions });
  const nobody = await createAdviser(sql, {});
  const [{ id: company }] = await sql<{ id: string }[]>`
    insert into company_company (name, created_on) values ('Referred Ltd', now()) returning id::text`;
  const [{ id: contact }] = await sql<{ id: string }[]>`
    insert into company_contact (first_name, last_name, company_id, "primary", email, created_on)
    values ('Connie', 'Tact', ${company}, true, 'connie@example.test', now()) returning id::text`;
  const post = (body: unknown, token = sender.token) =>
    call(app, "POST", "/v4/company-referral", { token, body });

  await t.step("validation: omitted, null and blank fields", async () => {
    const required = ["This field is required."];
    assert.deepEqual((await post({})).body, {
      company: required,
      notes: required,
      recipient: required,
      subject: required,
    });
    const notNull = ["This field may not be null."];
    assert.deepEqual(
      (await post({ company: null, notes: null, recipient: null, subject: null })).body,
      { company: notNull, notes: notNull, recipient: notNull, subject: notNull },
    );
    const notBlank = ["This field may not be blank."];
    assert.deepEqual(
      (await post({
        notes: "",
        subject: "",
        company: { id: company },
        recipient: { id: recipient.id },
      })).body,
      { notes: notBlank, subject: notBlank },
    );
  });

  let referral = "";
  await t.step("send a referral; sender and recipient list it, others do not", async () => {
    const res = await post({
      company: { id: company },
      contact: { id: contact },
      recipient: { id: recipient.id },
      subject: "Needs export help",
      notes: "Met at a trade fair",
    });
    assert.equal(res.status, 201, res.text);
    referral = res.body.id;
    assert.deepEqual(Object.keys(res.body).sort(), REFERRAL_KEYS);
    assert.deepEqual(res.body.company, { id: company, name: "Referred Ltd" });
    assert.deepEqual(res.body.contact, { id: contact, name: "Connie Tact" });
    assert.deepEqual(res.body.recipient, {
      id: recipient.id,
      name: "Rita Recipient",
      contact_email: res.body.recipient.contact_email,
      dit_team: { id: team.id, name: team.name },
    });
    assert.equal(res.body.created_by.id, sender.id);
    assert.equal(res.body.status, "outstanding");
    assert.equal(res.body.interaction, null);
    assert.equal(res.body.completed_by, null);
    for (const adviser of [sender, recipient]) {
      const list = await call(app, "GET", "/v4/company-referral", { token: adviser.token });
      assert.equal(list.body.count, 1);
      assert.equal(list.body.results[0].id, referral);
    }
    const other = await call(app, "GET", "/v4/company-referral", { token: stranger.token });
    assert.equal(other.body.count, 0);
    const detail = await call(app, "GET", `/v4/company-referral/${referral}`, {
      token: stranger.token,
    });
    assert.equal(detail.status, 200);
    const missing = await call(app, "GET", `/v4/company-referral/${crypto.randomUUID()}`, {
      token: sender.token,
    });
    assert.equal(missing.status, 404);
    assert.equal(
      (await call(app, "GET", "/v4/company-referral", { token: nobody.token })).status,
      403,
    );
  });

  const completion = {
    kind: "interaction",
    subject: "Follow-up call",
    date: "2020-02-03",
    dit_participants: [{ adviser: recipient.id }],
    contacts: [contact],
    communication_channel: channel.id,
    service: service.id,
    was_policy_feedback_provided: false,
    company: { id: crypto.randomUUID() },
  };

  await t.step("completing creates the interaction on the referral's company", async () => {
    const bad = await call(app, "POST", `/v4/company-referral/${referral}/complete`, {
      token: recipient.token,
      body: { ...completion, dit_participants: [] },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, {
      dit_participants: { non_field_errors: ["This list may not be empty."] },
    });
    const res = await call(app, "POST", `/v4/company-referral/${referral}/complete`, {
      token: recipient.token,
      body: completion,
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.subject, "Follow-up call");
    assert.equal(res.body.status, "complete");
    assert.deepEqual(res.body.companies.map((c: { id: string }) => c.id), [company]);
    assert.equal(res.body.company_referral.id, referral);
    assert.equal(res.body.company_referral.recipient.id, recipient.id);
    const detail = await call(app, "GET", `/v4/company-referral/${referral}`, {
      token: sender.token,
    });
    assert.equal(detail.body.status, "complete");
    assert.deepEqual(detail.body.interaction, { id: res.body.id, subject: "Follow-up call" });
    assert.equal(detail.body.completed_by.id, recipient.id);
    assert.ok(detail.body.completed_on);
  });

  await t.step("a referral that is not outstanding cannot be completed", async () => {
    const res = await call(app, "POST", `/v4/company-referral/${referral}/complete`, {
      token: recipient.token,
      body: completion,
    });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      non_field_errors: [
        "This referral can’t be completed as it’s not in the outstanding status",
      ],
    });
    const [{ n }] = await sql`select count(*)::int as n from interaction_interaction`;
    assert.equal(n, 1);
  });

  await ctx.close();
});

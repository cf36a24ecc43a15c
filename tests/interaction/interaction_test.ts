import assert from "node:assert/strict";
import { call, createAdviser, HeldQueue, testApp } from "../helpers/app.ts";

const UK = "80756b9a-5d95-e211-a939-e4115bead28a";
const FRANCE = "82756b9a-5d95-e211-a939-e4115bead28a";
const BARRIER_OTHER = "8ef83315-2b0f-4d5e-98da-a16f8b2217a6";
const BARRIER_FINANCE = "758c4132-a07b-4e4d-a43d-f2f630113023";
const REQUIRED = "This field is required.";

const ALL = [
  "interaction.view_all_interaction",
  "interaction.add_all_interaction",
  "interaction.change_all_interaction",
];
const ASSOCIATED = [
  "interaction.view_associated_investmentproject_interaction",
  "interaction.add_associated_investmentproject_interaction",
  "interaction.change_associated_investmentproject_interaction",
];

/** InteractionSerializer's (v3) keys. */
const V3_KEYS = [
  "id",
  "company",
  "companies",
  "contacts",
  "created_on",
  "created_by",
  "event",
  "is_event",
  "status",
  "kind",
  "modified_by",
  "modified_on",
  "date",
  "dit_participants",
  "communication_channel",
  "grant_amount_offered",
  "investment_project",
  "company_export",
  "large_capital_opportunity",
  "net_company_receipt",
  "service",
  "service_answers",
  "service_delivery_status",
  "subject",
  "theme",
  "notes",
  "archived_documents_url_path",
  "policy_feedback_notes",
  "was_policy_feedback_provided",
  "were_countries_discussed",
  "export_countries",
  "archived",
  "archived_by",
  "archived_on",
  "archived_reason",
  "company_referral",
  "related_trade_agreements",
];
/** InteractionSerializerV4's keys. */
const V4_KEYS = [
  ...V3_KEYS,
  "helped_remove_export_barrier",
  "export_barrier_types",
  "export_barrier_notes",
  "has_related_trade_agreements",
];

const sorted = (keys: string[]) => [...keys].sort();

async function one<T>(query: Promise<T[]>): Promise<T> {
  const [row] = await query;
  assert.ok(row, "reference row not found");
  return row;
}

Deno.test("interactions: /v3 and /v4 interaction routes", async (t) => {
  // The search sync job is held so the change-feed rows of each write stay inspectable.
  const ctx = await testApp({ deps: { jobs: new HeldQueue() } });
  const { app, sql } = ctx;

  const refs = {
    channel: await one(
      sql<{ id: string; name: string }[]>`
      select id, name from interaction_communicationchannel where disabled_on is null
      order by name limit 1`,
    ),
    service: await one(
      sql<{ id: string; name: string }[]>`
      select s.id, s.name from metadata_service s
      where not exists (select 1 from metadata_service c where c.parent_id = s.id)
        and not exists (select 1 from interaction_servicequestion q where q.service_id = s.id)
      order by s.name limit 1`,
    ),
    parentService: (await one(
      sql<{ id: string }[]>`
      select parent_id as id from metadata_service where parent_id is not null limit 1`,
    )).id,
    questioned: await one(
      sql<{ service: string; question: string; option: string }[]>`
      select q.service_id as service, q.id as question, o.id as option
      from interaction_servicequestion q join interaction_serviceansweroption o on o.question_id = q.id
      where not exists (select 1 from interaction_servicequestion q2
                        where q2.service_id = q.service_id and q2.id <> q.id)
      order by q.id, o.id limit 1`,
    ),
    otherOption: (await one(
      sql<{ id: string }[]>`
      select o.id from interaction_serviceansweroption o
      join interaction_servicequestion q on q.id = o.question_id
      order by o.id desc limit 1`,
    )).id,
    deliveryStatus: (await one(
      sql<{ id: string }[]>`
      select id from interaction_servicedeliverystatus limit 1`,
    )).id,
    tradeAgreement: await one(
      sql<{ id: string; name: string }[]>`
      select id, name from metadata_tradeagreement order by name limit 1`,
    ),
    // Teams without a role, so advisers hold only the permissions a test gives them.
    teams: await sql<{ id: string; name: string }[]>`
      insert into metadata_team (id, name)
      values (gen_random_uuid(), 'Test team A'), (gen_random_uuid(), 'Test team B')
      returning id, name`,
  };

  const user = await createAdviser(sql, {
    permissions: ALL,
    teamId: refs.teams[0].id,
    firstName: "Ann",
    lastName: "Lee",
  });
  const colleague = await createAdviser(sql, { permissions: [], teamId: refs.teams[1].id });

  const company = async (name: string) =>
    (await sql<{ id: string }[]>`
      insert into company_company (name, created_on) values (${name}, now()) returning id`)[0].id;
  const contact = async (companyId: string, firstName: string, lastName = "Smith") =>
    (await sql<{ id: string }[]>`
      insert into company_contact (first_name, last_name, job_title, company_id, "primary", email,
                                   created_on)
      values (${firstName}, ${lastName}, 'Director', ${companyId}, true,
              ${`${firstName}@example.test`}, now())
      returning id`)[0].id;

  const acme = await company("Acme");
  const zeta = await company("Zeta Ltd");
  const ann = await contact(acme, "Annie", "Zed");
  const bob = await contact(acme, "Bob", "Young");
  const zed = await contact(zeta, "Zoe", "Adams");

  /** A valid v4 body; tests override fields. */
  const body = (overrides: Record<string, unknown> = {}) => ({
    kind: "interaction",
    communication_channel: refs.channel.id,
    subject: "Catch-up",
    date: "2024-03-01",
    dit_participants: [{ adviser: user.id }],
    company: { id: acme },
    contacts: [ann],
    service: refs.service.id,
    was_policy_feedback_provided: false,
    has_related_trade_agreements: false,
    related_trade_agreements: [],
    ...overrides,
  });
  const post = (payload: unknown, version = "v4", token = user.token) =>
    call(app, "POST", `/${version}/interaction`, { token, body: payload });
  const patch = (id: string, payload: unknown, version = "v4", token = user.token) =>
    call(app, "PATCH", `/${version}/interaction/${id}`, { token, body: payload });
  const create = async (overrides: Record<string, unknown> = {}) => {
    const res = await post(body(overrides));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };
  const counts = async () => {
    const [r] = await sql<{ versions: number; feed: number }[]>`
      select (select count(*) from reversion_version)::int as versions,
             (select count(*) from change_feed)::int as feed`;
    return r;
  };

  let first: Record<string, unknown> & { id: string };

  await t.step("create (v4): 201 with the v4 key set, a version and change-feed rows", async () => {
    const before = await counts();
    first = await create({ notes: "Met at the office", contacts: [bob, ann] });
    assert.deepEqual(sorted(Object.keys(first)), sorted(V4_KEYS));
    assert.deepEqual(first.company, { id: acme, name: "Acme" });
    assert.deepEqual(first.companies, [{ id: acme, name: "Acme" }]);
    const contacts = first.contacts as { id: string }[];
    assert.deepEqual(contacts.map((c) => c.id), [ann, bob].sort());
    assert.deepEqual(contacts.find((c) => c.id === ann), {
      id: ann,
      name: "Annie Zed",
      first_name: "Annie",
      last_name: "Zed",
      job_title: "Director",
    });
    assert.deepEqual(first.dit_participants, [{
      adviser: { id: user.id, first_name: "Ann", last_name: "Lee", name: "Ann Lee" },
      team: refs.teams[0],
    }]);
    assert.equal(first.date, "2024-03-01");
    assert.equal(first.status, "complete");
    assert.equal(first.theme, null);
    assert.equal(first.is_event, null);
    assert.deepEqual(first.communication_channel, refs.channel);
    assert.deepEqual(first.service, refs.service);
    assert.deepEqual(first.created_by, first.modified_by);
    assert.deepEqual(first.created_by, {
      id: user.id,
      first_name: "Ann",
      last_name: "Lee",
      name: "Ann Lee",
    });
    for (const key of ["event", "investment_project", "company_export", "company_referral"]) {
      assert.equal(first[key], null, key);
    }
    assert.equal(first.archived, false);
    assert.deepEqual(first.export_countries, []);
    assert.equal(first.grant_amount_offered, null);
    const after = await counts();
    assert.equal(after.versions, before.versions + 1);
    // The interaction, its company (whose document has its latest interaction date) and
    // the company's activity it is.
    assert.equal(after.feed, before.feed + 3);
    const feed = await sql`select entity, entity_id from change_feed order by id desc limit 3`;
    const [activity] = await sql`select id from company_activity_companyactivity
      where interaction_id = ${first.id}`;
    assert.deepEqual(feed.map((r) => ({ ...r })), [
      { entity: "company-activity", entity_id: activity.id },
      { entity: "company", entity_id: acme },
      { entity: "interaction", entity_id: first.id },
    ]);
  });

  await t.step("detail: v3 and v4 key sets; unknown and non-UUID ids are 404", async () => {
    const v4 = await call(app, "GET", `/v4/interaction/${first.id}`, { token: user.token });
    assert.equal(v4.status, 200);
    assert.deepEqual(v4.body, first);
    const v3 = await call(app, "GET", `/v3/interaction/${first.id}`, { token: user.token });
    assert.deepEqual(sorted(Object.keys(v3.body)), sorted(V3_KEYS));
    const unknown = await call(app, "GET", `/v4/interaction/${crypto.randomUUID()}`, {
      token: user.token,
    });
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { detail: "No Interaction matches the given query." });
    const bad = await call(app, "GET", "/v4/interaction/not-a-uuid", { token: user.token });
    assert.equal(bad.status, 404);
  });

  await t.step("required fields (v4 and v3)", async () => {
    const v4 = await post({ kind: "interaction" });
    assert.equal(v4.status, 400);
    assert.deepEqual(v4.body, {
      contacts: [REQUIRED],
      date: [REQUIRED],
      dit_participants: [REQUIRED],
      subject: [REQUIRED],
      company: [REQUIRED],
      was_policy_feedback_provided: [REQUIRED],
      related_trade_agreements: [REQUIRED],
    });
    const v3 = await post({ kind: "service_delivery" }, "v3");
    assert.deepEqual(v3.body, {
      contacts: [REQUIRED],
      date: [REQUIRED],
      dit_participants: [REQUIRED],
      subject: [REQUIRED],
      company: [REQUIRED],
      was_policy_feedback_provided: [REQUIRED],
    });
    const empty = await post({});
    assert.equal(empty.status, 400);
    assert.deepEqual(empty.body.kind, [REQUIRED]);
    // Then the rules of a complete interaction, one at a time as the original's tests.
    const noService = await post(body({ service: undefined }));
    assert.equal(noService.status, 400);
    assert.deepEqual(noService.body, { service: [REQUIRED] });
    const noChannel = await post(body({ communication_channel: undefined }));
    assert.equal(noChannel.status, 400);
    assert.deepEqual(noChannel.body, { communication_channel: [REQUIRED] });
  });

  await t.step("company or companies, never both; companies keep company in sync", async () => {
    const both = await post(body({ companies: [zeta] }));
    assert.deepEqual(both.body, {
      non_field_errors: ["Only either a company or companies can be provided."],
    });
    const { company: _, ...rest } = body();
    const res = await post({ ...rest, companies: [zeta, acme], contacts: [zed, ann] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(res.body.company, { id: zeta, name: "Zeta Ltd" });
    assert.deepEqual(res.body.companies.map((c: { id: string }) => c.id), [zeta, acme]);
    const moved = await patch(res.body.id, { company: acme, contacts: [ann] });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.deepEqual(moved.body.companies, [{ id: acme, name: "Acme" }]);
  });

  await t.step("contacts of another company are refused; nothing is written", async () => {
    const before = await counts();
    const res = await post(body({ contacts: [zed] }));
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      non_field_errors: ["The interaction contacts must belong to the specified company."],
    });
    const changed = await patch(first.id, { company: zeta });
    assert.deepEqual(changed.body, {
      non_field_errors: ["The interaction contacts must belong to the specified company."],
    });
    assert.deepEqual(await counts(), before);
    const [{ n }] = await sql`select count(*)::int as n from interaction_interaction
      where company_id = ${zeta} and subject = 'Catch-up' and id = ${first.id}`;
    assert.equal(n, 0);
  });

  await t.step("references: unknown rows, wrong types, empty lists", async () => {
    const missing = crypto.randomUUID();
    const res = await post(body({
      communication_channel: missing,
      contacts: [missing],
      dit_participants: [{ adviser: user.id }, { adviser: missing }],
      related_trade_agreements: [missing],
    }));
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      communication_channel: [`Invalid pk "${missing}" - object does not exist.`],
      contacts: [`Invalid pk "${missing}" - object does not exist.`],
      related_trade_agreements: [`Invalid pk "${missing}" - object does not exist.`],
      dit_participants: [{}, { adviser: [`Invalid pk "${missing}" - object does not exist.`] }],
    });
    for (
      const field of ["event", "investment_project", "company_export", "large_capital_opportunity"]
    ) {
      const link = await post(body({ [field]: missing }));
      assert.deepEqual(link.body, {
        [field]: [`Invalid pk "${missing}" - object does not exist.`],
      }, field);
    }
    const types = await post(body({
      contacts: "abc",
      subject: 5,
      was_policy_feedback_provided: "maybe",
      company: 7,
      service: { name: "x" },
      dit_participants: [],
    }));
    assert.equal(types.status, 400);
    assert.deepEqual(types.body, {
      contacts: ['Expected a list of items but got type "str".'],
      subject: ["Not a valid string."],
      was_policy_feedback_provided: ["Must be a valid boolean."],
      company: ["Incorrect type. Expected object, received int."],
      service: ["pk not provided."],
      dit_participants: { non_field_errors: ["This list may not be empty."] },
    });
    const emptyContacts = await post(body({ contacts: [] }));
    assert.deepEqual(emptyContacts.body, { contacts: ["This list may not be empty."] });
    const nulls = await post(body({ policy_feedback_notes: null, related_trade_agreements: null }));
    assert.deepEqual(nulls.body, {
      policy_feedback_notes: ["This field may not be null."],
      related_trade_agreements: ["This field may not be null."],
    });
    const choice = await post(body({ status: "foobar", kind: "meeting" }));
    assert.deepEqual(choice.body, {
      status: ['"foobar" is not a valid choice.'],
      kind: ['"meeting" is not a valid choice.'],
    });
    const notJson = await call(app, "POST", "/v4/interaction", {
      token: user.token,
      body: "{not json",
    });
    assert.equal(notJson.status, 400);
    const list = await post([body()]);
    assert.deepEqual(list.body, {
      non_field_errors: ["Invalid data. Expected a dictionary, but got list."],
    });
  });

  await t.step("dates: YYYY-MM-DD, unpadded and YYYY/MM/DD accepted; others refused", async () => {
    assert.equal((await create({ date: "2023-7-4" })).date, "2023-07-04");
    assert.equal((await create({ date: "2023/12/31" })).date, "2023-12-31");
    for (const date of ["2023-02-30", "31/12/2023", "yesterday", 20230101]) {
      const res = await post(body({ date }));
      assert.equal(res.status, 400, String(date));
      assert.deepEqual(Object.keys(res.body), ["date"]);
    }
    const res = await post(body({ date: "2023-02-30" }));
    assert.deepEqual(res.body, {
      date: ["Datetime has wrong format. Use one of these formats instead: YYYY-MM-DD."],
    });
  });

  await t.step("participants: team captured at the time, duplicates refused", async () => {
    const created = await create({
      dit_participants: [{ adviser: user.id }, { adviser: { id: colleague.id } }],
    });
    await sql`update company_advisor set dit_team_id = ${refs.teams[0].id}
      where id = ${colleague.id}`;
    const again = await call(app, "GET", `/v4/interaction/${created.id}`, { token: user.token });
    const teams = again.body.dit_participants.map((p: { team: { id: string } }) => p.team.id);
    assert.deepEqual(teams, [refs.teams[0].id, refs.teams[1].id]);
    const dup = await post(body({
      dit_participants: [{ adviser: user.id }, { adviser: colleague.id }, { adviser: user.id }],
    }));
    assert.deepEqual(dup.body, {
      dit_participants: [
        { adviser: ["You cannot add the same adviser more than once."] },
        {},
        { adviser: ["You cannot add the same adviser more than once."] },
      ],
    });
    const replaced = await patch(created.id, { dit_participants: [{ adviser: colleague.id }] });
    assert.equal(replaced.status, 200);
    assert.deepEqual(replaced.body.dit_participants.map((p: { team: unknown }) => p.team), [
      refs.teams[1],
    ]);
  });

  await t.step("service: a leaf only; its questions answered with its options", async () => {
    const parent = await post(body({ service: refs.parentService }));
    assert.deepEqual(parent.body, {
      service: ["This field is valid for services without children services."],
    });
    const q = refs.questioned;
    const missing = await post(body({ service: q.service }));
    assert.deepEqual(missing.body, { service_answers: [REQUIRED] });
    const wrong = await post(body({
      service: q.service,
      service_answers: { [q.question]: { [refs.otherOption]: {} } },
    }));
    assert.deepEqual(wrong.body, {
      [refs.otherOption]: ["The selected answer option is not valid for this question."],
    });
    const unasked = await post(body({ service_answers: { [q.question]: { [q.option]: {} } } }));
    assert.deepEqual(unasked.body, {
      service_answers: ["Answers not required for given service value."],
    });
    const answers = { [q.question]: { [q.option]: {} } };
    const ok = await create({ service: q.service, service_answers: answers });
    assert.deepEqual(ok.service_answers, answers);
    // PATCH merges: a new service without answers is checked against the stored answers.
    const changed = await patch(ok.id, { service: refs.service.id });
    assert.deepEqual(changed.body, {
      service_answers: ["Answers not required for given service value."],
    });
    const cleared = await patch(ok.id, { service: refs.service.id, service_answers: null });
    assert.equal(cleared.status, 200);
  });

  await t.step("service deliveries: is_event, event, fields of the other kind", async () => {
    const base = body({ kind: "service_delivery", communication_channel: undefined });
    const needed = await post(base);
    assert.deepEqual(needed.body, { is_event: [REQUIRED] });
    const event = await post({ ...base, is_event: true });
    assert.deepEqual(event.body, { event: [REQUIRED] });
    const delivered = await post({
      ...base,
      is_event: false,
      service_delivery_status: refs.deliveryStatus,
      grant_amount_offered: "1000",
      net_company_receipt: 25.5,
    });
    assert.equal(delivered.status, 201, JSON.stringify(delivered.body));
    assert.equal(delivered.body.is_event, false);
    assert.equal(delivered.body.kind, "service_delivery");
    assert.equal(delivered.body.grant_amount_offered, "1000.00");
    assert.equal(delivered.body.net_company_receipt, "25.50");
    const negative = await post({ ...base, is_event: false, grant_amount_offered: -1 });
    assert.deepEqual(negative.body, {
      grant_amount_offered: ["Ensure this value is greater than or equal to 0."],
    });
    const notAllowed = await post({
      ...base,
      is_event: false,
      communication_channel: refs.channel.id,
      policy_feedback_notes: "x",
      theme: "investment",
    });
    assert.deepEqual(notAllowed.body, {
      kind: ["This value can't be selected for investment interactions."],
      communication_channel: ["This field is not valid for service deliveries."],
      policy_feedback_notes: [
        "This field is only valid when policy feedback has been provided.",
      ],
    });
    const onInteraction = await post(body({
      is_event: false,
      service_delivery_status: refs.deliveryStatus,
    }));
    assert.deepEqual(onInteraction.body, {
      is_event: ["This field is only valid for service deliveries."],
      service_delivery_status: ["This field is only valid for service deliveries."],
    });
    // PATCH merges with the stored row: turning an interaction with a channel into a
    // service delivery trips the channel rule and needs is_event.
    const turned = await patch(first.id, { kind: "service_delivery" });
    assert.deepEqual(turned.body, {
      communication_channel: ["This field is not valid for service deliveries."],
      is_event: [REQUIRED],
    });
  });

  await t.step("policy feedback, draft status, theme", async () => {
    const notes = await post(body({ was_policy_feedback_provided: true }));
    assert.deepEqual(notes.body, { policy_feedback_notes: [REQUIRED] });
    const draft = await create({ status: "draft", service: null, communication_channel: null });
    assert.equal(draft.status, "draft");
    const completed = await patch(draft.id, { status: "complete" });
    assert.deepEqual(completed.body, {
      communication_channel: [REQUIRED],
      service: [REQUIRED],
    });
    const done = await patch(draft.id, {
      status: "complete",
      service: refs.service.id,
      communication_channel: refs.channel.id,
      theme: "domestic",
    });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    const back = await patch(draft.id, { status: "draft" });
    assert.deepEqual(back.body, {
      non_field_errors: ["The status of a complete interaction cannot change."],
    });
    const unset = await patch(draft.id, { theme: null });
    assert.deepEqual(unset.body, { theme: ["A theme can't be removed once set."] });
    const subject = await patch(draft.id, { subject: "Renamed" });
    assert.equal(subject.body.subject, "Renamed");
    assert.equal(subject.body.theme, "domestic");
  });

  await t.step("export countries (export/other themes) and investment theme", async () => {
    const discussed = await post(body({ theme: "export", were_countries_discussed: true }));
    assert.deepEqual(discussed.body, { export_countries: [REQUIRED] });
    const nullCountries = await post(body({
      theme: "other",
      were_countries_discussed: true,
      export_countries: null,
    }));
    assert.deepEqual(nullCountries.body, { export_countries: ["This field may not be null."] });
    const dup = await post(body({
      theme: "export",
      were_countries_discussed: true,
      export_countries: [
        { country: { id: UK }, status: "currently_exporting" },
        { country: { id: UK }, status: "future_interest" },
      ],
    }));
    assert.deepEqual(dup.body, {
      non_field_errors: ["A country that was discussed cannot be entered in multiple fields."],
    });
    const bad = await post(body({
      theme: "export",
      were_countries_discussed: true,
      export_countries: [{ country: { id: "1234" }, status: "foobar" }],
    }));
    assert.equal(bad.status, 400);
    assert.ok(bad.body.export_countries);
    const notDiscussed = await post(body({
      theme: "export",
      were_countries_discussed: false,
      export_countries: [{ country: UK, status: "future_interest" }],
    }));
    assert.deepEqual(notDiscussed.body, {
      export_countries: ["This field is only valid when countries were discussed."],
    });
    const v3Missing = await post(body({ theme: "export" }), "v3");
    assert.deepEqual(v3Missing.body, { were_countries_discussed: [REQUIRED] });
    const ok = await create({
      theme: "export",
      were_countries_discussed: true,
      export_countries: [
        { country: UK, status: "currently_exporting" },
        { country: { id: FRANCE }, status: "future_interest" },
      ],
    });
    assert.deepEqual(ok.export_countries, [
      { country: { id: FRANCE, name: "France" }, status: "future_interest" },
      { country: { id: UK, name: "United Kingdom" }, status: "currently_exporting" },
    ]);
    const investment = await post(body({ theme: "investment", were_countries_discussed: true }));
    assert.deepEqual(investment.body, {
      were_countries_discussed: ["This value can't be selected for investment interactions."],
    });
  });

  await t.step("trade agreements and export barriers (v4)", async () => {
    const needed = await post(
      body({ theme: "trade_agreement", has_related_trade_agreements: true }),
    );
    assert.deepEqual(needed.body, { related_trade_agreements: [REQUIRED] });
    const unwanted = await post(body({ related_trade_agreements: [refs.tradeAgreement.id] }));
    assert.deepEqual(unwanted.body, {
      related_trade_agreements: [
        "This field is only valid when there are related trade agreements.",
      ],
    });
    const agreed = await create({
      theme: "trade_agreement",
      has_related_trade_agreements: true,
      related_trade_agreements: [refs.tradeAgreement.id],
    });
    assert.deepEqual(agreed.related_trade_agreements, [refs.tradeAgreement]);
    const other = await post(body({
      helped_remove_export_barrier: true,
      export_barrier_types: [{ id: BARRIER_OTHER }],
    }));
    assert.deepEqual(other.body, { export_barrier_notes: [REQUIRED] });
    const noTypes = await post(
      body({ helped_remove_export_barrier: true, export_barrier_types: [] }),
    );
    assert.deepEqual(noTypes.body, { export_barrier_types: [REQUIRED] });
    const notHelped = await post(body({
      helped_remove_export_barrier: false,
      export_barrier_notes: "My notes",
    }));
    assert.deepEqual(notHelped.body, {
      export_barrier_notes: [
        "This field is only valid when an interaction helped remove an export barrier",
        'This field is only valid when the export barrier type is "Other"',
      ],
    });
    const barrier = await create({
      helped_remove_export_barrier: true,
      export_barrier_types: [BARRIER_FINANCE, BARRIER_OTHER],
      export_barrier_notes: "Visa",
    });
    assert.deepEqual(
      barrier.export_barrier_types.map((b: { id: string }) => b.id).sort(),
      [BARRIER_FINANCE, BARRIER_OTHER].sort(),
    );
    // v3 neither requires nor renders them.
    const v3 = await post({ ...body(), related_trade_agreements: undefined }, "v3");
    assert.equal(v3.status, 201, JSON.stringify(v3.body));
    assert.equal("export_barrier_types" in v3.body, false);
  });

  await t.step("archive and unarchive", async () => {
    const missing = await call(app, "POST", `/v4/interaction/${first.id}/archive`, {
      token: user.token,
      body: {},
    });
    assert.deepEqual(missing.body, { reason: [REQUIRED] });
    const before = await counts();
    const archived = await call(app, "POST", `/v4/interaction/${first.id}/archive`, {
      token: user.token,
      body: { reason: "Duplicate" },
    });
    assert.equal(archived.status, 200);
    assert.deepEqual(sorted(Object.keys(archived.body)), sorted(V4_KEYS));
    assert.equal(archived.body.archived, true);
    assert.equal(archived.body.archived_reason, "Duplicate");
    assert.deepEqual(archived.body.archived_by, first.created_by);
    assert.ok(archived.body.archived_on);
    const after = await counts();
    assert.equal(after.versions, before.versions + 1);
    // The interaction, its company and the company activity it is.
    assert.equal(after.feed, before.feed + 3);
    const v3 = await call(app, "POST", `/v3/interaction/${first.id}/unarchive`, {
      token: user.token,
    });
    assert.equal(v3.status, 200);
    assert.deepEqual(sorted(Object.keys(v3.body)), sorted(V3_KEYS));
    assert.equal(v3.body.archived, false);
    assert.equal(v3.body.archived_reason, "");
    assert.equal(v3.body.archived_by, null);
    const unknown = await call(app, "POST", `/v4/interaction/${crypto.randomUUID()}/archive`, {
      token: user.token,
      body: { reason: "x" },
    });
    assert.equal(unknown.status, 404);
    // Archive fields are read-only in PATCH.
    const ignored = await patch(first.id, { archived: true, archived_reason: "no" });
    assert.equal(ignored.status, 200);
    assert.equal(ignored.body.archived, false);
  });

  await t.step("list: filters, default order, sortby, pagination", async () => {
    const other = await company("Beta Co");
    const carl = await contact(other, "Carl", "Brown");
    const beta = await create({
      company: other,
      contacts: [carl],
      subject: "Alpha",
      date: "2020-01-01",
    });
    const byCompany = await call(app, "GET", `/v4/interaction?company_id=${other}`, {
      token: user.token,
    });
    assert.equal(byCompany.status, 200);
    assert.equal(byCompany.body.count, 1);
    assert.deepEqual(sorted(Object.keys(byCompany.body.results[0])), sorted(V4_KEYS));
    assert.equal(byCompany.body.results[0].id, beta.id);
    const byContact = await call(app, "GET", `/v3/interaction?contacts__id=${carl}`, {
      token: user.token,
    });
    assert.deepEqual(byContact.body.results.map((r: { id: string }) => r.id), [beta.id]);
    assert.deepEqual(sorted(Object.keys(byContact.body.results[0])), sorted(V3_KEYS));
    const nobody = await call(app, "GET", `/v4/interaction?contacts__id=${crypto.randomUUID()}`, {
      token: user.token,
    });
    assert.equal(nobody.body.count, 0);

    const bad = await call(
      app,
      "GET",
      `/v4/interaction?company_id=${crypto.randomUUID()}&contacts__id=nope&event_id=${crypto.randomUUID()}&investment_project_id=x&large_capital_opportunity_id=${crypto.randomUUID()}&company_export_id=${crypto.randomUUID()}`,
      { token: user.token },
    );
    const invalid = ["Select a valid choice. That choice is not one of the available choices."];
    assert.deepEqual(bad.body, {
      company_id: invalid,
      contacts__id: ["Enter a valid UUID."],
      event_id: invalid,
      investment_project_id: invalid,
      large_capital_opportunity_id: invalid,
      company_export_id: invalid,
    });
    // Alone, an unknown company is found out from the empty list it gives.
    const unknown = await call(app, "GET", `/v4/interaction?company_id=${crypto.randomUUID()}`, {
      token: user.token,
    });
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.body, { company_id: invalid });
    const without = await call(app, "GET", `/v4/interaction?company_id=${await company("Quiet")}`, {
      token: user.token,
    });
    assert.equal(without.status, 200);
    assert.equal(without.body.count, 0);
    const blank = await call(app, "GET", "/v4/interaction?company_id=&event_id=", {
      token: user.token,
    });
    assert.equal(blank.status, 200);

    const all = await sql<{ id: string; date: Date; created_on: Date; subject: string }[]>`
      select id, date, created_on, subject from interaction_interaction`;
    const list = async (query: string) => {
      const res = await call(app, "GET", `/v4/interaction?limit=1000&${query}`, {
        token: user.token,
      });
      assert.equal(res.status, 200);
      assert.equal(res.body.count, all.length);
      return res.body.results as Record<string, unknown>[];
    };
    const ids = (rows: Record<string, unknown>[]) => rows.map((r) => r.id);
    const byDefault = [...all].sort((a, b) =>
      b.date.getTime() - a.date.getTime() || b.created_on.getTime() - a.created_on.getTime() ||
      (a.id < b.id ? -1 : 1)
    );
    assert.deepEqual(ids(await list("")), ids(byDefault as never));
    assert.deepEqual(ids(await list("sortby=unknown")), ids(byDefault as never));

    const subjects = (await list("sortby=subject")).map((r) => r.subject as string);
    assert.deepEqual(subjects, [...subjects].sort((a, b) => a < b ? -1 : a > b ? 1 : 0));
    const dates = (await list("sortby=date")).map((r) => r.date as string);
    assert.deepEqual(dates, [...dates].sort());
    // As instants: a whole-second time is rendered without a fraction, so strings mis-sort.
    const created = (await list("sortby=-created_on")).map((r) =>
      Date.parse(r.created_on as string)
    );
    assert.deepEqual(created, [...created].sort((a, b) => b - a));
    const companies = (await list("sortby=company__name")).map((r) =>
      (r.company as { name: string } | null)?.name ?? "\uffff"
    );
    assert.deepEqual(companies, [...companies].sort());
    assert.equal(companies[0], "Acme");
    assert.ok(companies.includes("Beta Co"));
    // The first contact is the first linked (link order), as the original's annotation.
    const firstContacts = new Map(
      (await sql<{ id: string; first_name: string; last_name: string }[]>`
        select distinct on (j.interaction_id) j.interaction_id as id, ct.first_name, ct.last_name
        from interaction_interaction_contacts j join company_contact ct on ct.id = j.contact_id
        order by j.interaction_id, j.id`).map((r) => [r.id, r]),
    );
    const names = (rows: Record<string, unknown>[], key: "first_name" | "last_name") =>
      rows.map((r) => firstContacts.get(r.id as string)![key]);
    const firstNames = names(await list("sortby=first_name_of_first_contact"), "first_name");
    assert.deepEqual(firstNames, [...firstNames].sort());
    assert.equal(firstNames[0], "Annie");
    const lastNames = names(await list("sortby=-last_name_of_first_contact"), "last_name");
    assert.deepEqual(lastNames, [...lastNames].sort().reverse());
    assert.equal(lastNames[0], "Zed");

    const page = await call(app, "GET", "/v4/interaction?limit=2&offset=1", { token: user.token });
    assert.equal(page.body.results.length, 2);
    assert.ok(page.body.next);
    assert.ok(page.body.previous);
  });

  await t.step("permissions: none → 403, anonymous → 401, view-only cannot write", async () => {
    const none = await createAdviser(sql);
    for (
      const [method, path] of [
        ["GET", "/v4/interaction"],
        ["POST", "/v4/interaction"],
        ["GET", `/v4/interaction/${first.id}`],
        ["PATCH", `/v3/interaction/${first.id}`],
        ["POST", `/v4/interaction/${first.id}/archive`],
        ["GET", `/v4/interaction/${crypto.randomUUID()}`],
      ]
    ) {
      const payload = method === "GET" ? undefined : {};
      const res = await call(app, method, path, { token: none.token, body: payload });
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.deepEqual(res.body, { detail: "You do not have permission to perform this action." });
      const anon = await call(app, method, path, { body: payload });
      assert.equal(anon.status, 401, `${method} ${path}`);
    }
    const viewer = await createAdviser(sql, { permissions: ["interaction.view_all_interaction"] });
    assert.equal((await call(app, "GET", "/v4/interaction", { token: viewer.token })).status, 200);
    assert.equal((await post(body(), "v4", viewer.token)).status, 403);
    assert.equal((await patch(first.id, { subject: "x" }, "v4", viewer.token)).status, 403);
    const del = await call(app, "DELETE", `/v4/interaction/${first.id}`, { token: user.token });
    assert.equal(del.status, 405);
  });

  await t.step("associated-only advisers: no project exists, so nothing is theirs", async () => {
    const restricted = await createAdviser(sql, {
      permissions: ASSOCIATED,
      teamId: refs.teams[0].id,
    });
    const list = await call(app, "GET", "/v4/interaction", { token: restricted.token });
    assert.equal(list.status, 200);
    assert.equal(list.body.count, 0);
    const get = await call(app, "GET", `/v4/interaction/${first.id}`, { token: restricted.token });
    assert.equal(get.status, 403);
    const unknown = await call(app, "GET", `/v4/interaction/${crypto.randomUUID()}`, {
      token: restricted.token,
    });
    assert.equal(unknown.status, 404);
    assert.equal((await patch(first.id, { subject: "x" }, "v3", restricted.token)).status, 403);
    const archive = await call(app, "POST", `/v4/interaction/${first.id}/archive`, {
      token: restricted.token,
      body: { reason: "x" },
    });
    assert.equal(archive.status, 403);
    const created = await post(body(), "v4", restricted.token);
    assert.equal(created.status, 400);
    assert.deepEqual(created.body, { investment_project: [REQUIRED] });
    // Holding both, the *_all_* permission wins.
    const both = await createAdviser(sql, { permissions: [...ASSOCIATED, ...ALL] });
    const seen = await call(app, "GET", `/v4/interaction/${first.id}`, { token: both.token });
    assert.equal(seen.status, 200);
  });

  await t.step("audit trail: versions diff M2M members and participants by name", async () => {
    const versions = await sql<{ data: Record<string, unknown> }[]>`
      select serialized_data as data from reversion_version
      where entity = 'interaction' and object_id = ${first.id} order by id`;
    assert.ok(versions.length >= 3);
    const latest = versions.at(-1)!.data;
    assert.deepEqual(latest.dit_participants, [user.id]);
    assert.deepEqual(latest.companies, [acme]);
    assert.equal("created_on" in latest, false);
  });

  await t.step("writes to a company or contact re-index its interactions", async () => {
    const { recordWrite, systemWriteMeta } = await import("../../src/core/tracking.ts");
    const { contactEntity } = await import("../../src/contact/queries.ts");
    await sql.begin(async (tx) => {
      await recordWrite(tx, contactEntity, ann, systemWriteMeta(ctx.deps));
    });
    const feed = await sql<{ entity: string; entity_id: string }[]>`
      select entity, entity_id from change_feed where entity = 'interaction'
        and entity_id = ${first.id} order by id desc limit 1`;
    assert.equal(feed.length, 1);
  });

  await t.step("the OpenAPI document lists the eight routes", async () => {
    const doc = await call(app, "GET", "/openapi.json");
    const paths = Object.keys(doc.body.paths);
    assert.deepEqual(paths.filter((p) => /^\/v[34]\/interaction/.test(p)), [
      "/v3/interaction",
      "/v3/interaction/{id}",
      "/v3/interaction/{id}/archive",
      "/v3/interaction/{id}/unarchive",
      "/v4/interaction",
      "/v4/interaction/{id}",
      "/v4/interaction/{id}/archive",
      "/v4/interaction/{id}/unarchive",
    ]);
  });

  await ctx.close();
});

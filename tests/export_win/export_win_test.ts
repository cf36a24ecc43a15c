/**
 * Export wins against the original's contract: create with breakdowns, advisers and
 * lists, its validation, visibility, PATCH, the company's legacy list, the customer's
 * review by token (one use, expiry), resend and the 02:00 automatic resend, with the
 * e-mails at a local GOV.UK Notify stand-in.
 */
import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import { startNotifyStandIn } from "../helpers/notify.ts";
import * as routes from "../../src/export_win/routes.ts";
import {
  autoResendUnconfirmedWins,
  updateLeadOfficerDeliveryStatus,
  updateTokenDeliveryStatus,
} from "../../src/export_win/jobs.ts";

const CLIENT_TEMPLATE = "c0f3a1c2-0000-4000-8000-000000000001";
const APPROVED_TEMPLATE = "c0f3a1c2-0000-4000-8000-000000000002";
const REJECTED_TEMPLATE = "c0f3a1c2-0000-4000-8000-000000000003";

const EXPORT = "cecb1f61-abd2-4715-a0c9-b196b52671d9";
const NON_EXPORT = "07fbb895-8e04-48f8-bedb-f7054dbdb85f";
const ODI = "833e7aad-912b-4b93-89b4-64b05222c958";
const TEAM_TYPE = "a4839e09-e30e-492c-93b5-8ab2ef90b891";
const HQ_TEAM = "8923e259-617d-4581-830f-43bfaa572936";
const CANADA = "5daf72a6-5d95-e211-a939-e4115bead28a";
const RATING = "471ce323-266f-4af5-bdd6-e38b30f78ce2";

/** The body matches the route's declared response schema for that status. */
function matchesSchema(
  route: { responses: Record<number, { content: { "application/json": { schema: unknown } } }> },
  status: number,
  body: unknown,
) {
  const schema = route.responses[status].content["application/json"].schema as {
    safeParse(v: unknown): { success: boolean; error?: unknown };
  };
  const result = schema.safeParse(body);
  assert.ok(result.success, JSON.stringify(result.error));
}

Deno.test("export wins", async (t) => {
  const notify = startNotifyStandIn();
  const ctx = await testApp({
    env: {
      GOVUK_NOTIFY_BASE_URL: notify.baseUrl,
      EXPORT_WIN_NOTIFICATION_API_KEY: notify.apiKey,
      EXPORT_WIN_CLIENT_RECEIPT_TEMPLATE_ID: CLIENT_TEMPLATE,
      EXPORT_WIN_LEAD_OFFICER_APPROVED_TEMPLATE_ID: APPROVED_TEMPLATE,
      EXPORT_WIN_LEAD_OFFICER_REJECTED_TEMPLATE_ID: REJECTED_TEMPLATE,
      DATAHUB_FRONTEND_BASE_URL: "https://datahub.test",
    },
  });
  const { app, sql } = ctx;
  let clock = new Date("2024-06-01T12:00:00Z");
  ctx.deps.now = () => clock;
  const perms = ["export_win.view_win", "export_win.add_win", "export_win.change_win"];
  const ann = await createAdviser(sql, { permissions: perms, firstName: "Ann", lastName: "Lee" });
  const lead = await createAdviser(sql, { permissions: perms, firstName: "Leo", lastName: "Dee" });
  const helper = await createAdviser(sql, { permissions: perms });
  const other = await createAdviser(sql, { permissions: perms });
  const noPerms = await createAdviser(sql);
  const companyViewer = await createAdviser(sql, { permissions: ["company.view_export_win"] });
  await sql`update company_advisor set contact_email = 'leo@work.test' where id = ${lead.id}`;
  const [{ id: company }] = await sql`
    insert into company_company (name) values ('Acme') returning id::text`;
  const [{ id: contact }] = await sql`
    insert into company_contact (first_name, last_name, company_id, "primary", email, job_title)
    values ('Cara', 'Client', ${company}, true, 'cara@acme.test', 'Buyer') returning id::text`;
  const [{ id: experience }] = await sql`select id::text from company_exportexperience limit 1`;
  const [{ id: sector }] = await sql`select id::text from metadata_sector limit 1`;
  const [{ id: location }] = await sql`select id::text from export_win_winukregion limit 1`;
  const [{ id: goods }] = await sql`select id::text from export_win_expectedvaluerelation
    order by "order" limit 1`;
  const [{ id: potential }] = await sql`select id::text from export_win_businesspotential limit 1`;
  const [{ id: support }] = await sql`select id::text from export_win_supporttype limit 1`;
  const [{ id: programme }] = await sql`
    select id::text from export_win_associatedprogramme limit 1`;

  const body = (extra: Record<string, unknown> = {}) => ({
    adviser: { id: ann.id },
    lead_officer: { id: lead.id },
    hq_team: { id: HQ_TEAM },
    team_type: { id: TEAM_TYPE },
    business_potential: { id: potential },
    company: { id: company },
    company_contacts: [{ id: contact }],
    customer_location: { id: location },
    business_type: "The best type",
    description: "Description",
    name_of_export: "Sand",
    date: "2024-05-20",
    country: CANADA,
    total_expected_export_value: 1,
    total_expected_non_export_value: 1,
    total_expected_odi_value: 1,
    goods_vs_services: { id: goods },
    sector: { id: sector },
    type_of_support: [{ id: support }],
    associated_programme: [{ id: programme }],
    is_personally_confirmed: true,
    is_line_manager_confirmed: true,
    name_of_customer: "Overseas Customer",
    name_of_customer_confidential: true,
    export_experience: { id: experience },
    breakdowns: [
      { type: { id: EXPORT }, value: 1000, year: 1 },
      { type: { id: EXPORT }, value: 2000, year: 2 },
      { type: { id: NON_EXPORT }, value: 300, year: 1 },
      { type: { id: ODI }, value: 40, year: 3 },
    ],
    ...extra,
  });

  let winId = "";
  await t.step(
    "create: the win, totals from breakdowns, a response, a token, an e-mail",
    async () => {
      const res = await call(app, "POST", "/v4/export-win", {
        token: ann.token,
        body: body({
          contributing_advisers: [
            { adviser: { id: helper.id }, team_type: { id: TEAM_TYPE }, hq_team: { id: HQ_TEAM } },
          ],
        }),
      });
      assert.equal(res.status, 201, res.text);
      winId = res.body.id;
      assert.equal(res.body.total_expected_export_value, 3000);
      assert.equal(res.body.total_expected_non_export_value, 300);
      assert.equal(res.body.total_expected_odi_value, 40);
      assert.equal(res.body.breakdowns.length, 4);
      assert.deepEqual(res.body.breakdowns[0].type, { id: EXPORT, name: "Export" });
      assert.equal(res.body.contributing_advisers.length, 1);
      assert.deepEqual(res.body.advisers, res.body.contributing_advisers);
      assert.equal(res.body.contributing_advisers[0].adviser.id, helper.id);
      assert.deepEqual(res.body.company_contacts, [
        { id: contact, name: "Cara Client", email: "cara@acme.test" },
      ]);
      assert.equal(res.body.customer_response.agree_with_win, null);
      assert.equal(res.body.customer_response.case_study_willing, false);
      assert.equal(res.body.first_sent, "2024-06-01T12:00:00Z");
      assert.equal(res.body.last_sent, "2024-06-01T12:00:00Z");
      assert.equal(res.body.adviser.id, ann.id);
      assert.equal(res.body.hvc, null);
      await ctx.deps.jobs.idle();
      assert.equal(notify.sent.length, 1);
      const [token] = await sql<{ id: string; email_notification_id: string; expires_on: Date }[]>`
      select id::text, email_notification_id::text, expires_on
      from export_win_customerresponsetoken`;
      assert.equal(token.expires_on.toISOString(), "2024-06-08T12:00:00.000Z");
      assert.deepEqual(notify.sent[0].personalisation, {
        country_destination: "Canada",
        lead_officer_name: "Leo Dee",
        goods_services: res.body.goods_vs_services.name,
        url: `https://datahub.test/exportwins/review/${token.id}`,
        customer_email: "cara@acme.test",
        client_firstname: "Cara",
      });
      assert.equal(notify.sent[0].template_id, CLIENT_TEMPLATE);
      assert.equal(notify.sent[0].email_address, "cara@acme.test");
      assert.equal(token.email_notification_id, notify.sent[0].id);
      const [version] = await sql`select comment from reversion_version v
      join reversion_revision r on r.id = v.revision_id
      where v.entity = 'export_win' and v.object_id = ${winId}`;
      assert.equal(version.comment, "Win created");
    },
  );

  await t.step("create: the original's errors", async () => {
    const missing = await call(app, "POST", "/v4/export-win", { token: ann.token, body: {} });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body.breakdowns, ["This field is required."]);
    assert.deepEqual(missing.body.lead_officer, ["This field is required."]);

    const dupes = await call(app, "POST", "/v4/export-win", {
      token: ann.token,
      body: body({
        team_members: [{ id: lead.id }, { id: helper.id }],
        contributing_advisers: [
          { adviser: { id: helper.id }, team_type: { id: TEAM_TYPE }, hq_team: { id: HQ_TEAM } },
          { adviser: { id: helper.id }, team_type: { id: TEAM_TYPE }, hq_team: { id: HQ_TEAM } },
        ],
        is_line_manager_confirmed: false,
      }),
    });
    assert.equal(dupes.status, 400);
    assert.deepEqual(
      new Set(dupes.body.non_field_errors),
      new Set([
        "A contributing adviser cannot be a duplicate.",
        "A team member cannot also be lead officer.",
        "A team member cannot also be a contributing adviser.",
        "Export win data must be confirmed by line manager",
      ]),
    );

    const badRef = await call(app, "POST", "/v4/export-win", {
      token: ann.token,
      body: body({ breakdowns: [{ type: { id: contact }, value: 1, year: 6 }] }),
    });
    assert.equal(badRef.status, 400);
    assert.deepEqual(badRef.body, {
      // A list of objects reports one entry per item, as DRF's list serializers do.
      breakdowns: [{ year: ["Ensure this value is less than or equal to 5."] }],
    });

    const html = await call(app, "POST", "/v4/export-win", {
      token: ann.token,
      body: body({ description: "<script>alert(1)</script>" }),
    });
    assert.equal(html.status, 400);
    assert.deepEqual(html.body, {
      error: "Input contains disallowed HTML or script tags or symbols",
    });

    const denied = await call(app, "POST", "/v4/export-win", {
      token: noPerms.token,
      body: body(),
    });
    assert.equal(denied.status, 403);
  });

  await t.step("list and detail: only wins the caller is involved in", async () => {
    const mine = await call(app, "GET", "/v4/export-win", { token: ann.token });
    assert.equal(mine.status, 200);
    assert.equal(mine.body.count, 1);
    assert.deepEqual(mine.body.confirmed, { null: 1, true: 0, false: 0 });
    matchesSchema(routes.listWins, 200, mine.body);
    const leads = await call(app, "GET", "/v4/export-win?confirmed=null", { token: lead.token });
    assert.equal(leads.body.count, 1);
    const none = await call(app, "GET", "/v4/export-win?confirmed=true", { token: ann.token });
    assert.equal(none.body.count, 0);
    // A contributing adviser sees a win only once it is confirmed.
    const helpers = await call(app, "GET", "/v4/export-win", { token: helper.token });
    assert.equal(helpers.body.count, 0);
    const hidden = await call(app, "GET", `/v4/export-win/${winId}`, { token: other.token });
    assert.equal(hidden.status, 404);
    assert.deepEqual(hidden.body, { detail: "No Win matches the given query." });
    const seen = await call(app, "GET", `/v4/export-win/${winId}`, { token: lead.token });
    assert.equal(seen.status, 200);
    assert.equal(seen.body.id, winId);
    matchesSchema(routes.getWin, 200, seen.body);
  });

  await t.step("PATCH: replaces breakdowns, keeps the adviser; not by others", async () => {
    const res = await call(app, "PATCH", `/v4/export-win/${winId}`, {
      token: lead.token,
      body: {
        adviser: { id: other.id },
        breakdowns: [{ type: { id: EXPORT }, value: 5, year: 1 }],
        is_personally_confirmed: true,
        is_line_manager_confirmed: true,
      },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.total_expected_export_value, 5);
    assert.equal(res.body.total_expected_non_export_value, 0);
    assert.equal(res.body.adviser.id, ann.id);
    assert.equal(res.body.contributing_advisers.length, 1, "untouched when not sent");
    const unconfirmed = await call(app, "PATCH", `/v4/export-win/${winId}`, {
      token: lead.token,
      body: { description: "New" },
    });
    assert.equal(unconfirmed.status, 400);
    assert.deepEqual(unconfirmed.body, {
      non_field_errors: ["Export win data must be personally confirmed"],
    });
    const stranger = await call(app, "PATCH", `/v4/export-win/${winId}`, {
      token: other.token,
      body: { description: "New", is_personally_confirmed: true, is_line_manager_confirmed: true },
    });
    assert.equal(stranger.status, 404);
  });

  await t.step("company list: the legacy shape", async () => {
    const res = await call(app, "GET", `/v4/company/${company}/export-win`, {
      token: companyViewer.token,
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.count, 1);
    matchesSchema(routes.companyWins, 200, res.body);
    const [win] = res.body.results;
    assert.equal(win.title, "Sand");
    assert.equal(win.country, "Canada");
    assert.deepEqual(win.value, {
      export: { total: 5, breakdowns: [{ year: 2024, value: 5 }] },
    });
    assert.deepEqual(win.contact, {
      id: contact,
      name: "Cara Client",
      email: "cara@acme.test",
      job_title: "Buyer",
    });
    assert.equal(win.lead_officer.email, "leo@work.test");
    assert.equal(win.lead_officer.team.type, "Trade (TD or ST)");
    assert.equal(win.response, null);
    const unknown = await call(app, "GET", `/v4/company/${crypto.randomUUID()}/export-win`, {
      token: companyViewer.token,
    });
    assert.equal(unknown.status, 404);
    const denied = await call(app, "GET", `/v4/company/${company}/export-win`, {
      token: ann.token,
    });
    assert.equal(denied.status, 403);
  });

  await t.step("resend: a new token, the old one expired, another e-mail", async () => {
    clock = new Date("2024-06-02T12:00:00Z");
    const res = await call(app, "POST", `/v4/export-win/${winId}/resend-win`, {
      token: ann.token,
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { message: "Email has successfully been re-sent" });
    matchesSchema(routes.resendWin, 200, res.body);
    await ctx.deps.jobs.idle();
    assert.equal(notify.sent.length, 2);
    const tokens = await sql<{ expires_on: Date }[]>`
      select expires_on from export_win_customerresponsetoken order by created_on`;
    assert.equal(tokens[0].expires_on.toISOString(), "2024-06-02T12:00:00.000Z");
    assert.equal(tokens[1].expires_on.toISOString(), "2024-06-09T12:00:00.000Z");
  });

  await t.step("review: unknown and expired tokens are 404s, no authentication", async () => {
    const unknown = await call(app, "GET", `/v4/export-win/review/${crypto.randomUUID()}`);
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { detail: "Not found." });
    const [old] = await sql`select id::text from export_win_customerresponsetoken
      order by created_on limit 1`;
    const expired = await call(app, "GET", `/v4/export-win/review/${old.id}`);
    assert.equal(expired.status, 404);
    for (const method of ["PUT", "DELETE"]) {
      const res = await call(app, method, `/v4/export-win/review/${old.id}`, { body: {} });
      assert.equal(res.status, 404);
      assert.deepEqual(res.body, { detail: "Not found." });
    }
  });

  await t.step("review: the customer answers once; the lead officer is told", async () => {
    const [live] = await sql`select id::text from export_win_customerresponsetoken
      order by created_on desc limit 1`;
    const view = await call(app, "GET", `/v4/export-win/review/${live.id}`);
    assert.equal(view.status, 200, view.text);
    matchesSchema(routes.getReview, 200, view.body);
    assert.equal(view.body.win.country.name, "Canada");
    assert.equal(view.body.company_contact.email, "cara@acme.test");
    assert.equal(view.body.agree_with_win, null);
    const html = await call(app, "PATCH", `/v4/export-win/review/${live.id}`, {
      body: { comments: "<b>great</b>" },
    });
    assert.equal(html.status, 400);
    const answer = await call(app, "PATCH", `/v4/export-win/review/${live.id}`, {
      body: { agree_with_win: true, our_support: { id: RATING }, comments: "Thanks" },
    });
    assert.equal(answer.status, 200, answer.text);
    matchesSchema(routes.updateReview, 200, answer.body);
    assert.equal(answer.body.agree_with_win, true);
    assert.equal(answer.body.our_support.id, RATING);
    const [{ times_used }] = await sql`select times_used from export_win_customerresponsetoken
      where id = ${live.id}`;
    assert.equal(times_used, 2);
    const again = await call(app, "PATCH", `/v4/export-win/review/${live.id}`, {
      body: { agree_with_win: false },
    });
    assert.equal(again.status, 404, "one use");
    await ctx.deps.jobs.idle();
    const receipt = notify.sent.at(-1)!;
    assert.equal(receipt.template_id, APPROVED_TEMPLATE);
    assert.equal(receipt.email_address, "leo@work.test");
    assert.deepEqual(receipt.personalisation, {
      lead_officer_email: "leo@work.test",
      country_destination: "Canada",
      lead_officer_first_name: "Leo",
      total_export_win_value: 5,
      goods_services: receipt.personalisation.goods_services,
      client_fullname: "Cara Client",
      client_company_name: "Acme",
      url: `https://datahub.test/companies/${company}/exportwins/${winId}/edit?step=summary`,
    });
    const [cr] = await sql`select lead_officer_email_notification_id::text as n,
      responded_on from export_win_customerresponse`;
    assert.equal(cr.n, receipt.id);
    assert.equal(cr.responded_on.toISOString(), "2024-06-02T12:00:00.000Z");
  });

  await t.step(
    "once confirmed: visible to contributors and anyone, counted, no resend",
    async () => {
      const helpers = await call(app, "GET", "/v4/export-win?confirmed=true", {
        token: helper.token,
      });
      assert.equal(helpers.body.count, 1);
      assert.deepEqual(helpers.body.confirmed, { null: 0, true: 1, false: 0 });
      const anyone = await call(app, "GET", `/v4/export-win/${winId}`, { token: other.token });
      assert.equal(anyone.status, 200);
      const contributorPatch = await call(app, "PATCH", `/v4/export-win/${winId}`, {
        token: helper.token,
        body: { is_personally_confirmed: true, is_line_manager_confirmed: true },
      });
      assert.equal(contributorPatch.status, 403);
      assert.deepEqual(contributorPatch.body, {
        detail: "A win cannot be changed by contributing advisers.",
      });
      const resend = await call(app, "POST", `/v4/export-win/${winId}/resend-win`, {
        token: ann.token,
      });
      assert.equal(resend.status, 404);
      const company_ = await call(app, "GET", `/v4/company/${company}/export-win?confirmed=true`, {
        token: companyViewer.token,
      });
      assert.deepEqual(company_.body.results[0].response, {
        confirmed: true,
        date: "2024-06-02T12:00:00Z",
      });
    },
  );

  await t.step("02:00 resend: unanswered wins a week after the last link, up to 4", async () => {
    clock = new Date("2024-06-03T12:00:00Z");
    const created = await call(app, "POST", "/v4/export-win", { token: ann.token, body: body() });
    assert.equal(created.status, 201);
    await ctx.deps.jobs.idle();
    const before = notify.sent.length;
    const run = async (at: string) => {
      clock = new Date(at);
      await autoResendUnconfirmedWins.run({}, { deps: ctx.deps } as never);
      await ctx.deps.jobs.idle();
      return notify.sent.length;
    };
    assert.equal(await run("2024-06-06T02:00:00Z"), before, "too soon");
    assert.equal(await run("2024-06-10T02:00:00Z"), before + 1);
    assert.equal(await run("2024-06-11T02:00:00Z"), before + 1, "a week apart");
    assert.equal(await run("2024-06-17T02:00:00Z"), before + 2);
    assert.equal(await run("2024-06-24T02:00:00Z"), before + 3);
    assert.equal(await run("2024-06-25T02:00:00Z"), before + 3, "a week apart");
    assert.equal(notify.sent.at(-1)!.template_id, CLIENT_TEMPLATE);
  });

  await t.step("delivery polls: e-mails of the last four days get Notify's status", async () => {
    clock = new Date("2024-06-25T02:00:00Z");
    await updateTokenDeliveryStatus.run({}, { deps: ctx.deps } as never);
    const tokens = await sql<{ created_on: Date; email_delivery_status: string }[]>`
      select created_on, email_delivery_status from export_win_customerresponsetoken
      order by created_on`;
    assert.deepEqual(
      tokens.map((t) => t.email_delivery_status),
      [...tokens.slice(0, -1).map(() => "unknown"), "delivered"],
    );
    clock = new Date("2024-06-03T02:00:00Z");
    await updateLeadOfficerDeliveryStatus.run({}, { deps: ctx.deps } as never);
    const [cr] = await sql`select lead_officer_email_delivery_status as s
      from export_win_customerresponse where agree_with_win`;
    assert.equal(cr.s, "delivered");
  });

  await t.step("the legacy `advisers` name sets the contributing advisers too", async () => {
    const res = await call(app, "POST", "/v4/export-win", {
      token: ann.token,
      body: body({
        advisers: [
          { adviser: { id: other.id }, team_type: { id: TEAM_TYPE }, hq_team: { id: HQ_TEAM } },
        ],
        team_members: [{ id: helper.id }],
      }),
    });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(
      res.body.contributing_advisers.map((a: { adviser: { id: string } }) => a.adviser.id),
      [other.id],
    );
    assert.deepEqual(res.body.team_members.map((a: { id: string }) => a.id), [helper.id]);
    const seen = await call(app, "GET", "/v4/export-win", { token: helper.token });
    assert.ok(seen.body.results.some((w: { id: string }) => w.id === res.body.id));
  });

  await ctx.close();
  await notify.close();
});

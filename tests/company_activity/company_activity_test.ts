/** The company activity timeline (POST /v4/search/company-activity), kept in step with its sources. */
import assert from "node:assert/strict";
import { call, createAdviser } from "../helpers/app.ts";
import { backendsUnderTest, searchTestApp } from "../search/support.ts";
import { companyActivitySearchApp } from "../../src/company_activity/search.ts";
import { recordWrite, systemWriteMeta } from "../../src/core/tracking.ts";
import { projectEntity } from "../../src/investment/queries.ts";
import { leadEntity } from "../../src/investment_lead/queries.ts";

for (const { name, env, ignore } of backendsUnderTest) {
  Deno.test({ name: `company activity search (${name})`, ignore }, async (t) => {
    const ctx = await searchTestApp(env, [companyActivitySearchApp]);
    const { app, sql } = ctx;
    const [channel] = await sql<{ id: string; name: string }[]>`
      select id::text, name from interaction_communicationchannel where disabled_on is null
      limit 1`;
    const [service] = await sql<{ id: string }[]>`
      select s.id::text from metadata_service s
      where not exists (select 1 from metadata_service c where c.parent_id = s.id)
        and not exists (select 1 from interaction_servicequestion q where q.service_id = s.id)
      limit 1`;
    const user = await createAdviser(sql, {
      firstName: "Ada",
      lastName: "Adviser",
      permissions: [
        "company_activity.view_companyactivity",
        "interaction.add_all_interaction",
        "interaction.change_all_interaction",
        "company_referral.add_companyreferral",
      ],
    });
    const other = await createAdviser(sql, { firstName: "Otto", lastName: "Other" });
    const nobody = await createAdviser(sql, {});
    const company = async (name: string) =>
      (await sql<{ id: string }[]>`
        insert into company_company (name, created_on) values (${name}, now())
        returning id::text`)[0].id;
    const acme = await company("Acme Widgets");
    const zeta = await company("Zeta Exports");
    const [{ id: contact }] = await sql<{ id: string }[]>`
      insert into company_contact (first_name, last_name, company_id, "primary", email)
      values ('Con', 'Tact', ${acme}, true, 'con@example.test') returning id::text`;
    const interaction = async (companyId: string, subject: string, date: string) => {
      const res = await call(app, "POST", "/v4/interaction", {
        token: user.token,
        body: {
          kind: "interaction",
          communication_channel: channel.id,
          subject,
          date,
          dit_participants: [{ adviser: user.id }],
          company: { id: companyId },
          contacts: companyId === acme ? [contact] : [],
          service: service.id,
          was_policy_feedback_provided: false,
          has_related_trade_agreements: false,
          related_trade_agreements: [],
        },
      });
      assert.equal(res.status, 201, res.text);
      return res.body.id as string;
    };
    const meeting = await interaction(acme, "Export strategy meeting", "2024-03-01");
    await sql`insert into company_contact (first_name, last_name, company_id, "primary", email)
              values ('Zed', 'Zee', ${zeta}, true, 'z@example.test')`;
    const referral = await call(app, "POST", "/v4/company-referral", {
      token: user.token,
      body: {
        company: { id: acme },
        recipient: { id: other.id },
        subject: "Worth a call",
        notes: "Growing fast",
      },
    });
    assert.equal(referral.status, 201, referral.text);
    await ctx.deps.jobs.idle();
    await ctx.sync();
    const search = (body: unknown, token = user.token) =>
      call(app, "POST", "/v4/search/company-activity", { token, body });

    await t.step("a company's timeline: its interactions and referrals, newest first", async () => {
      const res = await search({ company: acme, sortby: "date:desc" });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.count, 2);
      const [first, second] = res.body.results;
      assert.equal(first.activity_source, "referral");
      assert.equal(first.referral.subject, "Worth a call");
      assert.deepEqual(first.referral.recipient, {
        id: other.id,
        first_name: "Otto",
        last_name: "Other",
        name: "Otto Other",
      });
      assert.equal(first.interaction, null);
      assert.equal(second.activity_source, "interaction");
      assert.deepEqual(second.company, { id: acme, name: "Acme Widgets", trading_names: [] });
      assert.equal(second.interaction.id, meeting);
      assert.equal(second.interaction.subject, "Export strategy meeting");
      assert.equal(second.interaction.kind, "interaction");
      assert.deepEqual(second.interaction.communication_channel, channel);
      assert.equal(second.interaction.contacts[0].name, "Con Tact");
      assert.equal(second.interaction.dit_participants[0].adviser.id, user.id);
      for (const key of ["investment", "order", "great_export_enquiry", "eyb_lead"]) {
        assert.equal(second[key], null);
      }
    });

    await t.step("filters: source, subject, adviser, dates", async () => {
      const ids = async (body: Record<string, unknown>) =>
        (await search({ company: acme, ...body })).body.results.map(
          (r: { activity_source: string }) => r.activity_source,
        );
      assert.deepEqual(await ids({ activity_source: "interaction" }), ["interaction"]);
      assert.deepEqual(await ids({ subject: "strategy" }), ["interaction"]);
      assert.deepEqual(await ids({ dit_participants__adviser: other.id }), ["referral"]);
      assert.deepEqual(await ids({ date_before: "2024-06-01" }), ["interaction"]);
      const byName = await search({ company_name: "Zeta" });
      assert.equal(byName.body.count, 0);
    });

    await t.step("writes to a source re-index its activity", async () => {
      const patched = await call(app, "PATCH", `/v4/interaction/${meeting}`, {
        token: user.token,
        body: { subject: "Renamed meeting" },
      });
      assert.equal(patched.status, 200, patched.text);
      await ctx.deps.jobs.idle();
      await ctx.sync();
      const res = await search({ interaction: meeting });
      assert.equal(res.body.results[0].interaction.subject, "Renamed meeting");
    });

    await t.step("investment projects and EYB leads are activities of their company", async () => {
      const [type] = await sql<{ id: string; name: string }[]>`
        select id::text, name from metadata_investmenttype order by name limit 1`;
      const [{ id: project }] = await sql<{ id: string }[]>`
        insert into investment_investmentproject (name, description, investment_type_id,
          investor_company_id, created_on, created_by_id, estimated_land_date, total_investment,
          number_new_jobs)
        values ('Widget plant', 'A plant', ${type.id}, ${zeta}, '2024-07-01T10:00:00Z',
          ${user.id}, '2025-01-31', 1000000, 25)
        returning id::text`;
      await sql`insert into investment_investmentproject_client_contacts
        (investmentproject_id, contact_id) values (${project}, ${contact})`;
      const [{ id: lead }] = await sql<{ id: string }[]>`
        insert into investment_lead_eyblead (triage_hashed_uuid, user_hashed_uuid, company_id,
          company_name, triage_created, created_on, is_high_value, duns_number)
        values ('t', 'u', ${zeta}, 'Zeta Exports', '2024-08-01T09:00:00Z',
          '2024-08-02T09:00:00Z', true, '123456789')
        returning id::text`;
      await sql`insert into investment_lead_eyblead_investment_projects
        (eyblead_id, investmentproject_id) values (${lead}, ${project})`;
      const meta = systemWriteMeta(ctx.deps);
      await recordWrite(sql, projectEntity, project, meta);
      await recordWrite(sql, leadEntity, lead, meta);
      await ctx.sync();
      const res = await search({ company: zeta, sortby: "date:desc" });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(
        res.body.results.map((r: { activity_source: string; date: string }) => [
          r.activity_source,
          r.date,
        ]),
        [["eyb_lead", "2024-08-01T09:00:00+00:00"], ["investment", "2024-07-01T10:00:00+00:00"]],
      );
      const [eyb, investment] = res.body.results;
      assert.deepEqual(eyb.eyb_lead, {
        id: lead,
        created_on: "2024-08-02T09:00:00+00:00",
        triage_created: "2024-08-01T09:00:00+00:00",
        company_name: "Zeta Exports",
        duns_number: "123456789",
        is_high_value: true,
      });
      assert.deepEqual(investment.investment, {
        id: project,
        name: "Widget plant",
        investment_type: type,
        estimated_land_date: "2025-01-31",
        total_investment: 1000000,
        foreign_equity_investment: null,
        gross_value_added: null,
        number_new_jobs: 25,
        created_by: { id: user.id, first_name: "Ada", last_name: "Adviser", name: "Ada Adviser" },
        client_contacts: [{
          id: contact,
          first_name: "Con",
          last_name: "Tact",
          name: "Con Tact",
          job_title: null,
        }],
        eyb_leads: [{
          id: lead,
          company_name: "Zeta Exports",
          created_on: "2024-08-02T09:00:00+00:00",
          triage_created: "2024-08-01T09:00:00+00:00",
          is_high_value: true,
        }],
      });
      assert.equal(investment.interaction, null);
    });

    await t.step("permission and global search", async () => {
      assert.equal((await search({}, nobody.token)).status, 403);
      const global = await call(app, "GET", "/v3/search?term=Renamed&entity=company-activity", {
        token: user.token,
      });
      assert.equal(global.status, 200, global.text);
      assert.equal(global.body.results[0].interaction.id, meeting);
    });

    await ctx.close();
  });
}

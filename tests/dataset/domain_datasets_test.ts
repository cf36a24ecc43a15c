import assert from "node:assert/strict";
import { testApp } from "../helpers/app.ts";
import { ACTIVITY_STREAM, DATA_FLOW, MACHINE_ENV, signedGet } from "../helpers/machine.ts";
import { insertMachineRows, UK } from "../helpers/machine_rows.ts";
import { registry } from "../../src/domains.ts";

Deno.test("datasets of events, referrals, tasks and export wins", async (t) => {
  const ctx = await testApp({ env: MACHINE_ENV });
  const { sql } = ctx;
  const rows = await insertMachineRows(sql);
  const { adviser, company, contact, team } = rows;
  const get = async (path: string) => {
    const res = await signedGet(ctx, DATA_FLOW, `/v4/dataset/${path}`);
    assert.equal(res.status, 200, `${path}: ${res.text}`);
    return res.body.results;
  };
  const [country] = await sql<
    { name: string }[]
  >`select name from metadata_country where id = ${UK}`;

  await t.step("events-dataset", async () => {
    assert.deepEqual(await get("events-dataset"), [{
      address_1: "1 Street",
      address_2: "",
      address_country__name: country.name,
      address_county: "",
      address_postcode: "",
      address_town: "London",
      created_by_id: adviser.id,
      created_on: "2012-07-12T15:06:03Z",
      disabled_on: null,
      end_date: "2012-08-03",
      event_type__name: rows.eventType.name,
      id: rows.event.id,
      lead_team_id: team.id,
      location_type__name: null,
      name: "Trade show",
      notes: "Notes",
      organiser_id: adviser.id,
      service_name: null,
      start_date: "2012-08-01",
      team_ids: [team.id],
      uk_region__name: null,
      related_programme_names: [rows.programme.name],
    }]);
  });

  await t.step("company-referrals-dataset", async () => {
    assert.deepEqual(await get("company-referrals-dataset"), [{
      company_id: company.id,
      completed_by_id: null,
      completed_on: null,
      contact_id: contact.id,
      created_on: "2012-07-12T15:06:03Z",
      created_by_id: adviser.id,
      id: rows.referral.id,
      interaction_id: null,
      notes: "Some notes",
      recipient_id: rows.recipient.id,
      status: "outstanding",
      subject: "Please help",
    }]);
  });

  await t.step("tasks-dataset", async () => {
    assert.deepEqual(await get("tasks-dataset"), [{
      created_on: "2012-07-12T15:06:03Z",
      created_by_id: adviser.id,
      modified_on: "2012-07-12T15:06:03Z",
      modified_by_id: null,
      archived: false,
      archived_on: null,
      archived_by_id: null,
      archived_reason: null,
      id: rows.task.id,
      title: "Call back",
      description: "",
      due_date: "2012-08-10",
      reminder_days: 3,
      email_reminders_enabled: false,
      adviser_ids: [adviser.id],
      reminder_date: "2012-08-07",
      investment_project_id: null,
      company_id: company.id,
      interaction_id: null,
      status: "active",
    }]);
  });

  const [hq] = await sql<{ name: string; export_win_id: string; tt: string; tt_id: string }[]>`
    select h.name, h.export_win_id, tt.name as tt, tt.export_win_id as tt_id
    from export_win_winadviser a join export_win_hqteamregionorpost h on h.id = a.hq_team_id
      join export_win_teamtype tt on tt.id = a.team_type_id`;

  await t.step("export-wins-advisers-dataset and its filters", async () => {
    const expected = {
      created_on: "2012-07-12T15:06:03Z",
      win__id: rows.win.id,
      location: "Leeds",
      hq_team_display: hq.name,
      team_type_display: hq.tt,
      id: 8,
      name: "Ada Lovelace",
      hq_team: hq.export_win_id,
      team_type: hq.tt_id,
    };
    assert.deepEqual(await get("export-wins-advisers-dataset"), [expected]);
    assert.deepEqual(await get(`export-wins-advisers-dataset?win_id=${rows.win.id}`), [expected]);
    assert.deepEqual(
      await get(`export-wins-advisers-dataset?win_id=${crypto.randomUUID()}`),
      [],
    );
    const bad = await signedGet(
      ctx,
      DATA_FLOW,
      "/v4/dataset/export-wins-advisers-dataset?win_id=x",
    );
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { win_id: ["“x” is not a valid UUID."] });
  });

  await t.step(
    "export-wins-breakdowns-dataset: the financial year of the win + year - 1",
    async () => {
      const [breakdownType] = await sql<{ name: string }[]>`
      select name from export_win_breakdowntype order by id limit 1`;
      // Won 2024-02-10: financial year 2023; year 2 of the breakdown is 2024.
      assert.deepEqual(await get("export-wins-breakdowns-dataset"), [{
        created_on: "2012-07-12T15:06:03Z",
        win__id: rows.win.id,
        value: 1000,
        breakdown_type: breakdownType.name,
        id: 7,
        year: 2024,
      }]);
    },
  );

  await t.step("export-wins-hvc-dataset: by legacy id, exclude_legacy", async () => {
    const page = await get("export-wins-hvc-dataset?page_size=3");
    assert.deepEqual(page[0], {
      campaign_id: rows.hvc.campaignId,
      financial_year: rows.hvc.financialYear,
      name: page[0].name,
      id: rows.hvc.legacyId,
    });
    const ids = page.map((r: { id: number }) => r.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
    const [{ max }] = await sql<
      { max: number }[]
    >`select max(legacy_id) as max from export_win_hvc`;
    await sql`update export_win_hvc set legacy_id = 2000001 where legacy_id = ${max}`;
    const recent = await get("export-wins-hvc-dataset?exclude_legacy=true");
    assert.deepEqual(recent.map((r: { id: number }) => r.id), [2000001]);
    // The legacy-dataset feature flag lists them all whatever the client asks.
    await sql`insert into feature_flag_featureflag (code, is_active)
      values ('export-wins-legacy-dataset', true)`;
    assert.equal((await get("export-wins-hvc-dataset?exclude_legacy=true")).length, 100);
    await sql`delete from feature_flag_featureflag where code = 'export-wins-legacy-dataset'`;
  });

  await t.step("export-wins-win-dataset: the original's columns, enriched", async () => {
    const [win] = await get("export-wins-win-dataset");
    const programmes = await sql<{ name: string }[]>`
      select p.name from export_win_win_associated_programme x
        join export_win_associatedprogramme p on p.id = x.associatedprogramme_id
      order by p."order", p.id`;
    const supports = await sql<{ name: string }[]>`
      select s.name from export_win_win_type_of_support x
        join export_win_supporttype s on s.id = x.supporttype_id
      order by s."order", s.id`;
    const keys = Object.keys(win);
    assert.deepEqual(keys.slice(0, 3), ["created_on", "id", "audit"]);
    assert.deepEqual(keys.slice(-12), [
      "customer_email_address",
      "customer_job_title",
      "customer_name",
      "cdms_reference",
      "associated_programme_1_display",
      "associated_programme_2_display",
      "associated_programme_3_display",
      "associated_programme_4_display",
      "associated_programme_5_display",
      "type_of_support_1_display",
      "type_of_support_2_display",
      "type_of_support_3_display",
    ]);
    const declared = registry.datasets.find((d) => d.name === "export-wins-win-dataset")!;
    assert.deepEqual(keys, Object.keys(declared.row.shape));
    assert.deepEqual(
      {
        audit: win.audit,
        date: win.date,
        total_expected_export_value: win.total_expected_export_value,
        data_hub_company_id: win.data_hub_company_id,
        country: win.country,
        country_name: win.country_name,
        hvc: win.hvc,
        num_notifications: win.num_notifications,
        customer_email_date: win.customer_email_date,
        complete: win.complete,
        company_name: win.company_name,
        confirmation__agree_with_win: win.confirmation__agree_with_win,
        confirmation__access_to_contacts: win.confirmation__access_to_contacts,
        confirmation__our_support: win.confirmation__our_support,
        confirmation__case_study_willing: win.confirmation__case_study_willing,
        confirmation__created: win.confirmation__created,
        confirmation__name: win.confirmation__name,
        confirmation__other_marketing_source: win.confirmation__other_marketing_source,
        user__email: win.user__email,
        user__name: win.user__name,
        lead_officer_name: win.lead_officer_name,
        customer_email_address: win.customer_email_address,
        customer_job_title: win.customer_job_title,
        customer_name: win.customer_name,
        cdms_reference: win.cdms_reference,
        programmes: [1, 2, 3, 4, 5].map((n) => win[`associated_programme_${n}_display`]),
        supports: [1, 2, 3].map((n) => win[`type_of_support_${n}_display`]),
      },
      {
        audit: null,
        date: "2024-02-10",
        total_expected_export_value: 50000,
        data_hub_company_id: company.id,
        country: "GB",
        country_name: country.name,
        hvc: `${rows.hvc.campaignId}${rows.hvc.financialYear}`,
        num_notifications: 2,
        customer_email_date: "2024-03-01T10:00:00Z",
        complete: true,
        company_name: "Widgets Ltd",
        confirmation__agree_with_win: true,
        confirmation__access_to_contacts: 3,
        confirmation__our_support: 3,
        confirmation__case_study_willing: false,
        confirmation__created: "2012-07-12T15:06:03Z",
        confirmation__name: "Grace Hopper",
        confirmation__other_marketing_source: null,
        user__email: "",
        user__name: "Ada Lovelace",
        lead_officer_name: "Ada Lovelace",
        customer_email_address: "grace@example.test",
        customer_job_title: "Director",
        customer_name: "Grace Hopper",
        cdms_reference: "01234567",
        programmes: [...programmes.map((p) => p.name), null, null],
        supports: [...supports.map((s) => s.name), null],
      },
    );
    // More programmes than five: as many columns as there are.
    await sql`insert into export_win_win_associated_programme (win_id, associatedprogramme_id)
      select ${rows.win.id}, id from export_win_associatedprogramme
      where id not in (select associatedprogramme_id from export_win_win_associated_programme)
      order by id limit 3`;
    const [more] = await get("export-wins-win-dataset");
    assert.ok(more.associated_programme_6_display);
    assert.equal(more.associated_programme_7_display, undefined);
  });

  await t.step("migrated wins only with legacy_data=true or the flag", async () => {
    await sql`update export_win_win set migrated_on = now(), company_name = 'Legacy Ltd'`;
    for (const name of ["win", "advisers", "breakdowns"]) {
      assert.deepEqual(await get(`export-wins-${name}-dataset`), [], name);
      assert.equal((await get(`export-wins-${name}-dataset?legacy_data=True`)).length, 1, name);
    }
    const [win] = await get("export-wins-win-dataset?legacy_data=true");
    assert.equal(win.company_name, "Legacy Ltd");
    assert.equal(win.complete, false);
    await sql`insert into feature_flag_featureflag (code, is_active)
      values ('export-wins-legacy-dataset', true)`;
    assert.equal((await get("export-wins-win-dataset")).length, 1);
  });

  await t.step("expand-your-business-dataset: rows, and paging on three keys", async () => {
    const [lead] = await get("expand-your-business-dataset");
    const declared = registry.datasets.find((d) => d.name === "expand-your-business-dataset")!;
    assert.deepEqual(Object.keys(lead), Object.keys(declared.row.shape));
    assert.equal(lead.id, rows.lead.id);
    assert.equal(lead.modified_on, "2012-07-12T15:06:03Z");
    assert.deepEqual(lead.sector_segments, ["Aerospace"]);
    assert.equal(lead.company, company.id);
    assert.deepEqual(lead.investment_project_ids, []);
    // Two more at the same modified_on: one created earlier, one at the same time too.
    const more = await sql<{ id: string }[]>`
      insert into investment_lead_eyblead (created_on, modified_on)
      values ('2012-07-01T00:00:00Z', '2012-07-12T15:06:03Z'),
        ('2012-07-12T15:06:03Z', '2012-07-12T15:06:03Z')
      returning id`;
    const expected = [more[0].id, ...[rows.lead.id, more[1].id].sort()];
    const seen: string[] = [];
    let link: string | null = "/v4/dataset/expand-your-business-dataset?page_size=1";
    while (link) {
      const res = await signedGet(ctx, DATA_FLOW, link);
      assert.equal(res.status, 200, res.text);
      seen.push(...res.body.results.map((r: { id: string }) => r.id));
      link = res.body.next;
    }
    assert.deepEqual(seen, expected);
  });

  await t.step("bad cursors 400 and the wrong scope 403 on every new dataset", async () => {
    for (
      const name of [
        "events-dataset",
        "company-referrals-dataset",
        "tasks-dataset",
        "export-wins-advisers-dataset",
        "export-wins-breakdowns-dataset",
        "export-wins-hvc-dataset",
        "export-wins-win-dataset",
        "expand-your-business-dataset",
      ]
    ) {
      const bad = await signedGet(ctx, DATA_FLOW, `/v4/dataset/${name}?cursor=${btoa("p=x")}`);
      assert.equal(bad.status, 400, name);
      assert.deepEqual(bad.body, { detail: "Invalid cursor" });
      const wrong = await signedGet(ctx, ACTIVITY_STREAM, `/v4/dataset/${name}`);
      assert.equal(wrong.status, 403, name);
    }
  });

  await ctx.close();
});

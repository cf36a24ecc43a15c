/**
 * The 08:00 export reminder schedules, run by a scheduler on a fixed clock: which
 * companies are due, the reminders, and the e-mails at a local Notify stand-in.
 */
import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import { startNotifyStandIn } from "../helpers/notify.ts";
import { Scheduler } from "../../src/jobs/scheduler.ts";
import { registry } from "../../src/domains.ts";
import { loadConfig } from "../../src/config.ts";
import { silentLogger } from "../../src/log.ts";
import {
  generateNewExportInteractionReminders,
  generateNoRecentExportInteractionReminders,
  MANAGED_TIERS,
} from "../../src/reminder/jobs.ts";
import { updateNoRecentExportInteractionDeliveryStatus } from "../../src/reminder/delivery.ts";

const NO_RECENT = "7e3f0a11-0000-4000-8000-000000000001";
const NO_INTERACTION = "7e3f0a11-0000-4000-8000-000000000002";
const NEW_INTERACTION = "7e3f0a11-0000-4000-8000-000000000003";
const REMINDER_SCHEDULES = [
  "schedule_generate_estimated_land_date_reminders",
  "generate_no_recent_interaction_reminders",
  "generate_no_recent_export_interaction_reminders",
  "generate_new_export_interaction_reminders",
];

Deno.test("reminder schedules are off unless their ENABLE_* variable is set", () => {
  const plan = (env: Record<string, string>) =>
    new Scheduler({
      schedules: registry.schedules,
      queue: { enqueueOnce: () => Promise.resolve(null) } as never,
      config: loadConfig(env),
      log: silentLogger,
      now: () => new Date("2024-06-07T07:00:00Z"),
    }).plan.map((p) => p.name);
  const off = plan({});
  for (const name of REMINDER_SCHEDULES) assert.ok(!off.includes(name), name);
  assert.ok(off.includes("schedule_reminders_upcoming_tasks"));
  assert.ok(off.includes("schedule_reminders_tasks_overdue"));
  const on = plan({
    ENABLE_ESTIMATED_LAND_DATE_REMINDERS: "true",
    ENABLE_NO_RECENT_INTERACTION_REMINDERS: "true",
    ENABLE_NO_RECENT_EXPORT_INTERACTION_REMINDERS: "true",
    ENABLE_NEW_EXPORT_INTERACTION_REMINDERS: "true",
  });
  for (const name of REMINDER_SCHEDULES) assert.ok(on.includes(name), name);
});

Deno.test("export reminders at 08:00", async (t) => {
  const notify = startNotifyStandIn();
  const ctx = await testApp({
    env: {
      GOVUK_NOTIFY_BASE_URL: notify.baseUrl,
      INVESTMENT_NOTIFICATION_API_KEY: notify.apiKey,
      EXPORT_NOTIFICATION_NO_RECENT_INTERACTION_TEMPLATE_ID: NO_RECENT,
      EXPORT_NOTIFICATION_NO_INTERACTION_TEMPLATE_ID: NO_INTERACTION,
      EXPORT_NOTIFICATION_NEW_INTERACTION_TEMPLATE_ID: NEW_INTERACTION,
      ENABLE_NO_RECENT_EXPORT_INTERACTION_REMINDERS: "true",
      ENABLE_NEW_EXPORT_INTERACTION_REMINDERS: "true",
      DATAHUB_FRONTEND_BASE_URL: "https://datahub.test",
    },
  });
  const { app, sql } = ctx;
  let clock = new Date("2024-06-07T07:59:00Z");
  ctx.deps.now = () => clock;
  const ann = await createAdviser(sql, { firstName: "Ann", lastName: "Lee" });
  const bob = await createAdviser(sql, { firstName: "Bob", lastName: "Ray" });
  for (
    const code of ["export-no-recent-interaction-reminders", "export-new-interaction-reminders"]
  ) {
    const [{ id }] = await sql`insert into feature_flag_userfeatureflag (code, is_active)
      values (${code}, true) returning id`;
    await sql`insert into company_advisor_features (advisor_id, userfeatureflag_id)
      values (${ann.id}, ${id})`;
  }
  for (const who of [ann, bob]) {
    await call(app, "PATCH", "/v4/reminder/subscription/no-recent-export-interaction", {
      token: who.token,
      body: { reminder_days: [30], email_reminders_enabled: true },
    });
    await call(app, "PATCH", "/v4/reminder/subscription/new-export-interaction", {
      token: who.token,
      body: { reminder_days: [2], email_reminders_enabled: true },
    });
  }
  const company = async (name: string, tier: string | null, createdOn = "2020-01-01") => {
    const [{ id }] = await sql`insert into company_company
      (name, one_list_tier_id, one_list_account_owner_id, created_on)
      values (${name}, ${tier}, ${tier ? ann.id : null}, ${createdOn}) returning id::text`;
    return id as string;
  };
  const interaction = async (companyId: string, createdOn: string, by: string) => {
    const [{ id }] = await sql`insert into interaction_interaction (kind, date, subject,
        was_policy_feedback_provided, company_id, created_on, modified_on, created_by_id,
        modified_by_id)
      values ('interaction', ${createdOn.slice(0, 10)}, 'Catch-up', false, ${companyId},
        ${createdOn}, ${createdOn}, ${by}, ${by}) returning id::text`;
    return id as string;
  };
  const quiet = await company("Quiet Ltd", MANAGED_TIERS[0]);
  const quietInteraction = await interaction(quiet, "2024-05-08T10:00:00Z", bob.id);
  const fresh = await company("Fresh Ltd", MANAGED_TIERS[1], "2024-05-08T09:00:00Z");
  await sql`update company_company set one_list_account_owner_id = null where id = ${fresh}`;
  await sql`insert into company_onelistcoreteammember (company_id, adviser_id)
    values (${fresh}, ${ann.id})`;
  const busy = await company("Busy Ltd", MANAGED_TIERS[0]);
  await interaction(busy, "2024-05-08T10:00:00Z", bob.id);
  const busyNew = await interaction(busy, "2024-06-05T11:00:00Z", bob.id);
  const unmanaged = await company("Elsewhere Ltd", null);
  await interaction(unmanaged, "2024-05-08T10:00:00Z", bob.id);
  const mine = await company("Mine Ltd", MANAGED_TIERS[0]);
  await interaction(mine, "2024-06-05T10:00:00Z", ann.id);

  const scheduler = new Scheduler({
    schedules: registry.schedules.filter((s) => REMINDER_SCHEDULES.includes(s.name)),
    queue: ctx.deps.jobs,
    config: ctx.deps.config,
    log: ctx.deps.log,
    now: () => clock,
  });

  await t.step("nothing before 08:00; at 08:00 the due companies", async () => {
    await scheduler.tick();
    await ctx.deps.jobs.idle();
    assert.equal(notify.sent.length, 0);
    clock = new Date("2024-06-07T08:00:00Z");
    await scheduler.tick();
    await ctx.deps.jobs.idle();
    const noRecent = await sql`select company_id::text, interaction_id::text, event,
        email_notification_id::text
      from reminder_norecentexportinteractionreminder where adviser_id = ${ann.id}
      order by event`;
    assert.deepEqual(noRecent.map((r) => [r.company_id, r.interaction_id, r.event]), [
      [fresh, null, "No recent interaction with Fresh Ltd in 4 weeks"],
      [quiet, quietInteraction, "No recent interaction with Quiet Ltd in 4 weeks"],
    ]);
    const fresh_ = await sql`select company_id::text, interaction_id::text, event
      from reminder_newexportinteractionreminder where adviser_id = ${ann.id}`;
    assert.deepEqual(fresh_.map((r) => [r.company_id, r.interaction_id, r.event]), [
      [busy, busyNew, "New interaction with Busy Ltd"],
    ]);
    const bobs = await sql`select 1 from reminder_norecentexportinteractionreminder
      where adviser_id = ${bob.id}`;
    assert.equal(bobs.length, 0, "no feature flag, no reminders");
    assert.ok(noRecent.every((r) => r.email_notification_id));
  });

  await t.step("the e-mails: templates and personalisation", () => {
    const byTemplate = (id: string) => notify.sent.filter((e) => e.template_id === id);
    assert.equal(notify.sent.length, 3);
    const [quietEmail] = byTemplate(NO_RECENT);
    assert.deepEqual(quietEmail.personalisation, {
      company_url: `https://datahub.test/companies/${quiet}/activity`,
      settings_url: "https://datahub.test/reminders/settings",
      company_name: "Quiet Ltd",
      time_period: "4 weeks",
      last_interaction_date: "8 May 2024",
      last_interaction_created_by: "Bob Ray",
      last_interaction_type: "Interaction",
      last_interaction_subject: "Catch-up",
      date_of_interaction: "8 May 2024",
      link_to_interaction: `https://datahub.test/interactions/${quietInteraction}`,
    });
    assert.equal(quietEmail.email_address, ann.email);
    const [freshEmail] = byTemplate(NO_INTERACTION);
    assert.deepEqual(freshEmail.personalisation, {
      company_url: `https://datahub.test/companies/${fresh}/activity`,
      settings_url: "https://datahub.test/reminders/settings",
      company_name: "Fresh Ltd",
      time_period: "4 weeks",
      last_interaction_date: "8 May 2024",
    });
    const [newEmail] = byTemplate(NEW_INTERACTION);
    assert.deepEqual(newEmail.personalisation, {
      company_url: `https://datahub.test/companies/${busy}/activity`,
      settings_url: "https://datahub.test/reminders/settings",
      company_name: "Busy Ltd",
      last_interaction_date: "5 June 2024",
      last_interaction_created_by: "Bob Ray",
      last_interaction_type: "Interaction",
      last_interaction_subject: "Catch-up",
      date_of_interaction: "5 June 2024",
      link_to_interaction: `https://datahub.test/interactions/${busyNew}`,
    });
  });

  await t.step("a second run the same day adds nothing", async () => {
    const again = new Scheduler({
      schedules: registry.schedules.filter((s) => REMINDER_SCHEDULES.includes(s.name)),
      queue: ctx.deps.jobs,
      config: ctx.deps.config,
      log: ctx.deps.log,
      now: () => new Date("2024-06-07T07:59:00Z"),
    });
    clock = new Date("2024-06-07T07:59:00Z");
    await again.tick();
    clock = new Date("2024-06-07T08:00:00Z");
    // The fire time is claimed: another worker's scheduler queues nothing.
    await again.tick();
    await ctx.deps.jobs.idle();
    assert.equal(notify.sent.length, 3);
    // A rerun of the jobs themselves (a retry, an operator) finds today's reminders.
    await ctx.deps.jobs.enqueue(generateNoRecentExportInteractionReminders, {});
    await ctx.deps.jobs.enqueue(generateNewExportInteractionReminders, {});
    await ctx.deps.jobs.idle();
    assert.equal(notify.sent.length, 3);
    const [{ n }] = await sql`select count(*)::int as n
      from reminder_norecentexportinteractionreminder`;
    assert.equal(n, 2);
    const summary = await call(app, "GET", "/v4/reminder/summary", { token: ann.token });
    assert.equal(summary.body.export.no_recent_interaction, 0, "behind export-notifications");
  });

  await t.step("10:00: delivery statuses from Notify, behind the global flag", async () => {
    const run = async () => {
      await ctx.deps.jobs.enqueue(updateNoRecentExportInteractionDeliveryStatus, {});
      await ctx.deps.jobs.idle();
      return (await sql`select email_delivery_status as s
        from reminder_norecentexportinteractionreminder order by event`).map((r) => r.s);
    };
    clock = new Date("2024-06-07T10:00:00Z");
    assert.deepEqual(await run(), ["unknown", "unknown"], "flag off: nothing polled");
    await sql`insert into feature_flag_featureflag (code, is_active)
      values ('export-no-recent-interaction-email-status', true)`;
    await sql`update reminder_norecentexportinteractionreminder set status = 'dismissed'
      where company_id = ${fresh}`;
    assert.deepEqual(await run(), ["delivered", "delivered"], "dismissed ones too");
  });

  await ctx.close();
  await notify.close();
});

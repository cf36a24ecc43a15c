/**
 * The investment reminder schedules (no recent interaction at 08:00, estimated land date
 * on the 1st at 08:30) run by a scheduler on a fixed clock: which projects are due, for
 * which roles, the reminders, and the e-mails at a local Notify stand-in.
 */
import assert from "node:assert/strict";
import { call, createAdviser, type TestAdviser, testApp } from "../helpers/app.ts";
import { startNotifyStandIn } from "../helpers/notify.ts";
import { insertProject, PROJECT_STAGE, projectCodeOf } from "../helpers/investment.ts";
import { Scheduler } from "../../src/jobs/scheduler.ts";
import { registry } from "../../src/domains.ts";
import {
  generateEstimatedLandDateReminders,
  generateNoRecentInvestmentInteractionReminders,
} from "../../src/reminder/jobs.ts";

const LAND_DATE = "7e3f0a11-0000-4000-8000-000000000011";
const LAND_DATE_SUMMARY = "7e3f0a11-0000-4000-8000-000000000012";
const NO_RECENT = "7e3f0a11-0000-4000-8000-000000000013";
const SCHEDULES = [
  "schedule_generate_estimated_land_date_reminders",
  "generate_no_recent_interaction_reminders",
];
const FRONTEND = "https://datahub.test";

Deno.test("investment reminders: no recent interaction and estimated land date", async (t) => {
  const notify = startNotifyStandIn();
  const ctx = await testApp({
    env: {
      GOVUK_NOTIFY_BASE_URL: notify.baseUrl,
      INVESTMENT_NOTIFICATION_API_KEY: notify.apiKey,
      INVESTMENT_NOTIFICATION_ESTIMATED_LAND_DATE_TEMPLATE_ID: LAND_DATE,
      INVESTMENT_NOTIFICATION_ESTIMATED_LAND_DATE_SUMMARY_TEMPLATE_ID: LAND_DATE_SUMMARY,
      INVESTMENT_NOTIFICATION_NO_RECENT_INTERACTION_TEMPLATE_ID: NO_RECENT,
      ENABLE_ESTIMATED_LAND_DATE_REMINDERS: "true",
      ENABLE_NO_RECENT_INTERACTION_REMINDERS: "true",
      NOTIFICATION_SUMMARY_THRESHOLD: "2",
      DATAHUB_FRONTEND_BASE_URL: FRONTEND,
    },
  });
  const { app, sql } = ctx;
  let clock = new Date("2024-07-01T07:59:00Z");
  ctx.deps.now = () => clock;
  const ann = await createAdviser(sql, { firstName: "Ann", lastName: "Lee" });
  const cat = await createAdviser(sql, { firstName: "Cat", lastName: "Doe" });
  const dan = await createAdviser(sql, { firstName: "Dan", lastName: "Fox" });
  for (
    const code of [
      "investment-estimated-land-date-reminders",
      "investment-no-recent-interaction-reminders",
    ]
  ) {
    const [{ id }] = await sql`insert into feature_flag_userfeatureflag (code, is_active)
      values (${code}, true) returning id`;
    for (const who of [ann, cat]) {
      await sql`insert into company_advisor_features (advisor_id, userfeatureflag_id)
        values (${who.id}, ${id})`;
    }
  }
  const subscribe = async (who: TestAdviser, kind: string, days: number[]) => {
    const res = await call(app, "PATCH", `/v4/reminder/subscription/${kind}`, {
      token: who.token,
      body: { reminder_days: days, email_reminders_enabled: true },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };
  for (const who of [ann, cat, dan]) {
    await subscribe(who, "estimated-land-date", [30, 60]);
    await subscribe(who, "no-recent-investment-interaction", [30]);
  }
  const [{ id: investor }] = await sql`insert into company_company (name, created_on)
    values ('Investor Ltd', '2020-01-01') returning id::text`;
  const interaction = async (project: string, createdOn: string) => {
    await sql`insert into interaction_interaction (kind, date, subject,
        was_policy_feedback_provided, company_id, investment_project_id, created_on,
        modified_on)
      values ('interaction', ${createdOn.slice(0, 10)}, 'Catch-up', false, ${investor},
        ${project}, ${createdOn}, ${createdOn})`;
  };

  // Ann's projects, by role; only active ones (ongoing or delayed, Active stage) count.
  const windFarm = await insertProject(sql, {
    name: "Wind farm",
    investorCompanyId: investor,
    estimatedLandDate: "2024-08-01",
    projectManagerId: ann.id,
  });
  await interaction(windFarm, "2024-06-01T10:00:00Z");
  const solarPark = await insertProject(sql, {
    name: "Solar park",
    investorCompanyId: investor,
    status: "delayed",
    estimatedLandDate: "2024-09-01",
    assuranceAdviserId: ann.id,
  });
  await interaction(solarPark, "2024-06-01T10:00:00Z");
  await interaction(solarPark, "2024-06-15T10:00:00Z");
  const quietPlant = await insertProject(sql, {
    name: "Quiet plant",
    investorCompanyId: investor,
    createdOn: "2024-06-01T09:00:00Z",
    referralSourceAdviserId: ann.id,
  });
  const won = await insertProject(sql, {
    name: "Won already",
    status: "won",
    estimatedLandDate: "2024-08-01",
    projectManagerId: ann.id,
  });
  await interaction(won, "2024-06-01T10:00:00Z");
  const prospect = await insertProject(sql, {
    name: "Prospect",
    stageId: PROJECT_STAGE.prospect,
    estimatedLandDate: "2024-08-01",
    clientRelationshipManagerId: ann.id,
  });
  await interaction(prospect, "2024-06-01T10:00:00Z");
  const teamOnly = await insertProject(sql, {
    name: "Team only",
    estimatedLandDate: "2024-08-01",
  });
  await sql`insert into investment_investmentprojectteammember (investment_project_id,
    adviser_id, role) values (${teamOnly}, ${ann.id}, 'Adviser')`;
  await insertProject(sql, {
    name: "Lands a day late",
    estimatedLandDate: "2024-08-02",
    projectManagerId: ann.id,
  });
  // Cat manages three projects landing next month: one summary e-mail.
  const catProjects: string[] = [];
  for (const name of ["Alpha", "Beta", "Gamma"]) {
    catProjects.push(
      await insertProject(sql, {
        name,
        investorCompanyId: investor,
        estimatedLandDate: "2024-08-01",
        clientRelationshipManagerId: cat.id,
      }),
    );
  }
  // Dan holds a role but has no feature flag.
  await insertProject(sql, {
    name: "Dan's",
    estimatedLandDate: "2024-08-01",
    projectManagerId: dan.id,
  });

  const scheduler = new Scheduler({
    schedules: registry.schedules.filter((s) => SCHEDULES.includes(s.name)),
    queue: ctx.deps.jobs,
    config: ctx.deps.config,
    log: ctx.deps.log,
    now: () => clock,
  });
  const reminders = (table: string, adviser: string) =>
    sql`select project_id::text, event, email_notification_id::text
      from ${sql(table)} where adviser_id = ${adviser} order by event, project_id`;
  const projectItem = async (id: string, name: string, status: string, landDate: string) => ({
    project_details_url: `${FRONTEND}/investments/projects/${id}/details/details`,
    settings_url: `${FRONTEND}/reminders/settings`,
    investor_company_name: "Investor Ltd",
    project_name: name,
    project_code: await projectCodeOf(sql, id),
    project_status: status,
    project_stage: "Active",
    estimated_land_date: landDate,
  });

  await t.step("08:00: no recent interaction with the quiet projects", async () => {
    await scheduler.tick();
    await ctx.deps.jobs.idle();
    clock = new Date("2024-07-01T08:00:00Z");
    await scheduler.tick();
    await ctx.deps.jobs.idle();
    const rows = await reminders("reminder_norecentinvestmentinteractionreminder", ann.id);
    assert.deepEqual(rows.map((r) => [r.project_id, r.event]), [
      [quietPlant, "No recent interaction with Quiet plant in 1 month"],
      [windFarm, "No recent interaction with Wind farm in 1 month"],
    ]);
    assert.ok(rows.every((r) => r.email_notification_id));
    const emails = notify.sent.filter((e) => e.template_id === NO_RECENT);
    assert.equal(emails.length, 2);
    const wind = emails.find((e) => e.personalisation.project_name === "Wind farm")!;
    assert.equal(wind.email_address, ann.email);
    assert.deepEqual(wind.personalisation, {
      ...await projectItem(windFarm, "Wind farm", "Ongoing", "1 August 2024"),
      time_period: "1 month",
      last_interaction_date: "1 June 2024",
    });
    const quiet = emails.find((e) => e.personalisation.project_name === "Quiet plant")!;
    assert.equal(quiet.personalisation.estimated_land_date, "");
    const [{ n }] = await sql`select count(*)::int as n
      from reminder_norecentinvestmentinteractionreminder where adviser_id <> ${ann.id}`;
    assert.equal(n, 0, "Cat's projects have neither interactions nor a June creation");
  });

  await t.step("08:30 on the 1st: estimated land dates, one e-mail each", async () => {
    clock = new Date("2024-07-01T08:30:00Z");
    await scheduler.tick();
    await ctx.deps.jobs.idle();
    const rows = await reminders("reminder_upcomingestimatedlanddatereminder", ann.id);
    assert.deepEqual(rows.map((r) => [r.project_id, r.event]), [
      [windFarm, "30 days left to estimated land date"],
      [solarPark, "60 days left to estimated land date"],
    ]);
    const emails = notify.sent.filter((e) => e.template_id === LAND_DATE);
    assert.equal(emails.length, 2);
    const solar = emails.find((e) => e.personalisation.project_name === "Solar park")!;
    assert.deepEqual(
      solar.personalisation,
      await projectItem(solarPark, "Solar park", "Delayed", "1 September 2024"),
    );
    const dans = await reminders("reminder_upcomingestimatedlanddatereminder", dan.id);
    assert.equal(dans.length, 0, "no feature flag, no reminders");
  });

  await t.step("above the threshold: a reminder each, one summary e-mail", async () => {
    const rows = await reminders("reminder_upcomingestimatedlanddatereminder", cat.id);
    assert.deepEqual(rows.map((r) => r.project_id).sort(), [...catProjects].sort());
    assert.equal(new Set(rows.map((r) => r.email_notification_id)).size, 1);
    assert.ok(rows[0].email_notification_id);
    const [summary] = notify.sent.filter((e) => e.template_id === LAND_DATE_SUMMARY);
    assert.equal(summary.email_address, cat.email);
    const { summary: text, ...rest } = summary.personalisation;
    assert.deepEqual(rest, {
      month: "July",
      reminders_number: 3,
      settings_url: `${FRONTEND}/reminders/settings`,
    });
    const ordered = [...catProjects].sort();
    const first = await projectItem(ordered[0], "", "Ongoing", "1 August 2024");
    assert.ok(
      (text as string).startsWith(
        `Reminder 1\nThe estimated land date deadline for [`,
      ),
    );
    assert.ok((text as string).includes(`](${first.project_details_url}) is 1 August 2024.`));
    assert.ok((text as string).includes(`Project code: ${first.project_code}\n`));
    assert.ok((text as string).includes("Reminder 3\n"));
    assert.ok((text as string).includes("Client: Investor Ltd\n\n---\n"));
  });

  await t.step("the lists show the projects; a rerun this month adds nothing", async () => {
    const list = await call(app, "GET", "/v4/reminder/estimated-land-date", {
      token: ann.token,
    });
    assert.equal(list.body.count, 2);
    const names = list.body.results.map((r: { project: { name: string } }) => r.project.name);
    assert.deepEqual(names.sort(), ["Solar park", "Wind farm"]);
    const sent = notify.sent.length;
    clock = new Date("2024-07-20T09:00:00Z");
    await ctx.deps.jobs.enqueue(generateEstimatedLandDateReminders, {});
    clock = new Date("2024-07-01T12:00:00Z");
    await ctx.deps.jobs.enqueue(generateNoRecentInvestmentInteractionReminders, {});
    await ctx.deps.jobs.idle();
    assert.equal(notify.sent.length, sent);
    const [{ n }] = await sql`select count(*)::int as n
      from reminder_upcomingestimatedlanddatereminder`;
    assert.equal(n, 5);
  });

  await ctx.close();
  await notify.close();
});

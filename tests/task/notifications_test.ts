/**
 * What task changes and the 08:00 schedules leave: reminders, settings, and e-mails at a
 * local Notify stand-in (template id and personalisation asserted), each sent once.
 */
import assert from "node:assert/strict";
import { call, createAdviser, testApp, type TestContext } from "../helpers/app.ts";
import { startNotifyStandIn } from "../helpers/notify.ts";
import { InlineQueue } from "../../src/jobs/inline_queue.ts";
import { Scheduler } from "../../src/jobs/scheduler.ts";
import { registry } from "../../src/domains.ts";
import { sendNotificationEmail } from "../../src/notification/emails.ts";
import { insertProject } from "../helpers/investment.ts";

const TEMPLATE = "b0f3a1c2-0000-4000-8000-000000000001";

async function reminders(ctx: TestContext, table: string, adviserId: string) {
  return await ctx.sql<{ id: string; event: string; email_notification_id: string | null }[]>`
    select id, event, email_notification_id::text from ${ctx.sql(table)}
    where adviser_id = ${adviserId} order by created_on, id`;
}

Deno.test("task notifications", async (t) => {
  const notify = startNotifyStandIn();
  const ctx = await testApp({
    env: {
      GOVUK_NOTIFY_BASE_URL: notify.baseUrl,
      INVESTMENT_NOTIFICATION_API_KEY: notify.apiKey,
      TASK_REMINDER_EMAIL_TEMPLATE_ID: TEMPLATE,
      DATAHUB_FRONTEND_BASE_URL: "https://datahub.test",
    },
  });
  const { app, sql } = ctx;
  const delays: number[] = [];
  ctx.deps.jobs = new InlineQueue({
    deps: () => ctx.deps,
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
  });
  let clock = new Date("2024-06-01T12:00:00Z");
  ctx.deps.now = () => clock;
  const ann = await createAdviser(sql, { firstName: "Ann", lastName: "Lee" });
  const bob = await createAdviser(sql, { firstName: "Bob", lastName: "Ray" });
  await sql`update company_advisor set contact_email = 'bob@work.test' where id = ${bob.id}`;
  const [{ id: acme }] = await sql`insert into company_company (name) values ('Acme') returning id`;

  let taskId = "";
  await t.step("assigned by another: reminder, five settings, one e-mail", async () => {
    const res = await call(app, "POST", "/v4/task", {
      token: ann.token,
      body: {
        title: "Call Acme",
        advisers: [ann.id, bob.id],
        company: acme,
        due_date: "2024-06-20",
        reminder_days: 5,
      },
    });
    taskId = res.body.id;
    await ctx.deps.jobs.idle();
    const mine = await reminders(ctx, "reminder_taskassignedtomefromothersreminder", ann.id);
    assert.equal(mine.length, 0, "the creator is not told");
    const bobs = await reminders(ctx, "reminder_taskassignedtomefromothersreminder", bob.id);
    assert.equal(bobs.length, 1);
    assert.equal(bobs[0].event, "Call Acme assigned to me by Ann Lee");
    assert.equal(notify.sent.length, 1);
    assert.deepEqual(notify.sent[0], {
      id: notify.sent[0].id,
      template_id: TEMPLATE,
      email_address: "bob@work.test",
      personalisation: {
        email_subject: "You have been assigned to task: Call Acme",
        body_heading: "You have been assigned to task: Call Acme",
        task_fields: "Company name: Acme\nDate due: 20 June 2024",
        task_url: `https://datahub.test/tasks/${taskId}?utm_source=individual` +
          "&utm_medium=email_notify&utm_campaign=task_assigned_by_others&utm_content=task",
      },
      reference: notify.sent[0].reference,
    });
    assert.equal(bobs[0].email_notification_id, notify.sent[0].id);
    const settings = await call(app, "GET", "/v4/reminder/subscription/summary", {
      token: bob.token,
    });
    for (
      const key of [
        "upcoming_task_reminder",
        "task_overdue",
        "task_completed",
        "task_deleted_by_others",
        "task_amended_by_others",
        "task_assigned_to_me_from_others",
      ]
    ) {
      assert.equal(settings.body[key].email_reminders_enabled, true, key);
    }
    assert.equal(settings.body.estimated_land_date.email_reminders_enabled, false);
  });

  await t.step("a sent e-mail is never sent again", async () => {
    const [{ id }] = await sql`select id::text from notification_email`;
    await ctx.deps.jobs.enqueue(sendNotificationEmail, { id });
    await ctx.deps.jobs.idle();
    assert.equal(notify.sent.length, 1);
  });

  await t.step("amended by others: once per task and adviser", async () => {
    await call(app, "PATCH", `/v4/task/${taskId}`, {
      token: ann.token,
      body: { description: "More" },
    });
    await call(app, "PATCH", `/v4/task/${taskId}`, {
      token: ann.token,
      body: { description: "Even more" },
    });
    await ctx.deps.jobs.idle();
    const bobs = await reminders(ctx, "reminder_taskamendedbyothersreminder", bob.id);
    assert.deepEqual(bobs.map((r) => r.event), [
      "Call Acme TaskAmendedByOthersReminder by Ann Lee",
    ]);
    assert.equal(
      (await reminders(ctx, "reminder_taskamendedbyothersreminder", ann.id)).length,
      0,
      "the editor is not told",
    );
    assert.equal(notify.sent.length, 2);
    assert.equal(notify.sent[1].personalisation.email_subject, "Task amended: Call Acme");
    assert.equal(
      notify.sent[1].personalisation.task_fields,
      "Company name: Acme\nDate due: 20 June 2024\nAmended by: Ann Lee",
    );
  });

  await t.step("PATCH adding an adviser: assigned for the new one only", async () => {
    const carol = await createAdviser(sql, { firstName: "Carol", lastName: "Doe" });
    const before = notify.sent.length;
    await call(app, "PATCH", `/v4/task/${taskId}`, {
      token: ann.token,
      body: { advisers: [ann.id, bob.id, carol.id] },
    });
    await ctx.deps.jobs.idle();
    const carols = await reminders(ctx, "reminder_taskassignedtomefromothersreminder", carol.id);
    assert.deepEqual(carols.map((r) => r.event), ["Call Acme assigned to me by Ann Lee"]);
    assert.equal(
      (await reminders(ctx, "reminder_taskamendedbyothersreminder", carol.id)).length,
      0,
      "amendments go to the advisers the task had before",
    );
    assert.equal(
      (await reminders(ctx, "reminder_taskassignedtomefromothersreminder", bob.id)).length,
      1,
    );
    assert.equal(notify.sent.length, before + 1);
    assert.equal(notify.sent[before].email_address, carol.email);
  });

  await t.step("completed, then deleted (archived)", async () => {
    const sentBefore = notify.sent.length;
    await call(app, "POST", `/v4/task/${taskId}/status-complete`, { token: ann.token });
    await ctx.deps.jobs.idle();
    let bobs = await reminders(ctx, "reminder_taskcompletedreminder", bob.id);
    assert.deepEqual(bobs.map((r) => r.event), ["Call Acme TaskCompletedReminder by Ann Lee"]);
    // Bob and Carol, not Ann who completed it.
    const completed = notify.sent.slice(sentBefore);
    assert.deepEqual(
      completed.map((e) => e.email_address).sort(),
      [
        "bob@work.test",
        (await sql`select email from company_advisor where first_name = 'Carol'`)[0].email,
      ].sort(),
    );
    assert.equal(completed[0].personalisation.email_subject, "Task completed: Call Acme");
    assert.match(String(completed[0].personalisation.task_fields), /Completed by: Ann Lee$/);
    await call(app, "POST", `/v4/task/${taskId}/archive`, {
      token: ann.token,
      body: { reason: "x" },
    });
    await ctx.deps.jobs.idle();
    bobs = await reminders(ctx, "reminder_taskdeletedbyothersreminder", bob.id);
    assert.deepEqual(bobs.map((r) => r.event), [
      "Call Acme TaskDeletedByOthersReminder by Ann Lee",
    ]);
    const deleted = notify.sent.slice(sentBefore + 2);
    assert.equal(deleted.length, 2);
    assert.equal(deleted[0].personalisation.email_subject, "Task deleted: Call Acme");
  });

  await t.step("e-mails off in the settings: reminder, no e-mail", async () => {
    const sentBefore = notify.sent.length;
    await call(app, "PATCH", "/v4/reminder/subscription/my-tasks-task-assigned-to-me-from-others", {
      token: bob.token,
      body: { email_reminders_enabled: false },
    });
    await call(app, "POST", "/v4/task", {
      token: ann.token,
      body: { title: "Quiet", advisers: [bob.id] },
    });
    await ctx.deps.jobs.idle();
    const bobs = await reminders(ctx, "reminder_taskassignedtomefromothersreminder", bob.id);
    assert.equal(bobs.length, 2);
    assert.equal(notify.sent.length, sentBefore);
  });

  await t.step("Notify failing: retried with back-off, sent once", async () => {
    notify.failNext(2, 500);
    delays.length = 0;
    const sentBefore = notify.sent.length;
    await call(app, "PATCH", "/v4/reminder/subscription/my-tasks-task-assigned-to-me-from-others", {
      token: bob.token,
      body: { email_reminders_enabled: true },
    });
    await call(app, "POST", "/v4/task", {
      token: ann.token,
      body: { title: "Loud", advisers: [bob.id] },
    });
    await ctx.deps.jobs.idle();
    assert.equal(notify.sent.length, sentBefore + 1);
    assert.equal(
      notify.sent[sentBefore].personalisation.email_subject,
      "You have been assigned to task: Loud",
    );
    assert.deepEqual(delays, [1000, 4000]);
  });

  await t.step("08:00 schedules: upcoming and overdue tasks, once a month", async () => {
    const [{ id: upcoming }] = await sql`insert into task_task
      (title, due_date, reminder_days, reminder_date, created_on, modified_on)
      values ('Upcoming', '2024-06-10', 3, '2024-06-07', now(), now()) returning id`;
    const [{ id: overdue }] = await sql`insert into task_task
      (title, due_date, created_on, modified_on)
      values ('Late', '2024-06-06', now(), now()) returning id`;
    const [{ id: done }] = await sql`insert into task_task
      (title, due_date, status, created_on, modified_on)
      values ('Done', '2024-06-06', 'complete', now(), now()) returning id`;
    for (const task of [upcoming, overdue, done]) {
      await sql`insert into task_task_advisers (task_id, advisor_id) values (${task}, ${bob.id})`;
      await sql`insert into task_task_advisers (task_id, advisor_id) values (${task}, ${ann.id})`;
    }
    // Ann holds no task settings: only Bob (assigned earlier) is reminded.
    await sql`delete from reminder_upcomingtaskremindersubscription where adviser_id = ${ann.id}`;
    await sql`delete from reminder_taskoverduesubscription where adviser_id = ${ann.id}`;
    clock = new Date("2024-06-07T07:59:30Z");
    const scheduler = new Scheduler({
      schedules: registry.schedules.filter((s) => s.name.startsWith("schedule_reminders_")),
      queue: ctx.deps.jobs,
      config: ctx.deps.config,
      log: ctx.deps.log,
      now: () => clock,
    });
    const before = notify.sent.length;
    await scheduler.tick();
    await ctx.deps.jobs.idle();
    assert.equal(notify.sent.length, before, "nothing before 08:00");
    clock = new Date("2024-06-07T08:00:00Z");
    await scheduler.tick();
    await ctx.deps.jobs.idle();
    const up = await reminders(ctx, "reminder_upcomingtaskreminder", bob.id);
    assert.deepEqual(up.map((r) => r.event), ["3 days left to task due"]);
    const late = await reminders(ctx, "reminder_taskoverduereminder", bob.id);
    assert.deepEqual(late.map((r) => r.event), ["Late is now overdue"]);
    assert.equal((await reminders(ctx, "reminder_upcomingtaskreminder", ann.id)).length, 0);
    const subjects = notify.sent.slice(before).map((e) => e.personalisation.email_subject).sort();
    assert.deepEqual(subjects, [
      "Your task is due in 3 days: Upcoming",
      "Your task is now overdue: Late",
    ]);
    const overdueEmail = notify.sent.slice(before).find((e) =>
      e.personalisation.email_subject === "Your task is now overdue: Late"
    )!;
    assert.match(String(overdueEmail.personalisation.task_url), /utm_campaign=task_overdue&/);
    // The same day again (another worker, a rerun): nothing new this month.
    await scheduler.tick();
    clock = new Date("2024-06-08T08:00:00Z");
    await sql`update task_task set reminder_date = '2024-06-08' where id = ${upcoming}`;
    await scheduler.tick();
    await ctx.deps.jobs.idle();
    assert.equal((await reminders(ctx, "reminder_upcomingtaskreminder", bob.id)).length, 1);
  });

  await t.step("a project's task: the project leads, its investor is the company", async () => {
    const [{ id: investor }] = await sql`insert into company_company (name)
      values ('Investor Ltd') returning id::text`;
    const project = await insertProject(sql, { name: "Wind farm", investorCompanyId: investor });
    const sent = notify.sent.length;
    const res = await call(app, "POST", "/v4/task", {
      token: ann.token,
      body: { title: "Site visit", advisers: [bob.id], investment_project: project },
    });
    assert.equal(res.status, 201);
    await ctx.deps.jobs.idle();
    assert.equal(notify.sent.length, sent + 1);
    assert.equal(
      notify.sent[sent].personalisation.task_fields,
      "Investment project: Wind farm\nCompany name: Investor Ltd",
    );
  });

  await ctx.close();
  await notify.close();
});

Deno.test("task e-mails without a Notify key are logged, not sent", async () => {
  const ctx = await testApp({ env: { TASK_REMINDER_EMAIL_TEMPLATE_ID: TEMPLATE } });
  const ann = await createAdviser(ctx.sql, { firstName: "Ann" });
  const bob = await createAdviser(ctx.sql, { firstName: "Bob" });
  await call(ctx.app, "POST", "/v4/task", {
    token: ann.token,
    body: { title: "Quiet", advisers: [bob.id] },
  });
  await ctx.deps.jobs.idle();
  const [email] = await ctx.sql`select sent_on, notification_id from notification_email`;
  assert.ok(email.sent_on);
  assert.equal(email.notification_id, null);
  const bobs = await reminders(ctx, "reminder_taskassignedtomefromothersreminder", bob.id);
  assert.equal(bobs.length, 1);
  assert.equal(bobs[0].email_notification_id, null);
  await ctx.close();
});

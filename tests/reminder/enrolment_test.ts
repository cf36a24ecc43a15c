import assert from "node:assert/strict";
import { createAdviser, testApp } from "../helpers/app.ts";
import { runItaUsersMigration, runPostUsersMigration } from "../../src/reminder/enrolment.ts";
import { MANAGED_TIERS } from "../../src/reminder/jobs.ts";
import { insertProject, PROJECT_STAGE } from "../helpers/investment.ts";

Deno.test("automatic enrolment in reminders (ITA at 22:00, Post at 23:00)", async (t) => {
  const ctx = await testApp();
  const { sql } = ctx;
  const group = async (code: string) =>
    (await sql`insert into feature_flag_userfeatureflaggroup (code, is_active)
      values (${code}, true) returning id`)[0].id as number;
  const exportGroup = await group("export-notifications");
  await group("investment-notifications");
  const none = await group("no-notifications");
  const ann = await createAdviser(sql, { firstName: "Ann" });
  const bob = await createAdviser(sql, { firstName: "Bob" });
  const [{ id: postTeam }] = await sql`select id::text from metadata_team
    where role_id = '62329c18-6095-e211-a939-e4115bead28a' limit 1`;
  const carol = await createAdviser(sql, { firstName: "Carol", teamId: postTeam });
  const dan = await createAdviser(sql, { firstName: "Dan", teamId: postTeam });
  await sql`insert into company_advisor_feature_groups values (${bob.id}, ${none})`;
  for (const owner of [ann, bob]) {
    await sql`insert into company_company (name, one_list_tier_id, one_list_account_owner_id)
      values ('ITA client', ${MANAGED_TIERS[0]}, ${owner.id})`;
  }
  const [{ id: postClient }] = await sql`insert into company_company (name) values ('Post client')
    returning id`;
  await sql`insert into company_onelistcoreteammember (company_id, adviser_id)
    values (${postClient}, ${carol.id})`;
  await sql`insert into reminder_norecentexportinteractionsubscription
    (adviser_id, reminder_days, email_reminders_enabled) values (${ann.id}, '{30}', false)`;

  const run = async (job: typeof runItaUsersMigration) => {
    await ctx.deps.jobs.enqueue(job, {});
    await ctx.deps.jobs.idle();
  };
  const groupsOf = async (id: string) =>
    (await sql`select g.code from company_advisor_feature_groups ag
      join feature_flag_userfeatureflaggroup g on g.id = ag.userfeatureflaggroup_id
      where ag.advisor_id = ${id} order by g.code`).map((r) => r.code);
  const settings = async (table: string, id: string) =>
    (await sql`select reminder_days, email_reminders_enabled from ${sql(table)}
      where adviser_id = ${id}`)[0] ?? null;

  await t.step("without the variables, only logged", async () => {
    await run(runItaUsersMigration);
    await run(runPostUsersMigration);
    assert.deepEqual(await groupsOf(ann.id), []);
    assert.deepEqual(await groupsOf(carol.id), []);
  });

  await t.step("ITA: account owners join export-notifications with defaults", async () => {
    ctx.deps.config = {
      ...ctx.deps.config,
      ENABLE_AUTOMATIC_REMINDER_ITA_USER_MIGRATIONS: true,
      ENABLE_AUTOMATIC_REMINDER_POST_USER_MIGRATIONS: true,
    };
    await run(runItaUsersMigration);
    assert.deepEqual(await groupsOf(ann.id), ["export-notifications"]);
    assert.deepEqual(await groupsOf(bob.id), ["no-notifications"], "opted out");
    assert.deepEqual(await settings("reminder_newexportinteractionsubscription", ann.id), {
      reminder_days: [2],
      email_reminders_enabled: true,
    });
    assert.deepEqual(
      await settings("reminder_norecentexportinteractionsubscription", ann.id),
      { reminder_days: [30], email_reminders_enabled: false },
      "existing settings are kept",
    );
  });

  await t.step("Post: core team members of Post teams join both groups", async () => {
    await run(runPostUsersMigration);
    assert.deepEqual(await groupsOf(carol.id), [
      "export-notifications",
      "investment-notifications",
    ]);
    assert.deepEqual(await groupsOf(dan.id), [], "no One List role");
    assert.deepEqual(await settings("reminder_upcomingestimatedlanddatesubscription", carol.id), {
      reminder_days: [30, 60],
      email_reminders_enabled: true,
    });
    assert.deepEqual(
      await settings("reminder_norecentinvestmentinteractionsubscription", carol.id),
      { reminder_days: [90], email_reminders_enabled: true },
    );
    assert.ok(exportGroup);
  });

  await t.step("Post: a reminder role on an active project enrols too", async () => {
    const erin = await createAdviser(sql, { firstName: "Erin", teamId: postTeam });
    await insertProject(sql, {
      name: "Prospect",
      stageId: PROJECT_STAGE.prospect,
      projectManagerId: dan.id,
    });
    const teamOnly = await insertProject(sql, { name: "Team only" });
    await sql`insert into investment_investmentprojectteammember
      (investment_project_id, adviser_id, role) values (${teamOnly}, ${dan.id}, 'Adviser')`;
    await insertProject(sql, { name: "Active", status: "delayed", assuranceAdviserId: erin.id });
    await run(runPostUsersMigration);
    assert.deepEqual(await groupsOf(dan.id), [], "not active, or a team member only");
    assert.deepEqual(await groupsOf(erin.id), [
      "export-notifications",
      "investment-notifications",
    ]);
  });

  await ctx.close();
});

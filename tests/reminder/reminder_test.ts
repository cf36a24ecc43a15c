import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import { ALL_REMINDER_TYPES, REMINDER_TYPES } from "../../src/reminder/types.ts";
import { insertProject, projectCodeOf } from "../helpers/investment.ts";

Deno.test("reminders and reminder settings", async (t) => {
  const ctx = await testApp();
  const { app, sql } = ctx;
  ctx.deps.now = () => new Date("2024-06-01T12:00:00Z");
  const ann = await createAdviser(sql, { firstName: "Ann", lastName: "Lee" });
  const bob = await createAdviser(sql, { firstName: "Bob", lastName: "Ray" });
  const [{ id: team }] = await sql`select id::text from metadata_team limit 1`;
  await sql`update company_advisor set dit_team_id = ${team} where id = ${bob.id}`;
  const [{ id: acme }] = await sql`insert into company_company (name, created_on)
    values ('Acme', '2020-01-01T00:00:00Z') returning id::text`;
  const [{ id: interaction }] = await sql`
    insert into interaction_interaction (kind, date, subject, was_policy_feedback_provided,
      company_id, created_on, modified_on, created_by_id)
    values ('interaction', '2024-05-30T00:00:00Z', 'Catch-up', false, ${acme},
      now(), now(), ${bob.id}) returning id::text`;
  const [{ id: task }] = await sql`insert into task_task (title, due_date, company_id)
    values ('Call Acme', '2024-06-10', ${acme}) returning id::text`;

  const insert = async (
    table: string,
    adviser: string,
    at: string,
    extra: Record<string, string>,
  ) => {
    const [{ id }] = await sql`insert into ${sql(table)} ${
      sql({ adviser_id: adviser, event: `event at ${at}`, created_on: at, ...extra })
    } returning id::text`;
    return id as string;
  };

  await t.step("every route needs a token: 42 routes", async () => {
    let routes = 0;
    for (const type of ALL_REMINDER_TYPES) {
      for (
        const [method, path] of [
          ["GET", `/v4/reminder/${type.kind}`],
          ["DELETE", `/v4/reminder/${type.kind}/${crypto.randomUUID()}`],
          ["GET", `/v4/reminder/subscription/${type.kind}`],
          ["PATCH", `/v4/reminder/subscription/${type.kind}`],
        ]
      ) {
        const body = method === "PATCH" ? {} : undefined;
        assert.equal((await call(app, method, path, { body })).status, 401, path);
        routes++;
      }
    }
    for (const path of ["/v4/reminder/summary", "/v4/reminder/subscription/summary"]) {
      assert.equal((await call(app, "GET", path)).status, 401);
      routes++;
    }
    assert.equal(routes, 42);
  });

  await t.step("settings: created on first read with the defaults", async () => {
    let res = await call(app, "GET", "/v4/reminder/subscription/no-recent-export-interaction", {
      token: ann.token,
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { reminder_days: [], email_reminders_enabled: false });
    res = await call(app, "GET", "/v4/reminder/subscription/my-tasks-task-completed", {
      token: ann.token,
    });
    assert.deepEqual(res.body, { email_reminders_enabled: false });
    res = await call(app, "GET", "/v4/reminder/subscription/summary", { token: ann.token });
    assert.deepEqual(Object.keys(res.body), [
      "estimated_land_date",
      "no_recent_investment_interaction",
      "no_recent_export_interaction",
      "new_export_interaction",
      "upcoming_task_reminder",
      "task_assigned_to_me_from_others",
      "task_amended_by_others",
      "task_overdue",
      "task_completed",
      "task_deleted_by_others",
    ]);
    assert.deepEqual(res.body.task_overdue, { reminder_days: [], email_reminders_enabled: false });
    assert.deepEqual(res.body.task_deleted_by_others, { email_reminders_enabled: false });
  });

  await t.step("settings: PATCH, and bad values name the field", async () => {
    const path = "/v4/reminder/subscription/new-export-interaction";
    let res = await call(app, "PATCH", path, {
      token: ann.token,
      body: { reminder_days: [2, 7], email_reminders_enabled: true },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { reminder_days: [2, 7], email_reminders_enabled: true });
    res = await call(app, "PATCH", path, { token: ann.token, body: { reminder_days: [30, 30] } });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { reminder_days: ["Duplicate reminder days are not allowed [30]"] });
    res = await call(app, "PATCH", path, {
      token: ann.token,
      body: { reminder_days: [1, 2, 3, 4, 5, 6] },
    });
    assert.deepEqual(res.body, {
      reminder_days: ["Ensure this field has no more than 5 elements."],
    });
    res = await call(app, "PATCH", path, { token: ann.token, body: { reminder_days: ["x"] } });
    assert.deepEqual(res.body, { reminder_days: { "0": ["A valid integer is required."] } });
    res = await call(app, "PATCH", path, {
      token: ann.token,
      body: { email_reminders_enabled: "maybe" },
    });
    assert.equal(res.status, 400);
    assert.ok(res.body.email_reminders_enabled);
    // Land-date and task types accept duplicates, as the original.
    res = await call(app, "PATCH", "/v4/reminder/subscription/estimated-land-date", {
      token: ann.token,
      body: { reminder_days: [30, 30] },
    });
    assert.equal(res.status, 200);
    // Types without days ignore them.
    res = await call(app, "PATCH", "/v4/reminder/subscription/my-tasks-task-amended-by-others", {
      token: ann.token,
      body: { reminder_days: [1], email_reminders_enabled: true },
    });
    assert.deepEqual(res.body, { email_reminders_enabled: true });
    res = await call(app, "GET", path, { token: bob.token });
    assert.deepEqual(res.body, { reminder_days: [], email_reminders_enabled: false }, "mine only");
  });

  let taskReminder = "";
  await t.step("lists: the caller's live reminders, newest first", async () => {
    const older = await insert("reminder_taskoverduereminder", ann.id, "2024-05-01T00:00:00Z", {
      task_id: task,
    });
    taskReminder = await insert("reminder_taskoverduereminder", ann.id, "2024-05-02T00:00:00Z", {
      task_id: task,
    });
    await insert("reminder_taskoverduereminder", bob.id, "2024-05-03T00:00:00Z", { task_id: task });
    let res = await call(app, "GET", "/v4/reminder/my-tasks-task-overdue", { token: ann.token });
    assert.equal(res.status, 200);
    assert.equal(res.body.count, 2);
    assert.deepEqual(res.body.results.map((r: { id: string }) => r.id), [taskReminder, older]);
    assert.deepEqual(res.body.results[0], {
      id: taskReminder,
      event: "event at 2024-05-02T00:00:00Z",
      created_on: "2024-05-02T00:00:00Z",
      task: {
        id: task,
        title: "Call Acme",
        investment_project: null,
        company: { id: acme, name: "Acme" },
        due_date: "2024-06-10",
        interaction: null,
      },
    });
    res = await call(app, "GET", "/v4/reminder/my-tasks-task-overdue?sortby=created_on", {
      token: ann.token,
    });
    assert.deepEqual(res.body.results.map((r: { id: string }) => r.id), [older, taskReminder]);

    const exportId = await insert(
      "reminder_norecentexportinteractionreminder",
      ann.id,
      "2024-05-04T00:00:00Z",
      { company_id: acme, interaction_id: interaction },
    );
    res = await call(app, "GET", "/v4/reminder/no-recent-export-interaction", {
      token: ann.token,
    });
    assert.deepEqual(res.body.results, [{
      id: exportId,
      created_on: "2024-05-04T00:00:00Z",
      last_interaction_date: "2024-05-30T00:00:00Z",
      event: "event at 2024-05-04T00:00:00Z",
      company: { id: acme, name: "Acme" },
      interaction: {
        created_by: {
          id: bob.id,
          name: "Bob Ray",
          first_name: "Bob",
          last_name: "Ray",
          dit_team: res.body.results[0].interaction.created_by.dit_team,
        },
        kind: "interaction",
        subject: "Catch-up",
        date: "2024-05-30T00:00:00Z",
      },
    }]);
    assert.equal(res.body.results[0].interaction.created_by.dit_team.id, team);
    const project = await insertProject(sql, { name: "Wind farm" });
    const projectReminder = await insert(
      "reminder_upcomingestimatedlanddatereminder",
      ann.id,
      "2024-05-05T00:00:00Z",
      { project_id: project },
    );
    res = await call(app, "GET", "/v4/reminder/estimated-land-date", { token: ann.token });
    assert.deepEqual(res.body.results, [{
      id: projectReminder,
      created_on: "2024-05-05T00:00:00Z",
      event: "event at 2024-05-05T00:00:00Z",
      project: { id: project, name: "Wind farm", project_code: await projectCodeOf(sql, project) },
    }]);
  });

  await t.step("dismiss: 204, then gone from the list; others' are 404", async () => {
    const path = `/v4/reminder/my-tasks-task-overdue/${taskReminder}`;
    assert.equal((await call(app, "DELETE", path, { token: bob.token })).status, 404);
    const res = await call(app, "DELETE", path, { token: ann.token });
    assert.equal(res.status, 204);
    const [row] = await sql`select status from reminder_taskoverduereminder
      where id = ${taskReminder}`;
    assert.equal(row.status, "dismissed");
    const again = await call(app, "DELETE", path, { token: ann.token });
    assert.equal(again.status, 404);
    assert.deepEqual(again.body, { detail: "No TaskOverdueReminder matches the given query." });
    const list = await call(app, "GET", "/v4/reminder/my-tasks-task-overdue", { token: ann.token });
    assert.equal(list.body.count, 1);
  });

  await t.step("summary: counts, investment and export behind feature groups", async () => {
    await insert(
      REMINDER_TYPES.taskAssignedToMeFromOthers.reminderTable,
      ann.id,
      "2024-05-06T00:00:00Z",
      { task_id: task },
    );
    let res = await call(app, "GET", "/v4/reminder/summary", { token: ann.token });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      count: 2,
      investment: { estimated_land_date: 0, no_recent_interaction: 0, outstanding_propositions: 0 },
      export: { no_recent_interaction: 0, new_interaction: 0 },
      my_tasks: {
        due_date_approaching: 0,
        task_assigned_to_me_from_others: 1,
        task_amended_by_others: 0,
        task_overdue: 1,
        task_completed: 0,
        task_deleted_by_others: 0,
      },
    });
    for (const code of ["investment-notifications", "export-notifications"]) {
      const [{ id }] = await sql`insert into feature_flag_userfeatureflaggroup (code, is_active)
        values (${code}, true) returning id`;
      await sql`insert into company_advisor_feature_groups (advisor_id, userfeatureflaggroup_id)
        values (${ann.id}, ${id})`;
    }
    const [{ id: project }] = await sql`select id from investment_investmentproject`;
    await sql`insert into proposition_proposition (investment_project_id, adviser_id, deadline,
        status, name, scope)
      values (${project}, ${ann.id}, '2024-07-01', 'ongoing', 'Offer', 'Scope'),
        (${project}, ${ann.id}, '2024-07-01', 'completed', 'Done', 'Scope'),
        (${project}, ${bob.id}, '2024-07-01', 'ongoing', 'Not mine', 'Scope')`;
    res = await call(app, "GET", "/v4/reminder/summary", { token: ann.token });
    assert.equal(res.body.count, 5);
    assert.equal(res.body.investment.estimated_land_date, 1);
    assert.equal(res.body.investment.outstanding_propositions, 1, "ongoing, mine");
    assert.equal(res.body.export.no_recent_interaction, 1);
  });

  await ctx.close();
});

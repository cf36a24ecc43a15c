import assert from "node:assert/strict";
import { testApp } from "../helpers/app.ts";
import { registry } from "../../src/domains.ts";

const { schedules } = registry;
import type { AnyJob } from "../../src/jobs/definition.ts";

const NOW = new Date("2026-06-01T12:00:00Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const job = (name: string): AnyJob => schedules.find((s) => s.name === name)!.job;

Deno.test("nightly housekeeping: adviser deactivation, company and contact archive", async (t) => {
  const ctx = await testApp({ deps: { now: () => NOW } });
  const { sql } = ctx;
  const run = async (name: string, payload: Record<string, unknown> = {}) => {
    await ctx.deps.jobs.enqueue(job(name), payload);
    await ctx.deps.jobs.idle();
  };
  const adviser = async (label: string, options: { joined?: Date; sso?: boolean } = {}) => {
    const [{ id }] = await sql`
      insert into company_advisor (email, first_name, last_name, date_joined, sso_email_user_id)
      values (${`${label}@example.test`}, ${label}, 'Adviser', ${options.joined ?? daysAgo(1000)},
              ${options.sso ? `${label}@example.test` : null})
      returning id::text`;
    return id as string;
  };
  const company = async (
    name: string,
    options: { touched?: Date; gu?: string; by?: string } = {},
  ) => {
    const at = options.touched ?? daysAgo(400);
    const [{ id }] = await sql`
      insert into company_company (name, created_on, modified_on, global_ultimate_duns_number, created_by_id)
      values (${name}, ${at}, ${at}, ${options.gu ?? ""}, ${
      options.by ?? null
    }) returning id::text`;
    return id as string;
  };
  const interaction = async (companyId: string, date: Date, participant?: string) => {
    const [{ id }] = await sql`
      insert into interaction_interaction (kind, date, subject, was_policy_feedback_provided, company_id,
                                           created_on, modified_on)
      values ('interaction', ${date}, 'Catch-up', false, ${companyId}, ${date}, ${date})
      returning id::text`;
    if (participant) {
      await sql`insert into interaction_interactionditparticipant (interaction_id, adviser_id)
                values (${id}, ${participant})`;
    }
  };
  const isActive = async (id: string) =>
    (await sql`select is_active from company_advisor where id = ${id}`)[0].is_active;
  const archived = async (table: "company_company" | "company_contact", id: string) =>
    (await sql`select archived, archived_reason from ${sql(table)} where id = ${id}`)[0];

  await t.step("advisers with no trace for two years are deactivated, others kept", async () => {
    const idle = await adviser("idle");
    const participant = await adviser("participant");
    const owner = await adviser("owner");
    const sso = await adviser("sso", { sso: true });
    const newcomer = await adviser("newcomer", { joined: daysAgo(30) });
    const busy = await company("Busy Ltd", { touched: daysAgo(20), by: owner });
    await interaction(busy, daysAgo(100), participant);

    await run("automatic_adviser_deactivate", { simulate: true });
    assert.equal(await isActive(idle), true, "simulate changes nothing");

    await run("automatic_adviser_deactivate");
    assert.equal(await isActive(idle), false);
    for (const kept of [participant, owner, sso, newcomer]) {
      assert.equal(await isActive(kept), true);
    }
    const feed = await sql`select entity from change_feed where entity_id = ${idle}`;
    assert.deepEqual(feed.map((r) => r.entity), ["adviser"]);
  });

  await t.step("company archive waits for the automatic-company-archive feature flag", async () => {
    const dormant = await company("Dormant Ltd");
    await run("automatic_company_archive");
    assert.equal((await archived("company_company", dormant)).archived, false);
  });

  await t.step("inactive companies are archived; recent, busy or grouped ones kept", async () => {
    await sql`insert into feature_flag_featureflag (code, is_active) values ('automatic-company-archive', true)`;
    const dormant = await company("Sleepy Ltd");
    const recent = await company("Recent Ltd", { touched: daysAgo(30) });
    const busy = await company("Busy Two Ltd");
    await interaction(busy, daysAgo(365 * 4));
    const stale = await company("Stale Ltd");
    await interaction(stale, daysAgo(365 * 6));
    const groupDormant = await company("Group Dormant", { gu: "123456789" });
    await company("Group Active", { gu: "123456789", touched: daysAgo(10) });
    const groupA = await company("Pair A", { gu: "987654321" });
    const groupB = await company("Pair B", { gu: "987654321" });

    await run("automatic_company_archive", { simulate: true });
    assert.equal((await archived("company_company", dormant)).archived, false);

    await run("automatic_company_archive");
    for (const id of [dormant, stale, groupA, groupB]) {
      assert.deepEqual(await archived("company_company", id), {
        archived: true,
        archived_reason: "This record was automatically archived due to inactivity",
      });
    }
    for (const id of [recent, busy, groupDormant]) {
      assert.equal((await archived("company_company", id)).archived, false);
    }
    const versions =
      await sql`select count(*)::int as n from reversion_version where object_id = ${dormant}`;
    assert.equal(versions[0].n, 1);
  });

  await t.step("contacts of archived companies are archived, naming the company", async () => {
    const gone = await company("Gone Ltd");
    const here = await company("Here Ltd", { touched: daysAgo(1) });
    await sql`update company_company set archived = true where id = ${gone}`;
    const [{ id: orphan }] = await sql`
      insert into company_contact (first_name, last_name, company_id, "primary", email)
      values ('Olive', 'Orphan', ${gone}, true, 'olive@example.test') returning id::text`;
    const [{ id: kept }] = await sql`
      insert into company_contact (first_name, last_name, company_id, "primary", email)
      values ('Kit', 'Kept', ${here}, true, 'kit@example.test') returning id::text`;
    await run("automatic_contact_archive");
    assert.deepEqual(await archived("company_contact", orphan), {
      archived: true,
      archived_reason:
        'Record was automatically archived due to the company "Gone Ltd" being archived',
    });
    assert.equal((await archived("company_contact", kept)).archived, false);
  });

  await t.step("each runs nightly at 19:00 behind the original's ENABLE_* flag", () => {
    for (
      const [name, flag] of [
        ["automatic_company_archive", "ENABLE_AUTOMATIC_COMPANY_ARCHIVE"],
        ["automatic_contact_archive", "ENABLE_AUTOMATIC_CONTACT_ARCHIVE"],
        ["automatic_adviser_deactivate", "ENABLE_ADVISER_DEACTIVATION"],
      ]
    ) {
      const entry = schedules.find((s) => s.name === name)!;
      assert.equal(entry.cron, "0 19 * * *");
      assert.equal(entry.enabledBy, flag);
      assert.deepEqual(entry.payload, { limit: 20000, simulate: false });
    }
  });

  await ctx.close();
});

import assert from "node:assert/strict";
import { createAdviser, testApp } from "../helpers/app.ts";
import { dnbEnv, SEARCH, startDnbService, ukRecord, UPDATES } from "../helpers/dnb_service.ts";
import { registry } from "../../src/domains.ts";
import type { Logger } from "../../src/log.ts";
import type { AppDeps } from "../../src/deps.ts";
import type { Runtime } from "../../src/runtime.ts";
import { getCompanyUpdates, syncOutdatedCompanies } from "../../src/dnb/jobs.ts";
import { DnbServiceError } from "../../src/dnb/client.ts";
import { updateCompaniesFromDnbCommand } from "../../src/dnb/commands.ts";

const NOW = new Date("2019-01-02T02:00:00Z");
const EARLIER = new Date("2018-06-01T00:00:00Z");

/** A logger that keeps what it is told. */
function memoryLogger() {
  const lines: { level: string; event: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (event: string, fields?: Record<string, unknown>) =>
    void lines.push({ level, event, fields });
  const log: Logger = {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
  };
  return { log, lines };
}

Deno.test("D&B schedules: nightly updates always, the hierarchy back-fill behind its flag", () => {
  const byName = new Map(registry.schedules.map((s) => [s.name, s]));
  const updates = byName.get("dnb_get_company_updates")!;
  assert.equal(updates.cron, "0 0 * * *");
  assert.equal(updates.enabledBy, undefined);
  assert.equal(updates.job.queue, "long-running");
  const rollout = byName.get("dnb_hierarchy_rollout")!;
  assert.equal(rollout.cron, "0 1 * * *");
  assert.equal(rollout.enabledBy, "ENABLE_DAILY_HIERARCHY_ROLLOUT");
  assert.deepEqual(rollout.payload, {
    dnb_modified_on_before: "2019-10-24T23:59:59Z",
    fields_to_update: ["global_ultimate_duns_number"],
    simulate: false,
  });
  assert.ok(registry.commands["update-companies-from-dnb-service"]);
});

Deno.test("nightly D&B updates from dnb-service's feed", async (t) => {
  const dnb = startDnbService();
  const memory = memoryLogger();
  const ctx = await testApp({ env: dnbEnv(dnb), deps: { now: () => NOW, log: memory.log } });
  const { sql } = ctx;
  const adviser = await createAdviser(sql, {});
  const company = async (name: string, duns: string) => {
    const [{ id }] = await sql`insert into company_company (name, duns_number, modified_on,
      modified_by_id, pending_dnb_investigation, global_ultimate_duns_number)
      values (${name}, ${duns}, ${EARLIER}, ${adviser.id}, true, '') returning id::text`;
    return id as string;
  };
  const a = await company("Old A", "123456789");
  const b = await company("Old B", "222222222");
  const row = async (id: string) =>
    (await sql`select name, global_ultimate_duns_number as gu, modified_on, modified_by_id::text,
      dnb_modified_on, pending_dnb_investigation as pending, company_number
      from company_company where id = ${id}`)[0];
  const versions = async (id: string) =>
    (await sql`select r.comment, r.user_id from reversion_version v
      join reversion_revision r on r.id = v.revision_id where v.object_id = ${id} order by v.id`)
      .map((v) => ({ ...v }));
  const feed = (pages: Record<string, unknown>[]) =>
    dnb.on(UPDATES, ({ query }) => Response.json(pages[query.get("cursor") ? 1 : 0]));
  const pages = [
    {
      next: `${dnb.url}companies/?cursor=page2`,
      previous: null,
      results: [ukRecord(), ukRecord({ duns_number: "999999999" })],
    },
    {
      next: null,
      previous: null,
      results: [
        ukRecord({ duns_number: "222222222", primary_name: "New B", address_country: "XX" }),
      ],
    },
  ];
  const job = registry.schedules.find((s) => s.name === "dnb_get_company_updates")!;

  await t.step("the scheduled run: every page, each company versioned and re-indexed", async () => {
    feed(pages);
    await ctx.deps.jobs.enqueue(job.job, job.payload);
    await ctx.deps.jobs.idle();
    const calls = dnb.seen(UPDATES);
    assert.equal(calls.length, 2);
    assert.equal(calls[0].query.get("last_updated_after"), "2019-01-01T00:00:00");
    assert.equal(calls[1].query.get("cursor"), "page2");

    const updated = await row(a);
    assert.equal(updated.name, "FOO BICYCLE LIMITED");
    assert.equal(updated.gu, "291332174");
    assert.equal(updated.company_number, "01261539");
    assert.equal(updated.pending, false);
    assert.equal(updated.dnb_modified_on.toISOString(), NOW.toISOString());
    assert.equal(updated.modified_on.toISOString(), EARLIER.toISOString(), "not a user's change");
    assert.equal(updated.modified_by_id, adviser.id);
    assert.deepEqual(await versions(a), [{
      comment: "Updated from D&B [rq:get_company_updates:2019-01-02 02:00:00+00:00]",
      user_id: null,
    }]);
    // The write left its change-feed row; the search sync (every minute) indexes it.
    const fed = await sql`select entity from change_feed where entity_id = ${a}`;
    assert.deepEqual(fed.map((r) => r.entity), ["company"]);
    const sync = registry.schedules.find((s) => s.name === "search_sync_changes")!;
    await ctx.deps.jobs.enqueue(sync.job, sync.payload);
    await ctx.deps.jobs.idle();
    const [doc] = await sql`select doc->>'name' as name from search_company
      where id = ${a}`;
    assert.equal(doc.name, "FOO BICYCLE LIMITED");

    assert.equal((await row(b)).name, "Old B", "a record Data Hub cannot take is a failure");
    assert.deepEqual(await versions(b), []);
    const audit = memory.lines.find((l) => l.event === "get_company_updates task completed.");
    assert.deepEqual(audit?.fields, {
      success_count: 1,
      failure_count: 2,
      job_count: 3,
      start_time: "2019-01-02T02:00:00+00:00",
      end_time: "2019-01-02T02:00:00+00:00",
    });
    assert.ok(
      memory.lines.some((l) =>
        l.event ===
          "datahub.dnb_api.tasks.update.get_company_updates updated: 1; failed to update: 2"
      ),
    );
    assert.ok(memory.lines.some((l) => l.event === "Company matching duns_number was not found"));
    assert.ok(
      memory.lines.some((l) =>
        l.event === "Data from D&B did not pass the Data Hub validation checks."
      ),
    );
  });

  await t.step("only the fields asked for; the limit stops the run early", async () => {
    await sql`update company_company set name = 'Old A', global_ultimate_duns_number = ''
      where id = ${a}`;
    feed(pages);
    const before = dnb.seen(UPDATES).length;
    const limited: AppDeps = {
      ...ctx.deps,
      config: { ...ctx.deps.config, DNB_AUTOMATIC_UPDATE_LIMIT: 1 },
    };
    const audit = await getCompanyUpdates(limited, {
      lastUpdatedAfter: "2019-11-11T12:00:00",
      fields: ["name"],
    });
    assert.deepEqual([audit.success_count, audit.failure_count, audit.job_count], [1, 0, 1]);
    assert.equal(dnb.seen(UPDATES).length, before + 1, "the second page is not read");
    assert.equal(
      dnb.seen(UPDATES).slice(-1)[0].query.get("last_updated_after"),
      "2019-11-11T12:00:00",
    );
    const updated = await row(a);
    assert.deepEqual([updated.name, updated.gu], ["FOO BICYCLE LIMITED", ""]);
  });

  await t.step("a failing feed fails the run (the job's retries take over)", async () => {
    dnb.status(UPDATES, 500);
    await assert.rejects(() => getCompanyUpdates(ctx.deps), DnbServiceError);
  });

  await t.step("the command queues a run with its time and fields", async () => {
    feed([{ next: null, results: [ukRecord({ primary_name: "From The Command" })] }]);
    const runtime = {
      config: ctx.deps.config,
      log: ctx.deps.log,
      db: { sql, embedded: false, close: () => Promise.resolve() },
      deps: ctx.deps,
      close: () => ctx.deps.jobs.idle(),
    } satisfies Runtime;
    const code = await updateCompaniesFromDnbCommand.run(
      ["2019-11-11T12:00:00", "--fields", "name", "-f", "company_number"],
      { openRuntime: () => Promise.resolve(runtime) },
    );
    assert.equal(code, 0);
    assert.equal(
      dnb.seen(UPDATES).slice(-1)[0].query.get("last_updated_after"),
      "2019-11-11T12:00:00",
    );
    assert.equal((await row(a)).name, "From The Command");
    const bad = await updateCompaniesFromDnbCommand.run(["yesterday"], {
      openRuntime: () => Promise.reject(new Error("not opened")),
    });
    assert.equal(bad, 2);
    const badField = await updateCompaniesFromDnbCommand.run(["2019-11-11", "-f", "website"], {
      openRuntime: () => Promise.reject(new Error("not opened")),
    });
    assert.equal(badField, 2);
  });

  await ctx.close();
  await dnb.close();
});

Deno.test("the D&B hierarchy back-fill: outdated companies, most recently active first", async (t) => {
  const dnb = startDnbService();
  const ctx = await testApp({ env: dnbEnv(dnb), deps: { now: () => NOW } });
  const { sql } = ctx;
  const company = async (name: string, duns: string, refreshed: Date | null) => {
    const [{ id }] = await sql`insert into company_company (name, duns_number, dnb_modified_on)
      values (${name}, ${duns}, ${refreshed}) returning id::text`;
    return id as string;
  };
  const quiet = await company("Quiet", "111111111", null);
  const active = await company("Active", "333333333", new Date("2019-01-01T00:00:00Z"));
  const fresh = await company("Fresh", "444444444", new Date("2020-01-01T00:00:00Z"));
  await sql`insert into interaction_interaction (kind, date, subject, was_policy_feedback_provided,
    company_id, created_on, modified_on)
    values ('interaction', '2019-01-01T00:00:00Z', 'Call', false, ${active}, now(), now())`;
  dnb.on(SEARCH, ({ body }) =>
    Response.json({
      results: [ukRecord({
        duns_number: (body as { duns_number: string }).duns_number,
        global_ultimate_duns_number: "999999999",
      })],
    }));
  const gu = async (id: string) =>
    (await sql`select name, global_ultimate_duns_number as gu from company_company
      where id = ${id}`)[0];
  const options = {
    before: new Date("2019-10-24T23:59:59Z"),
    fields: ["global_ultimate_duns_number"] as const,
  };

  await t.step("a simulation changes nothing", async () => {
    const result = await syncOutdatedCompanies(ctx.deps, { ...options, limit: 10, simulate: true });
    assert.deepEqual(result, { synced: 0, failed: 0 });
    assert.equal(dnb.seen(SEARCH).length, 0);
  });

  await t.step("the limit takes the most recently interacted with first", async () => {
    const result = await syncOutdatedCompanies(ctx.deps, { ...options, limit: 1, simulate: false });
    assert.deepEqual(result, { synced: 1, failed: 0 });
    assert.deepEqual({ ...(await gu(active)) }, { name: "Active", gu: "999999999" });
    assert.deepEqual({ ...(await gu(quiet)) }, { name: "Quiet", gu: "" });
    const [version] = await sql`select r.comment from reversion_version v
      join reversion_revision r on r.id = v.revision_id where v.object_id = ${active}`;
    assert.equal(
      version.comment,
      `Updated from D&B [rq:sync_outdated_companies_with_dnb:${active}]`,
    );
  });

  await t.step("the scheduled job: the rest, never the fresh ones", async () => {
    const rollout = registry.schedules.find((s) => s.name === "dnb_hierarchy_rollout")!;
    await ctx.deps.jobs.enqueue(rollout.job, rollout.payload);
    await ctx.deps.jobs.idle();
    assert.equal((await gu(quiet)).gu, "999999999");
    assert.equal((await gu(fresh)).gu, "");
  });

  await ctx.close();
  await dnb.close();
});

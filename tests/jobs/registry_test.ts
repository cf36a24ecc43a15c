import assert from "node:assert/strict";
import { Cron } from "croner";
import { registry } from "../../src/domains.ts";

const { jobs, schedules } = registry;
import { queueHealthCheck } from "../../src/jobs/heartbeat.ts";
import { testApp } from "../helpers/app.ts";
import { recordingLogger } from "./support.ts";

Deno.test("registry: schedules parse, name registered jobs, and the heartbeat runs", async (t) => {
  await t.step("every schedule has a valid UTC cron and a registered job", () => {
    for (const s of schedules) {
      assert.ok(new Cron(s.cron, { timezone: "UTC" }).nextRun(), s.name);
      assert.ok(jobs.includes(s.job), `${s.name}: ${s.job.name} is registered`);
    }
    assert.equal(new Set(jobs.map((j) => j.name)).size, jobs.length);
  });

  await t.step("the queue heartbeat runs every 10 minutes and logs a line", async () => {
    const heartbeat = schedules.find((s) => s.job === queueHealthCheck)!;
    assert.equal(heartbeat.cron, "*/10 * * * *");
    const log = recordingLogger();
    const ctx = await testApp({ deps: { log } });
    await ctx.deps.jobs.enqueue(queueHealthCheck, {});
    await ctx.deps.jobs.idle();
    assert.ok(log.lines.some((l) => l.event === "queue health check" && l.mode === "inline"));
    assert.ok(log.lines.some((l) => l.event === "job" && l.outcome === "done"));
    await ctx.close();
  });
});

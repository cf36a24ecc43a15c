/**
 * The worker's wiring (worker.ts: the registry, never the HTTP app) re-indexes the
 * documents that embed what a job writes: embeddings come from the manifests, not from
 * modules the HTTP app happens to import.
 */
import assert from "node:assert/strict";
import { freshDatabase } from "../helpers/db.ts";
import { denoCommand, ROOT } from "../helpers/process.ts";

async function moduleGraph(entry: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: ROOT,
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout));
  return info.modules.map((m: { specifier: string }) => m.specifier);
}

Deno.test("worker wiring without the HTTP app", async (t) => {
  await t.step("worker.ts and the fixture import neither the app factory nor serve", async () => {
    for (const entry of ["worker.ts", "tests/jobs/fixtures/run_job.ts"]) {
      const modules = await moduleGraph(entry);
      assert.ok(modules.some((m) => m.endsWith("/src/domains.ts")), entry);
      for (const forbidden of ["/src/http/app.ts", "/src/server.ts", "/src/cli/commands.ts"]) {
        assert.ok(!modules.some((m) => m.endsWith(forbidden)), `${entry} imports ${forbidden}`);
      }
    }
  });

  await t.step("a contact archived by the nightly job re-indexes its interactions", async () => {
    const db = await freshDatabase();
    // An in-memory embedded database cannot be reached from another process.
    if (db.embedded) return await db.close();
    try {
      const sql = db.sql;
      const [{ id: company }] = await sql`
        insert into company_company (name, archived, archived_on, created_on, modified_on)
        values ('Gone Ltd', true, now(), now(), now()) returning id::text`;
      const [{ id: contact }] = await sql`
        insert into company_contact (first_name, last_name, company_id, "primary", email)
        values ('Ann', 'Lee', ${company}, true, 'ann@example.test') returning id::text`;
      const [{ id: interaction }] = await sql`
        insert into interaction_interaction (kind, date, subject, was_policy_feedback_provided,
                                             company_id, created_on, modified_on)
        values ('interaction', now(), 'Catch-up', false, ${company}, now(), now())
        returning id::text`;
      await sql`insert into interaction_interaction_contacts (interaction_id, contact_id)
                values (${interaction}, ${contact})`;
      await sql`delete from change_feed`;

      const out = await denoCommand("tests/jobs/fixtures/run_job.ts", [
        "automatic_contact_archive",
      ], { env: { DATABASE_URL: db.url } }).output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));

      const feed = await sql<{ entity: string; entity_id: string }[]>`
        select entity, entity_id::text from change_feed order by id`;
      assert.deepEqual(
        feed.map((r) => `${r.entity}:${r.entity_id}`),
        [`contact:${contact}`, `interaction:${interaction}`],
      );
    } finally {
      await db.close();
    }
  });
});

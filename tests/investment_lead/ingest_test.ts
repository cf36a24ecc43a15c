/**
 * Expand Your Business ingestion against s3rver as Data Flow's bucket: the hourly triage
 * identification chains the user and marketing components, records build one lead by
 * hashed uuid, bad records are skipped, an object is ingested once, and complete leads
 * are linked to a company (by DUNS number, else a new one) and a contact.
 */
import assert from "node:assert/strict";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { testApp } from "../helpers/app.ts";
import { startS3 } from "../helpers/s3.ts";
import { EYB_PREFIXES, eybIdentification } from "../../src/investment_lead/jobs.ts";
import { pythonTitle } from "../../src/investment_lead/ingest_rules.ts";

const BUCKET = "data-flow-bucket-test";
const UK = "80756b9a-5d95-e211-a939-e4115bead28a";

const gzip = async (text: string) =>
  new Uint8Array(
    await new Response(
      new Blob([text]).stream().pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer(),
  );

Deno.test("pythonTitle capitalises each run of letters", () => {
  assert.equal(pythonTitle("north_east"), "North_East");
  assert.equal(pythonTitle("YORKSHIRE and humber"), "Yorkshire And Humber");
});

Deno.test("EYB ingestion from Data Flow's bucket", async (t) => {
  const s3 = await startS3([BUCKET]);
  const ctx = await testApp({ env: { ...s3.env, ENVIRONMENT: "test" } });
  const { sql, deps } = ctx;
  try {
    const [sector] = await sql<{ id: string; segment: string }[]>`
      select id, segment from metadata_sector where level = 0 order by tree_id limit 1`;
    const [region] = await sql<{ id: string; name: string }[]>`
      select id, name from metadata_ukregion where name = 'North East'`;
    const [existing] = await sql<{ id: string }[]>`
      insert into company_company (name, duns_number, created_on)
      values ('Known Ltd', '111111111', now()) returning id`;
    const put = async (key: string, lines: unknown[], gz = true) => {
      const text = lines.map((l) => JSON.stringify(l)).join("\n") + "\n";
      await s3.client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: key,
          Body: gz ? await gzip(text) : text,
        }),
      );
    };
    const triage = (hashedUuid: string, extra: Record<string, unknown> = {}) => ({
      object: {
        hashedUuid,
        created: "2024-01-01T10:00:00Z",
        modified: "2024-01-01T10:00:00Z",
        sector: sector.segment,
        intent: ["set_up_new_premises"],
        location: "NORTH EAST",
        hiring: "1-5",
        spend: "500000-1000000",
        isHighValue: false,
        ...extra,
      },
    });
    const user = (hashedUuid: string, extra: Record<string, unknown> = {}) => ({
      object: {
        hashedUuid,
        created: "2024-01-01T10:05:00Z",
        modified: "2024-01-01T10:05:00Z",
        companyName: `Company ${hashedUuid}`,
        addressLine1: "1 Main Street",
        town: "Paris",
        companyLocation: "gb",
        email: `${hashedUuid}@example.test`,
        fullName: "",
        role: "CEO",
        telephoneNumber: "+44 1234",
        agreeTerms: true,
        ...extra,
      },
    });
    const run = async () => {
      await deps.jobs.enqueue(eybIdentification, { component: "triage" });
      await deps.jobs.idle();
    };

    await t.step("triage, user and marketing objects make leads", async () => {
      await put(`${EYB_PREFIXES.triage}2024-01-01/triage.jsonl.gz`, [
        triage("aaa"),
        triage("bbb"),
        triage("bad", { sector: "No such sector" }),
      ]);
      await put(`${EYB_PREFIXES.user}2024-01-01/user.jsonl.gz`, [
        user("aaa"),
        user("bbb", { dunsNumber: "111111111", email: "BBB@example.test" }),
        user("ccc", { companyLocation: "XX" }),
      ]);
      await put(`${EYB_PREFIXES.marketing}2024-01-01/marketing.jsonl`, [
        { hashed_uuid: "aaa", name: "campaign", source: "google", medium: null },
      ], false);
      await sql`insert into company_contact (company_id, first_name, last_name, email, "primary")
        values (${existing.id}, 'B', 'B', 'bbb@example.test', true)`;
      await run();

      const leads = await sql`
        select triage_hashed_uuid, user_hashed_uuid, marketing_hashed_uuid, sector_id,
          to_json(sector_segments) as sector_segments, intent, proposed_investment_region_id, full_name, address_country_id,
          utm_name, utm_medium, company_id, duns_number
        from investment_lead_eyblead order by triage_hashed_uuid`;
      assert.equal(leads.length, 2, "the bad triage and user records are skipped");
      const [a, b] = leads;
      assert.equal(a.triage_hashed_uuid, "aaa");
      assert.equal(a.user_hashed_uuid, "aaa");
      assert.equal(a.marketing_hashed_uuid, "aaa");
      assert.equal(a.sector_id, sector.id);
      assert.deepEqual(a.sector_segments, [sector.segment, null, null]);
      assert.deepEqual(a.intent, ["set_up_new_premises"]);
      assert.equal(a.proposed_investment_region_id, region.id);
      assert.equal(a.full_name, "Not set");
      assert.equal(a.address_country_id, UK);
      assert.equal(a.utm_name, "campaign");
      assert.equal(a.utm_medium, "");
      assert.equal(b.duns_number, "111111111");

      // Linked: a new company for `aaa` (with its contact), the known one for `bbb`.
      const [company] = await sql`
        select name, source, address_country_id, sector_id from company_company
        where id = ${a.company_id}`;
      assert.deepEqual({ ...company }, {
        name: "Company aaa",
        source: "eyb",
        address_country_id: UK,
        sector_id: sector.id,
      });
      const contacts = await sql`select first_name, last_name, job_title, source, "primary"
        from company_contact where company_id = ${a.company_id}`;
      assert.deepEqual(contacts.map((c) => ({ ...c })), [{
        first_name: "Not set",
        last_name: "Not set",
        job_title: "CEO",
        source: "eyb",
        primary: true,
      }]);
      assert.equal(b.company_id, existing.id);
      const [{ n }] = await sql<{ n: number }[]>`
        select count(*)::int as n from company_contact where company_id = ${existing.id}`;
      assert.equal(n, 1, "a contact with that e-mail already exists");
      const versions = await sql`select 1 from reversion_version
        where entity = 'eyb_lead'`;
      assert.ok(versions.length >= 2, "each write leaves a version");
      const ingested = await sql`select object_key from ingest_ingestedobject order by object_key`;
      assert.equal(ingested.length, 3);
    });

    await t.step("an object is ingested once; newer records update their lead", async () => {
      await run();
      assert.equal((await sql`select 1 from ingest_ingestedobject`).length, 3);
      await put(`${EYB_PREFIXES.triage}2024-01-02/triage.jsonl.gz`, [
        triage("aaa", { modified: "2999-01-01T00:00:00Z", spend: "1000000+" }),
        // Unchanged since the last object: skipped.
        triage("bbb", { spend: "changed" }),
      ]);
      await run();
      const spends = await sql`select triage_hashed_uuid, spend from investment_lead_eyblead
        order by triage_hashed_uuid`;
      assert.deepEqual(spends.map((r) => ({ ...r })), [
        { triage_hashed_uuid: "aaa", spend: "1000000+" },
        { triage_hashed_uuid: "bbb", spend: "500000-1000000" },
      ]);
      assert.equal((await sql`select 1 from ingest_ingestedobject`).length, 4);
    });
  } finally {
    await ctx.close();
    await s3.close();
  }
});

/**
 * great.gov.uk export enquiries (the original's ingest_great_data) from the data-flow
 * bucket on a real S3-protocol server: the hourly identification, the form's mapping, the
 * company and contact matching or creation, and the enquiry's activity in the timeline.
 */
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { testApp } from "../helpers/app.ts";
import { startS3 } from "../helpers/s3.ts";
import type { Logger } from "../../src/log.ts";
import { registry } from "../../src/domains.ts";
import {
  employeeRangeName,
  GREAT_PREFIX,
  greatIdentificationJob,
  registrationNumber,
  yesNo,
} from "../../src/company_activity/great.ts";

const BUCKET = "data-flow-bucket-test";
const LONG = "x".repeat(300);

Deno.test("great.gov.uk form values", () => {
  assert.equal(registrationNumber("123"), "123");
  assert.equal(registrationNumber(994349), "994349");
  assert.equal(registrationNumber(LONG), null);
  assert.equal(registrationNumber(""), "");
  assert.equal(employeeRangeName("50-249"), "50 to 249");
  assert.equal(employeeRangeName("500plus"), "500+");
  assert.equal(employeeRangeName(""), null);
  assert.equal(yesNo(" Yes "), true);
  assert.equal(yesNo("no"), false);
  assert.equal(yesNo(""), null);
  assert.equal(yesNo(null), null);
});

Deno.test("great.gov.uk export enquiries: ingestion", async (t) => {
  const s3 = await startS3([BUCKET]);
  const logs: string[] = [];
  const keep = (event: string) => void logs.push(event);
  const log: Logger = { debug: keep, info: keep, warn: keep, error: keep };
  const ctx = await testApp({ env: { ...s3.env, ENVIRONMENT: "test" }, deps: { log } });
  try {
    const { sql, deps } = ctx;
    const put = async (name: string, records: unknown[]) => {
      const key = `${GREAT_PREFIX}${name}`;
      const body = gzipSync(records.map((r) => JSON.stringify(r)).join("\n"));
      await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
      return key;
    };
    const identify = async () => {
      await deps.jobs.enqueue(greatIdentificationJob, {});
      await deps.jobs.idle();
    };
    const enquiry = async (formId: number) =>
      (await sql`select e.*, e.company_id::text, e.contact_id::text,
          (select array_agg(c.iso_alpha2_code order by c.iso_alpha2_code)
            from company_activity_greatexportenquiry_data_markets m
            join metadata_country c on c.id = m.country_id
            where m.greatexportenquiry_id = e.id) as markets,
          (select segment from metadata_sector where id = e.data_sector_primary_id) as primary,
          (select iso_alpha2_code from metadata_country where id = e.meta_sender_country_id)
            as sender_country
        from company_activity_greatexportenquiry e where form_id = ${formId}`)[0];
    const [{ id: numbered }] = await sql<{ id: string }[]>`
      insert into company_company (name, company_number, created_on)
      values ('Numbered Ltd', '123', now()) returning id::text`;
    const [{ id: named }] = await sql<{ id: string }[]>`
      insert into company_company (name, created_on) values ('Named Ltd', now())
      returning id::text`;
    const [{ id: viaContact }] = await sql<{ id: string }[]>`
      insert into company_company (name, created_on) values ('Contact Co', now())
      returning id::text`;
    const [{ id: knownContact }] = await sql<{ id: string }[]>`
      insert into company_contact (first_name, last_name, company_id, "primary", email,
        full_telephone_number)
      values ('Kim', 'Known', ${viaContact}, true, 'kim@known.test', '0123')
      returning id::text`;

    await t.step(
      "an hourly schedule, as the original's company_activity_identification_task",
      () => {
        const entry = registry.schedules.find((s) => s.job === greatIdentificationJob);
        assert.equal(entry?.name, "company_activity_identification_task");
        assert.equal(entry?.cron, "0 * * * *");
      },
    );

    await put("20240901T000000.jsonl.gz", [{ id: "1", created_at: "2024-09-01T00:00:00" }]);
    const newest = await put("20240920T000000.jsonl.gz", [
      {
        id: "5249",
        created_at: "2024-09-19T14:00:34.069",
        url: "https://great.gov.uk/contact/",
        submission_type: "email",
        submission_action: "zendesk",
        meta: {
          sender: { country_code: "ZZ" },
          subject: "Export enquiry",
          full_name: "Ada Babbage",
          email_address: "ada@example.test",
        },
        data: {
          company_registration_number: "",
          business_name: "Some non-existent business",
          type: "privatelimitedcompany",
          number_of_employees: "50-249",
          business_postcode: "SW1A 1AA",
          first_name: "Ada",
          last_name: "Babbage",
          uk_telephone_number: "07900000000",
          email: "ada@example.test",
          job_title: "Director",
          enquiry: "Where can we sell?",
          markets: ["AR", "ZP", "GB", "notspecificcountry"],
          sector_primary: "Aerospace",
          sector_secondary: "Not a sector",
          received_support: "yes",
          contacted_gov_departments: "no",
          help_us_further: null,
        },
        actor: {
          id: "dit:directoryFormsApi:Sender:42",
          type: "dit:directoryFormsApi:Sender",
          "dit:emailAddress": "ada@example.test",
          "dit:isBlacklisted": false,
          "dit:isWhitelisted": true,
          "dit:blackListedReason": null,
        },
      },
      {
        id: "5250",
        created_at: "2024-09-19T14:00:34.069",
        data: { company_registration_number: 123 },
      },
      { id: "5251", created_at: "2024-09-19T14:00:34.069", data: { business_name: "Named Ltd" } },
      {
        id: "5252",
        created_at: "2024-09-19T14:00:34.069",
        data: {
          business_name: "Unknown name",
          first_name: "Kim",
          last_name: "Known",
          email: "kim@known.test",
        },
      },
      {
        id: "5253",
        created_at: "2024-09-19T14:00:34.069+01:00",
        url: LONG,
        meta: { subject: LONG },
        data: {
          company_registration_number: LONG,
          business_name: "Long Ltd",
          product_or_service_1: LONG,
          first_name: null,
          last_name: null,
          email: "withheld@example.test",
        },
      },
    ]);
    // Uploaded last, but its key sorts first: not the newest.
    await put("20240801T000000.jsonl.gz", [{ id: "2", created_at: "2024-08-01T00:00:00" }]);

    await t.step("the file whose key sorts last is ingested", async () => {
      await identify();
      const ingested = await sql`select object_key from ingest_ingestedobject`;
      assert.deepEqual(ingested.map((r) => r.object_key), [newest]);
      const forms = await sql`select form_id from company_activity_greatexportenquiry
        order by form_id`;
      assert.deepEqual(forms.map((r) => r.form_id), [5249, 5250, 5251, 5252, 5253]);
    });

    await t.step("an unmatched company is created in the UK, with its contact", async () => {
      const e = await enquiry(5249);
      const [company] = await sql`select c.name, c.source, c.company_number,
          c.address_postcode, k.iso_alpha2_code as country, b.name as business_type,
          r.name as employee_range
        from company_company c join metadata_country k on k.id = c.address_country_id
        left join metadata_businesstype b on b.id = c.business_type_id
        left join metadata_employeerange r on r.id = c.employee_range_id
        where c.id = ${e.company_id}`;
      assert.deepEqual({ ...company }, {
        name: "Some non-existent business",
        source: "great",
        company_number: "",
        address_postcode: "SW1A 1AA",
        country: "GB",
        business_type: "Private limited company",
        employee_range: "50 to 249",
      });
      const contacts = await sql`select id::text, first_name, last_name, email,
          full_telephone_number, job_title, "primary", source
        from company_contact where company_id = ${e.company_id}`;
      assert.deepEqual(contacts.map((c) => ({ ...c })), [{
        id: e.contact_id,
        first_name: "Ada",
        last_name: "Babbage",
        email: "ada@example.test",
        full_telephone_number: "07900000000",
        job_title: "Director",
        primary: true,
        source: "great",
      }]);
      assert.ok(logs.includes(
        "Could not match company for Great Export Enquiry: 5249." +
          `Created new company with id: ${e.company_id}.`,
      ));
    });

    await t.step("the form's fields", async () => {
      const e = await enquiry(5249);
      assert.equal(e.form_created_at.toISOString(), "2024-09-19T14:00:34.069Z");
      assert.equal(e.url, "https://great.gov.uk/contact/");
      assert.equal(e.meta_subject, "Export enquiry");
      assert.equal(e.meta_full_name, "Ada Babbage");
      assert.equal(e.data_enquiry, "Where can we sell?");
      assert.equal(e.submission_type, "email");
      assert.deepEqual(e.markets, ["AR", "GB"]);
      assert.equal(e.sender_country, null);
      assert.equal(e.primary, "Aerospace");
      assert.equal(e.data_sector_secondary_id, null);
      assert.equal(e.data_received_support, true);
      assert.equal(e.data_contacted_gov_departments, false);
      assert.equal(e.data_help_us_further, null);
      assert.equal(e.actor_id, 42);
      assert.equal(e.actor_type, "Sender");
      assert.equal(e.actor_dit_email_address, "ada@example.test");
      assert.equal(e.actor_dit_is_whitelisted, true);
      assert.equal(e.actor_dit_blacklisted_reason, "");
      for (
        const message of [
          "Could not match country with iso code: ZZ, for form: 5249",
          "Could not match country with iso code: ZP, for form: 5249",
          "Could not match sector: Not a sector, for form: 5249",
        ]
      ) assert.ok(logs.includes(message), message);
    });

    await t.step(
      "companies matched by number, then name, then the one matching contact",
      async () => {
        assert.equal((await enquiry(5250)).company_id, numbered);
        assert.equal((await enquiry(5251)).company_id, named);
        const e = await enquiry(5252);
        assert.equal(e.company_id, viaContact);
        assert.equal(e.contact_id, knownContact);
      },
    );

    await t.step("long values and withheld names", async () => {
      const e = await enquiry(5253);
      assert.equal(e.url.length, 300);
      assert.equal(e.form_created_at.toISOString(), "2024-09-19T13:00:34.069Z");
      const [company] = await sql`select company_number from company_company
        where id = ${e.company_id}`;
      assert.equal(company.company_number, null);
      const [contact] = await sql`select first_name, last_name, email from company_contact
        where id = ${e.contact_id}`;
      assert.deepEqual({ ...contact }, {
        first_name: "",
        last_name: "",
        email: "withheld@example.test",
      });
    });

    await t.step("each enquiry with a company is an activity dated by its form", async () => {
      const rows = await sql`select count(*)::int as n, min(date) as date
        from company_activity_companyactivity a
        join company_activity_greatexportenquiry e on e.id = a.great_export_enquiry_id
        where a.activity_source = 'great_export_enquiry' and a.company_id = e.company_id`;
      assert.equal(rows[0].n, 5);
      assert.equal(rows[0].date.toISOString(), "2024-09-19T13:00:34.069Z");
    });

    await t.step("forms already ingested are skipped", async () => {
      await put("20241001T000000.jsonl.gz", [
        { id: "5249", created_at: "2024-09-19T14:00:34.069" },
        { id: "6000", created_at: "2024-10-01T00:00:00", data: { business_name: "Named Ltd" } },
      ]);
      await identify();
      const [{ n }] = await sql`select count(*)::int as n from company_activity_greatexportenquiry`;
      assert.equal(n, 6);
      await identify();
      assert.ok(logs.includes("great export enquiry file already ingested"));
    });
  } finally {
    await ctx.close();
    await s3.close();
  }
});

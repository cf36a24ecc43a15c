/**
 * Stova attendee ingestion (the original's ingest_stova_attendees) from the data-flow
 * bucket on a real S3-protocol server: each attendee of an ingested Stova event finds or
 * creates its company and contact and gets an interaction for the event; skips and
 * failures are logged with the original's messages and leave nothing behind.
 */
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { testApp } from "../helpers/app.ts";
import { startS3 } from "../helpers/s3.ts";
import type { Logger } from "../../src/log.ts";
import {
  STOVA_EVENT_PREFIX,
  stovaEventIdentificationJob,
} from "../../src/company_activity/jobs.ts";
import {
  STOVA_ATTENDEE_PREFIX,
  stovaAttendeeIdentificationJob,
  stovaAttendeeIngestionJob,
} from "../../src/company_activity/stova_attendees.ts";
import { registry } from "../../src/domains.ts";

const BUCKET = "data-flow-bucket-test";

const event = (id: number, overrides: Record<string, unknown> = {}) => ({
  id,
  name: `Trade show ${id}`,
  description: "",
  location_address1: "1 Fair Street",
  location_city: "Paris",
  country: "France",
  price_type: "net",
  default_language: "en",
  standard_currency: "EUR",
  approval_required: false,
  created_date: "2024-10-01 10:00:00+00:00",
  modified_date: "2024-10-01 10:00:00+00:00",
  start_date: "2024-11-05 09:00:00+00:00",
  end_date: "2024-11-06 17:00:00+00:00",
  ...overrides,
});

const attendee = (id: number, overrides: Record<string, unknown> = {}) => ({
  id,
  event_id: 1234,
  email: `attendee${id}@test.com`,
  first_name: "John",
  last_name: "Smith",
  company_name: "Test Stova Attendee company",
  category: "performance",
  registration_status: "blah",
  created_by: "Jane",
  language: "English",
  created_date: "2024-10-08 10:46:24.978381+00:00",
  modified_date: "2024-10-08 10:46:24.978381+00:00",
  virtual_event_attendance: "yes",
  last_lobby_login: "2024-10-08 10:46:24.978381+00:00",
  attendee_questions: "What is this event for?",
  modified_by: "Jane",
  ...overrides,
});

Deno.test("Stova attendees: ingestion", async (t) => {
  const s3 = await startS3([BUCKET]);
  const logs: string[] = [];
  const keep = (event: string) => void logs.push(event);
  const log: Logger = { debug: keep, info: keep, warn: keep, error: keep };
  const ctx = await testApp({ env: { ...s3.env, ENVIRONMENT: "test" }, deps: { log } });
  try {
    const { sql, deps } = ctx;
    const put = async (key: string, records: unknown[]) => {
      const body = gzipSync(records.map((r) => JSON.stringify(r)).join("\n"));
      await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
      return key;
    };
    const run = async (job: typeof stovaEventIdentificationJob) => {
      await deps.jobs.enqueue(job, {});
      await deps.jobs.idle();
    };
    const count = async (table: string) =>
      (await sql<{ n: number }[]>`select count(*)::int as n from ${sql(table)}`)[0].n;
    await put(`${STOVA_EVENT_PREFIX}events1.jsonl.gz`, [event(1234), event(5678)]);
    await run(stovaEventIdentificationJob);
    const [{ id: existingCompany }] = await sql<{ id: string }[]>`
      insert into company_company (name, created_on) values ('A COMPANY which already exists',
        now()) returning id::text`;
    const [{ id: existingContact }] = await sql<{ id: string }[]>`
      insert into company_contact (first_name, last_name, company_id, "primary", email)
      values ('Ex', 'Isting', ${existingCompany}, true, 'existing_contact@dbt.com')
      returning id::text`;
    const companiesBefore = await count("company_company");

    const first = await put(`${STOVA_ATTENDEE_PREFIX}attendees1.jsonl.gz`, [
      attendee(2367),
      attendee(2368, { event_id: 9999 }), // no such event: skipped
      attendee(2369, { email: null }), // a required field missing: skipped
      attendee(2370, {
        company_name: "a company which Already EXISTS",
        email: "Existing_CONTACT@dbt.com",
        event_id: 5678,
      }),
      attendee(2371, { company_name: "Broken dates Ltd", created_date: "Error as not date" }),
      attendee(2367, { email: "again@test.com", company_name: "Duplicate Ltd" }), // id twice
      attendee(2372, { company_name: "test stova attendee COMPANY" }),
    ]);

    await t.step("the newest file is ingested, attendees of known events only", async () => {
      await run(stovaAttendeeIdentificationJob);
      const rows = await sql<{ stova_attendee_id: number }[]>`
        select stova_attendee_id from company_activity_stovaattendee order by 1`;
      assert.deepEqual(rows.map((r) => r.stova_attendee_id), [2367, 2370, 2372]);
      const ingested = await sql`select object_key from ingest_ingestedobject
        where object_key like ${STOVA_ATTENDEE_PREFIX + "%"}`;
      assert.deepEqual(ingested.map((r) => r.object_key), [first]);
      for (
        const message of [
          "The event associated with this attendee does not exist, skipping attendee with " +
          "attendee_id 2368 and event_id 9999",
          "Stova Attendee with id 2369 does not have required field email. This stova " +
          "attendee will not be processed into Data Hub.",
        ]
      ) assert.ok(logs.includes(message), message);
      assert.ok(logs.some((l) =>
        l.startsWith(
          "Got unexpected value for a field when processing Stova attendee record, " +
            "stova_attendee_id: 2371. Error:",
        )
      ));
      assert.ok(
        logs.some((l) =>
          l.startsWith("Error processing Stova attendee record, stova_attendee_id: 2367. Error:")
        ),
      );
    });

    await t.step("a failed attendee leaves nothing behind", async () => {
      // One new company: the attendees' (2367 and 2372 share it, any case).
      assert.equal(await count("company_company"), companiesBefore + 1);
      const names = await sql`select name from company_company
        where name in ('Broken dates Ltd', 'Duplicate Ltd')`;
      assert.equal(names.length, 0);
      const contacts = await sql`select 1 from company_contact where email = 'again@test.com'`;
      assert.equal(contacts.length, 0);
    });

    await t.step("companies and contacts are matched ignoring case, or created", async () => {
      const rows = await sql<
        { id: number; company_id: string; contact_id: string; stova_event_id: number }[]
      >`select stova_attendee_id as id, company_id::text, contact_id::text, stova_event_id
        from company_activity_stovaattendee order by 1`;
      const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
      assert.equal(byId[2370].company_id, existingCompany);
      assert.equal(byId[2370].contact_id, existingContact);
      assert.equal(byId[2370].stova_event_id, 5678);
      assert.equal(byId[2372].company_id, byId[2367].company_id);
      assert.notEqual(byId[2372].contact_id, byId[2367].contact_id);
      const [company] = await sql`select c.name, c.source, k.name as country
        from company_company c join metadata_country k on k.id = c.address_country_id
        where c.id = ${byId[2367].company_id}`;
      assert.deepEqual({ ...company }, {
        name: "Test Stova Attendee company",
        source: "Stova",
        country: "France",
      });
      const [contact] = await sql`select first_name, last_name, email, "primary", source
        from company_contact where id = ${byId[2367].contact_id}`;
      assert.deepEqual({ ...contact }, {
        first_name: "John",
        last_name: "Smith",
        email: "attendee2367@test.com",
        primary: true,
        source: "Stova",
      });
      const [saved] = await sql`select a.category, a.registration_status, a.created_by,
          a.language, a.virtual_event_attendance, a.attendee_questions, a.modified_by,
          to_char(a.created_date at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as created_date,
          i.stova_event_id as ingested
        from company_activity_stovaattendee a
        join company_activity_stovaevent i on i.id = a.ingested_stova_event_id
        where stova_attendee_id = 2367`;
      assert.deepEqual({ ...saved }, {
        category: "performance",
        registration_status: "blah",
        created_by: "Jane",
        language: "English",
        virtual_event_attendance: "yes",
        attendee_questions: "What is this event for?",
        modified_by: "Jane",
        created_date: "2024-10-08 10:46:24.978381",
        ingested: 1234,
      });
    });

    await t.step(
      "each attendee has an interaction for the event, by the default adviser",
      async () => {
        const [interaction] = await sql`
        select i.id::text, i.kind, i.theme, i.subject, i.status,
          to_char(i.date at time zone 'UTC', 'YYYY-MM-DD') as date,
          i.was_policy_feedback_provided, i.were_countries_discussed,
          i.event_id = e.id as of_event, i.service_id = e.service_id as of_service,
          i.company_id = a.company_id as of_company,
          (select array_agg(contact_id::text) from interaction_interaction_contacts c
            where c.interaction_id = i.id) as contacts,
          (select array_agg(company_id::text) from interaction_interaction_companies c
            where c.interaction_id = i.id) as companies,
          (select array_agg(d.email || ':' || d.is_active || ':' || coalesce(p.team_id::text, '-'))
            from interaction_interactionditparticipant p
            join company_advisor d on d.id = p.adviser_id where p.interaction_id = i.id)
            as participants
        from company_activity_stovaattendee a
        join event_event e on e.stova_event_id = a.ingested_stova_event_id
        join interaction_interaction i on i.event_id = e.id
          and i.id in (select interaction_id from interaction_interaction_contacts
            where contact_id = a.contact_id)
        where a.stova_attendee_id = 2367`;
        assert.ok(interaction, "no interaction");
        const [attendeeRow] = await sql`select company_id::text, contact_id::text
        from company_activity_stovaattendee where stova_attendee_id = 2367`;
        assert.deepEqual({ ...interaction, id: undefined }, {
          id: undefined,
          kind: "service_delivery",
          theme: "other",
          subject: "Attended Trade show 1234",
          status: "complete",
          date: "2024-11-05",
          was_policy_feedback_provided: false,
          were_countries_discussed: false,
          of_event: true,
          of_service: true,
          of_company: true,
          contacts: [attendeeRow.contact_id],
          companies: [attendeeRow.company_id],
          participants: ["stova_default@businessandtrade.gov.uk:false:-"],
        });
        const advisers = await sql`select first_name, last_name from company_advisor
        where email = 'stova_default@businessandtrade.gov.uk'`;
        assert.deepEqual(advisers.map((a) => ({ ...a })), [{
          first_name: "Stova Default",
          last_name: "Adviser",
        }]);
        const activity = await sql`select activity_source from company_activity_companyactivity
        where interaction_id = ${interaction.id}`;
        assert.deepEqual(activity.map((a) => a.activity_source), ["interaction"]);
      },
    );

    await t.step("ingested files and attendees are not ingested again", async () => {
      const interactionsBefore = await count("interaction_interaction");
      await run(stovaAttendeeIdentificationJob);
      assert.ok(logs.some((l) => l === "stova attendee file already ingested"));
      await put(`${STOVA_ATTENDEE_PREFIX}attendees2.jsonl.gz`, [
        attendee(2367),
        attendee(2373, { event_id: 5678 }),
      ]);
      await run(stovaAttendeeIdentificationJob);
      assert.ok(logs.includes("Record already exists for stova_attendee_id: 2367"));
      assert.equal(await count("company_activity_stovaattendee"), 4);
      assert.equal(await count("interaction_interaction"), interactionsBefore + 1);
      const advisers = await sql`select 1 from company_advisor
        where email = 'stova_default@businessandtrade.gov.uk'`;
      assert.equal(advisers.length, 1);
    });

    await t.step(
      "an event without a start date: the interaction fails, nothing is kept",
      async () => {
        await sql`update event_event set start_date = null where stova_event_id =
        (select id from company_activity_stovaevent where stova_event_id = 5678)`;
        const before = await count("company_company");
        const key = `${STOVA_ATTENDEE_PREFIX}attendees3.jsonl.gz`;
        await put(key, [attendee(2374, { event_id: 5678, company_name: "No Date Ltd" })]);
        await deps.jobs.enqueue(stovaAttendeeIngestionJob, { object_key: key });
        await deps.jobs.idle();
        assert.ok(logs.some((l) =>
          l.startsWith(
            "Error creating interaction from Stova attendee record, stova_attendee_id: 2374.",
          )
        ));
        assert.equal(await count("company_company"), before);
        assert.equal(await count("company_activity_stovaattendee"), 4);
      },
    );

    await t.step("a command starts it; no schedule, as the original", () => {
      assert.ok(registry.commands["ingest-stova-attendees"]);
      assert.ok(!registry.schedules.some((s) => s.job === stovaAttendeeIdentificationJob));
    });
  } finally {
    await ctx.close();
    await s3.close();
  }
});

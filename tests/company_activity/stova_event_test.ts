/**
 * Stova events: ingested from the data-flow bucket (a real S3 protocol server) as the
 * original's ingest_stova_events tasks, each with its Data Hub event, and served by
 * `GET /v4/company-activity/stova-events/{id}` as the original's StovaEventSerializer.
 */
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { call, createAdviser, testApp } from "../helpers/app.ts";
import { startS3 } from "../helpers/s3.ts";
import { STOVA_EVENT_PREFIX } from "../../src/company_activity/jobs.ts";

const BUCKET = "data-flow-bucket-test";

const record = (id: number, overrides: Record<string, unknown> = {}) => ({
  id,
  url: "https://simmons.net/",
  city: "Lake William",
  code: "12345",
  name: `Stova event ${id}`,
  state: "Montana",
  country: "Canada",
  max_reg: 1561,
  end_date: "2024-10-09 10:48:36.204478+00:00",
  timezone: "America/Grenada",
  folder_id: 3479,
  live_date: "2024-10-08 10:48:36.204549+00:00",
  close_date: null,
  created_by: "example@example.com",
  price_type: "net",
  start_date: "2024-10-08 23:48:36.204592+00:00",
  description: "star",
  modified_by: "example@example.com",
  contact_info: "molinakaren@example.com",
  created_date: "2024-10-08 10:48:36.204839+00:00",
  location_city: "Port Laurenside",
  location_name: "271 Carlos Key",
  modified_date: "2024-10-08 10:48:36.205154+00:00",
  client_contact: "example-contact-info@example.com",
  location_state: null,
  default_language: "sa",
  location_country: "United States Minor Outlying Islands",
  approval_required: true,
  location_address1: "61797 Mikayla Crossing",
  location_address2: "45871 Burke Lock",
  location_address3: null,
  location_postcode: "85054",
  standard_currency: "MNT",
  ...overrides,
});

Deno.test("Stova events: ingestion and detail", async (t) => {
  const s3 = await startS3([BUCKET]);
  const ctx = await testApp({ env: { ...s3.env, ENVIRONMENT: "test" } });
  try {
    const { app, sql, deps } = ctx;
    const put = async (name: string, records: unknown[]) => {
      const key = `${STOVA_EVENT_PREFIX}${name}`;
      const lines = records.map((r) => JSON.stringify(r)).join("\n");
      await s3.client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: gzipSync(lines) }),
      );
      return key;
    };
    const identify = async () => {
      const { stovaEventIdentificationJob } = await import("../../src/company_activity/jobs.ts");
      await deps.jobs.enqueue(stovaEventIdentificationJob, {});
      await deps.jobs.idle();
    };
    const viewer = await createAdviser(sql, {
      permissions: ["company_activity.view_stovaevent", "event.view_event"],
    });
    const stranger = await createAdviser(sql, {});

    const first = await put("stovaEvents1.jsonl.gz", [
      record(2367),
      record(2368, { name: "" }), // a required field blank: skipped
      record(2369, { price_type: null }), // not a valid row: logged and skipped
      record(2370, { country: "Nowhere" }),
    ]);

    await t.step("the newest file is ingested, unseen valid records only", async () => {
      await identify();
      const rows = await sql<{ stova_event_id: number }[]>`
        select stova_event_id from company_activity_stovaevent order by stova_event_id`;
      assert.deepEqual(rows.map((r) => r.stova_event_id), [2367, 2370]);
      const ingested = await sql`select object_key from ingest_ingestedobject`;
      assert.deepEqual(ingested.map((r) => r.object_key), [first]);
    });

    let stovaId = "";
    let eventId = "";
    await t.step("each Stova event has its Data Hub event", async () => {
      const [row] = await sql<{ id: string; event_id: string }[]>`
        select s.id::text, e.id::text as event_id from company_activity_stovaevent s
        join event_event e on e.stova_event_id = s.id where s.stova_event_id = 2367`;
      stovaId = row.id;
      eventId = row.event_id;
      const res = await call(app, "GET", `/v4/event/${eventId}`, { token: viewer.token });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.name, "Stova event 2367");
      assert.equal(res.body.event_type.name, "Stova - unknown event type");
      assert.equal(res.body.start_date, "2024-10-08");
      assert.equal(res.body.end_date, "2024-10-09");
      assert.equal(res.body.address_1, "61797 Mikayla Crossing");
      assert.equal(res.body.address_town, "Port Laurenside");
      assert.equal(res.body.address_county, "");
      assert.equal(res.body.address_country.name, "Canada");
      assert.deepEqual(res.body.service, {
        id: "f6671176-6493-43ba-a92d-899281efcb55",
        name: "Stova Event Service",
      });
      assert.equal(res.body.notes, "star");
      const [unknownCountry] = await sql<{ name: string }[]>`
        select c.name from event_event e join company_activity_stovaevent s
          on s.id = e.stova_event_id join metadata_country c on c.id = e.address_country_id
        where s.stova_event_id = 2370`;
      assert.equal(unknownCountry.name, "United Kingdom");
    });

    await t.step("GET /v4/company-activity/stova-events/{id}", async () => {
      const path = `/v4/company-activity/stova-events/${stovaId}`;
      assert.equal((await call(app, "GET", path, { token: stranger.token })).status, 403);
      const missing = await call(
        app,
        "GET",
        "/v4/company-activity/stova-events/00000000-0000-0000-0000-000000000000",
        { token: viewer.token },
      );
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.body, { detail: "No StovaEvent matches the given query." });
      const res = await call(app, "GET", path, { token: viewer.token });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body, {
        datahub_event: [eventId],
        id: stovaId,
        stova_event_id: 2367,
        name: "Stova event 2367",
        description: "star",
        code: "12345",
        created_by: "example@example.com",
        modified_by: "example@example.com",
        client_contact: "example-contact-info@example.com",
        contact_info: "molinakaren@example.com",
        country: "Canada",
        city: "Lake William",
        state: "Montana",
        timezone: "America/Grenada",
        url: "https://simmons.net/",
        max_reg: 1561,
        created_date: "2024-10-08T10:48:36.204839Z",
        modified_date: "2024-10-08T10:48:36.205154Z",
        start_date: "2024-10-08T23:48:36.204592Z",
        live_date: "2024-10-08T10:48:36.204549Z",
        close_date: null,
        end_date: "2024-10-09T10:48:36.204478Z",
        location_state: "",
        location_country: "United States Minor Outlying Islands",
        location_address1: "61797 Mikayla Crossing",
        location_address2: "45871 Burke Lock",
        location_address3: "",
        location_city: "Port Laurenside",
        location_name: "271 Carlos Key",
        location_postcode: "85054",
        approval_required: true,
        price_type: "net",
        folder_id: 3479,
        default_language: "sa",
        standard_currency: "MNT",
      });
    });

    await t.step("an ingested file is not ingested again; known events are skipped", async () => {
      await identify();
      assert.equal((await sql`select 1 from ingest_ingestedobject`).length, 1);
      await new Promise((resolve) => setTimeout(resolve, 1100)); // a newer LastModified
      const second = await put("stovaEvents2.jsonl.gz", [
        record(2367, { name: "Renamed" }),
        record(2371),
      ]);
      await identify();
      const rows = await sql<{ stova_event_id: number; name: string }[]>`
        select stova_event_id, name from company_activity_stovaevent order by stova_event_id`;
      assert.deepEqual(rows.map((r) => [r.stova_event_id, r.name]), [
        [2367, "Stova event 2367"],
        [2370, "Stova event 2370"],
        [2371, "Stova event 2371"],
      ]);
      const ingested = await sql`select object_key from ingest_ingestedobject order by created`;
      assert.deepEqual(ingested.map((r) => r.object_key), [first, second]);
    });
  } finally {
    await ctx.close();
    await s3.close();
  }
});

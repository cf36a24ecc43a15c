/**
 * Evidence and proposition documents (the document kit under investment projects),
 * against s3rver as the `investment` bucket and the antivirus stand-in: the original's
 * JSON, 400s and 404s, the all/associated permissions by action, the whole
 * upload → callback → scan → download → delete flow with its user events, and completing
 * a proposition once it has a scanned document.
 */
import assert from "node:assert/strict";
import { call, createAdviser, type TestAdviser, testApp } from "../helpers/app.ts";
import { startS3 } from "../helpers/s3.ts";
import { startAntivirus } from "../helpers/antivirus.ts";

const BUCKET = "investment-documents";
const FDI = "3e143372-496c-4d1e-8278-6fdd3da9b48b";
const NEW_SITE = "f8447013-cfdc-4f35-a146-6619665388b3";
const COLD_CALL = "0c4f8e74-d34f-4aca-b764-a44cdc2d0087";
const AIRCRAFT = "b422c9d2-5f95-e211-a939-e4115bead28a";
const ACTIVITY = "fea31ce4-391c-4e9a-ada2-0f02ce06b8f5";
const TAG_A = "d5145304-cacd-47ec-b808-4306a151b7d5";
const TAG_B = "b7fea6c5-8dce-4f68-b036-0badad43d127";
const REQUIRED = "This field is required.";
const DENIED = { detail: "You do not have permission to perform this action." };

const codenames = (app: string, model: string, scope: "all" | "associated") =>
  ["view", "add", "change", "delete"].map((a) => `${app}.${a}_${scope}_${model}`);

Deno.test("investment evidence and proposition documents", async (t) => {
  const s3 = await startS3([BUCKET]);
  const av = startAntivirus();
  const ctx = await testApp({
    env: {
      ...s3.env,
      INVESTMENT_DOCUMENT_BUCKET: BUCKET,
      INVESTMENT_DOCUMENT_AWS_ACCESS_KEY_ID: s3.env.AWS_ACCESS_KEY_ID,
      INVESTMENT_DOCUMENT_AWS_SECRET_ACCESS_KEY: s3.env.AWS_SECRET_ACCESS_KEY,
      AV_V2_SERVICE_URL: av.url,
    },
  });
  const { app, sql } = ctx;
  try {
    const teams = await sql<{ id: string }[]>`
      insert into metadata_team (id, name)
      values (gen_random_uuid(), 'Team A'), (gen_random_uuid(), 'Team B') returning id`;
    const owner = await createAdviser(sql, {
      superuser: true,
      teamId: teams[0].id,
      firstName: "Pat",
      lastName: "Jones",
    });
    const [{ id: company }] = await sql<{ id: string }[]>`
      insert into company_company (name, created_on) values ('Investor Ltd', now()) returning id`;
    const [{ id: contact }] = await sql<{ id: string }[]>`
      insert into company_contact (first_name, last_name, company_id, "primary", email)
      values ('Ann', 'Lee', ${company}, true, 'ann@example.test') returning id`;
    const created = await call(app, "POST", "/v3/investment", {
      token: owner.token,
      body: {
        name: "Project",
        description: "d",
        investment_type: FDI,
        fdi_type: NEW_SITE,
        estimated_land_date: "2030-01-01",
        investor_company: company,
        client_contacts: [contact],
        client_relationship_manager: owner.id,
        referral_source_adviser: owner.id,
        referral_source_activity: COLD_CALL,
        sector: AIRCRAFT,
        business_activities: [ACTIVITY],
      },
    });
    assert.equal(created.status, 201, created.text);
    const project = created.body as { id: string; name: string; project_code: string };
    const evidence = `/v3/investment/${project.id}/evidence-document`;
    const as = (who: TestAdviser, method: string, path: string, body?: unknown) =>
      call(app, method, path, { token: who.token, body });
    const countRows = async () => {
      const [row] = await sql<{ n: number }[]>`
        select (select count(*) from documents_document)
          + (select count(*) from evidence_evidencedocument)
          + (select count(*) from evidence_evidencedocument_tags)
          + (select count(*) from proposition_propositiondocument) as n`;
      return Number(row.n);
    };
    /** PUTs `content` to a signed upload URL (s3rver), then calls back and lets the scan run. */
    const upload = async (who: TestAdviser, item: string, url: string, content: string) => {
      const put = await fetch(url, { method: "PUT", body: content });
      assert.equal(put.status, 200, await put.text());
      const callback = await as(who, "POST", `${item}/upload-callback`);
      assert.equal(callback.status, 200, callback.text);
      await ctx.deps.jobs.idle();
    };

    await t.step(
      "evidence: bad input is a 400, an unknown project a 404; nothing written",
      async () => {
        const missing = await as(owner, "POST", evidence, {});
        assert.equal(missing.status, 400);
        assert.deepEqual(missing.body, { tags: [REQUIRED], original_filename: [REQUIRED] });
        const empty = await as(owner, "POST", evidence, { original_filename: "a.txt", tags: [] });
        assert.deepEqual(empty.body, { tags: ["This list may not be empty."] });
        const unknownTag = crypto.randomUUID();
        const unknown = await as(owner, "POST", evidence, {
          original_filename: "a.txt",
          tags: [TAG_A, unknownTag],
        });
        assert.equal(unknown.status, 400);
        assert.deepEqual(unknown.body, {
          tags: [`Invalid pk "${unknownTag}" - object does not exist.`],
        });
        const noProject = await as(
          owner,
          "POST",
          `/v3/investment/${crypto.randomUUID()}/evidence-document`,
          { original_filename: "a.txt", tags: [TAG_A] },
        );
        assert.equal(noProject.status, 404);
        assert.deepEqual(noProject.body, { detail: "Specified investment project does not exist" });
        assert.equal((await as(owner, "GET", `${evidence}/${crypto.randomUUID()}`)).status, 404);
        assert.equal(await countRows(), 0);
      },
    );

    let evidenceId = "";
    await t.step("evidence: create, upload, scan, download, list", async () => {
      const res = await as(owner, "POST", evidence, {
        original_filename: "test.txt",
        tags: [{ id: TAG_B }, TAG_A],
        comment: "Signed lease",
      });
      assert.equal(res.status, 201, res.text);
      const { id, signed_upload_url: uploadUrl, created_on, modified_on, ...rest } = res.body;
      evidenceId = id;
      assert.ok(uploadUrl.startsWith(`${s3.endpoint}/${BUCKET}/evidencedocument/`), uploadUrl);
      assert.ok(created_on && modified_on);
      const [tagA, tagB] = await sql<{ id: string; name: string }[]>`
        select id, name from evidence_evidencetag where id in (${TAG_A}, ${TAG_B}) order by name`;
      assert.deepEqual(rest, {
        tags: [tagA, tagB],
        comment: "Signed lease",
        av_clean: null,
        created_by: { id: owner.id, first_name: "Pat", last_name: "Jones", name: "Pat Jones" },
        modified_by: null,
        uploaded_on: null,
        investment_project: {
          id: project.id,
          name: "Project",
          project_code: project.project_code,
        },
        original_filename: "test.txt",
        url: `/v3/investment/${project.id}/evidence-document/${id}/download`,
        status: "not_virus_scanned",
      });
      const early = await as(owner, "GET", `${evidence}/${id}/download`);
      assert.equal(early.status, 503);
      assert.deepEqual(early.body, {
        detail: "File is being scanned for viruses, try again later.",
      });

      await upload(owner, `${evidence}/${id}`, uploadUrl, "lease text");
      assert.equal(av.requests.at(-1)?.content, "lease text");
      const download = await as(owner, "GET", `${evidence}/${id}/download`);
      assert.equal(download.status, 200, download.text);
      assert.equal(download.body.status, "virus_scanned");
      assert.equal(download.body.av_clean, true);
      assert.ok(download.body.uploaded_on);
      const file = await fetch(download.body.document_url);
      assert.equal(await file.text(), "lease text");

      const list = await as(owner, "GET", evidence);
      assert.equal(list.status, 200);
      assert.equal(list.body.count, 1);
      assert.equal(list.body.results[0].id, id);
    });

    await t.step("evidence: permissions by action, all or associated", async () => {
      const associated = await createAdviser(sql, {
        teamId: teams[0].id,
        permissions: codenames("evidence", "evidencedocument", "associated"),
      });
      const outsider = await createAdviser(sql, {
        teamId: teams[1].id,
        permissions: codenames("evidence", "evidencedocument", "associated"),
      });
      const viewer = await createAdviser(sql, {
        teamId: teams[1].id,
        permissions: ["evidence.view_all_evidencedocument"],
      });
      const nobody = await createAdviser(sql, { teamId: teams[0].id });
      const item = `${evidence}/${evidenceId}`;
      assert.equal((await as(associated, "GET", evidence)).status, 200);
      assert.equal((await as(associated, "GET", `${item}/download`)).status, 200);
      for (const [method, path] of [["GET", evidence], ["GET", item], ["DELETE", item]]) {
        const res = await as(outsider, method, path);
        assert.equal(res.status, 403, `${method} ${path}`);
        assert.deepEqual(res.body, DENIED);
      }
      assert.equal((await as(nobody, "GET", item)).status, 403);
      assert.equal((await as(viewer, "GET", item)).status, 200);
      // download is view; upload-callback change; create add.
      assert.equal((await as(viewer, "GET", `${item}/download`)).status, 200);
      assert.equal((await as(viewer, "POST", `${item}/upload-callback`)).status, 403);
      const add = await as(viewer, "POST", evidence, { original_filename: "b", tags: [TAG_A] });
      assert.equal(add.status, 403);
    });

    await t.step(
      "evidence: delete hides it, logs the event, the job removes the file",
      async () => {
        const [{ path }] = await sql<{ path: string }[]>`
        select sd.path from evidence_evidencedocument d
        join documents_document sd on sd.id = d.document_id where d.id = ${evidenceId}`;
        assert.ok(await s3.exists(BUCKET, path));
        const item = `${evidence}/${evidenceId}`;
        const before = (await as(owner, "GET", item)).body;
        const removed = await as(owner, "DELETE", item);
        assert.equal(removed.status, 204);
        const [event] = await sql`
        select adviser_id, type, api_url_path, data from user_event_log_userevent
        where type = 'evidence_document_delete'`;
        assert.equal(event.adviser_id, owner.id);
        assert.equal(event.api_url_path, item);
        assert.deepEqual(event.data, before);
        await ctx.deps.jobs.idle();
        assert.equal((await as(owner, "GET", item)).status, 404);
        assert.equal((await as(owner, "GET", evidence)).body.count, 0);
        assert.equal(await s3.exists(BUCKET, path), false);
        assert.equal(await countRows(), 0);
      },
    );

    await t.step("evidence: an infected file is a 403 on download", async () => {
      av.mode = "infected";
      const res = await as(owner, "POST", evidence, { original_filename: "x", tags: [TAG_A] });
      await upload(owner, `${evidence}/${res.body.id}`, res.body.signed_upload_url, "EICAR");
      const download = await as(owner, "GET", `${evidence}/${res.body.id}/download`);
      assert.equal(download.status, 403);
      assert.deepEqual(download.body, { detail: "File did not pass virus scanning." });
      av.mode = "clean";
    });

    await t.step("proposition documents, and completing a proposition", async () => {
      const propositions = `/v3/investment/${project.id}/proposition`;
      const proposition = await as(owner, "POST", propositions, {
        adviser: owner.id,
        deadline: "2030-05-01",
        name: "Offices",
        scope: "Find offices",
      });
      assert.equal(proposition.status, 201, proposition.text);
      const base = `${propositions}/${proposition.body.id}`;
      const documents = `${base}/document`;

      const wrong = await as(owner, "GET", `${propositions}/${crypto.randomUUID()}/document`);
      assert.equal(wrong.status, 404);
      assert.deepEqual(wrong.body, { detail: "Specified proposition does not exist" });
      const elsewhere = await as(
        owner,
        "GET",
        `/v3/investment/${crypto.randomUUID()}/proposition/${proposition.body.id}/document`,
      );
      assert.deepEqual(elsewhere.body, { detail: "Specified investment project does not exist" });
      assert.deepEqual((await as(owner, "POST", documents, {})).body, {
        original_filename: [REQUIRED],
      });

      const noDocument = await as(owner, "POST", `${base}/complete`, { details: "Done" });
      assert.equal(noDocument.status, 400);
      assert.deepEqual(noDocument.body, {
        non_field_errors: ["Proposition has no documents uploaded."],
      });

      const doc = await as(owner, "POST", documents, { original_filename: "plan.pdf" });
      assert.equal(doc.status, 201, doc.text);
      const { id, signed_upload_url: uploadUrl, created_on, ...rest } = doc.body;
      assert.ok(created_on);
      assert.deepEqual(rest, {
        av_clean: null,
        created_by: { id: owner.id, first_name: "Pat", last_name: "Jones", name: "Pat Jones" },
        uploaded_on: null,
        original_filename: "plan.pdf",
        url: `${documents}/${id}/download`,
        status: "not_virus_scanned",
      });
      // Not scanned yet: still no document to complete with.
      assert.equal((await as(owner, "POST", `${base}/complete`, {})).status, 400);
      await upload(owner, `${documents}/${id}`, uploadUrl, "plan");
      const download = await as(owner, "GET", `${documents}/${id}/download`);
      assert.equal(download.status, 200, download.text);
      assert.equal(await (await fetch(download.body.document_url)).text(), "plan");

      const associated = await createAdviser(sql, {
        teamId: teams[0].id,
        permissions: codenames("proposition", "propositiondocument", "associated"),
      });
      const outsider = await createAdviser(sql, {
        teamId: teams[1].id,
        permissions: codenames("proposition", "propositiondocument", "associated"),
      });
      assert.equal((await as(associated, "GET", documents)).body.count, 1);
      assert.deepEqual((await as(outsider, "GET", documents)).body, DENIED);
      assert.equal((await as(outsider, "GET", `${documents}/${id}/download`)).status, 403);

      const completed = await as(owner, "POST", `${base}/complete`, { details: "Found" });
      assert.equal(completed.status, 200, completed.text);
      assert.equal(completed.body.status, "completed");
      assert.equal(completed.body.details, "Found");
      const again = await as(owner, "POST", `${base}/complete`, {});
      assert.equal(again.status, 409);
      assert.deepEqual(again.body, {
        detail: "The action cannot be performed in the current status completed.",
      });

      const before = (await as(owner, "GET", `${documents}/${id}`)).body;
      assert.equal((await as(owner, "DELETE", `${documents}/${id}`)).status, 204);
      const [event] = await sql`
        select data from user_event_log_userevent where type = 'proposition_document_delete'`;
      assert.deepEqual(event.data, { ...before, proposition_id: proposition.body.id });
      await ctx.deps.jobs.idle();
      assert.equal((await as(owner, "GET", documents)).body.count, 0);
    });
  } finally {
    await ctx.close();
    await av.close();
    await s3.close();
  }
});

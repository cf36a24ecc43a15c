/**
 * OMIS orders and great.gov.uk export enquiries in the company activity timeline: their
 * documents as the original's activity_order_dict and activity_great_dict, kept in step
 * with order writes, and the activities of orders made before the trigger (the back-fill).
 */
import assert from "node:assert/strict";
import { call, createAdviser } from "../helpers/app.ts";
import { backendsUnderTest, searchTestApp } from "../search/support.ts";
import { companyActivitySearchApp } from "../../src/company_activity/search.ts";
import { recordWrite, systemWriteMeta } from "../../src/core/tracking.ts";
import { greatExportEnquiryEntity } from "../../src/company_activity/queries.ts";
import { AFGHANISTAN, CAMPAIGN, companyWithContact } from "../omis/setup.ts";

const person = (p: { id: string; first_name: string; last_name: string }) => ({
  ...p,
  name: `${p.first_name} ${p.last_name}`,
});

for (const { name, env, ignore } of backendsUnderTest) {
  Deno.test(
    { name: `company activity of orders and great enquiries (${name})`, ignore },
    async (t) => {
      const ctx = await searchTestApp(env, [companyActivitySearchApp]);
      const { app, sql } = ctx;
      const user = await createAdviser(sql, {
        firstName: "Ada",
        lastName: "Adviser",
        permissions: [
          "company_activity.view_companyactivity",
          "order.add_order",
          "order.view_order",
          "order.change_order",
        ],
      });
      const { company, contact } = await companyWithContact(sql, "Order Co");
      await sql`update company_contact set job_title = 'Buyer' where id = ${contact}`;
      const search = (body: unknown) =>
        call(app, "POST", "/v4/search/company-activity", { token: user.token, body });

      let orderId = "";
      await t.step("an order is an activity of its company, dated by its creation", async () => {
        const created = await call(app, "POST", "/v3/omis/order", {
          token: user.token,
          body: {
            company: { id: company },
            contact: { id: contact },
            primary_market: { id: AFGHANISTAN },
            service_types: [{ id: CAMPAIGN }],
            description: "Find distributors",
          },
        });
        assert.equal(created.status, 201, created.text);
        orderId = created.body.id;
        await ctx.deps.jobs.idle();
        await ctx.sync();
        const res = await search({ company, activity_source: "order" });
        assert.equal(res.status, 200, res.text);
        assert.equal(res.body.count, 1);
        const [activity] = res.body.results;
        assert.equal(activity.date, created.body.created_on.replace("Z", "+00:00"));
        assert.deepEqual(activity.company.id, company);
        assert.deepEqual(activity.order, {
          id: orderId,
          created_on: activity.date,
          reference: created.body.reference,
          primary_market: { id: AFGHANISTAN, name: "Afghanistan" },
          uk_region: null,
          contact: {
            ...person({ id: contact, first_name: "Jo", last_name: "Doe" }),
            job_title: "Buyer",
          },
          created_by: person({ id: user.id, first_name: "Ada", last_name: "Adviser" }),
        });
        for (
          const key of ["interaction", "referral", "investment", "great_export_enquiry", "eyb_lead"]
        ) {
          assert.equal(activity[key], null);
        }
      });

      await t.step("a change to the order re-indexes its activity", async () => {
        const [region] = await sql<{ id: string; name: string }[]>`
        select id::text, name from metadata_ukregion where disabled_on is null order by name limit 1`;
        const patched = await call(app, "PATCH", `/v3/omis/order/${orderId}`, {
          token: user.token,
          body: { uk_region: { id: region.id } },
        });
        assert.equal(patched.status, 200, patched.text);
        await ctx.deps.jobs.idle();
        await ctx.sync();
        const res = await search({ company, activity_source: "order" });
        assert.deepEqual(res.body.results[0].order.uk_region, region);
      });

      await t.step(
        "a great.gov.uk enquiry with a company is an activity dated by its form",
        async () => {
          const [{ id: enquiry }] = await sql<{ id: string }[]>`
        insert into company_activity_greatexportenquiry (form_id, url, company_id, contact_id,
          meta_sender_ip_address, meta_sender_email_address, meta_subject, meta_full_name,
          meta_subdomain, meta_action_name, meta_service_name, meta_spam_control,
          meta_email_address, data_search, data_enquiry, data_find_out_about,
          data_sector_primary_other, data_triage_journey, data_product_or_service_1,
          data_product_or_service_2, data_product_or_service_3, data_product_or_service_4,
          data_product_or_service_5, data_about_your_experience, data_help_us_improve,
          form_created_at, submission_type, submission_action)
        values (5249, '', ${company}, ${contact}, '', '', 'Help exporting', 'Jo Doe', '', '',
          '', '', 'jo@example.test', '', 'Where can we sell?', '', '', '', '', '', '', '', '',
          '', '', '2024-09-19T14:00:34.069Z', '', '')
        returning id::text`;
          await sql`insert into company_activity_greatexportenquiry (form_id, url,
          meta_sender_ip_address, meta_sender_email_address, meta_subject, meta_full_name,
          meta_subdomain, meta_action_name, meta_service_name, meta_spam_control,
          meta_email_address, data_search, data_enquiry, data_find_out_about,
          data_sector_primary_other, data_triage_journey, data_product_or_service_1,
          data_product_or_service_2, data_product_or_service_3, data_product_or_service_4,
          data_product_or_service_5, data_about_your_experience, data_help_us_improve,
          form_created_at, submission_type, submission_action)
        values (5250, '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '',
          '', '', '', now(), '', '')`;
          await recordWrite(sql, greatExportEnquiryEntity, enquiry, systemWriteMeta(ctx.deps));
          await ctx.sync();
          const res = await search({ company, sortby: "date:desc" });
          assert.deepEqual(
            res.body.results.map((r: { activity_source: string }) => r.activity_source),
            ["order", "great_export_enquiry"],
          );
          const great = res.body.results[1];
          assert.equal(great.date, "2024-09-19T14:00:34.069000+00:00");
          assert.deepEqual(great.great_export_enquiry, {
            id: enquiry,
            form_created_at: "2024-09-19T14:00:34.069000+00:00",
            meta_full_name: "Jo Doe",
            meta_email_address: "jo@example.test",
            contact: {
              ...person({ id: contact, first_name: "Jo", last_name: "Doe" }),
              job_title: "Buyer",
            },
            meta_subject: "Help exporting",
            data_enquiry: "Where can we sell?",
          });
          const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n
        from company_activity_companyactivity where activity_source = 'great_export_enquiry'`;
          assert.equal(n, 1, "an enquiry without a company is no activity");
        },
      );

      await ctx.close();
    },
  );
}

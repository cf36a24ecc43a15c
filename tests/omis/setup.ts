/**
 * Builders shared by the OMIS tests: a company with an address, its contact, an order
 * filled in enough to be quoted (through the API, so pricing is the API's), and calls
 * signed as the OMIS customer site (Hawk scope `public_omis`).
 */
import assert from "node:assert/strict";
import { call, type TestContext } from "../helpers/app.ts";
import { hawkHeader } from "../helpers/hawk.ts";
import type { Sql } from "../../src/db/pool.ts";

export const AFGHANISTAN = "87756b9a-5d95-e211-a939-e4115bead28a";
export const UNITED_KINGDOM = "80756b9a-5d95-e211-a939-e4115bead28a";
export const CAMPAIGN = "22fc9edd-41a5-4182-ba4e-baacc681d5f7";
export const OMIS_PUBLIC = { id: "omis-public-id", key: "omis-public-key" };
export const OMIS_ENV = {
  OMIS_PUBLIC_ACCESS_KEY_ID: OMIS_PUBLIC.id,
  OMIS_PUBLIC_SECRET_ACCESS_KEY: OMIS_PUBLIC.key,
  OMIS_GENERIC_CONTACT_EMAIL: "omis@example.com",
  OMIS_PUBLIC_BASE_URL: "https://omis.example.test",
};
export const OMIS_PERMISSIONS = [
  "order.add_order",
  "order.view_order",
  "order.change_order",
  "order.change_orderassignee",
  "order.change_ordersubscriber",
  "omis_quote.add_quote",
  "omis_quote.view_quote",
  "omis_invoice.view_invoice",
  "omis_payment.add_payment",
  "omis_payment.view_payment",
];

export async function companyWithContact(sql: Sql, name = "Acme") {
  const [{ id: company }] = await sql<{ id: string }[]>`
    insert into company_company (name, registered_address_1, registered_address_town,
      registered_address_postcode, registered_address_country_id)
    values (${name}, '1 Main Street', 'London', 'SW1A 1AA', ${UNITED_KINGDOM}) returning id`;
  const [{ id: contact }] = await sql<{ id: string }[]>`
    insert into company_contact (first_name, last_name, company_id, "primary", email)
    values ('Jo', 'Doe', ${company}, true, 'jo@example.test') returning id`;
  return { company, contact };
}

/**
 * A draft order with its details, VAT status and one lead assignee (`minutes` of
 * estimated time) filled in: ready for a quote.
 */
export async function readyOrder(
  ctx: TestContext,
  token: string,
  leadId: string,
  options: { minutes?: number; vatStatus?: string; deliveryDate?: string } = {},
): Promise<string> {
  const { company, contact } = await companyWithContact(ctx.sql);
  const created = await call(ctx.app, "POST", "/v3/omis/order", {
    token,
    body: {
      company: { id: company },
      contact: { id: contact },
      primary_market: { id: AFGHANISTAN },
      service_types: [{ id: CAMPAIGN }],
      description: "Find distributors",
      delivery_date: options.deliveryDate ?? "2024-09-30",
      vat_status: options.vatStatus ?? "uk",
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const assigned = await call(ctx.app, "PATCH", `/v3/omis/order/${created.body.id}/assignee`, {
    token,
    body: [{ adviser: { id: leadId }, estimated_time: options.minutes ?? 90, is_lead: true }],
  });
  assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
  return created.body.id;
}

export async function publicTokenOf(sql: Sql, orderId: string): Promise<string> {
  const [{ public_token }] = await sql<{ public_token: string }[]>`
    select public_token from order_order where id = ${orderId}`;
  return public_token;
}

/** A call signed as the OMIS customer site. */
export async function publicCall(
  ctx: TestContext,
  method: "GET" | "POST",
  path: string,
  client = OMIS_PUBLIC,
) {
  const signed = await hawkHeader(client, {
    method,
    url: `http://testserver${path}`,
    ts: Math.floor(ctx.deps.now().getTime() / 1000),
  });
  return await call(ctx.app, method, path, { headers: { authorization: signed.header } });
}

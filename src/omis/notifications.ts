/**
 * The e-mails the original sends on order events (datahub/omis/notification): the
 * customer and every adviser on the order (assignees, then subscribers) hear about
 * quotes, payment, completion and cancellation; a new order goes to its market's
 * overseas manager (or, failing that, an "order info" e-mail to the OMIS admin) and its
 * UK region's managers. Each e-mail is written in the request's transaction and sent
 * after the commit through the shared Notify layer (src/notification), with the
 * original's template ids and personalisation. OMIS_NOTIFICATION_OVERRIDE_RECIPIENT_EMAIL
 * redirects every e-mail (test environments).
 */
import type { Db } from "../db/pool.ts";
import type { Config } from "../config.ts";
import type { Context } from "hono";
import type { AppEnv } from "../http/context.ts";
import { enqueueAfterCommit, type PendingJobs } from "../jobs/after_commit.ts";
import { queueEmail } from "../notification/emails.ts";

/** The original's GOV.UK Notify template ids (datahub/omis/notification/constants.py). */
export const TEMPLATES = {
  generic_order_info: "53055338-6acd-4dd6-b315-d1bd74015eb2",
  order_created_for_post_manager: "335f5402-f610-43ef-bfcf-e196215b3cf1",
  order_created_for_regional_manager: "15a7824a-b179-4ffb-a8a1-74ba89285e20",
  you_have_been_added_for_adviser: "1c631f72-4d33-41f5-ba9b-12862b5b273a",
  you_have_been_removed_for_adviser: "07668530-2dc1-4dde-9a12-9144fc303eb7",
  order_paid_for_customer: "a6bc0d8a-a183-4345-9945-81e71aac4b3b",
  order_paid_for_adviser: "d41e9cb2-b412-44cf-9000-a1e34d996f16",
  order_completed_for_adviser: "a76f3841-bf70-40e7-9aa0-fd83f3dcc03c",
  order_cancelled_for_customer: "3f30d3b0-78cb-4b1b-a2bc-9c19b0aeedf4",
  order_cancelled_for_adviser: "723583be-af37-4e13-b2b0-ea496de5450e",
  quote_sent_for_customer: "5b68a6e2-539f-4b1b-8c54-0ead23c7ca1b",
  quote_sent_for_adviser: "77157de5-43b3-4988-a4e9-c6073c18be47",
  quote_accepted_for_customer: "fbd023bd-d043-4a5b-857a-ffd1d81ca5a5",
  quote_accepted_for_adviser: "d7b7f327-f814-4eed-9130-0a2ef988691f",
  quote_cancelled_for_customer: "86dd03cd-53b6-41b2-9eed-c3d2f6a0fda1",
  quote_cancelled_for_adviser: "a36fff71-e62b-4d51-a374-4cdf3e50ac47",
} as const;

/** E-mails of order events, queued for after the request's commit. */
export function notices(c: Context<AppEnv>, at: Date = c.var.deps.now()): Notices {
  return {
    jobs: { enqueue: (job, payload, options) => enqueueAfterCommit(c, job, payload, options) },
    config: c.var.deps.config,
    at,
  };
}

/** What sending needs: the request's (or job's) pending jobs and the configuration. */
export interface Notices {
  jobs: PendingJobs;
  config: Pick<
    Config,
    | "DATAHUB_FRONTEND_BASE_URL"
    | "OMIS_PUBLIC_BASE_URL"
    | "OMIS_GENERIC_CONTACT_EMAIL"
    | "OMIS_NOTIFICATION_ADMIN_EMAIL"
    | "OMIS_NOTIFICATION_OVERRIDE_RECIPIENT_EMAIL"
  >;
  at: Date;
}

interface OrderFacts {
  id: string;
  reference: string;
  public_token: string;
  company_name: string;
  primary_market: string | null;
  market_exists: boolean;
  manager_email: string | null;
  regional_emails: string[] | null;
  creator: string | null;
  contact_name: string;
  contact_email: string;
  advisers: { name: string; email: string }[];
}

const name = (db: Db, alias: string) =>
  db`concat_ws(' ', nullif(${db(alias)}.first_name, ''), nullif(${db(alias)}.last_name, ''))`;

async function orderFacts(db: Db, orderId: string): Promise<OrderFacts> {
  const adviser = (table: string) =>
    db`select ${name(db, "a")} as name, coalesce(nullif(a.contact_email, ''), a.email) as email,
        x.created_on, x.id
      from ${db(table)} x join company_advisor a on a.id = x.adviser_id
      where x.order_id = o.id`;
  const [row] = await db<OrderFacts[]>`
    select o.id::text, o.reference, o.public_token, c.name as company_name,
      m.name as primary_market, mk.country_id is not null as market_exists,
      nullif(mk.manager_email, '') as manager_email,
      (select manager_emails from omis_region_ukregionalsettings
        where uk_region_id = o.uk_region_id) as regional_emails,
      (select ${name(db, "cb")} from company_advisor cb where cb.id = o.created_by_id) as creator,
      ${name(db, "ct")} as contact_name,
      coalesce(nullif(o.contact_email, ''), ct.email, '') as contact_email,
      (select coalesce(jsonb_agg(jsonb_build_object('name', v.name, 'email', v.email)
          order by v.kind, v.created_on, v.id), '[]'::jsonb)
        from (select 1 as kind, * from (${adviser("order_orderassignee")}) s
              union all select 2, * from (${adviser("order_ordersubscriber")}) s) v) as advisers
    from order_order o
    join company_company c on c.id = o.company_id
    join company_contact ct on ct.id = o.contact_id
    left join metadata_country m on m.id = o.primary_market_id
    left join omis_market_market mk on mk.country_id = o.primary_market_id
    where o.id = ${orderId}`;
  return row;
}

function mailer(db: Db, notices: Notices, order: OrderFacts) {
  const { config } = notices;
  const common = {
    "order ref": order.reference,
    "company name": order.company_name,
    "embedded link": `${config.DATAHUB_FRONTEND_BASE_URL}/omis/${order.id}`,
    "primary market": order.primary_market ?? "Unknown market",
    "omis team email": config.OMIS_GENERIC_CONTACT_EMAIL,
  };
  const send = (recipient: string, templateId: string, extra: Record<string, unknown>) =>
    queueEmail(db, notices.jobs, {
      service: "omis",
      recipient: config.OMIS_NOTIFICATION_OVERRIDE_RECIPIENT_EMAIL || recipient,
      templateId,
      personalisation: { ...common, ...extra },
      at: notices.at,
    });
  const publicLink = `${config.OMIS_PUBLIC_BASE_URL}/${order.public_token}`;
  return {
    send,
    /** The customer's e-mail (with the link to the customer site), then each adviser's. */
    async everyone(
      customerTemplate: string | null,
      adviserTemplate: string,
      adviserExtra: Record<string, unknown> = {},
    ) {
      if (customerTemplate) {
        await send(order.contact_email, customerTemplate, {
          "recipient name": order.contact_name,
          "embedded link": publicLink,
        });
      }
      for (const adviser of order.advisers) {
        await send(adviser.email, adviserTemplate, {
          "recipient name": adviser.name,
          ...adviserExtra,
        });
      }
    },
  };
}

export type OrderEvent =
  | "order_created"
  | "quote_generated"
  | "quote_accepted"
  | "quote_cancelled"
  | "order_paid"
  | "order_completed"
  | "order_cancelled";

/** Queues the e-mails of `event` on the order; `by` names who cancelled a quote. */
export async function notifyOrder(
  db: Db,
  notices: Notices,
  event: OrderEvent,
  orderId: string,
  by?: string | null,
) {
  const order = await orderFacts(db, orderId);
  const mail = mailer(db, notices, order);
  const t = TEMPLATES;
  switch (event) {
    case "order_created":
      return await orderCreated(mail.send, notices, order);
    case "quote_generated":
      return await mail.everyone(t.quote_sent_for_customer, t.quote_sent_for_adviser);
    case "quote_accepted":
      return await mail.everyone(t.quote_accepted_for_customer, t.quote_accepted_for_adviser);
    case "quote_cancelled": {
      const [canceller] = by
        ? await db<{ name: string }[]>`
          select ${name(db, "a")} as name from company_advisor a where a.id = ${by}`
        : [];
      return await mail.everyone(t.quote_cancelled_for_customer, t.quote_cancelled_for_adviser, {
        canceller: canceller?.name ?? null,
      });
    }
    case "order_paid":
      return await mail.everyone(t.order_paid_for_customer, t.order_paid_for_adviser);
    case "order_completed":
      return await mail.everyone(null, t.order_completed_for_adviser);
    case "order_cancelled":
      return await mail.everyone(t.order_cancelled_for_customer, t.order_cancelled_for_adviser);
  }
}

/**
 * Advisers added to (or removed from) the order's assignees or subscribers hear of it;
 * `by` is the adviser who added them.
 */
export async function notifyAdvisers(
  db: Db,
  notices: Notices,
  orderId: string,
  change: { added: string[]; removed: string[]; by: string | null },
) {
  if (!change.added.length && !change.removed.length) return;
  const order = await orderFacts(db, orderId);
  const { send } = mailer(db, notices, order);
  const people = await db<{ id: string; name: string; email: string }[]>`
    select a.id::text, ${name(db, "a")} as name,
      coalesce(nullif(a.contact_email, ''), a.email) as email
    from company_advisor a
    where a.id = any(${[
    ...change.added,
    ...change.removed,
    change.by ?? change.added[0],
  ]}::uuid[])`;
  const person = new Map(people.map((p) => [p.id, p]));
  const date = notices.at.toISOString().slice(0, 10).split("-").reverse().join("/");
  for (const id of change.added) {
    await send(person.get(id)!.email, TEMPLATES.you_have_been_added_for_adviser, {
      "recipient name": person.get(id)!.name,
      creator: change.by ? person.get(change.by)?.name ?? null : null,
      "creation date": date,
    });
  }
  for (const id of change.removed) {
    await send(person.get(id)!.email, TEMPLATES.you_have_been_removed_for_adviser, {
      "recipient name": person.get(id)!.name,
    });
  }
}

/** The market's overseas manager (or the admin, told why not) and the region's managers. */
async function orderCreated(
  send: ReturnType<typeof mailer>["send"],
  notices: Notices,
  order: OrderFacts,
) {
  if (order.manager_email) {
    await send(order.manager_email, TEMPLATES.order_created_for_post_manager, {
      "recipient name": order.manager_email,
      creator: order.creator,
    });
  } else {
    const admin = notices.config.OMIS_NOTIFICATION_ADMIN_EMAIL;
    const why = order.market_exists
      ? `no manager email for market ${order.primary_market} could be found. ` +
        "Please log into the admin and add one"
      : `country ${order.primary_market} doesn't have an OMIS market defined`;
    await send(admin, TEMPLATES.generic_order_info, {
      "what has happened": "We couldn't notify the overseas manager",
      reason: why,
      "recipient name": admin,
    });
  }
  for (const email of order.regional_emails ?? []) {
    await send(email, TEMPLATES.order_created_for_regional_manager, {
      "recipient name": email,
      creator: order.creator,
    });
  }
}

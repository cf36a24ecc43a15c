/** Routes and Zod schemas of `/v3/event…` and `/v4/event…` (CRUD on event.event). */
import { createRoute, z } from "@hono/zod-openapi";
import { bearer } from "../auth/authenticate.ts";
import { crud } from "../auth/permissions.ts";
import { pageQuery, paginatedSchema } from "../http/pagination.ts";
import {
  IdName,
  idParam,
  jsonBody,
  jsonResponse,
  NestedAdviser,
  nestedRef,
  nullableRef,
  refList,
} from "../http/schemas.ts";

const middleware = [bearer, crud("event.event")];
const text = () => z.string().trim().max(255);
const required = () => text().min(1);

/** Writable fields of the v3 EventSerializer (read-only ones are ignored if sent). */
const v3Fields = {
  name: required(),
  event_type: nestedRef(),
  start_date: z.iso.date(),
  end_date: z.iso.date(),
  location_type: nullableRef(),
  notes: z.string().trim(),
  address_1: required(),
  address_2: text(),
  address_town: required(),
  address_county: text(),
  address_postcode: text(),
  address_country: nestedRef(),
  uk_region: nullableRef(),
  organiser: nestedRef(),
  lead_team: nestedRef(),
  teams: z.array(nestedRef()).min(1).transform((ids) => [...new Set(ids)]),
  related_programmes: refList(),
  service: nestedRef(),
  has_related_trade_agreements: z.boolean().nullable(),
  related_trade_agreements: refList(),
};
const REQUIRED = {
  name: true,
  event_type: true,
  start_date: true,
  end_date: true,
  address_1: true,
  address_town: true,
  address_country: true,
  organiser: true,
  lead_team: true,
  teams: true,
  service: true,
} as const;

const v3Update = z.object(v3Fields).partial();
/** v4 requires `has_related_trade_agreements` (not null) and `related_trade_agreements`. */
const v4Update = z.object({ ...v3Fields, has_related_trade_agreements: z.boolean() }).partial();
const bodies = {
  v3: { create: v3Update.required(REQUIRED), update: v3Update },
  v4: {
    create: v4Update.required({
      ...REQUIRED,
      has_related_trade_agreements: true,
      related_trade_agreements: true,
    }),
    update: v4Update,
  },
};
export type EventInput = z.output<typeof v3Update>;

/** An event as the original's EventSerializer renders it. */
export const EventSchema = z.object({
  id: z.string(),
  name: z.string(),
  event_type: IdName,
  start_date: z.string().nullable(),
  end_date: z.string().nullable(),
  location_type: IdName.nullable(),
  notes: z.string(),
  address_1: z.string(),
  address_2: z.string(),
  address_town: z.string(),
  address_county: z.string(),
  address_postcode: z.string(),
  address_country: IdName,
  uk_region: IdName.nullable(),
  organiser: NestedAdviser.nullable(),
  lead_team: IdName.nullable(),
  teams: z.array(IdName),
  has_related_trade_agreements: z.boolean().nullable(),
  related_trade_agreements: z.array(IdName),
  related_programmes: z.array(IdName),
  service: IdName.nullable(),
  archived_documents_url_path: z.string(),
  disabled_on: z.string().nullable(),
}).openapi("Event");

function versionRoutes(version: "v3" | "v4") {
  const tags = [`event (${version})`];
  const path = `/${version}/event`;
  return {
    list: createRoute({
      method: "get",
      path,
      tags,
      summary: "Events (sortby: name, created_on, modified_on, start_date)",
      middleware,
      request: { query: pageQuery.extend({ sortby: z.string().optional() }) },
      responses: { 200: jsonResponse("A page of events", paginatedSchema(EventSchema)) },
    }),
    create: createRoute({
      method: "post",
      path,
      tags,
      summary: "Create an event",
      middleware,
      request: { body: jsonBody(bodies[version].create) },
      responses: { 201: jsonResponse("The event", EventSchema) },
    }),
    detail: createRoute({
      method: "get",
      path: `${path}/{id}`,
      tags,
      summary: "One event",
      middleware,
      request: { params: idParam },
      responses: { 200: jsonResponse("The event", EventSchema) },
    }),
    update: createRoute({
      method: "patch",
      path: `${path}/{id}`,
      tags,
      summary: "Update an event",
      middleware,
      request: { params: idParam, body: jsonBody(bodies[version].update) },
      responses: { 200: jsonResponse("The event", EventSchema) },
    }),
  };
}

export const eventRoutes = { v3: versionRoutes("v3"), v4: versionRoutes("v4") };

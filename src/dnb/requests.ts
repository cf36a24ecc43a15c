/**
 * What change requests and investigations send to dnb-service: Data Hub's field names
 * renamed to D&B's (`name` → `primary_name`, a website → its domain, turnover in USD),
 * addresses as `address_*` keys with ISO country codes and area names, and a partial
 * address change completed from the company's stored address, as the original's
 * serializers do.
 */
import type { Db } from "../db/pool.ts";
import { nonFieldError, ValidationError } from "../http/errors.ts";
import { missingReferences, type Reference } from "../core/references.ts";
import type { Changes, investigationBody } from "./routes.ts";
import type { z } from "@hono/zod-openapi";
import * as q from "./queries.ts";

/** An address as dnb-service takes it: `address_*` keys, ISO country, area names. */
export async function addressForDnb(
  db: Db,
  address: Partial<Record<"line_1" | "line_2" | "town" | "county" | "postcode", string>> & {
    country?: string;
    area?: string;
  },
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const part of ["line_1", "line_2", "town", "county", "postcode"] as const) {
    if (address[part] !== undefined) out[`address_${part}`] = address[part];
  }
  if (address.area) out.address_area = await q.areaNames(db, address.area);
  if (address.country) out.address_country = await q.countryCode(db, address.country);
  return out;
}

/** Change-request fields renamed as dnb-service names them (turnover in USD). */
export async function convertChanges(db: Db, changes: Changes): Promise<Record<string, unknown>> {
  const refs: Reference[] = [];
  if (changes.address?.country) {
    refs.push({
      path: ["changes", "address", "country"],
      table: "metadata_country",
      id: changes.address.country,
    });
  }
  if (changes.address?.area) {
    refs.push({
      path: ["changes", "address", "area"],
      table: "metadata_administrativearea",
      id: changes.address.area,
    });
  }
  const missing = await missingReferences(db, refs);
  if (Object.keys(missing).length) throw new ValidationError(missing);
  const out: Record<string, unknown> = {};
  if (changes.name !== undefined) out.primary_name = changes.name;
  if (changes.trading_names !== undefined) out.trading_names = changes.trading_names;
  if (changes.number_of_employees !== undefined) out.employee_number = changes.number_of_employees;
  if (changes.turnover !== undefined) out.annual_sales = changes.turnover;
  if (changes.turnover_gbp !== undefined) {
    const rate = await q.gbpToUsdRate(db);
    out.annual_sales = rate === null ? changes.turnover_gbp : changes.turnover_gbp * rate;
  }
  if (changes.website !== undefined) out.domain = changes.website;
  if (changes.address) Object.assign(out, await addressForDnb(db, changes.address));
  return out;
}

/**
 * A partial address change is sent with the company's other address parts, as the
 * original does, so D&B sees the whole new address.
 */
export async function mergeStoredAddress(db: Db, duns: string, converted: Record<string, unknown>) {
  const stored = (await q.addressByDuns(db, duns))!;
  const existing: Record<string, unknown> = {
    address_line_1: stored.address_1,
    address_line_2: stored.address_2,
    address_town: stored.address_town,
    address_county: stored.address_county,
    address_country: stored.address_country_id
      ? await q.countryCode(db, stored.address_country_id)
      : null,
    address_postcode: stored.address_postcode,
  };
  if (stored.address_area_id) existing.address_area = await q.areaNames(db, stored.address_area_id);
  for (const [key, value] of Object.entries(existing)) {
    if (!(key in converted)) converted[key] = value;
  }
}

/**
 * The `company_details` of an investigation: the references must exist, and D&B needs a
 * website or a telephone number to find the company.
 */
export async function investigationDetails(
  db: Db,
  input: z.output<typeof investigationBody>,
): Promise<Record<string, unknown>> {
  const refs: Reference[] = [
    { path: ["company"], table: "company_company", id: input.company },
    { path: ["address", "country"], table: "metadata_country", id: input.address.country },
  ];
  if (input.address.area) {
    refs.push({
      path: ["address", "area"],
      table: "metadata_administrativearea",
      id: input.address.area,
    });
  }
  const missing = await missingReferences(db, refs);
  if (Object.keys(missing).length) throw new ValidationError(missing);
  if (!input.website && !input.telephone_number) {
    throw nonFieldError("Either website or telephone_number must be provided.");
  }
  const details: Record<string, unknown> = { primary_name: input.name };
  if (input.website !== undefined) details.domain = input.website;
  if (input.telephone_number !== undefined) details.telephone_number = input.telephone_number;
  return { ...details, ...(await addressForDnb(db, input.address)) };
}

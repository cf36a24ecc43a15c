/**
 * All SQL of large capital investor profiles and opportunities: each is described once
 * (table, foreign keys, M2M sets, the serializer's fields in order) and rendered, listed,
 * written and versioned from that description.
 */
import type { Db } from "../db/pool.ts";
import { insertRow, replaceLinks, updateRow } from "../db/rows.ts";
import { type Fragment, where } from "../db/fragments.ts";
import { datetime, jsonObject } from "../core/render.ts";
import { adviserRef, type VersionedEntity } from "../core/versions.ts";
import { listPage } from "../http/pagination.ts";
import { autocompletePatterns } from "../http/filter_values.ts";

/** Entity names are the search apps' (change feed and versions). */
interface M2M {
  table: string;
  target: string;
  ref: string;
}

export interface EntitySpec {
  table: string;
  /** Column of the join tables pointing at this entity. */
  source: string;
  /** Reference fields → the table each points at. */
  foreignKeys: Record<string, string>;
  m2m: Record<string, M2M>;
  /** Plain columns the API writes. */
  scalars: string[];
  /** Serializer fields in order: [name, kind] (kind drives rendering). */
  fields: [string, "col" | "int" | "decimal" | "date" | "datetime" | "fk" | "m2m" | "computed"][];
  versioned: VersionedEntity;
}

const P = "investor_profile_largecapitalinvestorprofile";
const O = "opportunity_largecapitalopportunity";

const versioned = (
  entity: string,
  table: string,
  source: string,
  fks: Record<string, string>,
  m2m: Record<string, M2M>,
): VersionedEntity => ({
  entity,
  table,
  foreignKeys: Object.fromEntries(
    Object.entries(fks).map((
      [f, t],
    ) => [`${f}_id`, t === "company_advisor" ? adviserRef : { table: t }]),
  ),
  manyToMany: Object.fromEntries(
    Object.entries(m2m).map(([f, m]) => [f, {
      table: m.table,
      source,
      target: m.target,
      ref: m.ref === "company_advisor" ? adviserRef : { table: m.ref },
    }]),
  ),
});

const profileFks = {
  investor_company: "company_company",
  investor_type: "investor_profile_investortype",
  required_checks_conducted: "investor_profile_requiredchecksconducted",
  required_checks_conducted_by: "company_advisor",
  minimum_return_rate: "investor_profile_returnrate",
  minimum_equity_percentage: "investor_profile_equitypercentage",
};
const profileM2M: Record<string, M2M> = {
  deal_ticket_sizes: {
    table: `${P}_deal_ticket_sizes`,
    target: "dealticketsize_id",
    ref: "investor_profile_dealticketsize",
  },
  investment_types: {
    table: `${P}_investment_types`,
    target: "largecapitalinvestmenttype_id",
    ref: "investor_profile_largecapitalinvestmenttype",
  },
  time_horizons: {
    table: `${P}_time_horizons`,
    target: "timehorizon_id",
    ref: "investor_profile_timehorizon",
  },
  construction_risks: {
    table: `${P}_construction_risks`,
    target: "constructionrisk_id",
    ref: "investor_profile_constructionrisk",
  },
  desired_deal_roles: {
    table: `${P}_desired_deal_roles`,
    target: "desireddealrole_id",
    ref: "investor_profile_desireddealrole",
  },
  restrictions: {
    table: `${P}_restrictions`,
    target: "restriction_id",
    ref: "investor_profile_restriction",
  },
  asset_classes_of_interest: {
    table: `${P}_asset_classes_6eb3`,
    target: "assetclassinterest_id",
    ref: "investor_profile_assetclassinterest",
  },
  uk_region_locations: {
    table: `${P}_uk_region_loca4ce4`,
    target: "ukregion_id",
    ref: "metadata_ukregion",
  },
  other_countries_being_considered: {
    table: `${P}_other_countrie8ce0`,
    target: "country_id",
    ref: "metadata_country",
  },
};

export const profileSpec: EntitySpec = {
  table: P,
  source: "largecapitalinvestorprofile_id",
  foreignKeys: profileFks,
  m2m: profileM2M,
  scalars: [
    "investable_capital",
    "global_assets_under_management",
    "investor_description",
    "required_checks_conducted_on",
    "notes_on_locations",
  ],
  fields: [
    ["id", "col"],
    ["created_on", "datetime"],
    ["modified_on", "datetime"],
    ["investor_company", "fk"],
    ["incomplete_details_fields", "computed"],
    ["incomplete_requirements_fields", "computed"],
    ["incomplete_location_fields", "computed"],
    ["investor_type", "fk"],
    ["investable_capital", "int"],
    ["global_assets_under_management", "int"],
    ["investor_description", "col"],
    ["required_checks_conducted", "fk"],
    ["required_checks_conducted_on", "date"],
    ["required_checks_conducted_by", "fk"],
    ["deal_ticket_sizes", "m2m"],
    ["investment_types", "m2m"],
    ["minimum_return_rate", "fk"],
    ["time_horizons", "m2m"],
    ["construction_risks", "m2m"],
    ["minimum_equity_percentage", "fk"],
    ["desired_deal_roles", "m2m"],
    ["restrictions", "m2m"],
    ["asset_classes_of_interest", "m2m"],
    ["uk_region_locations", "m2m"],
    ["notes_on_locations", "col"],
    ["other_countries_being_considered", "m2m"],
  ],
  versioned: versioned(
    "large-investor-profile",
    P,
    "largecapitalinvestorprofile_id",
    profileFks,
    profileM2M,
  ),
};

const opportunityFks = {
  type: "opportunity_opportunitytype",
  status: "opportunity_opportunitystatus",
  required_checks_conducted: "investor_profile_requiredchecksconducted",
  required_checks_conducted_by: "company_advisor",
  lead_dit_relationship_manager: "company_advisor",
  opportunity_value_type: "opportunity_opportunityvaluetype",
  estimated_return_rate: "investor_profile_returnrate",
};
const opp = (field: string, target: string, ref: string): M2M => ({
  table: `${O}_${field}`,
  target,
  ref,
});
const opportunityM2M: Record<string, M2M> = {
  uk_region_locations: opp("uk_region_locations", "ukregion_id", "metadata_ukregion"),
  promoters: opp("promoters", "company_id", "company_company"),
  asset_classes: opp(
    "asset_classes",
    "assetclassinterest_id",
    "investor_profile_assetclassinterest",
  ),
  construction_risks: opp(
    "construction_risks",
    "constructionrisk_id",
    "investor_profile_constructionrisk",
  ),
  investment_projects: opp(
    "investment_projects",
    "investmentproject_id",
    "investment_investmentproject",
  ),
  reasons_for_abandonment: opp(
    "reasons_for_abandonment",
    "abandonmentreason_id",
    "opportunity_abandonmentreason",
  ),
  other_dit_contacts: opp("other_dit_contacts", "advisor_id", "company_advisor"),
  sources_of_funding: opp(
    "sources_of_funding",
    "sourceoffunding_id",
    "opportunity_sourceoffunding",
  ),
  investment_types: opp(
    "investment_types",
    "largecapitalinvestmenttype_id",
    "investor_profile_largecapitalinvestmenttype",
  ),
  time_horizons: opp("time_horizons", "timehorizon_id", "investor_profile_timehorizon"),
};

export const opportunitySpec: EntitySpec = {
  table: O,
  source: "largecapitalopportunity_id",
  foreignKeys: opportunityFks,
  m2m: opportunityM2M,
  scalars: [
    "name",
    "dit_support_provided",
    "description",
    "required_checks_conducted_on",
    "opportunity_value",
    "total_investment_sought",
    "current_investment_secured",
  ],
  fields: [
    ["id", "col"],
    ["created_on", "datetime"],
    ["modified_on", "datetime"],
    ["type", "fk"],
    ["status", "fk"],
    ["name", "col"],
    ["dit_support_provided", "col"],
    ["incomplete_details_fields", "computed"],
    ["incomplete_requirements_fields", "computed"],
    ["description", "col"],
    ["uk_region_locations", "m2m"],
    ["promoters", "m2m"],
    ["required_checks_conducted", "fk"],
    ["lead_dit_relationship_manager", "fk"],
    ["asset_classes", "m2m"],
    ["opportunity_value", "decimal"],
    ["construction_risks", "m2m"],
    ["required_checks_conducted_on", "date"],
    ["required_checks_conducted_by", "fk"],
    ["opportunity_value_type", "fk"],
    ["investment_projects", "m2m"],
    ["reasons_for_abandonment", "m2m"],
    ["other_dit_contacts", "m2m"],
    ["sources_of_funding", "m2m"],
    ["total_investment_sought", "decimal"],
    ["current_investment_secured", "decimal"],
    ["investment_types", "m2m"],
    ["estimated_return_rate", "fk"],
    ["time_horizons", "m2m"],
  ],
  versioned: versioned(
    "large-capital-opportunity",
    O,
    "largecapitalopportunity_id",
    opportunityFks,
    opportunityM2M,
  ),
};

/** `r.name`, or an adviser's full name, for `{name, id}` of a referenced row. */
const nameOf = (sql: Db, table: string) =>
  table === "company_advisor"
    ? sql`concat_ws(' ', nullif(r.first_name, ''), nullif(r.last_name, ''))`
    : sql`r.name`;

/** The object aliased `o` as its serializer renders it (computed fields aside). */
export function entityJson(sql: Db, spec: EntitySpec): Fragment {
  const pairs: [string, Fragment | null][] = [];
  for (const [field, kind] of spec.fields) {
    const column = sql(`o.${field}`);
    if (kind === "computed") continue;
    if (kind === "col") pairs.push([field, sql`${column}`]);
    else if (kind === "int") pairs.push([field, sql`${column}`]);
    else if (kind === "decimal") pairs.push([field, sql`${column}::text`]);
    else if (kind === "date") pairs.push([field, sql`to_char(${column}, 'YYYY-MM-DD')`]);
    else if (kind === "datetime") pairs.push([field, datetime(sql, sql`${column}`)]);
    else if (kind === "fk") {
      const table = spec.foreignKeys[field];
      pairs.push([
        field,
        sql`(select jsonb_build_object('name', ${nameOf(sql, table)}, 'id', r.id)
          from ${sql(table)} r where r.id = ${sql(`o.${field}_id`)})`,
      ]);
    } else {
      const m = spec.m2m[field];
      pairs.push([
        field,
        sql`(select coalesce(jsonb_agg(jsonb_build_object('name', ${nameOf(sql, m.ref)},
            'id', r.id) order by j.id), '[]'::jsonb)
          from ${sql(m.table)} j join ${sql(m.ref)} r on r.id = j.${sql(m.target)}
          where j.${sql(spec.source)} = o.id)`,
      ]);
    }
  }
  return jsonObject(sql, pairs);
}

export type EntityJson = Record<string, unknown>;

export async function findEntity(db: Db, spec: EntitySpec, id: string) {
  const [row] = await db<{ object: EntityJson }[]>`
    select ${entityJson(db, spec)} as object from ${db(spec.table)} o where o.id = ${id}`;
  return row?.object ?? null;
}

export async function listEntities(
  db: Db,
  spec: EntitySpec,
  options: {
    investorCompanyId?: string;
    investmentProjectId?: string;
    autocomplete?: string;
    page: { limit: number; offset: number };
  },
) {
  const conditions: Fragment[] = [];
  if (options.investorCompanyId) {
    conditions.push(db`o.investor_company_id = ${options.investorCompanyId}`);
  }
  if (options.investmentProjectId) {
    conditions.push(db`exists (select 1 from ${db(`${O}_investment_projects`)} j
      where j.largecapitalopportunity_id = o.id
      and j.investmentproject_id = ${options.investmentProjectId})`);
  }
  for (const pattern of autocompletePatterns(options.autocomplete ?? "")) {
    conditions.push(db`o.name ~* ${pattern}`);
  }
  const { count, rows } = await listPage<{ object: EntityJson }>(db, {
    select: db`${entityJson(db, spec)} as object`,
    from: db`${db(spec.table)} o`,
    key: "o.id",
    where: where(db, conditions),
    order: db`order by o.created_on, o.id`,
    page: options.page,
  });
  return { count, results: rows.map((r) => r.object) };
}

/** The stored checks values (validation reads them), locked for the update. */
export async function lockEntity(db: Db, spec: EntitySpec, id: string) {
  const [row] = await db<
    {
      investor_company: string | null;
      required_checks_conducted: string | null;
      required_checks_conducted_on: string | null;
      required_checks_conducted_by: string | null;
    }[]
  >`
    select ${
    spec.table === P ? db`o.investor_company_id::text` : db`null::text`
  } as investor_company,
      o.required_checks_conducted_id::text as required_checks_conducted,
      to_char(o.required_checks_conducted_on, 'YYYY-MM-DD') as required_checks_conducted_on,
      o.required_checks_conducted_by_id::text as required_checks_conducted_by
    from ${db(spec.table)} o where o.id = ${id} for update`;
  return row ?? null;
}

/** Whether the company has a profile other than `exceptId`. */
export async function companyHasProfile(db: Db, companyId: string, exceptId: string | null) {
  const rows = await db`select 1 from ${db(P)} where investor_company_id = ${companyId}
    and id is distinct from ${exceptId}::uuid`;
  return rows.length > 0;
}

export const insertEntity = (db: Db, spec: EntitySpec, columns: Record<string, unknown>) =>
  insertRow(db, spec.table, columns);

export const updateEntity = (
  db: Db,
  spec: EntitySpec,
  id: string,
  columns: Record<string, unknown>,
) => updateRow(db, spec.table, id, columns);

/** Replaces an M2M set; kept members keep their link (and so their order). */
export async function replaceM2M(
  db: Db,
  spec: EntitySpec,
  id: string,
  field: string,
  ids: string[],
) {
  const { table, target } = spec.m2m[field];
  await replaceLinks(db, { table, source: spec.source, target }, id, ids);
}

/** `{id, name}` of the opportunity an interaction names, or null. */
export const opportunityLinkJson = (sql: Db, id: Fragment): Fragment =>
  sql`(select jsonb_build_object('name', lo.name, 'id', lo.id)
    from opportunity_largecapitalopportunity lo where lo.id = ${id})`;

export async function opportunityExists(db: Db, id: string): Promise<boolean> {
  return (await db`select 1 from ${db(O)} where id = ${id}`).length > 0;
}

/** Profiles of a company (their documents embed it). */
export async function profileIdsOfCompany(db: Db, companyId: string): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    select id::text from ${db(P)} where investor_company_id = ${companyId}`;
  return rows.map((r) => r.id);
}

/** Opportunities a company promotes (their documents embed it). */
export async function opportunityIdsOfCompany(db: Db, companyId: string): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    select largecapitalopportunity_id::text as id from ${db(`${O}_promoters`)}
    where company_id = ${companyId}`;
  return rows.map((r) => r.id);
}

/** Opportunities linked to a project (their documents embed its name). */
export async function opportunityIdsOfProject(db: Db, projectId: string): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    select largecapitalopportunity_id::text as id from ${db(`${O}_investment_projects`)}
    where investmentproject_id = ${projectId}`;
  return rows.map((r) => r.id);
}

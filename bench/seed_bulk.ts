/**
 * Bulk seeding of companies, contacts and interactions for load runs: each entity is one
 * `INSERT … SELECT … FROM generate_series` run inside PostgreSQL, so a million rows cost
 * seconds rather than a million round trips. Names come from small word lists combined
 * by `random()` after `setseed`, so a run is reproducible and free-text searches meet a
 * realistic spread of matches.
 *
 * Kept apart from bench/seed.ts (one Seeder per entity through the API's own shapes) on
 * purpose: this is the fast path the load runner needs at 1M/2M/5M rows.
 */
import type { Sql } from "../src/db/pool.ts";
import { type Fragment, joinFragments } from "../src/db/fragments.ts";
import { FIRST_NAMES, LAST_NAMES } from "./seed.ts";

const NAME_WORDS = [
  "Acme",
  "Albion",
  "Apex",
  "Atlas",
  "Beacon",
  "Bright",
  "Caledonian",
  "Cedar",
  "Celtic",
  "Crown",
  "Delta",
  "Eagle",
  "Emerald",
  "Granite",
  "Harbour",
  "Highland",
  "Horizon",
  "Iron",
  "Kestrel",
  "Lakeside",
  "Meridian",
  "Northern",
  "Oak",
  "Orbit",
  "Pennine",
  "Phoenix",
  "Pioneer",
  "Quantum",
  "Riverside",
  "Saxon",
  "Severn",
  "Silver",
  "Solent",
  "Summit",
  "Thames",
  "Trident",
  "Unity",
  "Vale",
  "Vanguard",
  "Windmill",
];
const TRADES = [
  "Aerospace",
  "Analytics",
  "Biotech",
  "Brewing",
  "Ceramics",
  "Consulting",
  "Design",
  "Engineering",
  "Energy",
  "Foods",
  "Freight",
  "Games",
  "Health",
  "Instruments",
  "Logistics",
  "Marine",
  "Media",
  "Motors",
  "Pharma",
  "Robotics",
  "Software",
  "Steel",
  "Textiles",
  "Timber",
  "Tools",
  "Water",
];
const SUFFIXES = ["Ltd", "Limited", "PLC", "Group", "Holdings", "LLP", "& Co", "Partners"];
const TOWNS = [
  "London",
  "Manchester",
  "Birmingham",
  "Leeds",
  "Glasgow",
  "Edinburgh",
  "Cardiff",
  "Belfast",
  "Bristol",
  "Newcastle",
  "Sheffield",
  "Nottingham",
  "Aberdeen",
  "Swansea",
  "Norwich",
  "Plymouth",
];
const SUBJECTS = [
  "Export support call",
  "Trade show follow-up",
  "Market visit briefing",
  "Investment enquiry",
  "Tariff question",
  "Account review",
  "Introductory meeting",
  "Overseas buyer introduction",
];

const UNITED_KINGDOM = "80756b9a-5d95-e211-a939-e4115bead28a";

export interface BulkSizes {
  companies: number;
  contacts: number;
  interactions: number;
  projects: number;
}

export interface BulkStep {
  entity: string;
  rows: number;
  ms: number;
  /** Why the entity was skipped or trimmed, if it was. */
  note?: string;
}

/** One random element of a text array literal, e.g. `pick(${words}::text[])`. */
const pick = (sql: Sql, array: readonly string[]) =>
  sql`(${array as string[]}::text[])[1 + floor(random() * ${array.length})::int]`;

async function timed(entity: string, run: () => Promise<number>): Promise<BulkStep> {
  const started = performance.now();
  const rows = await run();
  return { entity, rows, ms: Math.round(performance.now() - started) };
}

async function seedCompanies(sql: Sql, count: number): Promise<number> {
  // Bound arrays are constants of the statement; an array column of a joined CTE would
  // be copied for every generated row (quadratic at a million rows).
  const ids = async (table: string) =>
    (await sql<{ id: string }[]>`select id::text from ${sql(table)} order by id`).map((r) => r.id);
  const m = {
    sectors: await ids("metadata_sector"),
    regions: await ids("metadata_ukregion"),
    countries: await ids("metadata_country"),
    employees: await ids("metadata_employeerange"),
    turnovers: await ids("metadata_turnoverrange"),
    types: await ids("metadata_businesstype"),
    advisers: await ids("company_advisor"),
  };
  const anyOf = (array: string[]) =>
    sql`(${array}::uuid[])[1 + floor(random() * ${array.length})::int]`;
  const result = await sql`
    with g as (
      select i, random() < 0.7 as uk, now() - random() * interval '3650 days' as created
      from generate_series(1, ${count}) i
    )
    insert into company_company (name, created_on, modified_on, created_by_id, reference_code,
      company_number, duns_number, sector_id, uk_region_id, address_country_id,
      employee_range_id, turnover_range_id, business_type_id, address_1, address_town,
      address_postcode, description, website, number_of_employees, turnover, archived,
      archived_on, archived_reason)
    select
      ${pick(sql, NAME_WORDS)} || ' ' || ${pick(sql, TRADES)} || ' ' || ${pick(sql, SUFFIXES)},
      g.created, g.created + random() * interval '300 days', ${anyOf(m.advisers)},
      'ORG-' || lpad(g.i::text, 8, '0'),
      case when g.uk then lpad((10000000 + g.i)::text, 8, '0') end,
      case when g.i % 2 = 0 then lpad(g.i::text, 9, '0') end,
      ${anyOf(m.sectors)},
      case when g.uk then ${anyOf(m.regions)} end,
      case when g.uk then ${UNITED_KINGDOM}::uuid else ${anyOf(m.countries)} end,
      ${anyOf(m.employees)}, ${anyOf(m.turnovers)}, ${anyOf(m.types)},
      (1 + floor(random() * 200))::int || ' High Street', ${pick(sql, TOWNS)},
      case when g.uk then 'SW1A ' || (1 + floor(random() * 9))::int || 'AA' else '' end,
      'Makes and sells ' || lower(${pick(sql, TRADES)}) || ' products',
      'www.example-' || g.i || '.test', floor(random() * 5000)::int,
      floor(random() * 50000000)::bigint, g.i % 20 = 0,
      case when g.i % 20 = 0 then g.created + interval '400 days' end,
      case when g.i % 20 = 0 then 'Company is dissolved' end
    from g`;
  return result.count;
}

/**
 * Companies numbered 1..n in a table, so a contact or an interaction picks its company by
 * a random number through a hash join. Not a temporary table: a large run outlives the
 * pool's connection lifetime, and the next step would find it gone; `seedBulk` drops it.
 */
async function numberCompanies(sql: Sql) {
  // Fresh statistics first: on a table the planner still thinks empty, the foreign-key
  // checks of the contacts probe (created_on, id) instead of the primary key, a full index
  // scan per row (142 s instead of 10 for 200k contacts).
  await sql`analyze company_company`;
  await sql`drop table if exists bench_company_pick`;
  await sql`create unlogged table bench_company_pick as
    select row_number() over (order by id)::int as k, id from company_company`;
  await sql`analyze bench_company_pick`;
}

const randomCompany = (sql: Sql) =>
  sql`1 + floor(random() * (select count(*) from bench_company_pick))::int`;

/** Runs `insert(from, to)` over 1..count in slices, so a large run shows steady progress. */
async function inSlices(count: number, insert: (from: number, to: number) => Promise<number>) {
  let rows = 0;
  for (let from = 1; from <= count; from += SLICE) {
    rows += await insert(from, Math.min(count, from + SLICE - 1));
  }
  return rows;
}

const SLICE = 20_000;

function seedContacts(sql: Sql, count: number): Promise<number> {
  return inSlices(count, async (from, to) =>
    (await sql`
    with g as (
      select i, ${pick(sql, FIRST_NAMES)} as first, ${pick(sql, LAST_NAMES)} as last,
        now() - random() * interval '3000 days' as created, ${randomCompany(sql)} as k
      from generate_series(${from}::int, ${to}::int) i
    )
    insert into company_contact (first_name, last_name, job_title, company_id, "primary",
      email, full_telephone_number, address_same_as_company, created_on, modified_on,
      archived, valid_email)
    select g.first, g.last, ${pick(sql, ["Director", "CEO", "Export Manager", "Buyer", "CFO"])},
      p.id, g.i % 3 = 0,
      lower(regexp_replace(g.first || '.' || g.last, '[^A-Za-z.]', '', 'g')) || '.' || g.i
        || '@example.test',
      '+44 20 7946 ' || lpad((g.i % 10000)::text, 4, '0'), true, g.created, g.created,
      g.i % 25 = 0, true
    from g join bench_company_pick p using (k)`).count);
}

/**
 * Values for the interaction table's columns, by name, as the original's model fills
 * them; a NOT NULL column without a default that is not named here cannot be seeded.
 */
function interactionValues(sql: Sql) {
  return {
    kind: sql`'interaction'`,
    status: sql`'complete'`,
    theme: sql`'export'`,
    date: sql`g.created`,
    created_on: sql`g.created`,
    modified_on: sql`g.created`,
    subject: pick(sql, SUBJECTS),
    notes: sql`'Discussed ' || lower(${pick(sql, TRADES)}) || ' opportunities'`,
    location: sql`''`,
    archived: sql`false`,
    archived_documents_url_path: sql`''`,
    policy_feedback_notes: sql`''`,
    was_policy_feedback_provided: sql`false`,
    were_countries_discussed: sql`false`,
    has_related_trade_agreements: sql`false`,
    company_id: sql`p.id`,
    service_id: sql`(select array_agg(id) from metadata_service)
      [1 + floor(random() * (select count(*) from metadata_service))::int]`,
    communication_channel_id: sql`(select array_agg(id) from interaction_communicationchannel)
      [1 + floor(random() * (select count(*) from interaction_communicationchannel))::int]`,
  } as Record<string, Fragment>;
}

async function seedInteractions(sql: Sql, count: number): Promise<BulkStep> {
  const started = performance.now();
  const columns = await sql<{ name: string; required: boolean }[]>`
    select column_name as name, is_nullable = 'NO' and column_default is null
      and is_identity = 'NO' as required
    from information_schema.columns
    where table_schema = current_schema() and table_name = 'interaction_interaction'`;
  if (!columns.length) {
    return {
      entity: "interactions",
      rows: 0,
      ms: 0,
      note: "skipped: no interaction_interaction table on this branch",
    };
  }
  const values = interactionValues(sql);
  const unknown = columns.filter((c) => c.required && !(c.name in values)).map((c) => c.name);
  if (unknown.length) {
    return {
      entity: "interactions",
      rows: 0,
      ms: 0,
      note: `skipped: no seed value for required column(s) ${unknown.join(", ")}`,
    };
  }
  const present = columns.filter((c) => c.name in values).map((c) => c.name);
  const rows = await inSlices(count, async (from, to) =>
    (await sql`
    with g as (
      select i, now() - random() * interval '1500 days' as created, ${randomCompany(sql)} as k
      from generate_series(${from}::int, ${to}::int) i
    )
    insert into interaction_interaction (${joinFragments(sql, present.map((c) => sql`${sql(c)}`))})
    select ${joinFragments(sql, present.map((name) => values[name]))}
    from g join bench_company_pick p using (k)`).count);
  // The link tables the original fills beside company_id, where this branch has them:
  // the company, one contact of that company, one adviser (with their team) who took part.
  const links = await sql<{ name: string }[]>`
    select t as name from unnest(${[
    "interaction_interaction_companies",
    "interaction_interaction_contacts",
    "interaction_interactionditparticipant",
  ]}::text[]) t where to_regclass(t) is not null`;
  const has = new Set(links.map((l) => l.name));
  await sql`analyze interaction_interaction`;
  if (has.has("interaction_interaction_companies")) {
    await sql`
      insert into interaction_interaction_companies (interaction_id, company_id)
      select id, company_id from interaction_interaction where company_id is not null`;
  }
  if (has.has("interaction_interaction_contacts")) {
    await sql`
      insert into interaction_interaction_contacts (interaction_id, contact_id)
      select distinct on (i.id) i.id, k.id from interaction_interaction i
      join company_contact k on k.company_id = i.company_id
      order by i.id, k.id`;
  }
  if (has.has("interaction_interactionditparticipant")) {
    await sql`
      with a as (
        select id, dit_team_id, row_number() over (order by id) as k from company_advisor
      ), i as (
        select id, 1 + floor(random() * (select count(*) from a))::int as k
        from interaction_interaction
      )
      insert into interaction_interactionditparticipant (interaction_id, adviser_id, team_id)
      select i.id, a.id, a.dit_team_id from i join a using (k)`;
  }
  return {
    entity: "interactions",
    rows,
    ms: Math.round(performance.now() - started),
  };
}

const PROJECT_WORDS = ["Expansion", "Factory", "Offices", "Data centre", "R&D hub", "Warehouse"];
const STAGES = [
  "8a320cc9-ae2e-443e-9d26-2f36452c2ced",
  "c9864359-fb1a-4646-a4c1-97d10189fc03",
  "7606cc19-20da-4b74-aba1-2cec0d753ad8",
  "49b8f6f3-0c50-4150-a965-2c974f3149e3",
  "945ea6d1-eee3-4f5b-9144-84a75b71b8e6",
];

/**
 * Investment projects of random investor companies, with their codes, a client contact
 * and a team member each; skipped (with a note) where the table does not exist.
 */
async function seedProjects(sql: Sql, count: number): Promise<BulkStep> {
  const started = performance.now();
  const [{ present }] = await sql<{ present: boolean }[]>`
    select to_regclass('investment_investmentproject') is not null as present`;
  if (!present) {
    return { entity: "projects", rows: 0, ms: 0, note: "skipped: no project table" };
  }
  const ids = async (table: string) =>
    (await sql<{ id: string }[]>`select id::text from ${sql(table)} order by id`).map((r) => r.id);
  const m = {
    sectors: await ids("metadata_sector"),
    advisers: await ids("company_advisor"),
    activities: await ids("metadata_referralsourceactivity"),
    types: await ids("metadata_investmenttype"),
  };
  const anyOf = (array: string[]) =>
    sql`(${array}::uuid[])[1 + floor(random() * ${array.length})::int]`;
  const rows = await inSlices(count, async (from, to) =>
    (await sql`
    with g as (
      select i, now() - random() * interval '1500 days' as created, ${randomCompany(sql)} as k
      from generate_series(${from}::int, ${to}::int) i
    )
    insert into investment_investmentproject (name, description, investment_type_id, stage_id,
      status, created_on, modified_on, created_by_id, client_relationship_manager_id,
      referral_source_adviser_id, referral_source_activity_id, sector_id, investor_company_id,
      estimated_land_date, total_investment)
    select p2.name || ' ' || ${pick(sql, PROJECT_WORDS)}, 'Seeded project ' || g.i,
      ${anyOf(m.types)}, (${STAGES}::uuid[])[1 + floor(random() * 5)::int],
      'ongoing', g.created, g.created, ${anyOf(m.advisers)}, ${anyOf(m.advisers)},
      ${anyOf(m.advisers)}, ${anyOf(m.activities)}, ${anyOf(m.sectors)}, p.id,
      (g.created + random() * interval '900 days')::date, floor(random() * 100000000)::bigint
    from g join bench_company_pick p using (k) join company_company p2 on p2.id = p.id`).count);
  await sql`analyze investment_investmentproject`;
  await sql`insert into investment_investmentprojectcode (project_id)
    select id from investment_investmentproject order by created_on`;
  await sql`insert into investment_investmentprojectstagelog (investment_project_id, stage_id,
    created_on) select id, stage_id, created_on from investment_investmentproject`;
  await sql`
    insert into investment_investmentproject_client_contacts (investmentproject_id, contact_id)
    select distinct on (p.id) p.id, k.id from investment_investmentproject p
    join company_contact k on k.company_id = p.investor_company_id order by p.id, k.id`;
  await sql`
    with a as (select id, row_number() over (order by id) as k from company_advisor),
    p as (select id, 1 + floor(random() * (select count(*) from a))::int as k
      from investment_investmentproject)
    insert into investment_investmentprojectteammember (investment_project_id, adviser_id, role)
    select p.id, a.id, 'Sector adviser' from p join a using (k)`;
  return { entity: "projects", rows, ms: Math.round(performance.now() - started) };
}

/**
 * Seeds `sizes` rows into an empty, migrated database (advisers and reference data
 * first). Interactions are skipped, with a note, while
 * their table does not exist. `sql` must hold one connection: `setseed` is per session.
 */
export async function seedBulk(sql: Sql, sizes: BulkSizes): Promise<BulkStep[]> {
  // Per session, so set again before each step: a large run outlives the pool's connection
  // lifetime. A fresh database has no process caches to invalidate: the cache-version
  // triggers (src/core/cache_version.ts) would only slow the bulk inserts down.
  const session = async (seed: number) => {
    await sql`select setseed(${seed})`;
    await sql`set session_replication_role = replica`;
  };
  const steps = [
    await timed("companies", async () => {
      await session(0.42);
      const rows = await seedCompanies(sql, sizes.companies);
      await numberCompanies(sql);
      return rows;
    }),
    await timed("contacts", async () => {
      await session(0.43);
      const rows = await seedContacts(sql, sizes.contacts);
      await sql`analyze company_contact`;
      return rows;
    }),
    await session(0.44).then(() => seedInteractions(sql, sizes.interactions)),
    await session(0.45).then(() => seedProjects(sql, sizes.projects)),
  ];
  await sql`drop table bench_company_pick`;
  return steps;
}

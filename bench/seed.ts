/**
 * Benchmark seeder: realistic-looking rows in bulk, sized by flags, reproducible by
 * `--seed`. Names come from small word lists combined at random, so free-text and
 * partial-name searches meet a realistic spread of matches.
 *
 *   deno run -A bench/seed.ts --advisers 1000 --companies 100000 --contacts 200000 \
 *     [--seed 42] [--sync]
 *
 * Each entity is one `Seeder` in `seeders` below (interactions plug in there once their
 * table exists). Rows go in by multi-row `unnest` inserts, 5,000 per statement.
 * `--sync` rebuilds the search documents of the seeded entities afterwards. Benchmarks
 * call {@link seedDatabase} with the same counts instead of spawning this script.
 */
import { parseArgs } from "node:util";
import { registry } from "../src/domains.ts";
import { openRuntime } from "../src/runtime.ts";
import type { Sql } from "../src/db/pool.ts";
import { searchBackend } from "../src/search/engine.ts";
import type { SearchBackend } from "../src/search/backend.ts";
import { rebuildApp } from "../src/search/sync.ts";

export const FIRST_NAMES = [
  "Aisha",
  "Alex",
  "Amelia",
  "Arjun",
  "Ben",
  "Chloe",
  "Daniel",
  "Eilidh",
  "Emma",
  "Fatima",
  "George",
  "Grace",
  "Hannah",
  "Harry",
  "Isla",
  "Jack",
  "James",
  "Jessica",
  "Kwame",
  "Laura",
  "Liam",
  "Lucy",
  "Mohammed",
  "Niamh",
  "Oliver",
  "Olivia",
  "Priya",
  "Rhys",
  "Sam",
  "Sophie",
  "Thomas",
  "Wei",
  "Zara",
  "Zoë",
  "Seán",
  "Chidi",
  "Magdalena",
  "Hamish",
  "Siobhan",
  "Yusuf",
];
export const LAST_NAMES = [
  "Smith",
  "Jones",
  "Williams",
  "Taylor",
  "Brown",
  "Davies",
  "Evans",
  "Wilson",
  "Thomas",
  "Johnson",
  "Roberts",
  "Robinson",
  "Thompson",
  "Wright",
  "Walker",
  "White",
  "Edwards",
  "Hughes",
  "Green",
  "Hall",
  "Patel",
  "Khan",
  "Singh",
  "Campbell",
  "MacDonald",
  "O'Neill",
  "Kowalski",
  "Nguyen",
  "Okafor",
  "Ahmed",
  "Murphy",
  "Price",
  "Lewis-Jones",
  "Fraser",
  "Stewart",
  "Clarke",
  "Chen",
  "Begum",
  "Ali",
  "Morgan",
];

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same data. */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    chance: (p: number) => next() < p,
  };
}

export type Random = ReturnType<typeof random>;

export interface Seeder {
  /** Command-line flag giving the row count, e.g. `advisers`. */
  flag: string;
  /** The search app to rebuild after seeding, if any. */
  searchApp?: string;
  seed(sql: Sql, count: number, rng: Random, onBatch: (done: number) => void): Promise<void>;
}

const BATCH = 1000;

const advisers: Seeder = {
  flag: "advisers",
  searchApp: "adviser",
  async seed(sql, count, rng, onBatch) {
    const teams = (await sql<{ id: string }[]>`select id::text from metadata_team`).map((t) =>
      t.id
    );
    const run = crypto.randomUUID().slice(0, 8);
    for (let start = 0; start < count; start += BATCH) {
      const size = Math.min(BATCH, count - start);
      const first: string[] = [];
      const last: string[] = [];
      const emails: string[] = [];
      const team: (string | null)[] = [];
      const active: boolean[] = [];
      for (let i = 0; i < size; i++) {
        const f = rng.pick(FIRST_NAMES);
        const l = rng.pick(LAST_NAMES);
        first.push(f);
        last.push(l);
        emails.push(
          `${f}.${l}.${run}.${start + i}@example.test`.toLowerCase().replace(/[^a-z0-9.@]/g, ""),
        );
        team.push(teams.length && rng.chance(0.9) ? rng.pick(teams) : null);
        active.push(rng.chance(0.85));
      }
      await sql`
        insert into company_advisor (first_name, last_name, email, dit_team_id, is_active)
        select * from unnest(${first}::text[], ${last}::text[], ${emails}::text[],
                             ${team}::text[]::uuid[], ${active.map(String)}::text[]::boolean[])`;
      onBatch(start + size);
    }
  },
};

export const COMPANY_WORDS = [
  "Acme",
  "Albion",
  "Apex",
  "Atlas",
  "Beacon",
  "Bridgewater",
  "Caledonian",
  "Cambrian",
  "Castle",
  "Crown",
  "Delta",
  "Eastern",
  "Falcon",
  "Galaxy",
  "Granite",
  "Harbour",
  "Highland",
  "Horizon",
  "Imperial",
  "Kestrel",
  "Lakeland",
  "Meridian",
  "Northern",
  "Oak",
  "Pennine",
  "Phoenix",
  "Pinnacle",
  "Quantum",
  "Riverside",
  "Saxon",
  "Severn",
  "Southern",
  "Summit",
  "Thames",
  "Union",
  "Vanguard",
  "Western",
  "Windsor",
  "Zenith",
  "Ørsted",
];
export const COMPANY_TRADES = [
  "Aerospace",
  "Analytics",
  "Biotech",
  "Brewing",
  "Ceramics",
  "Consulting",
  "Digital",
  "Energy",
  "Engineering",
  "Foods",
  "Freight",
  "Games",
  "Logistics",
  "Marine",
  "Medical",
  "Metals",
  "Motors",
  "Pharma",
  "Plastics",
  "Robotics",
  "Software",
  "Steel",
  "Textiles",
  "Timber",
  "Widgets",
];
const COMPANY_SUFFIXES = ["Ltd", "Limited", "plc", "LLP", "Group", "Holdings Ltd", "& Co", ""];
const TOWNS = [
  ["London", "SW1A 1AA"],
  ["Manchester", "M1 2AB"],
  ["Birmingham", "B2 4QA"],
  ["Leeds", "LS1 5DL"],
  ["Glasgow", "G1 1XQ"],
  ["Cardiff", "CF10 1EP"],
  ["Belfast", "BT1 5GS"],
  ["Bristol", "BS1 4DJ"],
  ["Edinburgh", "EH1 1YZ"],
  ["Newcastle", "NE1 7RU"],
] as const;
const JOB_TITLES = [
  "Managing Director",
  "Export Manager",
  "Head of Sales",
  "CEO",
  "Finance Director",
  "Operations Manager",
  "Procurement Lead",
  "",
];
const UK = "80756b9a-5d95-e211-a939-e4115bead28a";
const SEED_BATCH = 5000;
const DAY_MS = 86_400_000;

/** The ids of a reference table (for picking random foreign keys). */
async function refIds(sql: Sql, table: string): Promise<string[]> {
  return (await sql<{ id: string }[]>`select id::text from ${sql(table)}`).map((r) => r.id);
}

/** A timestamp within the last five years. */
const pastDate = (rng: Random) => new Date(Date.now() - Math.floor(rng.next() * 5 * 365 * DAY_MS));

const companies: Seeder = {
  flag: "companies",
  searchApp: "company",
  async seed(sql, count, rng, onBatch) {
    const [sectors, regions, countries, businessTypes, hqTypes, employees, turnovers] =
      await Promise.all([
        refIds(sql, "metadata_sector"),
        refIds(sql, "metadata_ukregion"),
        refIds(sql, "metadata_country"),
        refIds(sql, "metadata_businesstype"),
        refIds(sql, "metadata_headquartertype"),
        refIds(sql, "metadata_employeerange"),
        refIds(sql, "metadata_turnoverrange"),
      ]);
    for (let start = 0; start < count; start += SEED_BATCH) {
      const size = Math.min(SEED_BATCH, count - start);
      const cols = {
        name: [] as string[],
        trading: [] as string[],
        number: [] as (string | null)[],
        sector: [] as string[],
        region: [] as (string | null)[],
        country: [] as string[],
        line1: [] as string[],
        town: [] as string[],
        postcode: [] as string[],
        business: [] as string[],
        hq: [] as (string | null)[],
        employees: [] as (string | null)[],
        turnover: [] as (string | null)[],
        archived: [] as string[],
        created: [] as string[],
        modified: [] as string[],
      };
      for (let i = 0; i < size; i++) {
        const word = rng.pick(COMPANY_WORDS);
        const trade = rng.pick(COMPANY_TRADES);
        cols.name.push(`${word} ${trade} ${rng.pick(COMPANY_SUFFIXES)}`.trim());
        cols.trading.push(
          JSON.stringify(rng.chance(0.2) ? [`${word} ${rng.pick(COMPANY_TRADES)}`] : []),
        );
        cols.number.push(
          rng.chance(0.7) ? String(Math.floor(rng.next() * 1e8)).padStart(8, "0") : null,
        );
        cols.sector.push(rng.pick(sectors));
        const uk = rng.chance(0.8);
        const [town, postcode] = rng.pick(TOWNS);
        cols.country.push(uk ? UK : rng.pick(countries));
        cols.region.push(uk && regions.length ? rng.pick(regions) : null);
        cols.line1.push(`${1 + Math.floor(rng.next() * 200)} ${rng.pick(COMPANY_WORDS)} Street`);
        cols.town.push(uk ? town : "Elsewhere");
        cols.postcode.push(uk ? postcode : "");
        cols.business.push(rng.pick(businessTypes));
        cols.hq.push(rng.chance(0.2) ? rng.pick(hqTypes) : null);
        cols.employees.push(rng.chance(0.6) ? rng.pick(employees) : null);
        cols.turnover.push(rng.chance(0.5) ? rng.pick(turnovers) : null);
        cols.archived.push(String(rng.chance(0.05)));
        const created = pastDate(rng);
        cols.created.push(created.toISOString());
        cols.modified.push(
          new Date(created.getTime() + Math.floor(rng.next() * (Date.now() - created.getTime())))
            .toISOString(),
        );
      }
      await sql`
        insert into company_company (name, trading_names, company_number, sector_id,
          uk_region_id, address_country_id, address_1, address_town, address_postcode,
          business_type_id, headquarter_type_id, employee_range_id, turnover_range_id,
          archived, created_on, modified_on)
        select n, array(select jsonb_array_elements_text(t::jsonb))::varchar[], num,
               sec, reg, ctry, l1, town, pc, bt, hq, er, tr, arch, cr, md
        from unnest(${cols.name}::text[], ${cols.trading}::text[], ${cols.number}::text[],
                    ${cols.sector}::text[]::uuid[], ${cols.region}::text[]::uuid[], ${cols.country}::text[]::uuid[],
                    ${cols.line1}::text[], ${cols.town}::text[], ${cols.postcode}::text[],
                    ${cols.business}::text[]::uuid[], ${cols.hq}::text[]::uuid[], ${cols.employees}::text[]::uuid[],
                    ${cols.turnover}::text[]::uuid[], ${cols.archived}::text[]::boolean[],
                    ${cols.created}::text[]::timestamptz[], ${cols.modified}::text[]::timestamptz[])
          as r(n, t, num, sec, reg, ctry, l1, town, pc, bt, hq, er, tr, arch, cr, md)`;
      onBatch(start + size);
    }
  },
};

const contacts: Seeder = {
  flag: "contacts",
  searchApp: "contact",
  async seed(sql, count, rng, onBatch) {
    const companyIds = await refIds(sql, "company_company");
    if (!companyIds.length) throw new Error("--contacts needs companies (seed --companies first)");
    const advisers = (await sql<{ id: string }[]>`
      select id::text from company_advisor order by random() limit 1000`).map((r) => r.id);
    const countries = await refIds(sql, "metadata_country");
    const run = crypto.randomUUID().slice(0, 8);
    for (let start = 0; start < count; start += SEED_BATCH) {
      const size = Math.min(SEED_BATCH, count - start);
      const cols = {
        first: [] as string[],
        last: [] as string[],
        email: [] as string[],
        job: [] as string[],
        company: [] as string[],
        primary: [] as string[],
        same: [] as string[],
        line1: [] as (string | null)[],
        town: [] as (string | null)[],
        postcode: [] as (string | null)[],
        country: [] as (string | null)[],
        phone: [] as string[],
        creator: [] as (string | null)[],
        archived: [] as string[],
        created: [] as string[],
      };
      for (let i = 0; i < size; i++) {
        const f = rng.pick(FIRST_NAMES);
        const l = rng.pick(LAST_NAMES);
        cols.first.push(f);
        cols.last.push(l);
        cols.email.push(
          `${f}.${l}.${run}.${start + i}@example.test`.toLowerCase().replace(/[^a-z0-9.@]/g, ""),
        );
        cols.job.push(rng.pick(JOB_TITLES));
        cols.company.push(rng.pick(companyIds));
        cols.primary.push(String(rng.chance(0.3)));
        const same = rng.chance(0.7);
        cols.same.push(String(same));
        const [town, postcode] = rng.pick(TOWNS);
        cols.line1.push(same ? null : `${1 + Math.floor(rng.next() * 200)} High Street`);
        cols.town.push(same ? null : town);
        cols.postcode.push(same ? null : postcode);
        cols.country.push(same ? null : rng.chance(0.8) ? UK : rng.pick(countries));
        cols.phone.push(`+44 20 7946 ${String(Math.floor(rng.next() * 1e4)).padStart(4, "0")}`);
        cols.creator.push(advisers.length ? rng.pick(advisers) : null);
        cols.archived.push(String(rng.chance(0.05)));
        cols.created.push(pastDate(rng).toISOString());
      }
      await sql`
        insert into company_contact (first_name, last_name, email, job_title, company_id,
          "primary", address_same_as_company, address_1, address_town, address_postcode,
          address_country_id, full_telephone_number, created_by_id, archived, created_on,
          modified_on)
        select f, l, e, j, co, p, s, l1, town, pc, ctry, ph, cb, arch, cr, cr
        from unnest(${cols.first}::text[], ${cols.last}::text[], ${cols.email}::text[],
                    ${cols.job}::text[], ${cols.company}::text[]::uuid[], ${cols.primary}::text[]::boolean[],
                    ${cols.same}::text[]::boolean[], ${cols.line1}::text[], ${cols.town}::text[],
                    ${cols.postcode}::text[], ${cols.country}::text[]::uuid[], ${cols.phone}::text[],
                    ${cols.creator}::text[]::uuid[], ${cols.archived}::text[]::boolean[],
                    ${cols.created}::text[]::timestamptz[])
          as r(f, l, e, j, co, p, s, l1, town, pc, ctry, ph, cb, arch, cr)`;
      onBatch(start + size);
    }
  },
};

/** Every seeder, in dependency order (advisers before the records they own). */
export const seeders: Seeder[] = [advisers, companies, contacts];

export interface SeedOptions {
  /** Rows per seeder flag, e.g. `{companies: 100_000, contacts: 200_000}`; absent = 0. */
  counts: Record<string, number>;
  /** PRNG seed (default 1): the same seed gives the same names and choices. */
  seed?: number;
  /** When given, rebuilds the search documents of each seeded entity on this backend. */
  sync?: SearchBackend;
  /** Progress of the running seeder (rows inserted so far). */
  onProgress?: (flag: string, done: number, total: number) => void;
}

export interface SeedReport {
  flag: string;
  rows: number;
  ms: number;
  /** Documents indexed (only with `sync`). */
  indexed?: number;
}

/** Seeds the database behind `sql` (and optionally its search documents); one report per seeder run. */
export async function seedDatabase(sql: Sql, options: SeedOptions): Promise<SeedReport[]> {
  const rng = random(options.seed ?? 1);
  const reports: SeedReport[] = [];
  for (const seeder of seeders) {
    const count = options.counts[seeder.flag] ?? 0;
    if (!count) continue;
    const started = performance.now();
    await seeder.seed(sql, count, rng, (done) => options.onProgress?.(seeder.flag, done, count));
    const report: SeedReport = { flag: seeder.flag, rows: count, ms: 0 };
    const app = registry.searchApps.find((a) => a.name === seeder.searchApp);
    if (options.sync && app) report.indexed = await rebuildApp(sql, options.sync, app);
    report.ms = Math.round(performance.now() - started);
    reports.push(report);
  }
  return reports;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      seed: { type: "string", default: "1" },
      sync: { type: "boolean" },
      ...Object.fromEntries(seeders.map((s) => [s.flag, { type: "string" as const }])),
    },
    strict: true,
  });
  const counts = Object.fromEntries(
    seeders.map((s) => [s.flag, Number((values as Record<string, unknown>)[s.flag] ?? 0)]),
  );
  const runtime = await openRuntime({ contributions: registry.contributions });
  const encoder = new TextEncoder();
  try {
    const reports = await seedDatabase(runtime.db.sql, {
      counts,
      seed: Number(values.seed),
      sync: values.sync ? searchBackend(runtime.deps) : undefined,
      onProgress: (flag, done, total) =>
        Deno.stderr.writeSync(encoder.encode(`\r${flag}: ${done}/${total}`)),
    });
    for (const r of reports) {
      console.error(
        `\n${r.flag}: ${r.rows} rows${
          r.indexed === undefined ? "" : `, ${r.indexed} documents indexed`
        } in ${r.ms} ms`,
      );
    }
  } finally {
    await runtime.close();
  }
}

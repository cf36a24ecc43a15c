/**
 * Benchmark seeder: realistic-looking rows in bulk, sized by flags, reproducible by
 * `--seed`. Names come from small word lists combined at random, so free-text and
 * partial-name searches meet a realistic spread of matches.
 *
 *   deno run -A bench/seed.ts --advisers 10000 [--seed 42] [--sync]
 *
 * Each entity is one `Seeder` in `seeders` below; companies, contacts and interactions
 * plug in there (with their flag) once their tables exist. `--sync` rebuilds the
 * search documents of the seeded entities afterwards.
 */
import { parseArgs } from "node:util";
import { openRuntime } from "../src/runtime.ts";
import type { Sql } from "../src/db/pool.ts";
import { searchApps } from "../src/search/registry.ts";
import { searchBackend } from "../src/search/engine.ts";
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

/** Every seeder, in dependency order (advisers before the records they own). */
export const seeders: Seeder[] = [advisers];

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
  const rng = random(Number(values.seed));
  const runtime = await openRuntime();
  const encoder = new TextEncoder();
  try {
    const backend = searchBackend(runtime.deps);
    for (const seeder of seeders) {
      const count = Number((values as Record<string, unknown>)[seeder.flag] ?? 0);
      if (!count) continue;
      const started = performance.now();
      await seeder.seed(runtime.db.sql, count, rng, (done) => {
        Deno.stderr.writeSync(encoder.encode(`\r${seeder.flag}: ${done}/${count}`));
      });
      console.error(
        `\n${seeder.flag}: ${count} rows in ${Math.round(performance.now() - started)} ms`,
      );
      const app = searchApps.find((a) => a.name === seeder.searchApp);
      if (values.sync && app) {
        const indexed = await rebuildApp(runtime.db.sql, backend, app);
        console.error(`${app.name}: ${indexed} documents indexed`);
      }
    }
  } finally {
    await runtime.close();
  }
}

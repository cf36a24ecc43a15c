/**
 * Versions of what processes cache in memory (migrations/0200_cache_version.sql). A
 * write bumps the versions of the keys it affects, through triggers on the tables the
 * cached things are built from (declared by the domains' manifests as `cacheSources`
 * and installed after migrations) and on the change feed; a process keeps an entry
 * while its keys' versions are unchanged. Triggers, not calls in write paths, so no
 * write — a job, a command, a hand-written SQL fix — can leave a stale entry behind.
 */
import type { Db, Sql } from "../db/pool.ts";
import type { DatabaseStep } from "../db/prepare.ts";
import type { Fragment } from "../db/fragments.ts";

/**
 * A table that cached things are built from: a write to it bumps `cache:<column>` of
 * the rows it touched (e.g. `company:<company_id>` for a company's contacts), or the
 * whole `cache` without a column (reference data lists, authenticated advisers).
 */
export interface CacheSource {
  table: string;
  cache: string;
  column?: string;
}

/** Versions of `keys` (absent keys are missing from the map), in one statement. */
export async function readVersions(db: Db, keys: string[]): Promise<Map<string, string>> {
  const rows = await db<{ key: string; version: string }[]>`
    select key, version::text as version from cache_version where key = any(${keys}::text[])`;
  return new Map(rows.map((r) => [r.key, r.version]));
}

/**
 * What a list's page statement reads besides its keys (`listKeys`): the version of each
 * key's document (`<document>:<key>`) and of `keys`, so a page of cached documents
 * costs one statement, not the page's and then its versions'.
 */
export interface PageVersions {
  document: string;
  keys: readonly string[];
}

/** The version of `<document>:<id>` as text (null when none is recorded). */
export const documentVersion = (db: Db, document: string, id: Fragment): Fragment =>
  db`(select cv.version::text from cache_version cv where cv.key = ${`${document}:`} || ${id})`;

/** The versions of `keys` as the text of a JSON object (absent keys left out). */
export const versionsJson = (db: Db, keys: readonly string[]): Fragment =>
  db`(select coalesce(json_object_agg(cv.key, cv.version::text), '{}')::text from cache_version cv
    where cv.key = any(${keys as string[]}::text[]))`;

/** The versions of `keys` as one string: what a cache entry built from them remembers. */
export const versionStamp = (versions: Map<string, string>, keys: string[]): string =>
  keys.map((key) => versions.get(key) ?? "0").join(".");

const triggerName = (s: CacheSource) => `cache_${s.cache}_${s.column ?? "all"}`;

/**
 * Creates the triggers of `sources` that are missing and drops those no source declares
 * any more. Existing triggers are left alone, so a start-up takes no table locks when
 * nothing changed.
 */
export function cacheSourcesStep(sources: readonly CacheSource[]): DatabaseStep {
  return {
    name: "cache triggers",
    async run(sql: Sql, log) {
      const existing = await sql<{ table: string; name: string }[]>`
        select c.relname as table, t.tgname as name from pg_trigger t
        join pg_class c on c.oid = t.tgrelid
        where not t.tgisinternal and t.tgname like 'cache\\_%' and c.relname <> 'change_feed'`;
      const have = new Set(existing.map((t) => `${t.table}/${t.name}`));
      const wanted = new Set(sources.map((s) => `${s.table}/${triggerName(s)}`));
      let created = 0;
      await sql.begin(async (tx) => {
        for (const t of existing) {
          if (!wanted.has(`${t.table}/${t.name}`)) {
            await tx`drop trigger ${tx(t.name)} on ${tx(t.table)}`;
          }
        }
        for (const s of sources) {
          if (have.has(`${s.table}/${triggerName(s)}`)) continue;
          created++;
          // A row that is the document itself (keyed by its own id) was no document
          // before its insert, and nothing absent is cached: inserts need no bump.
          const events = s.column === "id" ? tx`update or delete` : tx`insert or update or delete`;
          await (s.column
            ? tx`create trigger ${tx(triggerName(s))} after ${events}
                on ${tx(s.table)} for each row
                execute function cache_version_row(${tx.unsafe(literal(s.cache))}, ${
              tx.unsafe(literal(s.column))
            })`
            : tx`create trigger ${tx(triggerName(s))}
                after insert or update or delete or truncate on ${tx(s.table)}
                for each statement execute function cache_version_statement(${
              tx.unsafe(literal(s.cache))
            })`);
        }
      });
      log.info("cache triggers", { created, declared: sources.length });
    },
  };
}

/**
 * A trigger argument (a string literal: CREATE TRIGGER takes no bind parameters). Only
 * names from our own manifests reach it, and they are checked.
 */
function literal(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad cache name "${name}"`);
  return `'${name}'`;
}

/**
 * Versions of whole caches (reference data, advisers) a process checks often: read at
 * most once per `maxAgeMs` (one statement for all of them, shared by the requests that
 * arrive meanwhile), so hot routes pay no database round trip for them and a change
 * is seen within `maxAgeMs` plus one query.
 */
export class VersionWatch {
  #versions = new Map<string, string>();
  #readAt = -Infinity;
  #reading: Promise<Map<string, string>> | null = null;

  constructor(
    private readonly sql: Sql,
    private readonly keys: string[],
    private readonly maxAgeMs: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** The version of `key` (one of the watched keys), at most `maxAgeMs` old. */
  async version(key: string): Promise<string> {
    if (this.clock() - this.#readAt > this.maxAgeMs) await this.#refresh();
    return this.#versions.get(key) ?? "0";
  }

  #refresh(): Promise<Map<string, string>> {
    this.#reading ??= (async () => {
      const started = this.clock();
      try {
        this.#versions = await readVersions(this.sql, this.keys);
        this.#readAt = started;
        return this.#versions;
      } finally {
        this.#reading = null;
      }
    })();
    return this.#reading;
  }
}

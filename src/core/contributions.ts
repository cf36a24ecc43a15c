/**
 * What domains contribute to work that spans them: search documents that embed another
 * entity, the facts the nightly housekeeping jobs union, and the steps that follow
 * migrations. The composition root
 * (src/registry.ts) collects them from the manifests into `deps.contributions`, so the
 * shared code that uses them never imports a domain and nothing registers on import.
 */
import type { Db } from "../db/pool.ts";
import type { DatabaseStep } from "../db/prepare.ts";
import type { AdviserActivity, CompanyInUse } from "./housekeeping.ts";

/** The ids of `entity` whose documents embed the written row `id`. */
export type EmbeddingFinder = (db: Db, id: string) => Promise<string[]>;

/** `entity`'s search documents embed `embedded`: a write to `embedded` re-indexes them. */
export interface Embedding {
  embedded: string;
  entity: string;
  find: EmbeddingFinder;
}

export interface Contributions {
  embeddings: Embedding[];
  /** Evidence that an adviser still uses Data Hub, one entry per domain. */
  adviserActivity: AdviserActivity[];
  /** What keeps a company from automatic archiving, one entry per domain. */
  companiesInUse: CompanyInUse[];
  /** What follows migrations when a database is brought up to date (reference data). */
  afterMigrate: DatabaseStep[];
}

/** No contributions: for code paths (tests, tools) that build deps without the registry. */
export const noContributions: Contributions = {
  embeddings: [],
  adviserActivity: [],
  companiesInUse: [],
  afterMigrate: [],
};

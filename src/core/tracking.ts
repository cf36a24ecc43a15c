/**
 * What every write to a tracked entity leaves behind in the request's transaction: a
 * version of each written object (src/core/versions.ts) and change-feed rows for it and
 * for the entities whose search documents embed it. Embedding domains declare a finder
 * in their manifest (`embeddings`), which reaches a write through its {@link WriteMeta},
 * so the domain being written never needs to know who embeds it.
 */
import type { Db } from "../db/pool.ts";
import { type Change, recordChanges } from "./change_feed.ts";
import { recordVersions, type VersionedEntity } from "./versions.ts";
import type { Embedding } from "./contributions.ts";
import type { AppDeps } from "../deps.ts";

export interface WriteMeta {
  /** The adviser making the change (null for system writes). */
  userId: string | null;
  at: Date;
  /** Revision comment, e.g. "Updated one list core team members". */
  comment?: string;
  /** Every domain's embeddings (`deps.contributions.embeddings`). */
  embeddings: readonly Embedding[];
}

/** Records a write to `ids` of `entity`: one revision of versions, then change-feed rows. */
export async function recordWrite(
  db: Db,
  entity: VersionedEntity,
  ids: string | string[],
  meta: WriteMeta,
): Promise<void> {
  const list = typeof ids === "string" ? [ids] : ids;
  await recordVersions(db, meta, list.map((id) => ({ entity, id })));
  const changes: Change[] = list.map((id) => ({ entity: entity.entity, id }));
  for (const embedding of meta.embeddings) {
    if (embedding.embedded !== entity.entity) continue;
    for (const id of list) {
      for (const related of await embedding.find(db, id)) {
        changes.push({ entity: embedding.entity, id: related });
      }
    }
  }
  await recordChanges(db, changes);
}

/** The meta of a write made by the system (a job), not an adviser: now, by nobody. */
export function systemWriteMeta(deps: AppDeps, at: Date = deps.now()): WriteMeta {
  return { userId: null, at, embeddings: deps.contributions.embeddings };
}

/** The created and modified columns of a row a write creates. */
export function creationStamps(meta: WriteMeta) {
  return {
    created_on: meta.at,
    modified_on: meta.at,
    created_by_id: meta.userId,
    modified_by_id: meta.userId,
  };
}

/** The modified columns of a row a write changes. */
export function modificationStamps(meta: WriteMeta) {
  return { modified_on: meta.at, modified_by_id: meta.userId };
}

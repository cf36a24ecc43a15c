/**
 * What every write to a tracked entity leaves behind in the request's transaction: a
 * version of each written object (src/core/versions.ts) and change-feed rows for it and
 * for the entities whose search documents embed it. Embedding domains register a finder
 * once (`registerEmbedding("company", "contact", contactIdsOfCompany)`), so the domain
 * being written never needs to know who embeds it.
 */
import type { Db } from "../db/pool.ts";
import { type Change, recordChanges } from "./change_feed.ts";
import { recordVersions, type VersionedEntity } from "./versions.ts";

export type EmbeddingFinder = (db: Db, id: string) => Promise<string[]>;

const embeddings = new Map<string, { entity: string; find: EmbeddingFinder }[]>();

/** Declares that `entity`'s search documents embed `embedded`: its writes re-index them. */
export function registerEmbedding(embedded: string, entity: string, find: EmbeddingFinder) {
  const list = embeddings.get(embedded) ?? [];
  if (!list.some((e) => e.entity === entity)) list.push({ entity, find });
  embeddings.set(embedded, list);
}

export interface WriteMeta {
  /** The adviser making the change (null for system writes). */
  userId: string | null;
  at: Date;
  /** Revision comment, e.g. "Updated one list core team members". */
  comment?: string;
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
  for (const { entity: embedding, find } of embeddings.get(entity.entity) ?? []) {
    for (const id of list) {
      for (const related of await find(db, id)) changes.push({ entity: embedding, id: related });
    }
  }
  await recordChanges(db, changes);
}

/**
 * Records, inside the caller's transaction, that entities changed, for the search sync
 * to pick up (see migrations/0004_change_feed.sql). Domains call this from their write
 * paths; they also record the related entities whose search documents embed them.
 */
import type { Db } from "../db/pool.ts";

export type ChangeOperation = "upsert" | "delete";

export interface Change {
  /** The search app's entity name, e.g. "company", "contact", "interaction". */
  entity: string;
  id: string;
  operation?: ChangeOperation;
}

/** The transactions (or pools) that recorded changes: a request's sync follows only these. */
const changed = new WeakSet<Db>();

/** Whether anything was recorded through `db` (a request's transaction). */
export const recordedChanges = (db: Db): boolean => changed.has(db);

export async function recordChanges(db: Db, changes: Change[]): Promise<void> {
  if (!changes.length) return;
  changed.add(db);
  const rows = changes.map((c) => ({
    entity: c.entity,
    entity_id: c.id,
    operation: c.operation ?? "upsert",
  }));
  await db`insert into change_feed ${db(rows, "entity", "entity_id", "operation")}`;
}

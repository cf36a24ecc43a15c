/** The one statement behind every feed page: a range of the (modified_on, id) index. */
import type { Db } from "../db/pool.ts";
import type { ActivityFeed, FeedContext } from "./feed.ts";
import type { ActivityCursor } from "./cursor.ts";

export const PAGE_SIZE = 100;

export interface ActivityRow {
  item: Record<string, unknown>;
  /** modified_on as Python's isoformat(timespec="microseconds") writes it. */
  modifiedOn: string;
  id: string;
}

/**
 * A page after the cursor, in (modified_on, id) order. Rows modified in the last second
 * wait for a later poll, as in the original: timestamps committed slightly out of order
 * would otherwise be skipped by a client polling the last page.
 */
export async function activityRows(
  sql: Db,
  feed: ActivityFeed,
  q: { cursor: ActivityCursor; now: Date; context: FeedContext },
): Promise<ActivityRow[]> {
  const before = new Date(q.now.getTime() - 1000);
  return await sql<ActivityRow[]>`
    select ${feed.item(sql, q.context)} as item,
      to_char(t.modified_on at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')
        as "modifiedOn",
      t.id::text as id
    from ${sql(feed.table)} t
    where (t.modified_on, t.id) > (${q.cursor.after}::text::timestamptz, ${q.cursor.afterId}::text::uuid)
      and t.modified_on < ${before}
    order by t.modified_on, t.id
    limit ${PAGE_SIZE}`;
}

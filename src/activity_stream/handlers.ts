/** Feed pages: read the cursor, one index range, and the link to the page after it. */
import type { App } from "../http/context.ts";
import { absoluteUrl } from "../http/pagination.ts";
import type { ActivityFeed } from "./feed.ts";
import { readActivityCursor } from "./cursor.ts";
import { feedRoute } from "./routes.ts";
import { activityRows } from "./queries.ts";

export function registerActivityStreamRoutes(app: App, feeds: ActivityFeed[]) {
  for (const feed of feeds) {
    app.openapi(feedRoute(feed), async (c) => {
      const cursor = readActivityCursor(c.req.queries("cursor") ?? []);
      const rows = await activityRows(c.var.db, feed, {
        cursor,
        now: c.var.deps.now(),
        context: { frontendBaseUrl: c.var.deps.config.DATAHUB_FRONTEND_BASE_URL },
      });
      const last = rows[rows.length - 1];
      let next: string | null = null;
      if (last) {
        const url = absoluteUrl(c);
        url.searchParams.delete("cursor");
        url.searchParams.append("cursor", last.modifiedOn);
        url.searchParams.append("cursor", last.id);
        next = url.toString();
      }
      return c.json({
        "@context": "https://www.w3.org/ns/activitystreams" as const,
        summary: feed.summary,
        type: "OrderedCollectionPage" as const,
        orderedItems: rows.map((r) => r.item),
        next,
      }, 200);
    });
  }
}

/**
 * Feeds and datasets whose domains have not contributed them yet: OMIS. Their
 * routes exist now (the clients poll them) and answer empty pages of the original's
 * shape. A domain that lands declares its own feed or dataset under the same path or
 * name in its manifest, which replaces the one here (src/registry.ts); delete the
 * entry here in the same change.
 */
import type { Domain } from "../manifest.ts";
import type { Dataset } from "../dataset/dataset.ts";
import { pendingRow } from "../dataset/dataset.ts";
import type { ActivityFeed } from "../activity_stream/feed.ts";

const feed = (path: string, summary: string): ActivityFeed => ({ path, summary, pending: true });

const dataset = (
  name: string,
  summary: string,
  columns: string[],
  options: Partial<Dataset> = {},
): Dataset => ({ name, summary, row: pendingRow(columns), pending: true, ...options });

const updatedSince = { updatedSince: "modified_on" };

export const pendingFeeds: ActivityFeed[] = [];

export const pendingDatasets: Dataset[] = [];

export const pendingDomain: Domain = {
  name: "pending",
  activityFeeds: pendingFeeds,
  datasets: pendingDatasets,
};

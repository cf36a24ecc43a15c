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

export const pendingFeeds: ActivityFeed[] = [
  feed("omis/order-added", "OMIS Order Added Activity"),
];

export const pendingDatasets: Dataset[] = [
  dataset("omis-dataset", "OMIS orders", [
    "cancellation_reason__name",
    "cancelled_on",
    "company_id",
    "completed_on",
    "contact_id",
    "created_by__dit_team_id",
    "created_by_id",
    "created_on",
    "delivery_date",
    "id",
    "invoice__subtotal_cost",
    "paid_on",
    "primary_market__name",
    "quote__accepted_on",
    "quote__created_on",
    "reference",
    "refund_created",
    "refund_total_amount",
    "sector_name",
    "services",
    "status",
    "subtotal_cost",
    "total_cost",
    "uk_region__name",
    "vat_cost",
  ], updatedSince),
];

export const pendingDomain: Domain = {
  name: "pending",
  activityFeeds: pendingFeeds,
  datasets: pendingDatasets,
};

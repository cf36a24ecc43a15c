/**
 * OMIS orders' manifest: their routes, search app, dataset and activity feed, the hourly
 * refresh of GOV.UK Pay sessions, and the re-indexing of orders when their company or
 * contact changes.
 */
import type { Domain } from "../manifest.ts";
import { registerOmisRoutes } from "./handlers.ts";
import { omisSchedules, refreshPaymentGatewaySession } from "./jobs.ts";
import { orderSearchApp } from "./search.ts";
import { omisDataset } from "./dataset.ts";
import { orderAddedActivityFeed } from "./activity.ts";
import { orderIdsOfCompany, orderIdsOfContact } from "./queries.ts";

export const omisDomain: Domain = {
  name: "omis",
  register: registerOmisRoutes,
  searchApps: [orderSearchApp],
  embeddings: [
    { embedded: "company", entity: "order", find: orderIdsOfCompany },
    { embedded: "contact", entity: "order", find: orderIdsOfContact },
  ],
  jobs: [refreshPaymentGatewaySession],
  datasets: [omisDataset],
  activityFeeds: [orderAddedActivityFeed],
  schedules: omisSchedules,
};

/**
 * Interactions' manifest: v3/v4 routes and search; interaction documents embed their
 * company, contacts and event, company documents their latest interaction; interactions are
 * evidence of adviser activity and keep their companies from automatic archiving.
 */
import type { Domain } from "../manifest.ts";
import { registerInteractionRoutes } from "./handlers.ts";
import { interactionSearchApp } from "./search.ts";
import { interactionsDataset, interactionsExportCountryDataset } from "./dataset.ts";
import { interactionActivityFeed } from "./activity.ts";
import {
  companiesWithRecentInteractions,
  companyOfInteraction,
  interactionAdviserActivity,
  interactionIdsOfCompany,
  interactionIdsOfContact,
  interactionIdsOfEvent,
} from "./queries.ts";

export const interactionDomain: Domain = {
  name: "interaction",
  register: registerInteractionRoutes,
  searchApps: [interactionSearchApp],
  embeddings: [
    { embedded: "company", entity: "interaction", find: interactionIdsOfCompany },
    { embedded: "contact", entity: "interaction", find: interactionIdsOfContact },
    { embedded: "interaction", entity: "company", find: companyOfInteraction },
    { embedded: "event", entity: "interaction", find: interactionIdsOfEvent },
  ],
  adviserActivity: interactionAdviserActivity,
  companiesInUse: companiesWithRecentInteractions,
  datasets: [interactionsDataset, interactionsExportCountryDataset],
  activityFeeds: [interactionActivityFeed],
};

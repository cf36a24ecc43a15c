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
  // What an interaction document is built from, besides the change feed.
  cacheSources: [
    { table: "interaction_interaction", column: "id" },
    ...[
      "interaction_interaction_companies",
      "interaction_interaction_contacts",
      "interaction_interaction_policy_areas",
      "interaction_interaction_policy_issue_types",
      "interaction_interaction_related_trade_agreements",
      "interaction_interaction_export_barrier_types",
      "interaction_interactionditparticipant",
      "interaction_interactionexportcountry",
      "company_referral_companyreferral",
    ].map((table) => ({ table, column: "interaction_id" })),
  ].map((source) => ({ ...source, cache: "interaction" })),
};

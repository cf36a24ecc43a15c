/**
 * Large capital's manifest: investor profile and opportunity routes and searches; their
 * documents embed companies (investor, promoters) and project names; their Activity
 * Stream feeds.
 */
import type { Domain } from "../manifest.ts";
import { registerLargeCapitalRoutes } from "./handlers.ts";
import { opportunitySearchApp, profileSearchApp } from "./search.ts";
import { largeCapitalFeeds } from "./activity.ts";
import {
  opportunityIdsOfCompany,
  opportunityIdsOfProject,
  profileIdsOfCompany,
} from "./queries.ts";

export const largeCapitalDomain: Domain = {
  name: "large_capital",
  register: registerLargeCapitalRoutes,
  searchApps: [profileSearchApp, opportunitySearchApp],
  embeddings: [
    { embedded: "company", entity: "large-investor-profile", find: profileIdsOfCompany },
    { embedded: "company", entity: "large-capital-opportunity", find: opportunityIdsOfCompany },
    {
      embedded: "investment_project",
      entity: "large-capital-opportunity",
      find: opportunityIdsOfProject,
    },
  ],
  activityFeeds: largeCapitalFeeds,
};

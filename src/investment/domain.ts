/**
 * Investment projects' manifest: the `/v3/investment…` routes and search; interaction
 * documents embed their project (name, sector), project documents their companies,
 * client contacts and latest interaction; projects are evidence of adviser activity and
 * keep their investor companies from automatic archiving. Its datasets (projects, the SPI
 * report) and its Activity Stream feed (projects added).
 */
import type { Domain } from "../manifest.ts";
import { registerInvestmentRoutes } from "./handlers.ts";
import {
  companiesWithProjects,
  interactionIdsOfProject,
  M2M,
  projectAdviserActivity,
  projectIdsOfCompany,
  projectIdsOfContact,
  projectOfInteraction,
} from "./queries.ts";
import { investmentSearchApp } from "./search.ts";
import { investmentProjectsActivityDataset, investmentProjectsDataset } from "./dataset.ts";
import { projectAddedFeed } from "./activity.ts";

export const investmentDomain: Domain = {
  name: "investment",
  register: registerInvestmentRoutes,
  searchApps: [investmentSearchApp],
  embeddings: [
    { embedded: "investment_project", entity: "interaction", find: interactionIdsOfProject },
    { embedded: "company", entity: "investment_project", find: projectIdsOfCompany },
    { embedded: "contact", entity: "investment_project", find: projectIdsOfContact },
    { embedded: "interaction", entity: "investment_project", find: projectOfInteraction },
  ],
  adviserActivity: projectAdviserActivity,
  companiesInUse: companiesWithProjects,
  datasets: [investmentProjectsDataset, investmentProjectsActivityDataset],
  activityFeeds: [projectAddedFeed],
  // What a project document (the list's projectDocument) is built from, besides the change feed.
  cacheSources: [
    { table: "investment_investmentproject", column: "id" },
    ...Object.values(M2M).map((m) => ({ table: m.table, column: "investmentproject_id" })),
    { table: "investment_investmentprojectteammember", column: "investment_project_id" },
    { table: "investment_investmentprojectstagelog", column: "investment_project_id" },
    { table: "investment_lead_eyblead_investment_projects", column: "investmentproject_id" },
  ].map((source) => ({ ...source, cache: "investment_project" })),
};

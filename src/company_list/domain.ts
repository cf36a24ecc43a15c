/** Company lists' and pipeline items' manifest: their routes. */
import type { Domain } from "../manifest.ts";
import { registerCompanyListRoutes } from "./handlers.ts";
import { pipelineItemsDataset } from "./dataset.ts";

export const companyListDomain: Domain = {
  name: "company_list",
  register: registerCompanyListRoutes,
  datasets: [pipelineItemsDataset],
};

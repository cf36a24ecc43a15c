/** Company objectives' manifest: their routes and dataset. */
import type { Domain } from "../manifest.ts";
import { registerObjectiveRoutes } from "./handlers.ts";
import { companyObjectiveDataset } from "./dataset.ts";

export const objectiveDomain: Domain = {
  name: "objective",
  register: registerObjectiveRoutes,
  datasets: [companyObjectiveDataset],
};

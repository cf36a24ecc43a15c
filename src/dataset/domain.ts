/**
 * The datasets' own manifest, made for the datasets the domains declare: one Hawk route
 * each under `/v4/dataset/`.
 */
import type { Domain } from "../manifest.ts";
import type { Dataset } from "./dataset.ts";
import { registerDatasetRoutes } from "./handlers.ts";

export function createDatasetDomain(datasets: Dataset[]): Domain {
  return { name: "dataset", register: (app) => registerDatasetRoutes(app, datasets) };
}

/** HCSAT feedback's manifest: its routes and dataset. */
import type { Domain } from "../manifest.ts";
import { registerHcsatRoutes } from "./handlers.ts";
import { hcsatDataset } from "./dataset.ts";

export const hcsatDomain: Domain = {
  name: "hcsat",
  register: registerHcsatRoutes,
  datasets: [hcsatDataset],
};

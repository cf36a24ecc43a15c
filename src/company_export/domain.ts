/** The export pipeline's manifest: its routes. */
import type { Domain } from "../manifest.ts";
import { registerCompanyExportRoutes } from "./handlers.ts";
import { companyExportDataset } from "./dataset.ts";

export const companyExportDomain: Domain = {
  name: "company_export",
  register: registerCompanyExportRoutes,
  datasets: [companyExportDataset],
};

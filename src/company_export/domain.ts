/** The export pipeline's manifest: its routes. */
import type { Domain } from "../manifest.ts";
import { registerCompanyExportRoutes } from "./handlers.ts";

export const companyExportDomain: Domain = {
  name: "company_export",
  register: registerCompanyExportRoutes,
};

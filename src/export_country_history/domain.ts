/** The export country history timeline's manifest: its search route. */
import type { Domain } from "../manifest.ts";
import { registerExportCountryHistoryRoutes } from "./handlers.ts";

export const exportCountryHistoryDomain: Domain = {
  name: "export_country_history",
  register: registerExportCountryHistoryRoutes,
};

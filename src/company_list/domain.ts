/** Company lists' and pipeline items' manifest: their routes. */
import type { Domain } from "../manifest.ts";
import { registerCompanyListRoutes } from "./handlers.ts";

export const companyListDomain: Domain = {
  name: "company_list",
  register: registerCompanyListRoutes,
};

/**
 * Companies' manifest: routes and search, the nightly automatic archive, subsidiaries'
 * documents embedding their global headquarters, and advisers' activity on companies.
 */
import type { Domain } from "../manifest.ts";
import { schedule } from "../jobs/scheduler.ts";
import { NIGHTLY } from "../adviser/jobs.ts";
import { registerCompanyRoutes } from "./handlers.ts";
import { companySearchApp } from "./search.ts";
import { automaticCompanyArchive } from "./jobs.ts";
import { companyAdviserActivity, subsidiaryIds } from "./queries.ts";
import { companyDatasets } from "./dataset.ts";

export const companyDomain: Domain = {
  name: "company",
  register: registerCompanyRoutes,
  searchApps: [companySearchApp],
  schedules: [
    schedule("automatic_company_archive", "0 19 * * *", automaticCompanyArchive, {
      payload: NIGHTLY,
      enabledBy: "ENABLE_AUTOMATIC_COMPANY_ARCHIVE",
    }),
  ],
  embeddings: [{ embedded: "company", entity: "company", find: subsidiaryIds }],
  adviserActivity: companyAdviserActivity,
  datasets: companyDatasets,
  // What a company document (companyDocument) is built from, besides the change feed.
  cacheSources: [
    { table: "company_company", cache: "company", column: "id" },
    { table: "company_company", cache: "company_rows" },
    { table: "company_contact", cache: "company", column: "company_id" },
    { table: "company_company_export_to_countries", cache: "company", column: "company_id" },
    { table: "company_company_future_interest_countries", cache: "company", column: "company_id" },
    { table: "company_companyexportcountry", cache: "company", column: "company_id" },
  ],
};

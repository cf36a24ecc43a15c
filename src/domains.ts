/**
 * The registry of domains: the one place a new domain is plugged in. Shared machinery
 * never imports a domain; the app factory receives this list.
 */
import type { Domain } from "./http/context.ts";
import { healthDomain } from "./health/handlers.ts";
import { metadataDomain } from "./metadata/handlers.ts";
import { adviserDomain } from "./adviser/handlers.ts";
import { userDomain } from "./user/handlers.ts";
import { featureFlagDomain } from "./feature_flag/handlers.ts";
import { companyDomain } from "./company/handlers.ts";
import { contactDomain } from "./contact/handlers.ts";
import { companyListDomain } from "./company_list/handlers.ts";
import { objectiveDomain } from "./objective/handlers.ts";
import { companyExportDomain } from "./company_export/handlers.ts";
import { interactionDomain } from "./interaction/handlers.ts";
import { searchDomain } from "./search/registry.ts";

export const domains: Domain[] = [
  healthDomain,
  metadataDomain,
  adviserDomain,
  userDomain,
  featureFlagDomain,
  companyDomain,
  contactDomain,
  companyListDomain,
  objectiveDomain,
  companyExportDomain,
  interactionDomain,
  searchDomain,
];

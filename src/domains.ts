/**
 * The registry of domains: the one list a new domain is added to (one line, its
 * manifest). Routes, search apps, jobs, schedules, commands and contributions are all
 * derived from it by src/registry.ts; shared machinery never imports a domain.
 */
import type { Domain } from "./manifest.ts";
import { composeRegistry } from "./registry.ts";
import { healthDomain } from "./health/domain.ts";
import { metadataDomain } from "./metadata/domain.ts";
import { adviserDomain } from "./adviser/domain.ts";
import { userDomain } from "./user/domain.ts";
import { featureFlagDomain } from "./feature_flag/domain.ts";
import { companyDomain } from "./company/domain.ts";
import { contactDomain } from "./contact/domain.ts";
import { companyListDomain } from "./company_list/domain.ts";
import { objectiveDomain } from "./objective/domain.ts";
import { companyExportDomain } from "./company_export/domain.ts";
import { interactionDomain } from "./interaction/domain.ts";
import { omisDomain } from "./omis/domain.ts";

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
  omisDomain,
];

export const registry = composeRegistry(domains);

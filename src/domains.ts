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
import { exportCountryHistoryDomain } from "./export_country_history/domain.ts";
import { interactionDomain } from "./interaction/domain.ts";
import { taskDomain } from "./task/domain.ts";
import { reminderDomain } from "./reminder/domain.ts";
import { eventDomain } from "./event/domain.ts";
import { companyReferralDomain } from "./company_referral/domain.ts";
import { companyActivityDomain } from "./company_activity/domain.ts";
import { activityFeedDomain } from "./activity_feed/domain.ts";
import { dnbDomain } from "./dnb/domain.ts";
import { documentsDomain } from "./documents/domain.ts";
import { genericDocumentDomain } from "./generic_document/domain.ts";
import { hcsatDomain } from "./hcsat/domain.ts";
import { investmentDomain } from "./investment/domain.ts";
import { propositionDomain } from "./proposition/domain.ts";
import { evidenceDomain } from "./evidence/domain.ts";
import { largeCapitalDomain } from "./large_capital/domain.ts";
import { investmentLeadDomain } from "./investment_lead/domain.ts";
import { exportWinDomain } from "./export_win/domain.ts";
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
  exportCountryHistoryDomain,
  interactionDomain,
  taskDomain,
  reminderDomain,
  eventDomain,
  companyReferralDomain,
  companyActivityDomain,
  activityFeedDomain,
  dnbDomain,
  documentsDomain,
  genericDocumentDomain,
  hcsatDomain,
  investmentDomain,
  propositionDomain,
  evidenceDomain,
  largeCapitalDomain,
  investmentLeadDomain,
  exportWinDomain,
  omisDomain,
];

export const registry = composeRegistry(domains);

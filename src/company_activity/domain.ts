/**
 * The company activity timeline's manifest: its search app, whose documents embed their
 * company, interaction and referral (writes to those re-index the activity).
 */
import type { Domain } from "../manifest.ts";
import { companyActivitySearchApp } from "./search.ts";
import {
  activityIdsOfCompany,
  activityIdsOfInteraction,
  activityIdsOfReferral,
} from "./queries.ts";

const entity = companyActivitySearchApp.name;

export const companyActivityDomain: Domain = {
  name: "company_activity",
  searchApps: [companyActivitySearchApp],
  embeddings: [
    { embedded: "interaction", entity, find: activityIdsOfInteraction },
    { embedded: "company_referral", entity, find: activityIdsOfReferral },
    { embedded: "company", entity, find: activityIdsOfCompany },
  ],
};

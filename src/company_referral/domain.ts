/**
 * Company referrals' manifest: send, list, detail and complete; the activity-stream feed
 * and the Data Workspace dataset.
 */
import type { Domain } from "../manifest.ts";
import { registerReferralRoutes } from "./handlers.ts";
import { companyReferralActivityFeed } from "./activity.ts";
import { companyReferralsDataset } from "./dataset.ts";

export const companyReferralDomain: Domain = {
  name: "company_referral",
  register: registerReferralRoutes,
  activityFeeds: [companyReferralActivityFeed],
  datasets: [companyReferralsDataset],
};

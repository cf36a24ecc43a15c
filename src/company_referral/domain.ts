/** Company referrals' manifest: send, list, detail and complete. */
import type { Domain } from "../manifest.ts";
import { registerReferralRoutes } from "./handlers.ts";

export const companyReferralDomain: Domain = {
  name: "company_referral",
  register: registerReferralRoutes,
};

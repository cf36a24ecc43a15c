/**
 * Export win rules: the six cross-field validators of WinSerializer and the
 * personalisation of its three e-mails (the refusal of markup is in markup.ts).
 */
import type { WinInput } from "./routes.ts";

/**
 * The contributing advisers a body sets: `advisers` and `contributing_advisers` write the
 * same relation (the second is the first's new name), and the newer name wins when both
 * are sent, as the original's two fields with one source.
 */
export function contributingAdvisers(input: WinInput) {
  return input.contributing_advisers ?? input.advisers;
}

/**
 * WinSerializer's validators, all run, their messages collected as DRF does. They see
 * only the fields sent (a PATCH without the confirmations fails, as the original).
 */
export function winValidationErrors(input: WinInput): string[] {
  const errors: string[] = [];
  const contributing = contributingAdvisers(input) ?? [];
  const adviserIds = contributing.map((a) => a.adviser);
  const teamMembers = input.team_members ?? [];
  if (adviserIds.length > new Set(adviserIds).size) {
    errors.push("A contributing adviser cannot be a duplicate.");
  }
  if (teamMembers.length > new Set(teamMembers).size) {
    errors.push("A team member cannot be a duplicate.");
  }
  if (adviserIds.length && adviserIds.includes(input.lead_officer as string)) {
    errors.push("A contributing adviser cannot also be lead officer.");
  }
  if (teamMembers.length && teamMembers.includes(input.lead_officer as string)) {
    errors.push("A team member cannot also be lead officer.");
  }
  if (teamMembers.some((id) => adviserIds.includes(id))) {
    errors.push("A team member cannot also be a contributing adviser.");
  }
  if (!input.is_personally_confirmed) {
    errors.push("Export win data must be personally confirmed");
  } else if (!input.is_line_manager_confirmed) {
    errors.push("Export win data must be confirmed by line manager");
  }
  return errors;
}

export const ANONYMOUS = "anonymous";

export interface EmailFacts {
  win_id: string;
  company_id: string | null;
  company_name: string | null;
  country: string;
  goods_services: string;
  lead_officer_name: string;
  lead_officer_first_name: string;
  lead_officer_email: string;
  contact_name: string | null;
  total_value: string;
}

/** get_all_fields_for_client_email_receipt. */
export function clientEmailPersonalisation(
  facts: EmailFacts,
  frontendBaseUrl: string,
  tokenId: string,
  contact: { email: string; first_name: string },
) {
  return {
    country_destination: facts.country,
    lead_officer_name: facts.lead_officer_name,
    goods_services: facts.goods_services,
    url: `${frontendBaseUrl}/exportwins/review/${tokenId}`,
    customer_email: contact.email,
    client_firstname: contact.first_name,
  };
}

/** get_all_fields_for_lead_officer_email_receipt_yes / _no. */
export function leadOfficerEmailPersonalisation(
  facts: EmailFacts,
  frontendBaseUrl: string,
  agreed: boolean,
) {
  const customer = facts.company_id
    ? {
      client_company_name: facts.company_name ?? "",
      url: `${frontendBaseUrl}/companies/${facts.company_id}/exportwins/${facts.win_id}` +
        "/edit?step=summary",
    }
    : { client_company_name: ANONYMOUS, url: frontendBaseUrl };
  return {
    lead_officer_email: facts.lead_officer_email,
    country_destination: facts.country,
    lead_officer_first_name: facts.lead_officer_first_name,
    ...(agreed ? { total_export_win_value: Number(facts.total_value) } : {}),
    goods_services: facts.goods_services,
    client_fullname: facts.contact_name ?? ANONYMOUS,
    ...customer,
  };
}

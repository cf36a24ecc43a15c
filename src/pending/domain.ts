/**
 * Feeds and datasets whose domains have not contributed them yet: investment projects
 * and large capital, and OMIS. Their
 * routes exist now (the clients poll them) and answer empty pages of the original's
 * shape. A domain that lands declares its own feed or dataset under the same path or
 * name in its manifest, which replaces the one here (src/registry.ts); delete the
 * entry here in the same change.
 */
import type { Domain } from "../manifest.ts";
import type { Dataset } from "../dataset/dataset.ts";
import { pendingRow } from "../dataset/dataset.ts";
import type { ActivityFeed } from "../activity_stream/feed.ts";

const feed = (path: string, summary: string): ActivityFeed => ({ path, summary, pending: true });

const dataset = (
  name: string,
  summary: string,
  columns: string[],
  options: Partial<Dataset> = {},
): Dataset => ({ name, summary, row: pendingRow(columns), pending: true, ...options });

const updatedSince = { updatedSince: "modified_on" };

export const pendingFeeds: ActivityFeed[] = [
  feed("investment/project-added", "Investment Activities Added"),
  feed("investment/large-capital-investor-profiles", "Large Capital Investor Profile Activities"),
  feed("investment/large-capital-opportunity", "Large Capital Opportunity Activities Added"),
  feed("omis/order-added", "OMIS Order Added Activity"),
];

export const pendingDatasets: Dataset[] = [
  dataset("omis-dataset", "OMIS orders", [
    "cancellation_reason__name",
    "cancelled_on",
    "company_id",
    "completed_on",
    "contact_id",
    "created_by__dit_team_id",
    "created_by_id",
    "created_on",
    "delivery_date",
    "id",
    "invoice__subtotal_cost",
    "paid_on",
    "primary_market__name",
    "quote__accepted_on",
    "quote__created_on",
    "reference",
    "refund_created",
    "refund_total_amount",
    "sector_name",
    "services",
    "status",
    "subtotal_cost",
    "total_cost",
    "uk_region__name",
    "vat_cost",
  ], updatedSince),
  dataset("investment-projects-dataset", "Investment projects", [
    "actual_land_date",
    "actual_uk_region_names",
    "address_1",
    "address_2",
    "address_town",
    "address_postcode",
    "anonymous_description",
    "associated_non_fdi_r_and_d_project_id",
    "average_salary__name",
    "business_activity_names",
    "client_relationship_manager_id",
    "client_requirements",
    "client_contact_ids",
    "client_contact_names",
    "client_contact_emails",
    "competing_countries",
    "country_investment_originates_from_id",
    "country_investment_originates_from__name",
    "created_by_id",
    "created_on",
    "delivery_partner_names",
    "description",
    "estimated_land_date",
    "export_revenue",
    "fdi_type__name",
    "fdi_value__name",
    "foreign_equity_investment",
    "government_assistance",
    "gross_value_added",
    "gva_multiplier__multiplier",
    "id",
    "investment_type__name",
    "investor_company_id",
    "investor_company_sector",
    "investor_type__name",
    "level_of_involvement_name",
    "likelihood_to_land__name",
    "modified_by_id",
    "modified_on",
    "name",
    "new_tech_to_uk",
    "non_fdi_r_and_d_budget",
    "number_new_jobs",
    "number_safeguarded_jobs",
    "other_business_activity",
    "project_arrived_in_triage_on",
    "project_assurance_adviser_id",
    "project_first_moved_to_won",
    "project_manager_id",
    "project_reference",
    "proposal_deadline",
    "r_and_d_budget",
    "referral_source_activity__name",
    "referral_source_activity_marketing__name",
    "referral_source_activity_website__name",
    "sector_name",
    "specific_programme_names",
    "stage__name",
    "status",
    "strategic_driver_names",
    "team_member_ids",
    "total_investment",
    "uk_company_id",
    "uk_company_sector",
    "uk_region_location_names",
    "eyb_lead_ids",
  ], updatedSince),
  // The SPI report: its columns are the SPI formatter's, which come with the investment domain.
  dataset("investment-projects-activity-dataset", "Investment projects' SPI report", [
    "investment_project_id",
  ]),
];

export const pendingDomain: Domain = {
  name: "pending",
  activityFeeds: pendingFeeds,
  datasets: pendingDatasets,
};

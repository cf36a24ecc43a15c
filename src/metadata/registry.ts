/**
 * The 80 `/v4/metadata/<id>` lists, declared once: the table each reads, the keys each
 * row renders (in the original serializer's order), its query filters and its order.
 * Routes, OpenAPI schemas and SQL are all generated from these entries, so adding a
 * list is one line here. Facts come from the original's `metadata.py` registrations
 * and serializers (mirrored in seed/reference/index.json).
 */

/** JSON type of a plain column, for the OpenAPI schema and rendering. */
export type ColumnType = "string" | "uuid" | "integer" | "number" | "boolean" | "datetime";

export type Field =
  /** A column of the listed row. */
  | { kind: "column"; key: string; column: string; type: ColumnType | "strings" }
  /** `{id, name}` of the row a foreign key points to; null when the key is null. */
  | { kind: "nested"; key: string; foreignKey: string; table: string }
  /** One column of the row a foreign key points to (OMIS market name = country name). */
  | { kind: "lookup"; key: string; foreignKey: string; table: string; column: string }
  /** A service's questions with their answer options (service endpoint only). */
  | { kind: "serviceQuestions"; key: string }
  /** A key the original declares but the table has no column for: always null. */
  | { kind: "null"; key: string };

/**
 * A django-filter query parameter. `choice` is a foreign key that must name an existing
 * row; `number` compares an integer column with a decimal (truncated, as Django does).
 */
export type Filter =
  | { kind: "boolean"; param: string; column: string }
  | { kind: "choice"; param: string; column: string; table: string }
  | { kind: "number"; param: string; column: string; lookup: "exact" | "lte" | "gte" }
  | { kind: "uuid"; param: string; column: string }
  | { kind: "overlap"; param: string; column: string }
  | { kind: "autocomplete"; param: string; column: string };

export interface MetadataEndpoint {
  /** The path below `/v4/metadata/`. */
  id: string;
  table: string;
  fields: Field[];
  filters: Filter[];
  /** `position` is the seed file order (the model's default ordering); `order` sorts by
   * the `order` column first (services, which the file keeps in tree order). */
  orderBy: "position" | "order";
  /** Only rows without children (services: the original filters `children__isnull`). */
  leavesOnly: boolean;
}

const column = (key: string, type: ColumnType | "strings" = "string", name = key): Field => ({
  kind: "column",
  key,
  column: name,
  type,
});
const nested = (key: string, table: string): Field => ({
  kind: "nested",
  key,
  foreignKey: `${key}_id`,
  table,
});

/** ConstantModelSerializer: `{id, name, disabled_on}`. */
const constantFields: Field[] = [
  column("id", "uuid"),
  column("name"),
  column("disabled_on", "datetime"),
];

function endpoint(
  id: string,
  table: string,
  options: Partial<Omit<MetadataEndpoint, "id" | "table">> = {},
): MetadataEndpoint {
  return {
    id,
    table,
    fields: options.fields ?? constantFields,
    filters: options.filters ?? [],
    orderBy: options.orderBy ?? "position",
    leavesOnly: options.leavesOnly ?? false,
  };
}

/** A ConstantModelSerializer list followed by extra keys. */
const withExtra = (...extra: Field[]) => [...constantFields, ...extra];

export const metadataEndpoints: MetadataEndpoint[] = [
  // datahub/metadata/metadata.py
  endpoint("trade-agreement", "metadata_tradeagreement"),
  endpoint("exchange-rate", "metadata_exchangerate", {
    fields: [
      column("from_currency_code"),
      column("to_currency_code"),
      column("exchange_rate", "number"),
      column("created_on", "datetime"),
    ],
  }),
  endpoint("administrative-area", "metadata_administrativearea", {
    fields: withExtra(nested("country", "metadata_country"), column("area_code")),
    filters: [{
      kind: "choice",
      param: "country",
      column: "country_id",
      table: "metadata_country",
    }],
  }),
  endpoint("business-type", "metadata_businesstype"),
  endpoint("country", "metadata_country", {
    fields: withExtra(
      nested("overseas_region", "metadata_overseasregion"),
      column("iso_alpha2_code"),
    ),
    filters: [{ kind: "boolean", param: "is_export_win", column: "is_export_win" }],
  }),
  endpoint("employee-range", "metadata_employeerange"),
  endpoint("overseas-region", "metadata_overseasregion"),
  endpoint("sector", "metadata_sector", {
    fields: [
      column("id", "uuid"),
      column("name"),
      column("segment"),
      nested("parent", "metadata_sector"),
      column("level", "integer"),
      column("disabled_on", "datetime"),
    ],
    filters: [
      { kind: "number", param: "level__lte", column: "level", lookup: "lte" },
      { kind: "number", param: "level__gte", column: "level", lookup: "gte" },
    ],
  }),
  endpoint("service", "metadata_service", {
    fields: withExtra(
      column("contexts", "strings"),
      { kind: "serviceQuestions", key: "interaction_questions" },
    ),
    filters: [{ kind: "overlap", param: "contexts__has_any", column: "contexts" }],
    orderBy: "order",
    leavesOnly: true,
  }),
  endpoint("team-role", "metadata_teamrole"),
  endpoint("team", "metadata_team", {
    fields: withExtra(
      nested("role", "metadata_teamrole"),
      nested("uk_region", "metadata_ukregion"),
      nested("country", "metadata_country"),
    ),
    filters: [
      { kind: "autocomplete", param: "autocomplete", column: "name" },
      { kind: "uuid", param: "id", column: "id" },
    ],
  }),
  endpoint("title", "metadata_title"),
  endpoint("turnover", "metadata_turnoverrange"),
  endpoint("uk-region", "metadata_ukregion"),
  endpoint("headquarter-type", "metadata_headquartertype"),
  endpoint("investment-type", "metadata_investmenttype"),
  endpoint("fdi-type", "metadata_fditype"),
  endpoint("referral-source-activity", "metadata_referralsourceactivity"),
  endpoint("referral-source-website", "metadata_referralsourcewebsite"),
  endpoint("referral-source-marketing", "metadata_referralsourcemarketing"),
  endpoint("investment-business-activity", "metadata_investmentbusinessactivity"),
  endpoint("investment-strategic-driver", "metadata_investmentstrategicdriver"),
  endpoint("salary-range", "metadata_salaryrange"),
  endpoint("investment-project-stage", "metadata_investmentprojectstage", {
    fields: withExtra(column("exclude_from_investment_flow", "boolean")),
  }),
  endpoint("fdi-value", "metadata_fdivalue"),
  endpoint("export-barrier", "metadata_exportbarriertype"),
  // Registered with ConstantModelSerializer although postcode rows have neither a name
  // nor disabled_on; the table is empty in a fresh build.
  endpoint("postcode-data", "metadata_postcodedata", {
    fields: [column("id", "integer"), { kind: "null", key: "name" }, {
      kind: "null",
      key: "disabled_on",
    }],
  }),

  // datahub/company/metadata.py
  endpoint("export-experience-category", "company_exportexperiencecategory"),
  endpoint("one-list-tier", "company_onelisttier"),
  endpoint("export-experience", "company_exportexperience"),
  endpoint("export-years", "company_exportyear"),

  // datahub/event/metadata.py
  endpoint("programme", "event_programme"),
  endpoint("event-type", "event_eventtype"),
  endpoint("location-type", "event_locationtype"),

  // datahub/export_win/metadata.py
  endpoint("team-type", "export_win_teamtype"),
  endpoint("hq-team-region-or-post", "export_win_hqteamregionorpost", {
    fields: withExtra(nested("team_type", "export_win_teamtype")),
    filters: [{
      kind: "choice",
      param: "team_type",
      column: "team_type_id",
      table: "export_win_teamtype",
    }],
  }),
  endpoint("win-type", "export_win_wintype"),
  endpoint("winukregion", "export_win_winukregion"),
  endpoint("business-potential", "export_win_businesspotential"),
  endpoint("support-type", "export_win_supporttype"),
  endpoint("expected-value-relation", "export_win_expectedvaluerelation"),
  endpoint("experience-categories", "export_win_experiencecategories"),
  endpoint("breakdown-type", "export_win_breakdowntype"),
  endpoint("rating", "export_win_rating"),
  endpoint("experience", "export_win_experience"),
  endpoint("marketing-source", "export_win_marketingsource"),
  endpoint("without-our-support", "export_win_withoutoursupport"),
  endpoint("hvo-programmes", "export_win_hvoprogrammes"),
  endpoint("associated-programme", "export_win_associatedprogramme"),
  endpoint("hvc", "export_win_hvc", {
    fields: withExtra(column("campaign_id"), column("financial_year", "integer")),
    filters: [{
      kind: "number",
      param: "financial_year",
      column: "financial_year",
      lookup: "exact",
    }],
  }),

  // datahub/interaction/metadata.py
  endpoint("communication-channel", "interaction_communicationchannel"),
  endpoint("service-delivery-status", "interaction_servicedeliverystatus"),
  endpoint("policy-area", "interaction_policyarea"),
  endpoint("policy-issue-type", "interaction_policyissuetype"),

  // datahub/investment/investor_profile/metadata.py
  endpoint("capital-investment/asset-class-interest", "investor_profile_assetclassinterest", {
    fields: withExtra(
      nested("asset_class_interest_sector", "investor_profile_assetclassinterestsector"),
    ),
  }),
  endpoint(
    "capital-investment/required-checks-conducted",
    "investor_profile_requiredchecksconducted",
  ),
  endpoint("capital-investment/construction-risk", "investor_profile_constructionrisk"),
  endpoint("capital-investment/deal-ticket-size", "investor_profile_dealticketsize"),
  endpoint("capital-investment/desired-deal-role", "investor_profile_desireddealrole"),
  endpoint("capital-investment/equity-percentage", "investor_profile_equitypercentage"),
  endpoint("capital-investment/investor-type", "investor_profile_investortype"),
  endpoint(
    "capital-investment/large-capital-investment-type",
    "investor_profile_largecapitalinvestmenttype",
  ),
  endpoint("capital-investment/restriction", "investor_profile_restriction"),
  endpoint("capital-investment/return-rate", "investor_profile_returnrate"),
  endpoint("capital-investment/time-horizon", "investor_profile_timehorizon"),

  // datahub/investment/opportunity/metadata.py
  endpoint("large-capital-opportunity/opportunity-status", "opportunity_opportunitystatus"),
  endpoint("large-capital-opportunity/opportunity-type", "opportunity_opportunitytype"),
  endpoint(
    "large-capital-opportunity/opportunity-value-type",
    "opportunity_opportunityvaluetype",
  ),
  endpoint("large-capital-opportunity/abandonment-reason", "opportunity_abandonmentreason"),

  // datahub/investment/project/metadata.py
  endpoint("investment-specific-programme", "investment_specificprogramme"),
  endpoint("investment-investor-type", "investment_investortype"),
  endpoint("investment-involvement", "investment_involvement"),
  endpoint("investment-delivery-partner", "investment_investmentdeliverypartner"),
  endpoint("likelihood-to-land", "investment_likelihoodtoland"),
  endpoint("project-manager-request-status", "investment_projectmanagerrequeststatus"),
  endpoint("investment-activity-type", "investment_investmentactivitytype"),

  // datahub/investment/project/evidence/metadata.py
  endpoint("evidence-tag", "evidence_evidencetag"),

  // datahub/omis/market/metadata.py: a market is shown as its country
  endpoint("omis-market", "omis_market_market", {
    fields: [
      column("id", "uuid", "country_id"),
      {
        kind: "lookup",
        key: "name",
        foreignKey: "country_id",
        table: "metadata_country",
        column: "name",
      },
      column("disabled_on", "datetime"),
    ],
  }),

  // datahub/omis/order/metadata.py
  endpoint("order-service-type", "order_servicetype"),
  endpoint("order-cancellation-reason", "order_cancellationreason"),
];

/**
 * The original's investment project rules as pure functions (datahub/investment/
 * project/validate.py, serializers.py, gva_utils.py, models.py): which fields each stage
 * requires, `incomplete_fields` and the section completeness flags, the stage-move
 * refusals, the status that follows a move to or from Won, the simplified level of
 * involvement and the gross value added. Values are read in wire form (a reference is
 * an id or `{id, …}`, a to-many field a list), so the stored project (as rendered) and
 * the sent changes combine by a plain overlay, as the original's DataCombiner does.
 */

export const REQUIRED = "This field is required.";

/** metadata_investmentprojectstage ids and orders (fixed reference data). */
export const STAGES = {
  prospect: { id: "8a320cc9-ae2e-443e-9d26-2f36452c2ced", order: 200 },
  assignPm: { id: "c9864359-fb1a-4646-a4c1-97d10189fc03", order: 300 },
  active: { id: "7606cc19-20da-4b74-aba1-2cec0d753ad8", order: 400 },
  verifyWin: { id: "49b8f6f3-0c50-4150-a965-2c974f3149e3", order: 500 },
  won: { id: "945ea6d1-eee3-4f5b-9144-84a75b71b8e6", order: 600 },
} as const;

export const IDS = {
  investmentTypeFdi: "3e143372-496c-4d1e-8278-6fdd3da9b48b",
  fdiTypeRetention: "0657168e-8a58-4f37-914f-ec541556fc28",
  activityEvent: "3816a95b-6a76-4ad0-8ae9-b0d7e7d2b79c",
  activityMarketing: "0acf0e68-e09e-4e5d-92b6-e72e5a5c7ea4",
  activityWebsite: "812b2f62-fe62-4cc8-b69c-58f3e2ebac17",
  businessActivityOther: "befab707-5abd-4f47-8477-57f091e6dac9",
  businessActivityRetail: "a2dbd807-ae52-421c-8d1d-88adfc7a506b",
  businessActivitySales: "71946309-c92c-4c5b-9c42-8502cc74c72e",
  sectorConsumerAndRetail: "355f977b-8ac3-e211-a646-e4115bead28a",
  noInvolvement: "945f13e9-9a27-4921-8d2d-8daf5a4c59a8",
  pmRequested: "1fcebb43-244f-47e7-81f8-97790afa6383",
  activityTypeChange: "931f96a9-bd15-49c0-b8ee-ab3ad7ff27b2",
} as const;

export const PRIORITIES = ["1_low", "2_medium", "3_high"] as const;
export const STATUSES = ["ongoing", "delayed", "dormant", "lost", "abandoned", "won"] as const;

export const messages = {
  onlyPmOrPaa: "Only the Project Manager or Project Assurance Adviser can move the project" +
    " to the ‘Verify win’ stage.",
  onlyIvt: "Only the Investment Verification Team can move the project to the ‘Won’ stage.",
  duplicateTeamMember: "You cannot add the same adviser as a team member more than once.",
  uniqueTeamMember: "The fields investment_project, adviser must make a unique set.",
};

/** The order of a stage id (unknown ids sort as Prospect, as a missing stage does). */
export function stageOrder(stageId: string | null | undefined): number {
  for (const stage of Object.values(STAGES)) if (stage.id === stageId) return stage.order;
  return STAGES.prospect.order;
}

/** The id of a wire reference (`"uuid"` or `{id}`), else null. */
export function idOf(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && "id" in value) {
    return String((value as { id: unknown }).id);
  }
  return null;
}

/** The original's `field_incomplete`: None or "" (or an empty to-many list). */
const incomplete = (value: unknown) =>
  value === null || value === undefined || value === "" ||
  (Array.isArray(value) && value.length === 0);

type Facts = Record<string, unknown>;

/** Field → the stage from which it is required. */
export const REQUIRED_AFTER: [string, number][] = [
  ["client_cannot_provide_total_investment", STAGES.assignPm.order],
  ["strategic_drivers", STAGES.assignPm.order],
  ["client_requirements", STAGES.assignPm.order],
  ["client_considering_other_countries", STAGES.assignPm.order],
  ["project_manager", STAGES.active.order],
  ["project_assurance_adviser", STAGES.active.order],
  ["client_cannot_provide_foreign_investment", STAGES.verifyWin.order],
  ["government_assistance", STAGES.verifyWin.order],
  ["number_new_jobs", STAGES.verifyWin.order],
  ["number_safeguarded_jobs", STAGES.verifyWin.order],
  ["r_and_d_budget", STAGES.verifyWin.order],
  ["non_fdi_r_and_d_budget", STAGES.verifyWin.order],
  ["new_tech_to_uk", STAGES.verifyWin.order],
  ["export_revenue", STAGES.verifyWin.order],
  ["site_address_is_company_address", STAGES.verifyWin.order],
  ["actual_uk_regions", STAGES.verifyWin.order],
  ["delivery_partners", STAGES.verifyWin.order],
  ["actual_land_date", STAGES.verifyWin.order],
  ["specific_programmes", STAGES.verifyWin.order],
  ["uk_company", STAGES.verifyWin.order],
  ["investor_type", STAGES.verifyWin.order],
  ["level_of_involvement", STAGES.verifyWin.order],
  ["likelihood_to_land", STAGES.active.order],
];

/** Field → [the field its rule reads, the condition on it, the stage it applies from]. */
export const CONDITIONAL: [string, string, (value: unknown) => boolean, number][] = [
  [
    "referral_source_activity_event",
    "referral_source_activity",
    (v) => idOf(v) === IDS.activityEvent,
    STAGES.prospect.order,
  ],
  [
    "other_business_activity",
    "business_activities",
    (v) => Array.isArray(v) && v.some((item) => idOf(item) === IDS.businessActivityOther),
    STAGES.prospect.order,
  ],
  [
    "referral_source_activity_marketing",
    "referral_source_activity",
    (v) => idOf(v) === IDS.activityMarketing,
    STAGES.prospect.order,
  ],
  [
    "referral_source_activity_website",
    "referral_source_activity",
    (v) => idOf(v) === IDS.activityWebsite,
    STAGES.prospect.order,
  ],
  ["fdi_type", "investment_type", (v) => idOf(v) === IDS.investmentTypeFdi, STAGES.prospect.order],
  ["total_investment", "client_cannot_provide_total_investment", (v) => !v, STAGES.assignPm.order],
  [
    "competitor_countries",
    "client_considering_other_countries",
    (v) => v === true,
    STAGES.assignPm.order,
  ],
  [
    "uk_region_locations",
    "allow_blank_possible_uk_regions",
    (v) => v === false,
    STAGES.assignPm.order,
  ],
  [
    "address_1",
    "site_address_is_company_address",
    (v) => v !== null && v !== undefined,
    STAGES.verifyWin.order,
  ],
  [
    "address_town",
    "site_address_is_company_address",
    (v) => v !== null && v !== undefined,
    STAGES.verifyWin.order,
  ],
  [
    "address_postcode",
    "site_address_is_company_address",
    (v) => v !== null && v !== undefined,
    STAGES.verifyWin.order,
  ],
  [
    "foreign_equity_investment",
    "client_cannot_provide_foreign_investment",
    (v) => !v,
    STAGES.verifyWin.order,
  ],
  ["average_salary", "number_new_jobs", (v) => Boolean(v), STAGES.verifyWin.order],
  [
    "associated_non_fdi_r_and_d_project",
    "non_fdi_r_and_d_budget",
    (v) => Boolean(v),
    STAGES.verifyWin.order,
  ],
];

/**
 * The original's `validate()`: the fields the project's stage (or, with `nextStage`, the
 * next one) requires and lacks, in rule order. `fields` restricts the rules checked.
 */
export function stageErrors(
  facts: Facts,
  options: { fields?: Iterable<string>; nextStage?: boolean } = {},
): string[] {
  const only = options.fields ? new Set(options.fields) : null;
  const order = stageOrder(idOf(facts.stage)) + (options.nextStage ? 100 : 0);
  const skip = (field: string, from: number) => (only && !only.has(field)) || order < from;
  const errors: string[] = [];
  for (const [field, from] of REQUIRED_AFTER) {
    if (!skip(field, from) && incomplete(facts[field])) errors.push(field);
  }
  for (const [field, on, condition, from] of CONDITIONAL) {
    if (skip(field, from) || errors.includes(field)) continue;
    if (condition(facts[on]) && incomplete(facts[field])) errors.push(field);
  }
  return errors;
}

export const VALUE_FIELDS = [
  "fdi_value",
  "total_investment",
  "foreign_equity_investment",
  "government_assistance",
  "some_new_jobs",
  "number_new_jobs",
  "will_new_jobs_last_two_years",
  "actual_average_salary",
  "average_salary",
  "number_safeguarded_jobs",
  "r_and_d_budget",
  "non_fdi_r_and_d_budget",
  "associated_non_fdi_r_and_d_project",
  "new_tech_to_uk",
  "export_revenue",
  "value_complete",
  "client_cannot_provide_total_investment",
  "client_cannot_provide_foreign_investment",
];

export const REQUIREMENTS_FIELDS = [
  "client_requirements",
  "site_decided",
  "site_address_is_company_address",
  "address_1",
  "address_2",
  "address_town",
  "address_postcode",
  "competitor_countries",
  "allow_blank_possible_uk_regions",
  "uk_region_locations",
  "actual_uk_regions",
  "delivery_partners",
  "strategic_drivers",
  "client_considering_other_countries",
  "uk_company_decided",
  "uk_company",
  "requirements_complete",
];

export const TEAM_FIELDS = [
  "project_manager_requested_on",
  "project_manager_request_status",
  "project_manager",
  "project_assurance_adviser",
  "project_manager_team",
  "project_assurance_team",
  "team_complete",
  "team_members",
];

/** The serializer's computed fields of a stored project (as rendered). */
export function derivedFields(project: Facts) {
  return {
    incomplete_fields: stageErrors(project, { nextStage: true }),
    value_complete: !stageErrors(project, { fields: VALUE_FIELDS, nextStage: true }).length,
    requirements_complete: !stageErrors(project, { fields: REQUIREMENTS_FIELDS, nextStage: true })
      .length,
    team_complete: !stageErrors(project, { fields: TEAM_FIELDS, nextStage: true }).length,
  };
}

/**
 * The stage-move refusals of a PATCH: forward to Verify win only by the project manager
 * or assurance adviser, forward to Won only with change_to_any_stage. Null when allowed.
 */
export function stageMoveError(
  stored: { stageId: string; projectManagerId: string | null; assuranceAdviserId: string | null },
  newStageId: string,
  caller: { id: string; canChangeToAnyStage: boolean },
): string | null {
  const forward = stageOrder(stored.stageId) < stageOrder(newStageId);
  if (
    newStageId === STAGES.verifyWin.id && forward &&
    caller.id !== stored.projectManagerId && caller.id !== stored.assuranceAdviserId
  ) {
    return messages.onlyPmOrPaa;
  }
  if (newStageId === STAGES.won.id && forward && !caller.canChangeToAnyStage) {
    return messages.onlyIvt;
  }
  return null;
}

/**
 * The status after a stage change (`_get_updated_status`): entering Won sets `won`;
 * leaving Won while the status is `won` sets `ongoing`; otherwise unchanged (null).
 */
export function statusAfterStageChange(
  oldStageId: string | null,
  newStageId: string | undefined,
  newStatus: string | null,
): string | null {
  if (!newStageId || newStageId === oldStageId) return null;
  if (newStageId === STAGES.won.id) return "won";
  if (oldStageId === STAGES.won.id && newStatus === "won") return "ongoing";
  return null;
}

/** `level_of_involvement_simplified`. */
export function simplifiedInvolvement(levelOfInvolvementId: string | null): string {
  if (!levelOfInvolvementId) return "unspecified";
  return levelOfInvolvementId === IDS.noInvolvement ? "not_involved" : "involved";
}

export interface GvaInputs {
  investmentTypeId: string | null;
  fdiTypeId: string | null;
  sectorId: string | null;
  businessActivityIds: string[];
}

/** The sector whose latest GVA multiplier applies, or null when none does. */
export function gvaSector(p: GvaInputs): string | null {
  if (p.investmentTypeId !== IDS.investmentTypeFdi) return null;
  if (p.fdiTypeId === IDS.fdiTypeRetention) return null;
  if (
    p.businessActivityIds.some((id) =>
      id === IDS.businessActivityRetail || id === IDS.businessActivitySales
    )
  ) {
    return IDS.sectorConsumerAndRetail;
  }
  return p.sectorId;
}

/** Half-up rounding of a non-negative decimal string product to an integer string. */
export function grossValueAdded(
  multiplier: { classification: string; multiplier: string } | null,
  values: { foreignEquityInvestment: string | null; numberNewJobs: number | null },
): string | null {
  if (!multiplier) return null;
  const base = multiplier.classification === "capital"
    ? values.foreignEquityInvestment
    : multiplier.classification === "labour"
    ? values.numberNewJobs
    : null;
  if (base === null || base === undefined) return null;
  return multiplyRound(multiplier.multiplier, String(base));
}

/** Exact decimal product, rounded half away from zero to an integer (BigInt arithmetic). */
function multiplyRound(a: string, b: string): string {
  const parse = (s: string) => {
    const negative = s.trim().startsWith("-");
    const [whole, fraction = ""] = s.trim().replace(/^[-+]/, "").split(".");
    return { digits: BigInt(`${whole || "0"}${fraction}`), scale: fraction.length, negative };
  };
  const x = parse(a), y = parse(b);
  const product = x.digits * y.digits;
  const scale = x.scale + y.scale;
  const divisor = 10n ** BigInt(scale);
  let rounded = product / divisor;
  if ((product % divisor) * 2n >= divisor) rounded += 1n;
  return `${x.negative !== y.negative && rounded !== 0n ? "-" : ""}${rounded}`;
}

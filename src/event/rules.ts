/**
 * The original's event validators (BaseEventSerializer, EventSerializerV4), run on the
 * sent data combined with the stored event, and their messages, verbatim.
 */
import type { FieldErrors } from "../http/errors.ts";
import { DRF_MESSAGES } from "../http/drf.ts";

export const UNITED_KINGDOM = "80756b9a-5d95-e211-a939-e4115bead28a";

export const messages = {
  leadTeamNotInTeams: "Lead team must be in teams array.",
  endDateBeforeStartDate: "End date cannot be before start date.",
  ukRegionNonUkCountry: "Cannot specify a UK region for a non-UK country.",
  serviceNotLeaf: "This field is valid for services without children services.",
  relatedTradeAgreements:
    "'Related trade agreements' is inconsistent with 'Has related trade agreements?'",
} as const;

/** An event's values as the validators see them: sent, else stored. */
export interface EventFacts {
  leadTeam: string | null;
  teams: string[];
  startDate: string | null;
  endDate: string | null;
  addressCountry: string | null;
  ukRegion: string | null;
  hasRelatedTradeAgreements: boolean | null;
  relatedTradeAgreements: string[];
}

/** BaseEventSerializer.validate: lead team, dates, UK region. */
export function eventErrors(facts: EventFacts): FieldErrors {
  const errors: FieldErrors = {};
  if (!facts.leadTeam || !facts.teams.includes(facts.leadTeam)) {
    errors.lead_team = [messages.leadTeamNotInTeams];
  }
  if (facts.startDate && facts.endDate && facts.endDate < facts.startDate) {
    errors.end_date = [messages.endDateBeforeStartDate];
  }
  if (facts.addressCountry !== null) {
    const isUk = facts.addressCountry === UNITED_KINGDOM;
    if (isUk && !facts.ukRegion) errors.uk_region = [DRF_MESSAGES.required];
    else if (!isUk && facts.ukRegion) errors.uk_region = [messages.ukRegionNonUkCountry];
  }
  return errors;
}

/** EventSerializerV4: trade agreements must agree with `has_related_trade_agreements`. */
export function tradeAgreementErrors(facts: EventFacts): FieldErrors {
  const count = facts.relatedTradeAgreements.length;
  const has = facts.hasRelatedTradeAgreements;
  return (count === 0 && has) || (count > 0 && !has)
    ? { related_trade_agreements: [messages.relatedTradeAgreements] }
    : {};
}

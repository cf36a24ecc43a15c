/**
 * The interaction's write paths (v3 and v4 serializers): field checks, the original's
 * validators in its order against the sent data merged with the stored row, the write
 * (row, M2M sets, participants, export countries and their copy to the company), and
 * the recorded version and change-feed rows.
 */
import type postgres from "postgres";
import type { Db } from "../db/pool.ts";
import type { Caller } from "../auth/caller.ts";
import { type FieldErrors, ValidationError } from "../http/errors.ts";
import { DRF_MESSAGES } from "../http/drf.ts";
import { missingReferences, referencesOf } from "../core/references.ts";
import {
  creationStamps,
  modificationStamps,
  recordWrite,
  type WriteMeta,
} from "../core/tracking.ts";
import { recordChanges } from "../core/change_feed.ts";
import { addExportCountry } from "../company/queries.ts";
import { lockContact } from "../contact/queries.ts";
import { projectAssociated } from "../investment/queries.ts";
import type { InteractionInput } from "./routes.ts";
import * as q from "./queries.ts";
import { interactionScope } from "./access.ts";
import {
  type ApiVersion,
  contactsCompanyError,
  crossFieldErrors,
  duplicateAdviserErrors,
  duplicateExportCountryError,
  type Facts,
  messages,
  serviceAnswerErrors,
  statusChangeError,
  themeErrors,
} from "./rules.ts";

/** Single references of the body → the table each points at. */
const REF_TABLES = {
  company: "company_company",
  company_export: "company_companyexport",
  event: "event_event",
  investment_project: "investment_investmentproject",
  large_capital_opportunity: "opportunity_largecapitalopportunity",
  communication_channel: "interaction_communicationchannel",
  service: "metadata_service",
  service_delivery_status: "interaction_servicedeliverystatus",
} as const;
/** M2M references of the body → the table of their members. */
const LIST_TABLES = {
  companies: "company_company",
  contacts: "company_contact",
  related_trade_agreements: "metadata_tradeagreement",
  export_barrier_types: "metadata_exportbarriertype",
} as const;

const SCALARS = [
  "kind",
  "status",
  "theme",
  "date",
  "subject",
  "notes",
  "policy_feedback_notes",
  "was_policy_feedback_provided",
  "were_countries_discussed",
  "grant_amount_offered",
  "net_company_receipt",
  "helped_remove_export_barrier",
  "export_barrier_notes",
  "has_related_trade_agreements",
] as const;

/** Per-item errors of a list of objects (`{}` for fine items), or none. */
async function itemErrors(
  db: Db,
  items: { id: string; field: string }[],
  table: string,
): Promise<FieldErrors[] | null> {
  const errors = await Promise.all(
    items.map((item) => missingReferences(db, [{ path: [item.field], table, id: item.id }])),
  );
  return errors.some((e) => Object.keys(e).length) ? errors : null;
}

/** Field-level checks: referenced rows exist, the service is a leaf, no adviser twice. */
async function fieldErrors(db: Db, input: InteractionInput): Promise<FieldErrors> {
  const errors = await missingReferences(db, referencesOf(input, REF_TABLES, LIST_TABLES));
  if (input.service && !errors.service && await q.serviceHasChildren(db, input.service)) {
    errors.service = [messages.service_not_leaf];
  }
  if (input.dit_participants) {
    const advisers = input.dit_participants.map((p) => p.adviser);
    const missing = await itemErrors(
      db,
      advisers.map((id) => ({ id, field: "adviser" })),
      "company_advisor",
    );
    const list = missing ?? duplicateAdviserErrors(advisers);
    if (list) (errors as Record<string, unknown>).dit_participants = list;
  }
  if (input.export_countries) {
    const missing = await itemErrors(
      db,
      input.export_countries.map((c) => ({ id: c.country, field: "country" })),
      "metadata_country",
    );
    if (missing) (errors as Record<string, unknown>).export_countries = missing;
  }
  return errors;
}

/** The stored value of a field as the rules read it (null/empty when creating). */
function storedFacts(stored: q.StoredInteraction | null): Omit<Facts, "creating"> {
  return {
    kind: stored?.kind ?? null,
    // The serializer's default: a new interaction is complete unless it says otherwise.
    status: stored ? stored.status : "complete",
    theme: stored?.theme ?? null,
    communication_channel: stored?.communication_channel_id ?? null,
    service: stored?.service_id ?? null,
    investment_project: stored?.investment_project_id ?? null,
    company_export: stored?.company_export_id ?? null,
    is_event: stored?.kind === "service_delivery" ? stored.event_id !== null : null,
    event: stored?.event_id ?? null,
    service_delivery_status: stored?.service_delivery_status_id ?? null,
    was_policy_feedback_provided: stored?.was_policy_feedback_provided ?? null,
    policy_feedback_notes: stored?.policy_feedback_notes ?? null,
    contacts: stored?.contacts ?? [],
    were_countries_discussed: stored?.were_countries_discussed ?? null,
    export_countries: stored?.export_countries ?? [],
    has_related_trade_agreements: stored?.has_related_trade_agreements ?? null,
    related_trade_agreements: stored?.related_trade_agreements ?? [],
    helped_remove_export_barrier: stored?.helped_remove_export_barrier ?? null,
    export_barrier_types: stored?.export_barrier_types ?? [],
    export_barrier_notes: stored?.export_barrier_notes ?? null,
  };
}

/** Sent values over stored ones (the original's DataCombiner). */
function combine(input: InteractionInput, stored: q.StoredInteraction | null): Facts {
  const facts: Record<string, unknown> = { ...storedFacts(stored), creating: !stored };
  for (const key of Object.keys(facts)) {
    if (key in input && key !== "creating") {
      facts[key] = (input as Record<string, unknown>)[key] ?? null;
    }
  }
  return facts as unknown as Facts;
}

/**
 * The serializer's validators in its order. A validator raising field errors stops
 * the rest; non-field messages are collected and reported at the end.
 */
async function validate(
  db: Db,
  version: ApiVersion,
  input: InteractionInput,
  stored: q.StoredInteraction | null,
  caller: Caller,
  checkAssociation = true,
) {
  const errors = await fieldErrors(db, input);
  if (Object.keys(errors).length) throw new ValidationError(errors);

  // HasAssociatedInvestmentProjectValidator: a restricted caller creates only on an
  // associated project.
  const addScope = interactionScope(caller, "add");
  if (checkAssociation && !stored && addScope.kind !== "all") {
    if (!input.investment_project) {
      throw new ValidationError({ investment_project: [DRF_MESSAGES.required] });
    }
    const associated = addScope.kind === "team" && addScope.teamId !== null &&
      await projectAssociated(db, input.investment_project, addScope.teamId);
    if (!associated) {
      throw new ValidationError({
        investment_project: [messages.investment_project_not_associated],
      });
    }
  }

  const nonField: string[] = [];
  const contactOwners = new Map<string, string | null>();
  for (const id of input.contacts ?? stored?.contacts ?? []) {
    contactOwners.set(id, (await lockContact(db, id))?.company_id ?? null);
  }
  const contactsError = contactsCompanyError({
    stored: stored
      ? { company: stored.company_id, companies: stored.companies, contacts: stored.contacts }
      : null,
    sent: { company: input.company, companies: input.companies, contacts: input.contacts },
    companyOfContact: (id) => contactOwners.get(id) ?? null,
  });
  if (contactsError) nonField.push(contactsError);

  const facts = combine(input, stored);
  const statusError = stored ? statusChangeError(stored.status, facts.status) : null;
  if (statusError) nonField.push(statusError);

  const service = "service" in input ? input.service ?? null : stored?.service_id ?? null;
  const answers = "service_answers" in input ? input.service_answers : stored?.service_answers;
  const answerErrors = serviceAnswerErrors(await q.serviceQuestions(db, service), answers);
  if (answerErrors) throw new ValidationError(answerErrors);

  const duplicate = duplicateExportCountryError(input.export_countries);
  if (duplicate) nonField.push(duplicate);

  const ruleErrors = crossFieldErrors(version, facts);
  if (Object.keys(ruleErrors).length) throw new ValidationError(ruleErrors);
  if (nonField.length) throw new ValidationError({ non_field_errors: nonField });

  const theme = themeErrors(stored?.theme ?? null, facts.theme);
  if (theme) throw new ValidationError(theme);
}

/** Writes the validated input: the row, then the M2M sets, participants and countries. */
async function write(
  db: Db,
  input: InteractionInput,
  stored: q.StoredInteraction | null,
  meta: WriteMeta,
): Promise<string> {
  const columns: q.InteractionColumns = {};
  for (const field of SCALARS) {
    if (input[field] !== undefined) columns[field] = input[field];
  }
  if ("service_answers" in input) {
    const answers = input.service_answers ?? null;
    columns.service_answers = answers === null ? null : db.json(answers as postgres.JSONValue);
  }
  for (const field of Object.keys(REF_TABLES)) {
    const value = input[field as keyof InteractionInput];
    if (value !== undefined) columns[`${field}_id`] = value;
  }
  // `company` and `companies` are kept in sync: company = the first of companies.
  let companies = input.companies;
  if (input.company) companies = [input.company];
  else if (input.companies?.length) columns.company_id = input.companies[0];

  let id: string;
  if (stored) {
    id = stored.id;
    await q.updateInteraction(db, id, { ...columns, ...modificationStamps(meta) });
  } else {
    id = await q.insertInteraction(db, { status: "complete", ...columns, ...creationStamps(meta) });
  }
  if (companies !== undefined) await q.replaceM2M(db, id, "companies", companies);
  for (const field of ["contacts", "related_trade_agreements", "export_barrier_types"] as const) {
    const ids = input[field];
    if (ids !== undefined) await q.replaceM2M(db, id, field, ids);
  }
  if (input.dit_participants) {
    await q.replaceParticipants(db, id, input.dit_participants.map((p) => p.adviser));
  }
  if (input.export_countries || !stored) {
    await q.replaceExportCountries(db, id, input.export_countries ?? [], {
      by: meta.userId,
      at: meta.at,
    });
  }
  // The original copies countries to the company only when the interaction had none
  // before (so on create, or the first time an update adds some), dated by the
  // interaction unless that is in the future, on behalf of the interaction's creator.
  const companyId = (columns.company_id as string | undefined) ?? stored?.company_id;
  const date = input.date ?? stored?.date;
  if (input.export_countries?.length && !stored?.export_countries.length && companyId && date) {
    const change = {
      recordDate: date > meta.at ? meta.at : date,
      by: stored ? stored.created_by_id : meta.userId,
      at: meta.at,
    };
    for (const item of input.export_countries) {
      await addExportCountry(db, companyId, item, change);
    }
  }
  return id;
}

/** Creates an interaction from a validated body; returns its id. */
export async function createInteraction(
  db: Db,
  version: ApiVersion,
  input: InteractionInput,
  { caller, meta, checkAssociation = true }: {
    caller: Caller;
    meta: WriteMeta;
    /** False where the original's view skips HasAssociatedInvestmentProjectValidator. */
    checkAssociation?: boolean;
  },
): Promise<string> {
  await validate(db, version, input, null, caller, checkAssociation);
  const id = await write(db, input, null, meta);
  await recordWrite(db, q.interactionEntity, id, meta);
  return id;
}

/** Applies a PATCH to a locked interaction. */
export async function updateInteraction(
  db: Db,
  version: ApiVersion,
  stored: q.StoredInteraction,
  { input, caller, meta }: { input: InteractionInput; caller: Caller; meta: WriteMeta },
) {
  await validate(db, version, input, stored, caller);
  await write(db, input, stored, meta);
  await recordWrite(db, q.interactionEntity, stored.id, meta);
  // The company it was with is re-indexed too: moving the interaction changes that
  // company's latest_interaction_date (the sync indexes a repeated id once).
  if (stored.company_id) await recordChanges(db, [{ entity: "company", id: stored.company_id }]);
}

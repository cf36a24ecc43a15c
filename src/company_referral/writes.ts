/**
 * The referral's write paths: sending one (reference checks, stamps, version), and
 * completing one, which creates its interaction through the interaction domain (the
 * original's CompleteCompanyReferralSerializer) and links the two.
 */
import type { Db } from "../db/pool.ts";
import type { Caller } from "../auth/caller.ts";
import { nonFieldError, ValidationError, zodToFieldErrors } from "../http/errors.ts";
import { missingReferences, referencesOf } from "../core/references.ts";
import {
  creationStamps,
  modificationStamps,
  recordWrite,
  type WriteMeta,
} from "../core/tracking.ts";
import { bodies as interactionBodies } from "../interaction/routes.ts";
import { createInteraction } from "../interaction/writes.ts";
import type { ReferralInput } from "./routes.ts";
import * as q from "./queries.ts";

export const messages = {
  invalidStatus: "This referral can’t be completed as it’s not in the outstanding status",
} as const;

const REF_TABLES = {
  company: "company_company",
  contact: "company_contact",
  recipient: "company_advisor",
} as const;

/** Sends a referral from the caller; returns its id. */
export async function createReferral(db: Db, input: ReferralInput, meta: WriteMeta) {
  const errors = await missingReferences(db, referencesOf(input, REF_TABLES));
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const id = await q.insertReferral(db, {
    company_id: input.company,
    contact_id: input.contact ?? null,
    recipient_id: input.recipient,
    subject: input.subject,
    notes: input.notes,
    ...creationStamps(meta),
  });
  await recordWrite(db, q.referralEntity, id, meta);
  return id;
}

/**
 * Completes an outstanding referral: `body` is a v3 interaction body whose company is
 * always the referral's (any `company`/`companies` sent is dropped); returns the new
 * interaction's id. The association check of restricted callers is skipped, as the
 * original's view does.
 */
export async function completeReferral(
  db: Db,
  referral: q.StoredReferral,
  body: Record<string, unknown>,
  { caller, meta }: { caller: Caller; meta: WriteMeta },
): Promise<string> {
  const { company: _company, companies: _companies, ...rest } = body;
  const parsed = interactionBodies.v3.create.safeParse({
    ...rest,
    companies: [{ id: referral.company_id }],
  });
  if (!parsed.success) throw new ValidationError(zodToFieldErrors(parsed.error.issues));
  if (referral.status !== "outstanding") throw nonFieldError(messages.invalidStatus);
  const interactionId = await createInteraction(db, "v3", parsed.data, {
    caller,
    meta,
    checkAssociation: false,
  });
  await q.updateReferral(db, referral.id, {
    status: "complete",
    interaction_id: interactionId,
    completed_by_id: meta.userId,
    completed_on: meta.at,
    ...modificationStamps(meta),
  });
  await recordWrite(db, q.referralEntity, referral.id, meta);
  return interactionId;
}

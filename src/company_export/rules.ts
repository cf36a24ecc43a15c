/** The export pipeline's choices and messages, verbatim from the original. */
export const EXPORT_STATUSES = ["active", "won", "inactive"] as const;
export const EXPORT_POTENTIALS = ["high", "medium", "low"] as const;
export const MAX_TEAM_MEMBERS = 5;

/** DELETE archives instead, with this reason (SoftDeleteViaArchiveMixin). */
export const DELETE_REASON = "Archived instead of deleting when DELETE request received";

export const messages = {
  tooManyTeamMembers: `You can only add ${MAX_TEAM_MEMBERS} team members`,
  invalidDate: "Enter a valid date.",
  invalidModelChoice: DRF_MESSAGES.invalidChoice,
  invalidChoice: DRF_MESSAGES.invalidChoiceValue,
  invalidPkValue: (value: string) => `“${value}” is not a valid value.`,
} as const;

/** Whether `value` is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const date = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return date.getUTCFullYear() === +m[1] && date.getUTCMonth() === +m[2] - 1 &&
    date.getUTCDate() === +m[3];
}
import { DRF_MESSAGES } from "../http/drf.ts";

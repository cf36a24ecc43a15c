/** HCSAT's validation across fields, in the original's words. */
import { fieldError, nonFieldError } from "../http/errors.ts";
import { DETAIL_FIELDS, type FeedbackInput } from "./routes.ts";

const givenDetail = (input: FeedbackInput) => DETAIL_FIELDS.some((f) => input[f] !== undefined);

/** The first answer carries no detail. */
export function checkCreate(input: FeedbackInput) {
  if (givenDetail(input)) {
    throw nonFieldError(
      "Detailed feedback fields cannot be provided during initial feedback creation.",
    );
  }
}

/** Detail only on feedback that was not useful, and other_issues_detail only with other_issues. */
export function checkUpdate(
  input: FeedbackInput,
  current: { was_useful: boolean; other_issues: boolean | null },
) {
  if (current.was_useful && givenDetail(input)) {
    throw nonFieldError("Detailed feedback cannot be added to feedback marked as useful.");
  }
  const otherIssues = input.other_issues !== undefined ? input.other_issues : current.other_issues;
  const detail = input.other_issues_detail;
  if (!otherIssues && detail !== undefined && detail !== null && detail !== "") {
    throw fieldError(
      "other_issues_detail",
      "Other issues detail can only be provided when other_issues is true.",
    );
  }
}

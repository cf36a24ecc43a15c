/**
 * Cross-domain facts that the nightly housekeeping jobs (adviser deactivation, company
 * archiving) need, expressed as SQL fragments each domain contributes from its own
 * queries.ts and declares in its manifest. The jobs union them (from
 * `deps.contributions`), so adding a domain never touches the job.
 */
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";

/** `select … as adviser_id`: advisers this domain saw active on or after `since`. */
export type AdviserActivity = (db: Db, since: Date) => Fragment;

/** `select … as company_id`: companies this domain still needs, so they stay unarchived. */
export type CompanyInUse = (db: Db, now: Date) => Fragment;

/** The union of the sources' selects (each is wrapped so it may carry its own clauses). */
export function unionOf(db: Db, selects: Fragment[]): Fragment {
  if (!selects.length) throw new RangeError("unionOf needs at least one select");
  return selects
    .map((select) => db`(${select})`)
    .reduce((acc, part) => db`${acc} union all ${part}`);
}

/** `interval` arithmetic in one place: `date` minus whole years or months. */
export function yearsBefore(date: Date, years: number): Date {
  const d = new Date(date);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d;
}

export function monthsBefore(date: Date, months: number): Date {
  const d = new Date(date);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d;
}

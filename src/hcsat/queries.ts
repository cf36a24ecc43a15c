/** All SQL of HCSAT feedback: the response JSON and the writes. */
import type { Db } from "../db/pool.ts";
import { type Columns, insertRow, updateRow } from "../db/rows.ts";

export const TABLE = "hcsat_customersatisfactiontoolfeedback";

export interface Feedback {
  was_useful: boolean;
  other_issues: boolean | null;
  json: Record<string, unknown>;
}

export async function findFeedback(db: Db, id: string): Promise<Feedback | null> {
  const [row] = await db<Feedback[]>`
    select f.was_useful, f.other_issues, json_build_object(
      'id', f.id, 'url', f.url, 'was_useful', f.was_useful,
      'did_not_find_what_i_wanted', f.did_not_find_what_i_wanted,
      'difficult_navigation', f.difficult_navigation, 'lacks_feature', f.lacks_feature,
      'unable_to_load', f.unable_to_load, 'inaccurate_information', f.inaccurate_information,
      'other_issues', f.other_issues, 'other_issues_detail', f.other_issues_detail,
      'improvement_suggestion', f.improvement_suggestion,
      'created_on', api_datetime(f.created_on), 'modified_on', api_datetime(f.modified_on)) as json
    from hcsat_customersatisfactiontoolfeedback f where f.id = ${id}`;
  return row ?? null;
}

export const insertFeedback = (db: Db, columns: Columns) => insertRow(db, TABLE, columns);
export const updateFeedback = (db: Db, id: string, columns: Columns) =>
  updateRow(db, TABLE, id, columns);

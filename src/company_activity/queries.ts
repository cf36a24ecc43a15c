/**
 * All SQL of the company activity timeline: which activities a written row feeds (its
 * rows are kept by triggers, migration 0162), for the search documents that embed it.
 */
import type { Db } from "../db/pool.ts";

async function activityIds(db: Db, column: string, id: string): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    select id::text from company_activity_companyactivity where ${db(column)} = ${id}`;
  return rows.map((r) => r.id);
}

export const activityIdsOfInteraction = (db: Db, id: string) =>
  activityIds(db, "interaction_id", id);

export const activityIdsOfReferral = (db: Db, id: string) => activityIds(db, "referral_id", id);

export const activityIdsOfCompany = (db: Db, id: string) => activityIds(db, "company_id", id);

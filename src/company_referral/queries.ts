/**
 * All SQL of company referrals: the response JSON (the original's
 * CompanyReferralSerializer), the caller's sent and received list, the lock and writes.
 */
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";
import { insertRow, updateRow } from "../db/rows.ts";
import { adviserWithEmailAndTeam, datetime, jsonObject, ref } from "../core/render.ts";
import { adviserRef, type VersionedEntity } from "../core/versions.ts";
import { orderBy, type SortChoices, type SortTerm } from "../http/sortby.ts";
import { listPage, type Page } from "../http/pagination.ts";

export const STATUSES = ["outstanding", "closed", "complete"] as const;

/** Referrals are versioned, as the original registers CompanyReferral with reversion. */
export const referralEntity: VersionedEntity = {
  entity: "company_referral",
  table: "company_referral_companyreferral",
  foreignKeys: {
    company_id: { table: "company_company" },
    contact_id: {
      table: "company_contact",
      name: (sql) => sql`concat_ws(' ', r.first_name, r.last_name)`,
    },
    recipient_id: adviserRef,
    completed_by_id: adviserRef,
    interaction_id: { table: "interaction_interaction", name: (sql) => sql`r.subject` },
  },
};

/** The referral aliased `cr` as the original's CompanyReferralSerializer renders it. */
function referralJson(sql: Db): Fragment {
  return jsonObject(sql, [
    ["id", sql`cr.id`],
    ["company", ref(sql, "company_company", sql`cr.company_id`)],
    ["completed_by", adviserWithEmailAndTeam(sql, sql`cr.completed_by_id`)],
    ["completed_on", datetime(sql, sql`cr.completed_on`)],
    [
      "contact",
      sql`(select jsonb_build_object('id', ct.id,
          'name', concat_ws(' ', nullif(ct.first_name, ''), nullif(ct.last_name, '')))
        from company_contact ct where ct.id = cr.contact_id)`,
    ],
    ["created_by", adviserWithEmailAndTeam(sql, sql`cr.created_by_id`)],
    ["created_on", datetime(sql, sql`cr.created_on`)],
    [
      "interaction",
      sql`(select jsonb_build_object('id', i.id, 'subject', i.subject)
        from interaction_interaction i where i.id = cr.interaction_id)`,
    ],
    ["notes", sql`cr.notes`],
    ["recipient", adviserWithEmailAndTeam(sql, sql`cr.recipient_id`)],
    ["status", sql`cr.status`],
    ["subject", sql`cr.subject`],
  ]);
}

export const referralSortChoices: SortChoices = { created_on: "cr.created_on" };

/** The referrals the adviser sent or received. */
export async function listReferrals(
  db: Db,
  options: { adviserId: string; sort: SortTerm[]; page: Page },
) {
  const { count, rows } = await listPage<{ referral: Record<string, unknown> }>(db, {
    select: db`${referralJson(db)} as referral`,
    from: db`company_referral_companyreferral cr`,
    key: "cr.id",
    where: db`where (cr.created_by_id = ${options.adviserId}
      or cr.recipient_id = ${options.adviserId})`,
    order: orderBy(db, options.sort, referralSortChoices, "cr.id"),
    page: options.page,
  });
  return { count, results: rows.map((r) => r.referral) };
}

export async function findReferral(db: Db, id: string) {
  const [row] = await db<{ referral: Record<string, unknown> }[]>`
    select ${referralJson(db)} as referral from company_referral_companyreferral cr
    where cr.id = ${id}`;
  return row?.referral ?? null;
}

export interface StoredReferral {
  id: string;
  company_id: string;
  status: string;
}

export async function lockReferral(db: Db, id: string): Promise<StoredReferral | null> {
  const [row] = await db<StoredReferral[]>`
    select id::text, company_id::text, status from company_referral_companyreferral
    where id = ${id} for update`;
  return row ?? null;
}

export type ReferralColumns = Record<string, string | Date | null>;

export function insertReferral(db: Db, columns: ReferralColumns): Promise<string> {
  return insertRow(db, "company_referral_companyreferral", columns);
}

export function updateReferral(db: Db, id: string, columns: ReferralColumns): Promise<void> {
  return updateRow(db, "company_referral_companyreferral", id, columns);
}

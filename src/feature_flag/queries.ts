/** SQL for feature flags: global switches, and the flags and groups an adviser has. */
import type { Db } from "../db/pool.ts";

export interface FeatureFlagRow {
  code: string;
  is_active: boolean;
}

/** Every global flag, by code (the model's default order). */
export function listFeatureFlags(db: Db): Promise<FeatureFlagRow[]> {
  return db<FeatureFlagRow[]>`
    select code, is_active from feature_flag_featureflag order by code`;
}

/** Whether a global flag is on; a missing flag is off. */
export async function isFeatureFlagActive(db: Db, code: string): Promise<boolean> {
  const [row] = await db<{ is_active: boolean }[]>`
    select is_active from feature_flag_featureflag where code = ${code}`;
  return row?.is_active ?? false;
}

/**
 * The adviser's active user-feature codes (from active groups and direct links) and
 * active group codes, each sorted and without duplicates.
 */
export async function activeFeaturesOf(
  db: Db,
  adviserId: string,
): Promise<{ features: string[]; groups: string[] }> {
  const [row] = await db<{ features: string[]; groups: string[] }[]>`
    select
      array(
        select f.code from feature_flag_userfeatureflag f
        where f.is_active and (
          f.id in (select userfeatureflag_id from company_advisor_features
                   where advisor_id = ${adviserId})
          or f.id in (select gf.userfeatureflag_id
                      from feature_flag_userfeatureflaggroup_features gf
                      join feature_flag_userfeatureflaggroup g on g.id = gf.userfeatureflaggroup_id
                      join company_advisor_feature_groups ag on ag.userfeatureflaggroup_id = g.id
                      where g.is_active and ag.advisor_id = ${adviserId}))
        order by f.code
      ) as features,
      array(
        select g.code from feature_flag_userfeatureflaggroup g
        join company_advisor_feature_groups ag on ag.userfeatureflaggroup_id = g.id
        where g.is_active and ag.advisor_id = ${adviserId}
        order by g.code
      ) as groups`;
  return row;
}

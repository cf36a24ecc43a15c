/**
 * Automatic enrolment in the export and investment reminders, as the original's
 * `datahub/reminder/migration_tasks.py` (22:00 and 23:00 UTC, always scheduled). The
 * advisers who qualify are only logged unless ENABLE_AUTOMATIC_REMINDER_ITA_USER_MIGRATIONS
 * or ENABLE_AUTOMATIC_REMINDER_POST_USER_MIGRATIONS is set; then they join the
 * notification feature groups and get the default settings they lack (e-mails on).
 *
 * - ITA: active account owners of non-archived tier D ITA companies, in neither
 *   `export-notifications` nor `no-notifications`: export group, new export interaction
 *   [2] and no recent export interaction [90].
 * - Post: advisers of a Post team, not in `no-notifications` nor already in both groups,
 *   who are One List core team members, account owners of tier D Overseas Post
 *   companies, or hold one of the reminder roles on an active investment project
 *   (./queries.ts): both groups, the export settings, no recent investment interaction
 *   [90] and estimated land date [30, 60].
 */
import type { Db } from "../db/pool.ts";
import { MANAGED_TIERS, scheduledJob } from "./jobs.ts";
import { isActiveProject, projectRoleHolders, tryAdvisoryLock } from "./queries.ts";
import {
  EXPORT_NOTIFICATIONS_GROUP,
  INVESTMENT_NOTIFICATIONS_GROUP,
  REMINDER_TYPES as T,
  type ReminderType,
} from "./types.ts";

const NO_NOTIFICATIONS_GROUP = "no-notifications";
const [TIER_D_ITA, TIER_D_POST] = MANAGED_TIERS;
const POST_TEAM_ROLE = "62329c18-6095-e211-a939-e4115bead28a";

/** Active owners of non-archived companies of the tier. */
const accountOwners = (tx: Db, tier: string) =>
  tx`select co.one_list_account_owner_id from company_company co
    join company_advisor o on o.id = co.one_list_account_owner_id and o.is_active
    where not co.archived and co.one_list_tier_id = ${tier}`;

const inGroup = (tx: Db, code: string) =>
  tx`select ag.advisor_id from company_advisor_feature_groups ag
    join feature_flag_userfeatureflaggroup g on g.id = ag.userfeatureflaggroup_id
    where g.code = ${code}`;

function itaAdvisers(tx: Db) {
  return tx<{ id: string }[]>`
    select a.id::text from company_advisor a
    where a.id in (${accountOwners(tx, TIER_D_ITA)})
      and a.id not in (${inGroup(tx, EXPORT_NOTIFICATIONS_GROUP)})
      and a.id not in (${inGroup(tx, NO_NOTIFICATIONS_GROUP)})
    order by a.id`;
}

function postAdvisers(tx: Db) {
  return tx<{ id: string }[]>`
    select a.id::text from company_advisor a
    join metadata_team t on t.id = a.dit_team_id and t.role_id = ${POST_TEAM_ROLE}
    where a.id not in (${inGroup(tx, NO_NOTIFICATIONS_GROUP)})
      and not (a.id in (${inGroup(tx, EXPORT_NOTIFICATIONS_GROUP)})
        and a.id in (${inGroup(tx, INVESTMENT_NOTIFICATIONS_GROUP)}))
      and (a.id in (select m.adviser_id from company_onelistcoreteammember m)
        or a.id in (${accountOwners(tx, TIER_D_POST)})
        or a.id in (select unnest(${projectRoleHolders(tx)}) from investment_investmentproject p
          where ${isActiveProject(tx)}))
    order by a.id`;
}

async function joinGroup(tx: Db, adviserId: string, groupId: number) {
  await tx`insert into company_advisor_feature_groups (advisor_id, userfeatureflaggroup_id)
    values (${adviserId}, ${groupId}) on conflict do nothing`;
}

async function subscribe(tx: Db, adviserId: string, type: ReminderType, days: number[]) {
  await tx`insert into ${tx(type.subscriptionTable)}
      (adviser_id, reminder_days, email_reminders_enabled)
    values (${adviserId}, ${days}, true) on conflict (adviser_id) do nothing`;
}

async function groupIds(tx: Db, codes: string[]): Promise<Map<string, number>> {
  const rows = await tx<{ code: string; id: number }[]>`
    select code, id from feature_flag_userfeatureflaggroup where code = any(${codes})`;
  return new Map(rows.map((r) => [r.code, r.id]));
}

function enrolment(options: {
  name: string;
  who: "ITA" | "Post";
  enabledBy:
    | "ENABLE_AUTOMATIC_REMINDER_ITA_USER_MIGRATIONS"
    | "ENABLE_AUTOMATIC_REMINDER_POST_USER_MIGRATIONS";
  groups: string[];
  advisers: (tx: Db) => Promise<{ id: string }[]>;
  subscriptions: [ReminderType, number[]][];
}) {
  return scheduledJob(`reminder.${options.name}`, async (deps) => {
    await deps.sql.begin(async (tx) => {
      if (!await tryAdvisoryLock(tx, options.name)) return;
      const advisers = await options.advisers(tx);
      for (const { id } of advisers) {
        deps.log.info(`Migrating ${options.who} user "${id}" to receive reminders.`);
      }
      if (!deps.config[options.enabledBy]) {
        deps.log.info(`${options.who} users meet the criteria but are not migrated`, {
          advisers: advisers.length,
          disabled_by: options.enabledBy,
        });
        return;
      }
      const groups = await groupIds(tx, options.groups);
      const missing = options.groups.filter((code) => !groups.has(code));
      if (missing.length) {
        deps.log.error("feature groups missing: no users migrated", { groups: missing });
        return;
      }
      for (const { id } of advisers) {
        for (const groupId of groups.values()) await joinGroup(tx, id, groupId);
        for (const [type, days] of options.subscriptions) await subscribe(tx, id, type, days);
      }
      deps.log.info(`Migrated ${advisers.length} ${options.who} users`);
    });
  });
}

const EXPORT_SUBSCRIPTIONS: [ReminderType, number[]][] = [
  [T.newExportInteraction, [2]],
  [T.noRecentExportInteraction, [90]],
];

export const runItaUsersMigration = enrolment({
  name: "run_ita_users_migration",
  who: "ITA",
  enabledBy: "ENABLE_AUTOMATIC_REMINDER_ITA_USER_MIGRATIONS",
  groups: [EXPORT_NOTIFICATIONS_GROUP],
  advisers: itaAdvisers,
  subscriptions: EXPORT_SUBSCRIPTIONS,
});

export const runPostUsersMigration = enrolment({
  name: "run_post_users_migration",
  who: "Post",
  enabledBy: "ENABLE_AUTOMATIC_REMINDER_POST_USER_MIGRATIONS",
  groups: [EXPORT_NOTIFICATIONS_GROUP, INVESTMENT_NOTIFICATIONS_GROUP],
  advisers: postAdvisers,
  subscriptions: [
    ...EXPORT_SUBSCRIPTIONS,
    [T.noRecentInvestmentInteraction, [90]],
    [T.estimatedLandDate, [30, 60]],
  ],
});

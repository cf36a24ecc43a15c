/**
 * Operator commands for advisers, with a fixed output contract other tools script
 * against: `create-adviser` prints one JSON object (at least `id`), `add-access-token`
 * prints only the token. Failures go to stderr with a non-zero exit code.
 */
import { isUuid } from "../http/drf.ts";
import { parseArgs } from "node:util";
import type { Command } from "../cli/command.ts";
import {
  adviserClash,
  groupIdsByName,
  insertAdviser,
  permissionIdsByName,
  teamExists,
} from "./queries.ts";
import { findAdviserBySsoId, insertLocalToken } from "../auth/queries.ts";

/** A failure the operator can fix; printed without a stack trace. */
class UsageError extends Error {}

async function reportUsage(run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    return 1;
  }
}

const missing = (wanted: string[], found: Map<string, unknown>) =>
  [...new Set(wanted)].filter((n) => !found.has(n));

export const createAdviserCommand: Command = {
  summary: "Create an adviser (with groups, permissions, team) and print it as JSON",
  usage: "create-adviser --email E [--first-name F] [--last-name L] [--team-id UUID] " +
    "[--group NAME]... [--permission app_label.codename]... [--superuser] " +
    "[--sso-email-user-id X]",
  run: (args, context) =>
    reportUsage(async () => {
      const { values } = parseArgs({
        args,
        strict: true,
        options: {
          email: { type: "string" },
          "first-name": { type: "string", default: "" },
          "last-name": { type: "string", default: "" },
          "team-id": { type: "string" },
          group: { type: "string", multiple: true, default: [] },
          permission: { type: "string", multiple: true, default: [] },
          superuser: { type: "boolean", default: false },
          "sso-email-user-id": { type: "string" },
        },
      });
      const email = values.email?.trim();
      if (!email) throw new UsageError("--email is required");
      const teamId = values["team-id"] ?? null;
      if (teamId !== null && !isUuid(teamId)) {
        throw new UsageError(`--team-id must be a UUID, got "${teamId}"`);
      }
      const malformed = values.permission.filter((p) => !/^[a-z0-9_]+\.[a-z0-9_]+$/.test(p));
      if (malformed.length) {
        throw new UsageError(
          `--permission must be app_label.codename, got ${malformed.map((p) => `"${p}"`)}`,
        );
      }
      const ssoEmailUserId = values["sso-email-user-id"] ?? email;

      const runtime = await context.openRuntime();
      try {
        const created = await runtime.db.sql.begin(async (tx) => {
          const clash = await adviserClash(tx, email, ssoEmailUserId);
          if (clash === "email") throw new UsageError(`An adviser with email ${email} exists`);
          if (clash) {
            throw new UsageError(`An adviser with SSO email user id ${ssoEmailUserId} exists`);
          }
          if (teamId !== null && !(await teamExists(tx, teamId))) {
            throw new UsageError(`No team with id ${teamId}`);
          }
          const groups = await groupIdsByName(tx, values.group);
          const unknownGroups = missing(values.group, groups);
          if (unknownGroups.length) {
            throw new UsageError(`Unknown group(s): ${unknownGroups.join(", ")}`);
          }
          const permissions = await permissionIdsByName(tx, values.permission);
          const unknownPermissions = missing(values.permission, permissions);
          if (unknownPermissions.length) {
            throw new UsageError(`Unknown permission(s): ${unknownPermissions.join(", ")}`);
          }
          const id = await insertAdviser(tx, {
            email,
            firstName: values["first-name"],
            lastName: values["last-name"],
            teamId,
            ssoEmailUserId,
            superuser: values.superuser,
            groupIds: [...new Set(groups.values())],
            permissionIds: [...new Set(permissions.values())],
          });
          return {
            id,
            email,
            first_name: values["first-name"],
            last_name: values["last-name"],
            sso_email_user_id: ssoEmailUserId,
            dit_team_id: teamId,
            is_superuser: values.superuser,
            groups: [...groups.keys()].sort(),
            permissions: [...permissions.keys()].sort(),
          };
        });
        console.log(JSON.stringify(created));
        return 0;
      } finally {
        await runtime.close();
      }
    }),
};

/** 32 random bytes, base64url without padding: 43 characters, as `secrets.token_urlsafe()`. */
function urlSafeToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

export const addAccessTokenCommand: Command = {
  summary: "Mint a bearer token for an adviser (by SSO email user id) and print it",
  usage: "add-access-token <sso_email_user_id> [--token T] [--hours N]",
  run: (args, context) =>
    reportUsage(async () => {
      const { values, positionals } = parseArgs({
        args,
        strict: true,
        allowPositionals: true,
        options: { token: { type: "string" }, hours: { type: "string", default: "10" } },
      });
      if (positionals.length !== 1) {
        throw new UsageError("expected exactly one <sso_email_user_id>");
      }
      const hours = Number(values.hours);
      if (!Number.isInteger(hours) || hours < 1) {
        throw new UsageError(`--hours must be a whole number >= 1, got "${values.hours}"`);
      }
      const token = values.token ?? urlSafeToken();
      if (!token.trim() || /\s/.test(token)) {
        throw new UsageError("--token must be non-empty without spaces");
      }
      const runtime = await context.openRuntime();
      try {
        const adviser = await findAdviserBySsoId(runtime.db.sql, positionals[0]);
        if (!adviser) {
          throw new UsageError(`No adviser with SSO email user id ${positionals[0]}`);
        }
        const expires = new Date(runtime.deps.now().getTime() + hours * 3600_000);
        await insertLocalToken(runtime.db.sql, adviser.id, token, expires);
        console.log(token);
        return 0;
      } finally {
        await runtime.close();
      }
    }),
};

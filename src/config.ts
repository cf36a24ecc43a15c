/**
 * Configuration, parsed once from the environment by one Zod schema.
 *
 * Variable names follow the original Data Hub API where the concept is the same, so
 * existing deployments can keep their environment. A bad value stops start-up with a
 * message naming the variable (see {@link ConfigError}).
 */
import { z } from "zod";

const bool = <F extends boolean | undefined>(fallback: F) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback as boolean | F;
      if (["1", "true", "yes", "on"].includes(v)) return true;
      if (["0", "false", "no", "off"].includes(v)) return false;
      ctx.addIssue({ code: "custom", message: `expected true or false, got "${v}"` });
      return z.NEVER;
    });

const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({
          code: "custom",
          message: `expected a whole number ${min}..${max}, got "${v}"`,
        });
        return z.NEVER;
      }
      return n;
    });

const optionalText = z.string().trim().optional().transform((v) => (v ? v : undefined));

const url = (protocols: string[]) =>
  optionalText.refine(
    (v) => v === undefined || (URL.canParse(v) && protocols.includes(new URL(v).protocol)),
    { message: `expected a URL starting with ${protocols.join(" or ")}` },
  );

/** Seconds as a positive number (fractions allowed), e.g. a timeout. */
const seconds = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return fallback;
      const n = Number(v);
      if (!(n > 0)) {
        ctx.addIssue({ code: "custom", message: `expected seconds > 0, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const list = z
  .string()
  .optional()
  .transform((v) => (v ?? "").split(",").map((s) => s.trim()).filter(Boolean));

/** Machine-to-machine clients: env prefix → Hawk scopes (as the original's settings). */
export const HAWK_CLIENTS = {
  ACTIVITY_STREAM: ["activity_stream"],
  MARKET_ACCESS: ["public_company", "metadata"],
  DATA_FLOW_API: ["datasets"],
  DATA_HUB_FRONTEND: ["metadata"],
  OMIS_PUBLIC: ["public_omis"],
  REDBOX: ["datasets"],
} as const;

export type HawkScope = (typeof HAWK_CLIENTS)[keyof typeof HAWK_CLIENTS][number];
export interface HawkCredential {
  id: string;
  key: string;
  scopes: HawkScope[];
}

const schema = z
  .object({
    PORT: int(8000, 0, 65535),
    DATABASE_URL: url(["postgres:", "postgresql:"]),
    DATABASE_POOL_SIZE: int(10, 1, 500),
    DATABASE_STATEMENT_TIMEOUT: int(30, 0, 86_400),
    DATABASE_CONNECT_TIMEOUT: seconds(5),
    DATA_DIR: z.string().trim().default("./.data"),
    MIGRATE_ON_START: bool(true),
    CACHE_MEMORY_MB: int(32, 0, 4096),
    REDIS_BASE_URL: url(["redis:", "rediss:"]),
    SEARCH_BACKEND: z.enum(["postgres", "opensearch"]).default("postgres"),
    OPENSEARCH_URL: url(["http:", "https:"]),
    OPENSEARCH_INDEX_PREFIX: z.string().trim().default("datahub"),
    SSO_ENABLED: bool(false),
    STAFF_SSO_BASE_URL: url(["http:", "https:"]),
    STAFF_SSO_AUTH_TOKEN: optionalText,
    STAFF_SSO_REQUEST_TIMEOUT: seconds(5),
    STAFF_SSO_USER_TOKEN_CACHING_PERIOD: int(3600, 1),
    PAAS_IP_ALLOWLIST: list,
    DISABLE_PAAS_IP_CHECK: bool(false),
    DATAHUB_FRONTEND_BASE_URL: url(["http:", "https:"]).transform((v) =>
      v ?? "http://localhost:3000"
    ),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    ENABLE_DAILY_OPENSEARCH_SYNC: bool(false),
    ENABLE_AUTOMATIC_COMPANY_ARCHIVE: bool(false),
    ENABLE_AUTOMATIC_CONTACT_ARCHIVE: bool(false),
    ENABLE_ADVISER_DEACTIVATION: bool(false),
    ENABLE_ESTIMATED_LAND_DATE_REMINDERS: bool(false),
    ENABLE_NO_RECENT_INTERACTION_REMINDERS: bool(false),
    ENABLE_NO_RECENT_EXPORT_INTERACTION_REMINDERS: bool(false),
    ENABLE_NEW_EXPORT_INTERACTION_REMINDERS: bool(false),
    ENABLE_ESTIMATED_LAND_DATE_REMINDERS_EMAIL_DELIVERY_STATUS: bool(false),
    ENABLE_NO_RECENT_INTERACTION_EMAIL_DELIVERY_STATUS: bool(false),
    ENABLE_NO_RECENT_EXPORT_INTERACTION_REMINDERS_EMAIL_DELIVERY_STATUS: bool(false),
    ENABLE_NEW_EXPORT_INTERACTION_REMINDERS_EMAIL_DELIVERY_STATUS: bool(false),
    ENABLE_AUTOMATIC_REMINDER_ITA_USER_MIGRATIONS: bool(false),
    ENABLE_AUTOMATIC_REMINDER_POST_USER_MIGRATIONS: bool(false),
    /** GOV.UK Notify's API; tests point it at a local stand-in. */
    GOVUK_NOTIFY_BASE_URL: url(["http:", "https:"]).transform((v) =>
      v ?? "https://api.notifications.service.gov.uk"
    ),
    /** The Notify key of reminder and task e-mails (the original sends them all with it). */
    INVESTMENT_NOTIFICATION_API_KEY: optionalText,
    TASK_REMINDER_EMAIL_TEMPLATE_ID: optionalText,
    INVESTMENT_NOTIFICATION_ESTIMATED_LAND_DATE_TEMPLATE_ID: optionalText,
    INVESTMENT_NOTIFICATION_ESTIMATED_LAND_DATE_SUMMARY_TEMPLATE_ID: optionalText,
    INVESTMENT_NOTIFICATION_NO_RECENT_INTERACTION_TEMPLATE_ID: optionalText,
    EXPORT_NOTIFICATION_NO_RECENT_INTERACTION_TEMPLATE_ID: optionalText,
    EXPORT_NOTIFICATION_NO_INTERACTION_TEMPLATE_ID: optionalText,
    EXPORT_NOTIFICATION_NEW_INTERACTION_TEMPLATE_ID: optionalText,
    NOTIFICATION_SUMMARY_THRESHOLD: int(5, 1),
    /** dnb-service (the D&B proxy): base URL, shared token, longest wait per call. */
    DNB_SERVICE_BASE_URL: url(["http:", "https:"]),
    DNB_SERVICE_TOKEN: optionalText,
    DNB_SERVICE_TIMEOUT: seconds(15),
    /** Most D&B updates one nightly run applies; unset: all of them. */
    DNB_AUTOMATIC_UPDATE_LIMIT: int(-1, 0).transform((n) => (n < 0 ? undefined : n)),
    /** Above this many companies a family tree is reduced to the direct parents. */
    DNB_MAX_COMPANIES_IN_TREE_COUNT: int(1000, 0),
    ENABLE_DAILY_HIERARCHY_ROLLOUT: bool(false),
    DAILY_HIERARCHY_ROLLOUT_LIMIT: int(10, 0),
    /** The Notify key of export win e-mails (the original's export_win service). */
    EXPORT_WIN_NOTIFICATION_API_KEY: optionalText,
    EXPORT_WIN_CLIENT_RECEIPT_TEMPLATE_ID: optionalText,
    EXPORT_WIN_LEAD_OFFICER_APPROVED_TEMPLATE_ID: optionalText,
    EXPORT_WIN_LEAD_OFFICER_REJECTED_TEMPLATE_ID: optionalText,
    /** The OMIS customer site; order links and GOV.UK Pay's return URL are built on it. */
    OMIS_PUBLIC_BASE_URL: url(["http:", "https:"]).transform((v) => v ?? "http://localhost:4000"),
    /** Written into quotes as the address to write to when the DBT contact is unknown. */
    OMIS_GENERIC_CONTACT_EMAIL: z.string().trim().default(""),
    /** The Notify key of OMIS e-mails, the admin told of orders no manager hears of, and an
     * address that receives every OMIS e-mail instead of its recipient (test environments). */
    OMIS_NOTIFICATION_API_KEY: optionalText,
    OMIS_NOTIFICATION_ADMIN_EMAIL: z.string().trim().default(""),
    OMIS_NOTIFICATION_OVERRIDE_RECIPIENT_EMAIL: z.string().trim().default(""),
    /** GOV.UK Pay's API (OMIS card payments): base URL, key, longest wait per call. */
    GOVUK_PAY_URL: url(["http:", "https:"]),
    GOVUK_PAY_AUTH_TOKEN: optionalText,
    GOVUK_PAY_TIMEOUT: seconds(15),
    WORKER_SHORT_CONCURRENCY: int(4, 1, 256),
    WORKER_LONG_CONCURRENCY: int(1, 1, 256),
    /** Seconds a stopping worker lets running jobs finish before requeueing them. */
    WORKER_GRACE_SECONDS: int(30, 0, 86_400),
    /** Seconds without a lease renewal after which a worker's jobs are requeued. */
    WORKER_LEASE_SECONDS: int(30, 2, 3600),
    /** Prefix of every job-queue key in Redis (see src/jobs/redis_keys.ts). */
    JOBS_KEY_PREFIX: z.string().trim().min(1).default("jobs:"),
    /** Documents (src/documents/storage.ts): S3, or files under DATA_DIR when unset. */
    DOCUMENT_STORAGE: z.enum(["s3", "local"]).optional(),
    ENVIRONMENT: optionalText,
    AWS_DEFAULT_REGION: z.string().trim().default("eu-west-2"),
    AWS_ACCESS_KEY_ID: optionalText,
    AWS_SECRET_ACCESS_KEY: optionalText,
    S3_LOCAL_ENDPOINT_URL: url(["http:", "https:"]),
    DEFAULT_BUCKET: optionalText,
    DEFAULT_BUCKET_AWS_ACCESS_KEY_ID: optionalText,
    DEFAULT_BUCKET_AWS_SECRET_ACCESS_KEY: optionalText,
    DEFAULT_BUCKET_AWS_DEFAULT_REGION: optionalText,
    INVESTMENT_DOCUMENT_BUCKET: optionalText,
    INVESTMENT_DOCUMENT_AWS_ACCESS_KEY_ID: optionalText,
    INVESTMENT_DOCUMENT_AWS_SECRET_ACCESS_KEY: optionalText,
    INVESTMENT_DOCUMENT_AWS_REGION: optionalText,
    AV_V2_SERVICE_URL: url(["http:", "https:"]),
    AV_V2_SERVICE_TIMEOUT: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (!v) return 60;
        const n = Number(v);
        if (!(n > 0)) {
          ctx.addIssue({ code: "custom", message: `expected seconds > 0, got "${v}"` });
          return z.NEVER;
        }
        return n;
      }),
    DOCUMENTS_ALLOW_UNSCANNED_DOWNLOAD: bool(undefined),
    /** The Activity Stream's search, which `GET /v4/activity-feed` proxies (Hawk-signed). */
    ACTIVITY_STREAM_OUTGOING_URL: url(["http:", "https:"]),
    ACTIVITY_STREAM_OUTGOING_ACCESS_KEY_ID: optionalText,
    ACTIVITY_STREAM_OUTGOING_SECRET_ACCESS_KEY: optionalText,
    /** Seconds to wait for the Activity Stream (the original's default for its clients). */
    DEFAULT_SERVICE_TIMEOUT: seconds(5),
  })
  .superRefine((c, ctx) => {
    if (c.SSO_ENABLED && !c.STAFF_SSO_BASE_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["STAFF_SSO_BASE_URL"],
        message: "required when SSO_ENABLED is true",
      });
    }
    if (c.SSO_ENABLED && !c.STAFF_SSO_AUTH_TOKEN) {
      ctx.addIssue({
        code: "custom",
        path: ["STAFF_SSO_AUTH_TOKEN"],
        message: "required when SSO_ENABLED is true",
      });
    }
    if (c.SEARCH_BACKEND === "opensearch" && !c.OPENSEARCH_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["OPENSEARCH_URL"],
        message: "required when SEARCH_BACKEND is opensearch",
      });
    }
  });

export type Config = z.output<typeof schema> & { hawkCredentials: HawkCredential[] };

/** Every variable read, besides the Hawk pairs of {@link HAWK_CLIENTS} (the README lists them). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

/** Raised when the environment holds a bad value; the message names each variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

function hawkCredentials(env: Record<string, string | undefined>, problems: string[]) {
  const credentials: HawkCredential[] = [];
  for (const [prefix, scopes] of Object.entries(HAWK_CLIENTS)) {
    const id = env[`${prefix}_ACCESS_KEY_ID`]?.trim();
    if (!id) continue;
    const key = env[`${prefix}_SECRET_ACCESS_KEY`]?.trim();
    if (!key) {
      problems.push(`${prefix}_SECRET_ACCESS_KEY: required when ${prefix}_ACCESS_KEY_ID is set`);
      continue;
    }
    if (credentials.some((c) => c.id === id)) {
      problems.push(`${prefix}_ACCESS_KEY_ID: the id "${id}" is already used by another client`);
      continue;
    }
    credentials.push({ id, key, scopes: [...scopes] });
  }
  return credentials;
}

/** Parses `env` (default: the process environment) or throws {@link ConfigError}. */
export function loadConfig(env: Record<string, string | undefined> = Deno.env.toObject()): Config {
  const parsed = schema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join(".") || "environment"}: ${i.message}`);
  const credentials = hawkCredentials(env, problems);
  if (!parsed.success || problems.length) throw new ConfigError(problems);
  return { ...parsed.data, hawkCredentials: credentials };
}

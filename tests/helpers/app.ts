/**
 * An in-process app on a fresh database, plus helpers to make advisers with tokens and
 * to call the API as them. No network: requests go through `app.request()`.
 */
import { createApp } from "../../src/http/app.ts";
import { contractViolation } from "../../src/http/contract.ts";
import { registry } from "../../src/domains.ts";
import { loadConfig } from "../../src/config.ts";
import { silentLogger } from "../../src/log.ts";
import type { App, RouteSet } from "../../src/http/context.ts";
import type { AppDeps } from "../../src/deps.ts";
import { freshDatabase, type TestDatabase } from "./db.ts";
import { insertLocalToken } from "../../src/auth/queries.ts";
import type { Sql } from "../../src/db/pool.ts";
import { InlineQueue } from "../../src/jobs/inline_queue.ts";
import type { JobQueue } from "../../src/jobs/queue.ts";
import type { JobDefinition } from "../../src/jobs/definition.ts";

export interface TestContext {
  app: App;
  db: TestDatabase;
  sql: Sql;
  deps: AppDeps;
  close(): Promise<void>;
}

/**
 * Process dependencies for a test on `db`: silent log, real clock, inline job queue;
 * `env` overrides configuration variables and `overrides` any dependency.
 */
export function testDeps(
  db: Pick<TestDatabase, "sql" | "url">,
  options: { env?: Record<string, string>; overrides?: Partial<AppDeps> } = {},
): AppDeps {
  const deps: AppDeps = {
    config: loadConfig({ DATABASE_URL: db.url, ...options.env }),
    sql: db.sql,
    redis: null,
    jobs: new InlineQueue({ deps: () => deps }),
    log: silentLogger,
    now: () => new Date(),
    fetch: globalThis.fetch,
    contributions: registry.contributions,
    ...options.overrides,
  };
  return deps;
}

/** Responses of each test app that broke their operation's declared contract, not yet reported. */
const violations = new WeakMap<App, string[]>();

/**
 * Middleware checking every response against the OpenAPI operation of its method and
 * path (src/http/contract.ts); what breaks it fails the test that made the request
 * (in {@link call}, else when the app closes).
 */
function responseContract(found: string[], app: () => App): RouteSet {
  return {
    name: "response-contract",
    middleware: [async (c, next) => {
      await next();
      const res = c.res;
      const violation = contractViolation(app(), { method: c.req.method, path: c.req.path }, {
        status: res.status,
        contentType: res.headers.get("content-type"),
        body: await res.clone().text(),
      });
      if (violation) found.push(violation);
    }],
  };
}

/** Throws the contract violations the app's responses made since the last check. */
export function assertContract(app: App) {
  const found = violations.get(app);
  if (!found?.length) return;
  const message = found.splice(0).join("\n");
  throw new Error(`response does not match the OpenAPI document:\n${message}`);
}

/**
 * Builds the app on a fresh database; `env` overrides configuration variables and
 * `domains` adds test-only routes after the real ones. Every response is checked
 * against its operation's declared responses.
 */
export async function testApp(
  options: { env?: Record<string, string>; deps?: Partial<AppDeps>; domains?: RouteSet[] } = {},
): Promise<TestContext> {
  const db = await freshDatabase();
  const deps = testDeps(db, { env: options.env, overrides: options.deps });
  const found: string[] = [];
  const app = createApp(deps, [
    ...registry.domains,
    ...(options.domains ?? []),
    responseContract(found, () => app),
  ]);
  violations.set(app, found);
  return {
    app,
    db,
    sql: db.sql,
    deps,
    close: async () => {
      await deps.jobs.idle();
      await db.close();
      assertContract(app);
    },
  };
}

/**
 * A job queue that records what is enqueued and runs nothing: for tests that inspect
 * the change feed a write leaves, before the search sync job would consume it.
 */
export class HeldQueue implements JobQueue {
  readonly mode = "inline";
  readonly enqueued: string[] = [];
  enqueue<P>(job: JobDefinition<P>, _payload: P): Promise<string> {
    this.enqueued.push(job.name);
    return Promise.resolve(crypto.randomUUID());
  }
  enqueueOnce<P>(_key: string, job: JobDefinition<P>, payload: P): Promise<string | null> {
    return this.enqueue(job, payload);
  }
  idle(): Promise<void> {
    return Promise.resolve();
  }
}

export interface TestAdviser {
  id: string;
  email: string;
  token: string;
}

/**
 * Inserts an adviser holding `permissions` (`app_label.codename`, created if missing)
 * and a bearer token for them.
 */
export async function createAdviser(
  sql: Sql,
  options: {
    permissions?: string[];
    superuser?: boolean;
    teamId?: string | null;
    firstName?: string;
    lastName?: string;
    email?: string;
    isActive?: boolean;
  } = {},
): Promise<TestAdviser> {
  const suffix = crypto.randomUUID().slice(0, 8);
  const email = options.email ?? `adviser.${suffix}@example.test`;
  const [{ id }] = await sql<{ id: string }[]>`
    insert into company_advisor (email, first_name, last_name, sso_email_user_id, dit_team_id,
                                 is_superuser, is_active)
    values (${email}, ${options.firstName ?? "Test"}, ${options.lastName ?? `Adviser ${suffix}`},
            ${email}, ${options.teamId ?? null}, ${options.superuser ?? false}, ${
    options.isActive ?? true
  })
    returning id`;
  for (const permission of options.permissions ?? []) {
    const [app, codename] = permission.split(".");
    await sql`
      insert into auth_permission (app_label, codename) values (${app}, ${codename})
      on conflict (app_label, codename) do nothing`;
    await sql`
      insert into company_advisor_user_permissions (advisor_id, permission_id)
      select ${id}, p.id from auth_permission p where p.app_label = ${app} and p.codename = ${codename}`;
  }
  const token = `test-${crypto.randomUUID()}`;
  await insertLocalToken(sql, id, token, new Date(Date.now() + 3600_000));
  return { id, email, token };
}

/** Calls the API as `who` (a token, or nobody) with an optional JSON body. */
export async function call(
  app: App,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  // deno-lint-ignore no-explicit-any -- tests read arbitrary JSON bodies
): Promise<{ status: number; body: any; headers: Headers; text: string }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["content-type"] ??= "application/json";
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  }
  const res = await app.request(`http://testserver${path}`, { method, headers, body });
  assertContract(app);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers, text };
}

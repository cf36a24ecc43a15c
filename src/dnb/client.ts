/**
 * The dnb-service client (DBT's proxy in front of Dun & Bradstreet), with the original's
 * failure kinds and messages (datahub/dnb_api/utils.py): the caller maps them to answers,
 * so a slow, down or misbehaving service is a 502 with the original's words, never a 500.
 * Calls go through `deps.fetch`, so tests point the client at a local stand-in.
 */
import type { AppDeps } from "../deps.ts";

/** Prefer JSON to other content types, as the original's APIClient asks. */
const ACCEPT = "application/json;q=0.9,*/*;q=0.8";

export const TIMEOUT_MESSAGE = "Encountered a timeout interacting with DNB service";
export const CONNECTION_MESSAGE = "Encountered an error connecting to DNB service";
export const UNAVAILABLE_MESSAGE = "DNB service unavailable";

export class DnbError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
/** dnb-service answered with a status other than 2xx (the original's DNBServiceError). */
export class DnbServiceError extends DnbError {
  constructor(readonly status: number, readonly body: string) {
    super(`DNB service returned an error status: ${status}`);
  }
}
export class DnbConnectionError extends DnbError {}
export class DnbTimeoutError extends DnbError {}
/** The answer is not what the contract says (not JSON, several companies for one DUNS…). */
export class DnbInvalidResponseError extends DnbError {}
/** What was asked for does not exist at D&B (no company with that DUNS number). */
export class DnbInvalidRequestError extends DnbError {}
/** DNB_SERVICE_BASE_URL is not set (the original raises ImproperlyConfigured). */
export class DnbNotConfiguredError extends DnbError {
  constructor() {
    super("The setting DNB_SERVICE_BASE_URL has not been set");
  }
}

/** A company record as dnb-service returns it (snake_case; only the keys we read are typed). */
export type DnbCompany = Record<string, unknown> & { duns_number?: unknown };

export interface HierarchyAnswer {
  family_tree_members?: FamilyTreeMember[] | null;
  global_ultimate_family_tree_members_count?: number | null;
}

/** A member of a D&B family tree (camelCase, as D&B's own API). */
export type FamilyTreeMember = Record<string, unknown> & { duns: string };

export interface UpdatesPage {
  next?: string | null;
  results?: DnbCompany[];
}

interface CallOptions {
  method: "GET" | "POST";
  path: string;
  body?: unknown;
  /** Raw JSON text to send as is (the search proxy forwards the caller's bytes). */
  rawBody?: string;
  params?: Record<string, string | undefined>;
  /** The original's per-call limit, in seconds (capped by DNB_SERVICE_TIMEOUT). */
  timeout: number;
  /** The message for a failed connection (the original words it per call). */
  connectionMessage: string;
}

export interface DnbResponse {
  status: number;
  text: string;
}

export class DnbClient {
  constructor(private readonly deps: Pick<AppDeps, "config" | "fetch" | "log">) {}

  /** One HTTP call; a status other than 2xx is a {@link DnbServiceError}. */
  async call(options: CallOptions): Promise<DnbResponse> {
    const { config, log } = this.deps;
    if (!config.DNB_SERVICE_BASE_URL) throw new DnbNotConfiguredError();
    const url = new URL(options.path, config.DNB_SERVICE_BASE_URL);
    for (const [key, value] of Object.entries(options.params ?? {})) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    const headers: Record<string, string> = {
      Accept: ACCEPT,
      Authorization: `Token ${config.DNB_SERVICE_TOKEN ?? ""}`,
    };
    const body = options.rawBody ??
      (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const seconds = Math.min(options.timeout, config.DNB_SERVICE_TIMEOUT);
    const signal = AbortSignal.timeout(seconds * 1000);
    let status: number;
    let text: string;
    try {
      const response = await this.deps.fetch(url, {
        method: options.method,
        headers,
        body,
        signal,
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      const timedOut = signal.aborted || (error as Error).name === "TimeoutError";
      const message = timedOut ? TIMEOUT_MESSAGE : options.connectionMessage;
      log.error(message, { url: url.href, error: (error as Error).message });
      throw timedOut ? new DnbTimeoutError(message) : new DnbConnectionError(message);
    }
    if (status < 200 || status >= 300) {
      log.error("dnb-service error", { url: url.href, status });
      throw new DnbServiceError(status, text);
    }
    return { status, text };
  }

  /** A call whose answer must be JSON. */
  async json<T>(options: CallOptions): Promise<T> {
    return parseJson<T>((await this.call(options)).text);
  }

  /** `POST v2/companies/search/` with the caller's query (raw JSON text). */
  search(rawQuery: string): Promise<DnbResponse> {
    return this.call({
      method: "POST",
      path: "v2/companies/search/",
      rawBody: rawQuery,
      timeout: 3,
      connectionMessage: CONNECTION_MESSAGE,
    });
  }

  /**
   * The one company with this DUNS number (the original's `get_dnb_company_data`): none
   * is an invalid request, several or another DUNS an invalid response.
   */
  async company(duns: string): Promise<DnbCompany> {
    const answer = parseJson<{ results?: unknown }>(
      (await this.search(JSON.stringify({
        duns_number: duns,
      }))).text,
    );
    const results = Array.isArray(answer?.results) ? answer.results as DnbCompany[] : [];
    if (!results.length) {
      throw new DnbInvalidRequestError(`Cannot find a company with duns_number: ${duns}`);
    }
    if (results.length > 1) {
      throw new DnbInvalidResponseError(`Multiple companies found with duns_number: ${duns}`);
    }
    const found = results[0]?.duns_number;
    if (found !== duns) {
      throw new DnbInvalidResponseError(
        `DUNS number of the company: ${
          found ?? "None"
        } did not match searched DUNS number: ${duns}`,
      );
    }
    return results[0];
  }

  /** `POST companies/hierarchy/search/`: the full family tree (10 s). */
  hierarchy(duns: string): Promise<HierarchyAnswer> {
    return this.json<HierarchyAnswer>({
      method: "POST",
      path: "companies/hierarchy/search/",
      body: { duns_number: duns },
      timeout: 10,
      connectionMessage: CONNECTION_MESSAGE,
    });
  }

  /** `POST companies/hierarchy/search/count`: how many companies the tree holds. */
  async hierarchyCount(duns: string): Promise<number> {
    const count = await this.json<unknown>({
      method: "POST",
      path: "companies/hierarchy/search/count",
      body: { duns_number: duns },
      timeout: 3,
      connectionMessage: CONNECTION_MESSAGE,
    });
    if (typeof count !== "number" || !Number.isInteger(count)) {
      throw new DnbInvalidResponseError("DNB service returned an invalid family tree count");
    }
    return count;
  }

  /** `POST change-request/`. */
  requestChanges(payload: unknown): Promise<unknown> {
    return this.json({
      method: "POST",
      path: "change-request/",
      body: payload,
      timeout: 3,
      connectionMessage: UNAVAILABLE_MESSAGE,
    });
  }

  /** `GET change-request/?duns_number=&status=`. */
  changeRequests(duns: string, status: string | undefined): Promise<unknown> {
    return this.json({
      method: "GET",
      path: "change-request/",
      params: { duns_number: duns, status },
      timeout: 3,
      connectionMessage: this.unavailableHost(),
    });
  }

  /** `POST investigation/`. */
  createInvestigation(payload: unknown): Promise<Record<string, unknown>> {
    return this.json({
      method: "POST",
      path: "investigation/",
      body: payload,
      timeout: 3,
      connectionMessage: this.unavailableHost(),
    });
  }

  /** One page of `GET companies/?last_updated_after=` (then the cursor links). */
  updatesPage(lastUpdatedAfter: string, next: string | null): Promise<UpdatesPage> {
    return this.json<UpdatesPage>({
      method: "GET",
      path: next ?? "companies/",
      params: next ? {} : { last_updated_after: lastUpdatedAfter },
      timeout: 3,
      connectionMessage: UNAVAILABLE_MESSAGE,
    });
  }

  /** The original's APIClient words a refused connection so for these calls. */
  private unavailableHost(): string {
    const base = this.deps.config.DNB_SERVICE_BASE_URL;
    return `Upstream service unavailable: ${base ? new URL(base).host : ""}`;
  }
}

function parseJson<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new DnbInvalidResponseError("DNB service returned an invalid response");
  }
}

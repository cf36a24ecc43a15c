/**
 * A stand-in for dnb-service on 127.0.0.1: the paths and JSON of the real service under
 * `/api/`, answers set per test (`json`, `status`, `raw`, `hang` until the client gives up,
 * or any handler), and every request recorded (path, query, body, Authorization).
 */
export const DNB_TOKEN = "dnbtoken1234";

export interface SeenRequest {
  /** "POST v2/companies/search/" */
  route: string;
  query: URLSearchParams;
  body: string;
  authorization: string | null;
  contentType: string | null;
}

type Handler = (
  request: { body: unknown; query: URLSearchParams; request: Request },
) => Response | Promise<Response>;

export interface DnbStandIn {
  /** Base URL for DNB_SERVICE_BASE_URL. */
  url: string;
  requests: SeenRequest[];
  /** Requests to one route. */
  seen(route: string): SeenRequest[];
  on(route: string, handler: Handler): void;
  /** Answers `route` with JSON (each call in turn when `bodies` has several, the last repeating). */
  json(route: string, ...bodies: unknown[]): void;
  status(route: string, status: number, body?: string): void;
  raw(route: string, text: string): void;
  /** Never answers: the client's timeout must end the call. */
  hang(route: string): void;
  close(): Promise<void>;
}

export function startDnbService(): DnbStandIn {
  const requests: SeenRequest[] = [];
  const routes = new Map<string, Handler>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const route = `${req.method} ${url.pathname.replace(/^\/api\//, "")}`;
    const body = await req.text();
    requests.push({
      route,
      query: url.searchParams,
      body,
      authorization: req.headers.get("authorization"),
      contentType: req.headers.get("content-type"),
    });
    const handler = routes.get(route);
    if (!handler) return new Response(`no route ${route}`, { status: 404 });
    return await handler({
      body: body ? JSON.parse(body) : undefined,
      query: url.searchParams,
      request: req,
    });
  });
  const standIn: DnbStandIn = {
    url: `http://127.0.0.1:${server.addr.port}/api/`,
    requests,
    seen: (route) => requests.filter((r) => r.route === route),
    on: (route, handler) => routes.set(route, handler),
    json: (route, ...bodies) => {
      let call = 0;
      routes.set(route, () => Response.json(bodies[Math.min(call++, bodies.length - 1)]));
    },
    status: (route, status, body = '{"error": "msg"}') =>
      routes.set(
        route,
        () => new Response(body, { status, headers: { "content-type": "application/json" } }),
      ),
    raw: (route, text) =>
      routes.set(
        route,
        () => new Response(text, { headers: { "content-type": "application/json" } }),
      ),
    hang: (route) =>
      routes.set(
        route,
        ({ request }) =>
          new Promise((resolve) =>
            request.signal.addEventListener("abort", () => resolve(new Response("{}")))
          ),
      ),
    close: () => server.shutdown(),
  };
  return standIn;
}

/**
 * Environment pointing the app at the stand-in. The timeout is short so the timeout tests
 * are quick, and long enough that an answering stand-in is never taken for a hanging one
 * on a loaded machine (0.3 s was: a first request timed out in a full CI run).
 */
export function dnbEnv(standIn: DnbStandIn, extra: Record<string, string> = {}) {
  return {
    DNB_SERVICE_BASE_URL: standIn.url,
    DNB_SERVICE_TOKEN: DNB_TOKEN,
    DNB_SERVICE_TIMEOUT: "2",
    ...extra,
  };
}

/** A URL where nothing listens (a port just closed), for connection failures. */
export function closedUrl(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return `http://127.0.0.1:${port}/api/`;
}

/** The original's UK fixture (`dnb_response_uk`): one record of the search answer. */
export function ukRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    address_country: "GB",
    address_county: "",
    address_area_name: null,
    address_line_1: "Unit 10, Ockham Drive",
    address_line_2: "",
    address_postcode: "UB6 0F2",
    address_town: "GREENFORD",
    annual_sales: 50651895.0,
    annual_sales_currency: "USD",
    domain: "foo.com",
    duns_number: "123456789",
    employee_number: 260,
    global_ultimate_duns_number: "291332174",
    global_ultimate_primary_name: "FOO BICYCLE LIMITED",
    is_annual_sales_estimated: null,
    is_employees_number_estimated: true,
    is_out_of_business: false,
    legal_status: "corporation",
    primary_name: "FOO BICYCLE LIMITED",
    registered_address_country: "GB",
    registered_address_county: "",
    registered_address_line_1: "C/O LONE VARY",
    registered_address_line_2: "",
    registered_address_postcode: "UB6 0F2",
    registered_address_town: "GREENFORD",
    registration_numbers: [
      { registration_number: "01261539", registration_type: "uk_companies_house_number" },
    ],
    trading_names: [],
    ...overrides,
  };
}

/** The original's non-UK fixture (`dnb_response_non_uk`). */
export function usRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    duns_number: "123456789",
    primary_name: "Acme Corporation",
    trading_names: ["Acme"],
    registration_numbers: [{
      registration_type: "unmapped",
      original_registration_type: 6863,
      original_registration_number: "24-3733147",
      original_registration_description: "Federal Taxpayer Identification Number (US)",
    }],
    global_ultimate_duns_number: "157270606",
    global_ultimate_primary_name: "Acme Corporation",
    domain: "acme.com",
    is_out_of_business: false,
    address_line_1: "150 Madison Ave",
    address_line_2: "",
    address_town: "New York",
    address_county: "",
    address_postcode: "10033-1062",
    address_area_abbrev_name: "NY",
    address_area_name: "New York",
    address_country: "US",
    annual_sales: 1000000.0,
    annual_sales_currency: "USD",
    is_annual_sales_estimated: null,
    employee_number: 100,
    is_employees_number_estimated: false,
    legal_status: "corporation",
    ...overrides,
  };
}

export const SEARCH = "POST v2/companies/search/";
export const HIERARCHY = "POST companies/hierarchy/search/";
export const HIERARCHY_COUNT = "POST companies/hierarchy/search/count";
export const CHANGE_REQUEST_POST = "POST change-request/";
export const CHANGE_REQUEST_GET = "GET change-request/";
export const INVESTIGATION = "POST investigation/";
export const UPDATES = "GET companies/";

export const UNITED_KINGDOM = "80756b9a-5d95-e211-a939-e4115bead28a";
export const UNITED_STATES = "81756b9a-5d95-e211-a939-e4115bead28a";
export const NEW_YORK = "aa65b701-244a-41fc-bd31-0a546303106a";
export const TEXAS = "c35c119a-bc4d-4e48-9ace-167dbe8cb695";
export const ALABAMA = "8ad3f33a-ace8-40ec-bd2c-638fdc3024ea";

/**
 * The GOV.UK Pay client (the original's PayClient): create a card payment, read its
 * state, cancel it. Base URL, key and timeout come from GOVUK_PAY_URL,
 * GOVUK_PAY_AUTH_TOKEN and GOVUK_PAY_TIMEOUT; calls go through `deps.fetch`. Any failure
 * (connection, timeout, a status of 400 or more) is a 502 naming GOV.UK Pay, so the
 * request's transaction rolls back.
 */
import type { AppDeps } from "../deps.ts";
import { ApiError } from "../http/errors.ts";

/** The parts of a GOV.UK Pay payment we read. */
export interface GovukPayment {
  payment_id: string;
  amount: number;
  reference: string;
  email?: string | null;
  created_date: string;
  state: { status: string; finished?: boolean };
  card_details?: {
    cardholder_name?: string | null;
    card_brand?: string | null;
    billing_address?: {
      line1?: string | null;
      line2?: string | null;
      city?: string | null;
      postcode?: string | null;
      country?: string | null;
    } | null;
  } | null;
  _links: { next_url?: { href: string } | null };
}

export class GovukPayError extends ApiError {
  constructor(message: string) {
    super(502, { detail: `GOV.UK Pay: ${message}` });
    this.name = "GovukPayError";
  }
}

export class PayClient {
  constructor(private readonly deps: Pick<AppDeps, "config" | "fetch" | "log">) {}

  private async request(method: "GET" | "POST", path: string, body?: unknown) {
    const { GOVUK_PAY_URL, GOVUK_PAY_AUTH_TOKEN, GOVUK_PAY_TIMEOUT } = this.deps.config;
    if (!GOVUK_PAY_URL) throw new GovukPayError("GOVUK_PAY_URL is not set");
    const url = new URL(path, GOVUK_PAY_URL.endsWith("/") ? GOVUK_PAY_URL : `${GOVUK_PAY_URL}/`);
    const headers: Record<string, string> = {
      Accept: "application/json",
      Authorization: `Bearer ${GOVUK_PAY_AUTH_TOKEN ?? ""}`,
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    this.deps.log.info("GOV.UK Pay call", { method, url: url.href });
    let response: Response;
    try {
      response = await this.deps.fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(GOVUK_PAY_TIMEOUT * 1000),
      });
    } catch (error) {
      throw new GovukPayError(error instanceof Error ? error.message : String(error));
    }
    this.deps.log.info("GOV.UK Pay answer", { method, url: url.href, status: response.status });
    if (response.status >= 400) {
      await response.body?.cancel();
      throw new GovukPayError(`${response.status} for ${method} ${url.pathname}`);
    }
    return response;
  }

  /** A new payment of `amount` pence; the customer pays at its `_links.next_url`. */
  async createPayment(payment: {
    amount: number;
    reference: string;
    description: string;
    return_url: string;
  }): Promise<GovukPayment> {
    return await (await this.request("POST", "payments", payment)).json();
  }

  async getPayment(paymentId: string): Promise<GovukPayment> {
    return await (await this.request("GET", `payments/${encodeURIComponent(paymentId)}`)).json();
  }

  async cancelPayment(paymentId: string): Promise<void> {
    const response = await this.request(
      "POST",
      `payments/${encodeURIComponent(paymentId)}/cancel`,
    );
    await response.body?.cancel();
  }
}

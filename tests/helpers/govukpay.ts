/**
 * A stand-in for GOV.UK Pay on 127.0.0.1 speaking its public API's wire format (v1):
 * `POST /v1/payments` creates a card payment (201, state `created`, with `next_url`),
 * `GET /v1/payments/{id}` answers its state, `POST /v1/payments/{id}/cancel` cancels an
 * unfinished one (204; 400 `P0501` once finished). Unknown ids are 404 `P0200`, a wrong
 * key 401. `advance` plays the customer (started, submitted, success with card details,
 * failed); `failNext` makes the next calls answer an error status.
 */
export interface StandInPayment {
  payment_id: string;
  amount: number;
  description: string;
  reference: string;
  return_url: string;
  status: string;
  created_date: string;
}

export interface GovukPayStandIn {
  /** For GOVUK_PAY_URL (ends in `/v1/`). */
  baseUrl: string;
  apiKey: string;
  payments: Map<string, StandInPayment>;
  calls: string[];
  advance(paymentId: string, status: "started" | "submitted" | "success" | "failed"): void;
  failNext(n: number, status: number): void;
  close(): Promise<void>;
}

const API_KEY = "api_test_omis_stand_in_key";
const FINISHED = ["success", "failed", "cancelled", "error"];

export function startGovukPayStandIn(): GovukPayStandIn {
  const payments = new Map<string, StandInPayment>();
  const calls: string[] = [];
  let failures = 0;
  let failStatus = 500;
  let origin = "";

  const render = (p: StandInPayment) => {
    const self = `${origin}/v1/payments/${p.payment_id}`;
    const finished = FINISHED.includes(p.status);
    return {
      amount: p.amount,
      description: p.description,
      reference: p.reference,
      language: "en",
      email: p.status === "success" ? "payer@example.test" : undefined,
      state: p.status === "failed"
        ? { status: "failed", finished: true, message: "Payment was declined", code: "P0010" }
        : { status: p.status, finished },
      payment_id: p.payment_id,
      payment_provider: "sandbox",
      created_date: p.created_date,
      return_url: p.return_url,
      delayed_capture: false,
      moto: false,
      card_details: p.status === "success"
        ? {
          last_digits_card_number: "4242",
          first_digits_card_number: "424242",
          cardholder_name: "Jo Payer",
          expiry_date: "04/30",
          billing_address: {
            line1: "1 Pay Street",
            line2: "Floor 2",
            postcode: "SW1A 1AA",
            city: "London",
            country: "GB",
          },
          card_brand: "Visa",
          card_type: "debit",
        }
        : undefined,
      _links: {
        self: { href: self, method: "GET" },
        next_url: finished ? null : { href: `${origin}/secure/${p.payment_id}`, method: "GET" },
        events: { href: `${self}/events`, method: "GET" },
        refunds: { href: `${self}/refunds`, method: "GET" },
        cancel: finished ? null : { href: `${self}/cancel`, method: "POST" },
      },
    };
  };
  const error = (status: number, code: string, description: string) =>
    Response.json({ code, description }, { status });

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    calls.push(`${req.method} ${url.pathname}`);
    if (req.headers.get("authorization") !== `Bearer ${API_KEY}`) {
      return error(401, "P0920", "Credentials are required to access this resource");
    }
    if (failures > 0) {
      failures--;
      return error(failStatus, "P0999", "GOV.UK Pay is unavailable");
    }
    if (req.method === "POST" && url.pathname === "/v1/payments") {
      const body = await req.json();
      const payment: StandInPayment = {
        payment_id: crypto.randomUUID().replaceAll("-", "").slice(0, 26),
        amount: body.amount,
        description: body.description,
        reference: body.reference,
        return_url: body.return_url,
        status: "created",
        created_date: new Date().toISOString(),
      };
      payments.set(payment.payment_id, payment);
      return Response.json(render(payment), { status: 201 });
    }
    const match = url.pathname.match(/^\/v1\/payments\/([^/]+)(\/cancel)?$/);
    const payment = match && payments.get(match[1]);
    if (!match) return error(404, "P0900", "Not found");
    if (!payment) return error(404, "P0200", "paymentId not found");
    if (req.method === "GET" && !match[2]) return Response.json(render(payment));
    if (req.method === "POST" && match[2]) {
      if (FINISHED.includes(payment.status)) {
        return error(400, "P0501", "Cancellation of payment failed");
      }
      payment.status = "cancelled";
      return new Response(null, { status: 204 });
    }
    return error(405, "P0900", "Method not allowed");
  });
  origin = `http://127.0.0.1:${server.addr.port}`;
  return {
    baseUrl: `${origin}/v1/`,
    apiKey: API_KEY,
    payments,
    calls,
    advance: (id, status) => {
      payments.get(id)!.status = status;
    },
    failNext: (n, status) => {
      failures = n;
      failStatus = status;
    },
    close: () => server.shutdown(),
  };
}

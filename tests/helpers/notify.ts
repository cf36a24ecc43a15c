/**
 * A stand-in for GOV.UK Notify on 127.0.0.1 speaking its v2 wire format: `POST
 * /v2/notifications/email` answers 201 with a notification, `GET /v2/notifications/{id}`
 * its status. It records each e-mail (template, address, personalisation, reference) and
 * checks the client's JWT bearer names the key's service; `failNext` makes the next sends
 * answer with an error status.
 */
export interface SentEmail {
  id: string;
  template_id: string;
  email_address: string;
  personalisation: Record<string, unknown>;
  reference: string | null;
}

export interface NotifyStandIn {
  baseUrl: string;
  /** An API key in Notify's format (`name-<service id>-<secret>`). */
  apiKey: string;
  sent: SentEmail[];
  /** The next `n` sends answer `status` (e.g. 500) instead of 201. */
  failNext(n: number, status: number): void;
  close(): Promise<void>;
}

const SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506";
const SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0";

function issuerOf(authorization: string | null): string | null {
  const token = authorization?.replace(/^Bearer /, "") ?? "";
  const payload = token.split(".")[1];
  if (!payload) return null;
  const json = atob(payload.replaceAll("-", "+").replaceAll("_", "/"));
  return (JSON.parse(json) as { iss?: string }).iss ?? null;
}

export function startNotifyStandIn(): NotifyStandIn {
  const sent: SentEmail[] = [];
  let failures = 0;
  let failStatus = 500;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    if (issuerOf(req.headers.get("authorization")) !== SERVICE_ID) {
      return Response.json({
        status_code: 403,
        errors: [{ error: "AuthError", message: "Invalid token: service not found" }],
      }, { status: 403 });
    }
    if (req.method === "POST" && url.pathname === "/v2/notifications/email") {
      const body = await req.json();
      if (failures > 0) {
        failures--;
        return Response.json({
          status_code: failStatus,
          errors: [{ error: "Exception", message: "Internal server error" }],
        }, { status: failStatus });
      }
      const id = crypto.randomUUID();
      sent.push({
        id,
        template_id: body.template_id,
        email_address: body.email_address,
        personalisation: body.personalisation ?? {},
        reference: body.reference ?? null,
      });
      return Response.json({
        id,
        reference: body.reference ?? null,
        content: { subject: "subject", body: "body", from_email: "datahub@notifications.test" },
        uri: `${url.origin}/v2/notifications/${id}`,
        template: { id: body.template_id, version: 1, uri: `${url.origin}/templates/1` },
      }, { status: 201 });
    }
    const match = /^\/v2\/notifications\/([0-9a-f-]{36})$/.exec(url.pathname);
    if (req.method === "GET" && match && sent.some((e) => e.id === match[1])) {
      return Response.json({ id: match[1], type: "email", status: "delivered" });
    }
    return Response.json({
      status_code: 404,
      errors: [{ error: "NoResultFound", message: "No result found" }],
    }, { status: 404 });
  });
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}`,
    apiKey: `test_key-${SERVICE_ID}-${SECRET}`,
    sent,
    failNext(n, status) {
      failures = n;
      failStatus = status;
    },
    close: () => server.shutdown(),
  };
}

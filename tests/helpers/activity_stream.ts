/**
 * A stand-in for the Activity Stream's search on 127.0.0.1: answers every request with
 * the status and body set by the test, and records each one (method, path, body, content
 * type, and whether its Hawk header verifies under the given credentials). A `node:http`
 * server: Deno.serve drops the body of a GET, and the feed's query travels in one.
 */
import http from "node:http";
import { hawkMac, parseHawkHeader, payloadHash } from "../../src/auth/hawk.ts";

export const ACTIVITY_STREAM_CREDENTIAL = { id: "feed-id", key: "feed-secret-key" };

export interface SeenFeedRequest {
  method: string;
  path: string;
  body: string;
  contentType: string | null;
  hawkValid: boolean;
}

export interface ActivityStreamStandIn {
  url: string;
  requests: SeenFeedRequest[];
  answer(status: number, body: string, contentType?: string): void;
  close(): Promise<void>;
}

async function hawkValid(header: string | undefined, req: http.IncomingMessage, body: Buffer) {
  if (!header) return false;
  const attributes = parseHawkHeader(header);
  if (attributes.id !== ACTIVITY_STREAM_CREDENTIAL.id) return false;
  const hash = await payloadHash(new Uint8Array(body), req.headers["content-type"]);
  if (hash !== attributes.hash) return false;
  const [host, port] = (req.headers.host ?? "").split(":");
  const mac = await hawkMac(ACTIVITY_STREAM_CREDENTIAL.key, "header", {
    ts: attributes.ts,
    nonce: attributes.nonce,
    method: req.method ?? "",
    resource: req.url ?? "",
    host,
    port: Number(port),
    hash,
  });
  return mac === attributes.mac;
}

export async function startActivityStream(): Promise<ActivityStreamStandIn> {
  const requests: SeenFeedRequest[] = [];
  let reply = { status: 200, body: '{"took":27}', contentType: "application/json" };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      requests.push({
        method: req.method ?? "",
        path: req.url ?? "",
        body: body.toString("utf8"),
        contentType: req.headers["content-type"] ?? null,
        hawkValid: await hawkValid(req.headers.authorization, req, body),
      });
      res.writeHead(reply.status, { "Content-Type": reply.contentType });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/v3/activities/_search`,
    requests,
    answer: (status, body, contentType = "application/json") => {
      reply = { status, body, contentType };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

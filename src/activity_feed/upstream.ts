/**
 * The call to the Activity Stream's search: a Hawk-signed `GET` carrying the caller's
 * query as its body, as the original's APIClient sends it. `fetch` refuses a body on a
 * GET, so the request goes through `node:http(s)`, which sends one with its length.
 */
import http from "node:http";
import https from "node:https";
import { hawkRequestHeader } from "../auth/hawk.ts";

export interface UpstreamRequest {
  url: string;
  credential: { id: string; key: string };
  body: Uint8Array;
  contentType: string;
  timeoutSeconds: number;
  now: Date;
}

export interface UpstreamResponse {
  status: number;
  contentType: string | null;
  body: Uint8Array<ArrayBuffer>;
}

/** The service could not be reached (refused, reset or timed out). */
export class UpstreamUnavailable extends Error {
  constructor(readonly host: string, cause: unknown) {
    super(`Upstream service unavailable: ${host}`, { cause });
    this.name = "UpstreamUnavailable";
  }
}

/** Sends the signed GET and reads the whole answer, whatever its status. */
export async function getWithBody(request: UpstreamRequest): Promise<UpstreamResponse> {
  const url = new URL(request.url);
  const authorization = await hawkRequestHeader(request.credential, {
    method: "GET",
    url: request.url,
    body: request.body,
    contentType: request.contentType,
    now: request.now,
  });
  const client = url.protocol === "https:" ? https : http;
  return await new Promise<UpstreamResponse>((resolve, reject) => {
    const req = client.request(url, {
      method: "GET",
      headers: {
        "Accept": "application/json;q=0.9,*/*;q=0.8",
        "Authorization": authorization,
        "Content-Type": request.contentType,
        "Content-Length": String(request.body.length),
      },
      timeout: request.timeoutSeconds * 1000,
    }, (res) => {
      const chunks: Uint8Array[] = [];
      res.on("data", (chunk: Uint8Array) => chunks.push(chunk));
      res.on("error", (error) => reject(new UpstreamUnavailable(url.host, error)));
      res.on("end", () => {
        const header = res.headers["content-type"];
        resolve({
          status: res.statusCode ?? 502,
          contentType: Array.isArray(header) ? header[0] : header ?? null,
          body: new Uint8Array(Buffer.concat(chunks)),
        });
      });
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", (error) => reject(new UpstreamUnavailable(url.host, error)));
    req.end(request.body);
  });
}

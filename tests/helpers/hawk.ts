/**
 * A Hawk client for tests: signs requests as the original's clients (mohawk senders)
 * do, and checks `Server-Authorization` as Data Hub's own Hawk client does.
 */
import assert from "node:assert/strict";
import { hawkMac, type HawkResource, payloadHash } from "../../src/auth/hawk.ts";

export interface HawkSignOptions {
  method?: string;
  /** Absolute URL as the client addresses it. */
  url: string;
  ts: number;
  nonce?: string;
  body?: string;
  contentType?: string;
  /** Sign with this hash instead of the body's (to test a mismatch). */
  hash?: string;
  ext?: string;
}

export async function hawkResource(o: HawkSignOptions): Promise<HawkResource> {
  const url = new URL(o.url);
  const hash = o.hash ??
    (o.body !== undefined || o.contentType !== undefined
      ? await payloadHash(new TextEncoder().encode(o.body ?? ""), o.contentType)
      : undefined);
  return {
    ts: String(o.ts),
    nonce: o.nonce ?? crypto.randomUUID().slice(0, 8),
    method: o.method ?? "GET",
    resource: url.pathname + url.search,
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80,
    hash,
    ext: o.ext,
  };
}

/** `Authorization: Hawk …` for the request, and the resource it signs. */
export async function hawkHeader(
  credential: { id: string; key: string },
  o: HawkSignOptions,
): Promise<{ header: string; resource: HawkResource }> {
  const resource = await hawkResource(o);
  const mac = await hawkMac(credential.key, "header", resource);
  const parts = [`id="${credential.id}"`, `ts="${resource.ts}"`, `nonce="${resource.nonce}"`];
  if (resource.hash) parts.push(`hash="${resource.hash}"`);
  if (resource.ext) parts.push(`ext="${resource.ext}"`);
  parts.push(`mac="${mac}"`);
  return { header: `Hawk ${parts.join(", ")}`, resource };
}

/** The `Server-Authorization` value a correct server sends for this response. */
export async function expectedServerAuthorization(
  key: string,
  request: HawkResource,
  body: string,
  contentType: string | null,
): Promise<string> {
  const hash = await payloadHash(new TextEncoder().encode(body), contentType);
  const mac = await hawkMac(key, "response", { ...request, hash, ext: undefined });
  return `Hawk mac="${mac}", hash="${hash}"`;
}

/** Asserts that `res` carries the `Server-Authorization` Data Hub's Hawk client expects. */
export async function assertSignedResponse(
  res: { text: string; headers: Headers },
  key: string,
  request: HawkResource,
) {
  assert.equal(
    res.headers.get("server-authorization"),
    await expectedServerAuthorization(key, request, res.text, res.headers.get("content-type")),
  );
}

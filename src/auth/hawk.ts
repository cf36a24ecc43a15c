/**
 * The Hawk 1 protocol as the original's receiver (mohawk 1.1.0) applies it: header
 * parsing, the request MAC, the payload hash, then the nonce and the timestamp, in that
 * order; and the `Server-Authorization` header that signs a response.
 *
 * Written here rather than taken from `@hapi/hawk`: that library authenticates a Node
 * request object through callbacks of its own and checks the timestamp before the
 * nonce, while clients of the original rely on mohawk's order and content-type rules.
 * Both are tested on the published vectors of the Hawk specification.
 */
import { timingSafeEqual } from "../crypto.ts";
import { HmacSha256 } from "./hmac.ts";

/** Any failure to authenticate; the message is for logs, never for the client. */
export class HawkFail extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HawkFail";
  }
}

export interface HawkKey {
  id: string;
  key: string;
}

/** What a MAC covers besides the key: the request line, its host and the header fields. */
export interface HawkResource {
  ts: string;
  nonce: string;
  method: string;
  /** Path plus query string, as sent. */
  resource: string;
  host: string;
  port: number;
  hash?: string;
  ext?: string;
  app?: string;
  dlg?: string;
}

const MAX_HEADER_LENGTH = 4096;
const ALLOWED_KEYS = new Set(["id", "ts", "nonce", "hash", "ext", "mac", "app", "dlg"]);
const ATTRIBUTE = /(\w+)="([^"\\]*)"\s*(?:,\s*|$)/g;
const ATTRIBUTE_CHARS = /^[ a-zA-Z0-9!#$%&'()*+,\-./:;<=>?@[\]^_`{|}~]*$/;

/** The attributes of a `Hawk id="…", ts="…", …` header; HawkFail when malformed. */
export function parseHawkHeader(header: string): Record<string, string> {
  if (header.length > MAX_HEADER_LENGTH) throw new HawkFail("header exceeds maximum length");
  const space = header.indexOf(" ");
  if (space === -1 || header.slice(0, space).toLowerCase() !== "hawk") {
    throw new HawkFail("unknown scheme");
  }
  const attributes: Record<string, string> = {};
  const rest = header.slice(space + 1).trim().replace(
    ATTRIBUTE,
    (_, key: string, value: string) => {
      if (!ALLOWED_KEYS.has(key)) throw new HawkFail(`unknown Hawk key "${key}"`);
      if (!ATTRIBUTE_CHARS.test(value)) throw new HawkFail(`bad characters in "${key}"`);
      if (Object.hasOwn(attributes, key)) throw new HawkFail(`duplicate key "${key}"`);
      attributes[key] = value;
      return "";
    },
  );
  if (rest !== "") throw new HawkFail("could not parse the Hawk header");
  return attributes;
}

const encoder = new TextEncoder();

function base64(bytes: ArrayBuffer | Uint8Array): string {
  let binary = "";
  for (const b of new Uint8Array(bytes)) binary += String.fromCharCode(b);
  return btoa(binary);
}

const escapeAttribute = (value: string) => value.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");

/** The media type without parameters, lower-cased (`''` when absent). */
export const mediaType = (contentType: string | null | undefined) =>
  (contentType ?? "").split(";")[0].trim().toLowerCase();

/** The Hawk payload hash: SHA-256 over `hawk.1.payload\n<type>\n<body>\n`, base64. */
export async function payloadHash(
  body: Uint8Array,
  contentType: string | null | undefined,
): Promise<string> {
  const head = encoder.encode(`hawk.1.payload\n${mediaType(contentType)}\n`);
  const data = new Uint8Array(head.length + body.length + 1);
  data.set(head);
  data.set(body, head.length);
  data[data.length - 1] = 0x0a;
  return base64(await crypto.subtle.digest("SHA-256", data));
}

/** The normalised string a MAC signs (`type` is `header` or `response`). */
export function normalisedString(type: "header" | "response", r: HawkResource): string {
  const lines = [
    `hawk.1.${type}`,
    r.ts,
    r.nonce,
    r.method.toUpperCase(),
    r.resource,
    r.host.toLowerCase(),
    String(r.port),
    r.hash ?? "",
    escapeAttribute(r.ext ?? ""),
  ];
  if (r.app) lines.push(escapeAttribute(r.app), escapeAttribute(r.dlg ?? ""));
  return `${lines.join("\n")}\n`;
}

/** HMAC states by secret: a handful of clients, each key prepared once. */
const hmacs = new Map<string, HmacSha256>();

/** HMAC-SHA256 of the normalised string under the client's key, base64. */
export function hawkMac(key: string, type: "header" | "response", resource: HawkResource): string {
  let hmac = hmacs.get(key);
  if (!hmac) hmacs.set(key, hmac = new HmacSha256(encoder.encode(key)));
  return base64(hmac.sign(normalisedString(type, resource)));
}

export interface HawkRequest {
  authorization: string;
  method: string;
  /** The absolute URL the client signed (scheme, host and port as it saw them). */
  url: URL;
  contentType: string | null;
  body: Uint8Array;
}

export interface VerifyOptions<C extends HawkKey> {
  lookup: (id: string) => C | undefined;
  /** Records the nonce; true when it was already seen (a replay). */
  seenNonce: (id: string, nonce: string) => Promise<boolean>;
  now: Date;
  skewSeconds?: number;
}

/** A verified request: its credentials and what a response signature must repeat. */
export interface HawkVerified<C extends HawkKey> {
  credential: C;
  resource: HawkResource;
}

const defaultPort = (url: URL) =>
  url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;

/** Checks a request as mohawk's Receiver does; throws HawkFail on any failure. */
export async function verifyHawkRequest<C extends HawkKey>(
  request: HawkRequest,
  options: VerifyOptions<C>,
): Promise<HawkVerified<C>> {
  const attrs = parseHawkHeader(request.authorization);
  const credential = attrs.id === undefined ? undefined : options.lookup(attrs.id);
  if (!credential) throw new HawkFail(`no Hawk id of ${attrs.id}`);
  if (attrs.ts === undefined || attrs.nonce === undefined || attrs.mac === undefined) {
    throw new HawkFail("missing ts, nonce or mac");
  }
  const resource: HawkResource = {
    ts: attrs.ts,
    nonce: attrs.nonce,
    method: request.method,
    resource: request.url.pathname + request.url.search,
    host: request.url.hostname,
    port: defaultPort(request.url),
    hash: attrs.hash,
    ext: attrs.ext,
    app: attrs.app,
    dlg: attrs.dlg,
  };
  const mac = hawkMac(credential.key, "header", resource);
  if (!timingSafeEqual(mac, attrs.mac)) throw new HawkFail("MAC mismatch");

  const hasContent = request.body.length > 0 || mediaType(request.contentType) !== "";
  if (attrs.hash !== undefined || hasContent) {
    const expected = await payloadHash(request.body, request.contentType);
    if (!timingSafeEqual(expected, attrs.hash ?? "")) throw new HawkFail("payload hash mismatch");
  }

  if (await options.seenNonce(credential.id, attrs.nonce)) {
    throw new HawkFail(`nonce ${attrs.nonce} already processed`);
  }

  const ts = Number(attrs.ts);
  const skew = options.skewSeconds ?? 60;
  if (!/^\d+$/.test(attrs.ts) || Math.abs(ts - options.now.getTime() / 1000) > skew) {
    throw new HawkFail("timestamp outside the allowed skew");
  }
  return { credential, resource };
}

/**
 * `Server-Authorization` for a response to a verified request: MAC type `response` over
 * the request's ts, nonce and URL with the response body and content type hashed.
 */
export function serverAuthorization(verified: HawkVerified<HawkKey>, hash: string): string {
  const resource = { ...verified.resource, hash, ext: undefined };
  const mac = hawkMac(verified.credential.key, "response", resource);
  return `Hawk mac="${mac}", hash="${hash}"`;
}

/**
 * `Authorization: Hawk …` for an outgoing request, as the original's clients (mohawk's
 * Sender) sign it: the URL, method and a payload hash of the body and its content type.
 */
export async function hawkRequestHeader(
  credential: HawkKey,
  request: { method: string; url: string; body: Uint8Array; contentType: string; now: Date },
): Promise<string> {
  const url = new URL(request.url);
  const hash = await payloadHash(request.body, request.contentType);
  const resource: HawkResource = {
    ts: String(Math.floor(request.now.getTime() / 1000)),
    nonce: crypto.randomUUID().replaceAll("-", "").slice(0, 6),
    method: request.method,
    resource: url.pathname + url.search,
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80,
    hash,
  };
  const mac = hawkMac(credential.key, "header", resource);
  return `Hawk mac="${mac}", hash="${hash}", id="${credential.id}", ts="${resource.ts}", ` +
    `nonce="${resource.nonce}"`;
}

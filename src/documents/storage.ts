/**
 * Where document files live, behind one interface: an S3-compatible store through the AWS
 * SDK (pre-signed SigV4 URLs, 3600 s, as the original), or, with no S3 configured, files
 * under `$DATA_DIR/documents` with HMAC-signed, expiring URLs served by this API
 * (src/documents/handlers.ts), so the embedded set-up works end to end. A document names
 * its bucket as the original does: a bucket id of DOCUMENT_BUCKETS (`default`,
 * `investment`) with that bucket's keys, or, with `use_default_credentials`, the bucket
 * name itself with the default AWS credentials.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { Config } from "../config.ts";
import { hmacSha256Hex, timingSafeEqual } from "../crypto.ts";

const base64UrlEncode = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
const base64UrlDecode = (text: string) =>
  new TextDecoder().decode(
    Uint8Array.from(atob(text.replaceAll("-", "+").replaceAll("_", "/")), (ch) => ch.charCodeAt(0)),
  );

/** Pre-signed URLs live an hour, as the original's `sign_s3_url`. */
export const SIGNED_URL_SECONDS = 3600;

export interface Location {
  bucketId: string;
  path: string;
  useDefaultCredentials: boolean;
}

export interface StoredObject {
  body: ReadableStream<Uint8Array>;
  /** Bytes, when the store says. */
  length: number | null;
  contentType: string;
}

export interface DocumentStorage {
  readonly kind: "s3" | "local";
  /** A URL the client PUTs the file to. `origin` is this API's, for local URLs. */
  uploadUrl(location: Location, origin: string): Promise<string>;
  /** A URL the client GETs the file from. */
  downloadUrl(location: Location, origin: string): Promise<string>;
  /** The stored file as a stream, or null when there is none. */
  open(location: Location, signal?: AbortSignal): Promise<StoredObject | null>;
  /** Deletes the file; a missing file is not an error (S3's DeleteObject is idempotent). */
  remove(location: Location): Promise<void>;
}

/** `s3` when DOCUMENT_STORAGE says so, or (unset) when a bucket or a local S3 is configured. */
export function storageKind(config: Config): "s3" | "local" {
  if (config.DOCUMENT_STORAGE) return config.DOCUMENT_STORAGE;
  return config.DEFAULT_BUCKET || config.INVESTMENT_DOCUMENT_BUCKET ||
      config.S3_LOCAL_ENDPOINT_URL
    ? "s3"
    : "local";
}

/** The generic uploadable documents' bucket: `data-hub-documents[-ENVIRONMENT]`. */
export function genericDocumentBucket(config: Config): string {
  return `data-hub-documents${config.ENVIRONMENT ? `-${config.ENVIRONMENT}` : ""}`;
}

const cache = new WeakMap<Config, DocumentStorage>();

/** The storage the configuration names (one per configuration, so clients are reused). */
export function documentStorage(config: Config): DocumentStorage {
  let storage = cache.get(config);
  if (!storage) {
    storage = storageKind(config) === "s3" ? new S3Storage(config) : new LocalStorage(config);
    cache.set(config, storage);
  }
  return storage;
}

interface BucketSettings {
  bucket: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

/** The original's DOCUMENT_BUCKETS, from the same variables. */
function bucketSettings(config: Config, location: Location): BucketSettings {
  if (location.useDefaultCredentials) {
    return {
      bucket: location.bucketId,
      region: config.AWS_DEFAULT_REGION,
      accessKeyId: config.AWS_ACCESS_KEY_ID,
      secretAccessKey: config.AWS_SECRET_ACCESS_KEY,
    };
  }
  const named: Record<string, BucketSettings | undefined> = {
    default: config.DEFAULT_BUCKET
      ? {
        bucket: config.DEFAULT_BUCKET,
        region: config.DEFAULT_BUCKET_AWS_DEFAULT_REGION ?? config.AWS_DEFAULT_REGION,
        accessKeyId: config.DEFAULT_BUCKET_AWS_ACCESS_KEY_ID,
        secretAccessKey: config.DEFAULT_BUCKET_AWS_SECRET_ACCESS_KEY,
      }
      : undefined,
    investment: config.INVESTMENT_DOCUMENT_BUCKET
      ? {
        bucket: config.INVESTMENT_DOCUMENT_BUCKET,
        region: config.INVESTMENT_DOCUMENT_AWS_REGION ?? config.AWS_DEFAULT_REGION,
        accessKeyId: config.INVESTMENT_DOCUMENT_AWS_ACCESS_KEY_ID,
        secretAccessKey: config.INVESTMENT_DOCUMENT_AWS_SECRET_ACCESS_KEY,
      }
      : undefined,
  };
  const settings = named[location.bucketId];
  if (!settings) throw new Error(`Bucket "${location.bucketId}" not configured.`);
  return settings;
}

/**
 * The AWS SDK, loaded on first use: some 15 MB of modules a process without S3 (and
 * every process until its first document) does not hold.
 */
let sdk:
  | Promise<[typeof import("@aws-sdk/client-s3"), typeof import("@aws-sdk/s3-request-presigner")]>
  | undefined;
export const awsSdk = () =>
  sdk ??= Promise.all([import("@aws-sdk/client-s3"), import("@aws-sdk/s3-request-presigner")]);

/**
 * An S3 client for a region and keys (the SDK's default chain without keys), addressing
 * `S3_LOCAL_ENDPOINT_URL` by path when set. Also used to read the Data Flow bucket.
 */
export async function s3Client(
  config: Pick<Config, "S3_LOCAL_ENDPOINT_URL">,
  settings: { region: string; accessKeyId?: string; secretAccessKey?: string },
): Promise<S3Client> {
  const [{ S3Client }] = await awsSdk();
  const endpoint = config.S3_LOCAL_ENDPOINT_URL;
  return new S3Client({
    region: settings.region,
    // Explicit keys when configured; otherwise the SDK's default chain (role, profile).
    credentials: settings.accessKeyId && settings.secretAccessKey
      ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
      : undefined,
    endpoint,
    // Local S3-compatible stores (localstack, MinIO) serve buckets by path.
    forcePathStyle: endpoint !== undefined,
    // Otherwise a pre-signed PUT carries the checksum of an empty body.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

class S3Storage implements DocumentStorage {
  readonly kind = "s3";
  #clients = new Map<string, S3Client>();

  constructor(private readonly config: Config) {}

  async #target(location: Location) {
    const [commands, { getSignedUrl }] = await awsSdk();
    const settings = bucketSettings(this.config, location);
    const key = `${settings.region}\n${settings.accessKeyId ?? ""}`;
    let client = this.#clients.get(key);
    if (!client) {
      client = await s3Client(this.config, settings);
      this.#clients.set(key, client);
    }
    return { client, bucket: settings.bucket, commands, getSignedUrl };
  }

  async uploadUrl(location: Location): Promise<string> {
    const { client, bucket, commands, getSignedUrl } = await this.#target(location);
    const command = new commands.PutObjectCommand({ Bucket: bucket, Key: location.path });
    return await getSignedUrl(client, command, { expiresIn: SIGNED_URL_SECONDS });
  }

  async downloadUrl(location: Location): Promise<string> {
    const { client, bucket, commands, getSignedUrl } = await this.#target(location);
    const command = new commands.GetObjectCommand({ Bucket: bucket, Key: location.path });
    return await getSignedUrl(client, command, { expiresIn: SIGNED_URL_SECONDS });
  }

  async open(location: Location, signal?: AbortSignal): Promise<StoredObject | null> {
    const { client, bucket, commands } = await this.#target(location);
    try {
      const out = await client.send(
        new commands.GetObjectCommand({ Bucket: bucket, Key: location.path }),
        { abortSignal: signal },
      );
      if (!out.Body) return null;
      return {
        body: out.Body.transformToWebStream() as ReadableStream<Uint8Array>,
        length: out.ContentLength ?? null,
        contentType: out.ContentType ?? "application/octet-stream",
      };
    } catch (error) {
      if (error instanceof commands.NoSuchKey) return null;
      throw error;
    }
  }

  async remove(location: Location): Promise<void> {
    const { client, bucket, commands } = await this.#target(location);
    await client.send(new commands.DeleteObjectCommand({ Bucket: bucket, Key: location.path }));
  }
}

/** What a local signed URL grants: one method on one file until `expires` (epoch s). */
export interface LocalGrant {
  method: "PUT" | "GET";
  bucketId: string;
  path: string;
  expires: number;
}

/** A path segment as a file name: never `.`/`..`, never a separator. */
function fileSegment(segment: string): string {
  if (segment === "" || segment === "." || segment === "..") {
    return `%${[...segment].map(() => "2E").join("%")}`;
  }
  return encodeURIComponent(segment);
}

export class LocalStorage implements DocumentStorage {
  readonly kind = "local";
  readonly root: string;
  #key: Promise<string> | undefined;

  constructor(config: Config) {
    this.root = `${config.DATA_DIR}/documents`;
  }

  /** The HMAC key, made once per data directory and kept there (serve and worker share it). */
  #signingKey(): Promise<string> {
    this.#key ??= (async () => {
      const file = `${this.root}/.signing-key`;
      await Deno.mkdir(this.root, { recursive: true });
      try {
        const bytes = crypto.getRandomValues(new Uint8Array(32));
        const key = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
        await Deno.writeTextFile(file, key, { createNew: true, mode: 0o600 });
        return key;
      } catch (error) {
        if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
        return (await Deno.readTextFile(file)).trim();
      }
    })();
    return this.#key;
  }

  filePath(bucketId: string, path: string): string {
    return [this.root, fileSegment(bucketId), ...path.split("/").map(fileSegment)].join("/");
  }

  async #sign(location: Location, method: LocalGrant["method"], origin: string) {
    const grant: LocalGrant = {
      method,
      bucketId: location.bucketId,
      path: location.path,
      expires: Math.floor(Date.now() / 1000) + SIGNED_URL_SECONDS,
    };
    const body = base64UrlEncode(JSON.stringify(grant));
    const signature = await hmacSha256Hex(await this.#signingKey(), body);
    return `${origin}/v4/document-storage/${body}.${signature}`;
  }

  /** The grant a token carries, or null when it is forged, malformed or expired. */
  async verify(token: string, now: Date): Promise<LocalGrant | null> {
    const [body, signature, extra] = token.split(".");
    if (!body || !signature || extra !== undefined) return null;
    const expected = await hmacSha256Hex(await this.#signingKey(), body);
    if (!timingSafeEqual(expected, signature)) return null;
    try {
      const grant = JSON.parse(base64UrlDecode(body)) as LocalGrant;
      return grant.expires * 1000 > now.getTime() ? grant : null;
    } catch {
      return null;
    }
  }

  uploadUrl(location: Location, origin: string) {
    return this.#sign(location, "PUT", origin);
  }

  downloadUrl(location: Location, origin: string) {
    return this.#sign(location, "GET", origin);
  }

  async open(location: Location): Promise<StoredObject | null> {
    try {
      const file = await Deno.open(this.filePath(location.bucketId, location.path));
      const { size } = await file.stat();
      return { body: file.readable, length: size, contentType: "application/octet-stream" };
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return null;
      throw error;
    }
  }

  /** Stores a PUT body (written aside, then renamed: a reader never sees half a file). */
  async write(bucketId: string, path: string, body: ReadableStream<Uint8Array> | null) {
    const target = this.filePath(bucketId, path);
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    const partial = `${target}.${crypto.randomUUID()}.partial`;
    const file = await Deno.open(partial, { write: true, create: true, truncate: true });
    if (body) await body.pipeTo(file.writable);
    else file.close();
    await Deno.rename(partial, target);
  }

  async remove(location: Location): Promise<void> {
    try {
      await Deno.remove(this.filePath(location.bucketId, location.path));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
}

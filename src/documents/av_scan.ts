/**
 * The antivirus client, speaking dit-clamav-rest's wire format as the original's does:
 * the file is streamed (never buffered) as the multipart field `file` (file name: the
 * document id) in a POST to AV_V2_SERVICE_URL, whose credentials travel as HTTP Basic
 * auth; the JSON reply must hold a boolean `malware` and may hold a `reason`. Anything
 * else is an error, so an outage or a garbled reply can never pass a file as clean.
 */
import type { AppDeps } from "../deps.ts";
import type { StoredObject } from "./storage.ts";

export class VirusScanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VirusScanError";
  }
}

export interface ScanResult {
  malware: boolean;
  reason: string;
}

/** The service URL without its credentials, and those as an Authorization header. */
function endpoint(serviceUrl: string): { url: string; headers: Record<string, string> } {
  const url = new URL(serviceUrl);
  const headers: Record<string, string> = {};
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    const bytes = new TextEncoder().encode(`${user}:${password}`);
    headers.authorization = `Basic ${btoa(String.fromCharCode(...bytes))}`;
    url.username = "";
    url.password = "";
  }
  return { url: url.toString(), headers };
}

/** `head`, the file's bytes as they arrive, then `tail`. */
function framed(head: Uint8Array, body: ReadableStream<Uint8Array>, tail: Uint8Array) {
  const reader = body.getReader();
  let state: "head" | "body" | "done" = "head";
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (state === "head") {
        state = "body";
        controller.enqueue(head);
        return;
      }
      if (state === "body") {
        const { value, done } = await reader.read();
        if (!done) {
          controller.enqueue(value);
          return;
        }
        state = "done";
        controller.enqueue(tail);
        controller.close();
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/** Scans one stored file; throws {@link VirusScanError} (or a network error) on failure. */
export async function scanFile(
  deps: Pick<AppDeps, "config" | "fetch">,
  documentId: string,
  file: StoredObject,
  signal: AbortSignal,
): Promise<ScanResult> {
  const serviceUrl = deps.config.AV_V2_SERVICE_URL;
  if (!serviceUrl) {
    throw new VirusScanError(
      `Cannot scan document with ID ${documentId}; AV V2 service URL not configured`,
    );
  }
  const { url, headers } = endpoint(serviceUrl);
  const boundary = `----datahub${crypto.randomUUID().replaceAll("-", "")}`;
  const encoder = new TextEncoder();
  const head = encoder.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${documentId}"\r\n` +
      `Content-Type: ${file.contentType.replace(/[\r\n]/g, "")}\r\n\r\n`,
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  if (file.length !== null) {
    headers["content-length"] = String(head.length + file.length + tail.length);
  }
  const timeout = AbortSignal.timeout(deps.config.AV_V2_SERVICE_TIMEOUT * 1000);
  const response = await deps.fetch(url, {
    method: "POST",
    headers: { ...headers, "content-type": `multipart/form-data; boundary=${boundary}` },
    body: framed(head, file.body, tail),
    signal: AbortSignal.any([signal, timeout]),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new VirusScanError(
      `AV service responded ${response.status} when scanning document with ID ${documentId}`,
    );
  }
  let result: unknown;
  try {
    result = JSON.parse(text);
  } catch {
    result = text;
  }
  if (
    typeof result === "object" && result !== null && "malware" in result &&
    typeof result.malware === "boolean"
  ) {
    const reason = "reason" in result && typeof result.reason === "string" ? result.reason : "";
    return { malware: result.malware, reason };
  }
  throw new VirusScanError(
    `Unexpected response from AV service: ${text.slice(0, 200)} ` +
      `when scanning document with ID ${documentId}`,
  );
}

/**
 * Machine-to-machine clients for tests of the Hawk feeds: the original's three (Activity
 * Stream, Data Flow, Redbox) as configuration, and a GET signed afresh each time.
 */
import { call, type TestContext } from "./app.ts";
import { hawkHeader } from "./hawk.ts";

export const ACTIVITY_STREAM = { id: "activity-stream-id", key: "activity-stream-key" };
export const DATA_FLOW = { id: "data-flow-id", key: "data-flow-key" };
export const REDBOX = { id: "redbox-id", key: "redbox-key" };

export const MACHINE_ENV = {
  ACTIVITY_STREAM_ACCESS_KEY_ID: ACTIVITY_STREAM.id,
  ACTIVITY_STREAM_SECRET_ACCESS_KEY: ACTIVITY_STREAM.key,
  DATA_FLOW_API_ACCESS_KEY_ID: DATA_FLOW.id,
  DATA_FLOW_API_SECRET_ACCESS_KEY: DATA_FLOW.key,
  REDBOX_ACCESS_KEY_ID: REDBOX.id,
  REDBOX_SECRET_ACCESS_KEY: REDBOX.key,
};

/** GET `target` (a path, or an absolute link from a previous page) signed as `client`. */
export async function signedGet(
  ctx: TestContext,
  client: { id: string; key: string },
  target: string,
  options: { nonce?: string; ts?: number; headers?: Record<string, string> } = {},
) {
  const path = target.startsWith("http") ? target.slice(new URL(target).origin.length) : target;
  const signed = await hawkHeader(client, {
    url: `http://testserver${path}`,
    ts: Math.floor(options.ts ?? ctx.deps.now().getTime() / 1000),
    nonce: options.nonce,
  });
  const res = await call(ctx.app, "GET", path, {
    headers: { ...options.headers, authorization: signed.header },
  });
  return { ...res, signed };
}

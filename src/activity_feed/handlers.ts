/**
 * The activity feed proxy, as the original's ActivityFeedView: JSON only (406 otherwise),
 * an empty answer unless the caller may view every activity model, else the Activity
 * Stream's answer (status, body and content type) unchanged.
 */
import type { Context } from "hono";
import type { App, AppEnv } from "../http/context.ts";
import { ApiError } from "../http/errors.ts";
import { hasPermission } from "../auth/caller.ts";
import { mediaType } from "../auth/hawk.ts";
import * as routes from "./routes.ts";
import { getWithBody, UpstreamUnavailable } from "./upstream.ts";

/** The models whose activities the feed shows (the original's list). */
const ACTIVITY_MODELS_PERMISSIONS_REQUIRED = [
  "company_referral.view_companyreferral",
  "interaction.view_all_interaction",
  "investment.view_all_investmentproject",
  "investor_profile.view_largecapitalinvestorprofile",
  "order.view_order",
];

async function proxyFeed(c: Context<AppEnv>): Promise<Response> {
  const contentType = c.req.header("content-type") ?? "";
  if (mediaType(contentType) !== "application/json") {
    return c.body("Please set Content-Type header value to application/json", 406, {
      "Content-Type": "text/html; charset=utf-8",
    });
  }
  const caller = c.var.caller;
  if (!ACTIVITY_MODELS_PERMISSIONS_REQUIRED.every((p) => hasPermission(caller, p))) {
    return c.json({ hits: { total: 0, hits: [] } }, 200);
  }
  const config = c.var.deps.config;
  const url = config.ACTIVITY_STREAM_OUTGOING_URL;
  const id = config.ACTIVITY_STREAM_OUTGOING_ACCESS_KEY_ID;
  const key = config.ACTIVITY_STREAM_OUTGOING_SECRET_ACCESS_KEY;
  // Not configured: the upstream cannot be reached, as when it is down (a 502, never a 500).
  if (!url || !id || !key) {
    c.var.deps.log.error("activity stream unavailable", { error: "not configured" });
    throw new ApiError(502, { detail: "The Activity Stream is not configured." });
  }
  const body = c.req.raw.body ? new Uint8Array(await c.req.arrayBuffer()) : new Uint8Array();
  try {
    const answer = await getWithBody({
      url,
      credential: { id, key },
      body,
      contentType,
      timeoutSeconds: config.DEFAULT_SERVICE_TIMEOUT,
      now: c.var.deps.now(),
    });
    const headers: Record<string, string> = {};
    if (answer.contentType) headers["Content-Type"] = answer.contentType;
    return new Response(answer.body, { status: answer.status, headers });
  } catch (error) {
    if (!(error instanceof UpstreamUnavailable)) throw error;
    c.var.deps.log.error("activity stream unavailable", { error: String(error.cause) });
    throw new ApiError(502, { detail: error.message });
  }
}

export function registerActivityFeedRoutes(app: App) {
  app.openapi(routes.getFeed, proxyFeed);
  app.openapi(routes.postFeed, proxyFeed);
}

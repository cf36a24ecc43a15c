/**
 * The who and when of a request's writes, with what every tracked write needs besides
 * (the domains' embeddings): one call per handler, so stamps, versions and the change
 * feed of one request all carry the same instant.
 */
import type { Context } from "hono";
import type { AppEnv } from "./context.ts";
import { callerId } from "../auth/caller.ts";
import type { WriteMeta } from "../core/tracking.ts";

export function writeMeta(c: Context<AppEnv>, comment?: string): WriteMeta {
  return {
    userId: callerId(c.var.caller),
    at: c.var.deps.now(),
    comment,
    embeddings: c.var.deps.contributions.embeddings,
  };
}

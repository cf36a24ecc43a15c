/**
 * The original's refusal of markup in export win bodies (its
 * validate_script_and_html_tags decorator), checked before anything else; apart from
 * rules.ts so the routes can use it without an import cycle.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/context.ts";

const DISALLOWED_ENTITIES = /&(lt|gt|amp|quot|apos);/i;
const CHARREF = /&#(x[0-9a-f]+|\d+);/i;

/** The original's contains_disallowed_content over the JSON body as sent. */
export function containsDisallowedContent(text: string): boolean {
  return text.includes("<") || text.includes(">") || DISALLOWED_ENTITIES.test(text) ||
    CHARREF.test(text);
}

/** 400 `{"error": ...}` for a body with markup, before the body is validated. */
export const rejectMarkup: MiddlewareHandler<AppEnv> = async (c, next) => {
  const raw = await c.req.text();
  if (containsDisallowedContent(raw)) {
    return c.json({ error: "Input contains disallowed HTML or script tags or symbols" }, 400);
  }
  await next();
};

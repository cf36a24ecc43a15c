/** HCSAT handlers: check, write, respond with the stored feedback. */
import type { App } from "../http/context.ts";
import { notFound } from "../http/errors.ts";
import * as routes from "./routes.ts";
import { checkCreate, checkUpdate } from "./rules.ts";
import * as q from "./queries.ts";

const MODEL = "CustomerSatisfactionToolFeedback";
const TEXT_FIELDS = new Set<string>(["other_issues_detail", "improvement_suggestion"]);

export function registerHcsatRoutes(app: App) {
  app.openapi(routes.createFeedback, async (c) => {
    const input = c.req.valid("json");
    checkCreate(input);
    const at = c.var.deps.now();
    const id = await q.insertFeedback(c.var.db, {
      url: input.url,
      was_useful: input.was_useful,
      created_on: at,
      modified_on: at,
    });
    const saved = await q.findFeedback(c.var.db, id);
    return c.json(saved!.json as routes.Feedback, 201);
  });

  app.openapi(routes.updateFeedback, async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    const db = c.var.db;
    const current = await q.findFeedback(db, id);
    if (!current) throw notFound(MODEL);
    checkUpdate(input, current);
    // url and was_useful are fixed once sent; null texts are stored blank (the columns are).
    const columns: Record<string, unknown> = { modified_on: c.var.deps.now() };
    for (const field of routes.DETAIL_FIELDS) {
      const value = input[field];
      if (value === undefined) continue;
      columns[field] = value === null && TEXT_FIELDS.has(field) ? "" : value;
    }
    await q.updateFeedback(db, id, columns);
    const saved = await q.findFeedback(db, id);
    return c.json(saved!.json as routes.Feedback, 200);
  });
}

/** Handlers of the company activity sources' own routes. */
import type { App, Handler } from "../http/context.ts";
import { notFound } from "../http/errors.ts";
import * as routes from "./routes.ts";
import * as q from "./queries.ts";

const stovaEventDetail: Handler<typeof routes.stovaEventDetail> = async (c) => {
  const event = await q.findStovaEvent(c.var.db, c.req.valid("param").id);
  if (!event) throw notFound("StovaEvent");
  return c.json(event, 200);
};

export function registerCompanyActivityRoutes(app: App) {
  app.openapi(routes.stovaEventDetail, stovaEventDetail);
}

/** Registers the `/v4/metadata/<id>` lists: parse the filters, run one query, send it. */
import type { App } from "../http/context.ts";
import { ValidationError } from "../http/errors.ts";
import { metadataEndpoints } from "./registry.ts";
import { listRoute } from "./routes.ts";
import { activeFilters, filterMessages } from "./filters.ts";
import { listMetadata } from "./queries.ts";

export function registerMetadataRoutes(app: App) {
  for (const endpoint of metadataEndpoints) {
    app.openapi(listRoute(endpoint), async (c) => {
      const query = c.req.valid("query");
      const list = await listMetadata(c.var.db, endpoint, activeFilters(endpoint.filters, query));
      if (list.unknownChoices.length) {
        throw new ValidationError(
          Object.fromEntries(list.unknownChoices.map((param) => [param, [filterMessages.choice]])),
        );
      }
      return c.body(list.json, 200, { "Content-Type": "application/json" });
    });
  }
}

/**
 * Registers the `/v4/metadata/<id>` lists: parse the filters, run one query, send it.
 * A list is kept in memory per filter set until reference data changes (the `metadata`
 * version, bumped by triggers on every table the lists read), with a strong ETag.
 */
import type { App } from "../http/context.ts";
import { ValidationError } from "../http/errors.ts";
import { respondText, watchedText } from "../http/cached.ts";
import type { CacheSource } from "../core/cache_version.ts";
import { metadataEndpoints } from "./registry.ts";
import { listRoute } from "./routes.ts";
import { activeFilters, filterMessages } from "./filters.ts";
import { listMetadata } from "./queries.ts";

/** Every table a list reads: its own, those of its nested keys and filters, services' questions. */
export const metadataCacheSources: CacheSource[] = [
  ...new Set([
    ...metadataEndpoints.flatMap((e) => [
      e.table,
      ...e.fields.flatMap((f) => "table" in f ? [f.table] : []),
      ...e.filters.flatMap((f) => "table" in f ? [f.table] : []),
    ]),
    "interaction_servicequestion",
    "interaction_serviceansweroption",
  ]),
].sort().map((table) => ({ table, cache: "metadata" }));

export function registerMetadataRoutes(app: App) {
  for (const endpoint of metadataEndpoints) {
    app.openapi(listRoute(endpoint), async (c) => {
      const query = c.req.valid("query");
      const filters = activeFilters(endpoint.filters, query);
      const key = `metadata:${endpoint.id}?${
        JSON.stringify(filters.map((f) => [f.filter.param, f.value]))
      }`;
      const text = await watchedText(c, "metadata", key, async () => {
        const list = await listMetadata(c.var.db, endpoint, filters);
        if (list.unknownChoices.length) {
          throw new ValidationError(
            Object.fromEntries(
              list.unknownChoices.map((param) => [param, [filterMessages.choice]]),
            ),
          );
        }
        return list.json;
      });
      return respondText(c, text);
    });
  }
}

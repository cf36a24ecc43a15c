/**
 * Picks the search backend from configuration (SEARCH_BACKEND, default postgres), once
 * per set of process dependencies, so handlers, the sync and the CLI share one.
 */
import type { Config } from "../config.ts";
import type { AppDeps } from "../deps.ts";
import type { SearchBackend } from "./backend.ts";
import { OpenSearchBackend } from "./opensearch.ts";
import { PostgresBackend } from "./postgres.ts";

export function createSearchBackend(
  config: Pick<Config, "SEARCH_BACKEND" | "OPENSEARCH_URL" | "OPENSEARCH_INDEX_PREFIX">,
  options: { fetch?: typeof fetch } = {},
): SearchBackend {
  if (config.SEARCH_BACKEND === "opensearch") {
    // Config validation guarantees the URL when the backend is opensearch.
    return new OpenSearchBackend({
      url: config.OPENSEARCH_URL!,
      indexPrefix: config.OPENSEARCH_INDEX_PREFIX,
      fetch: options.fetch ?? globalThis.fetch,
    });
  }
  return new PostgresBackend();
}

const backends = new WeakMap<AppDeps, SearchBackend>();

/** The backend for these dependencies (created on first use). */
export function searchBackend(deps: AppDeps): SearchBackend {
  let backend = backends.get(deps);
  if (!backend) {
    backend = createSearchBackend(deps.config, { fetch: deps.fetch });
    backends.set(deps, backend);
  }
  return backend;
}

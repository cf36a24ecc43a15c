/**
 * The OpenSearch backend (SEARCH_BACKEND=opensearch), over plain HTTP with the injected
 * `fetch` so tests can stand in for the cluster. Index lifecycle as the original
 * (search-and-jobs.md A10): `<prefix>-<app>-<mapping hash>` indices behind `-read` and
 * `-write` aliases, switched in one atomic `_aliases` call; bulk writes in chunks under
 * 10 MB; searches on the read aliases.
 *
 * Differences: a migration's resync runs inline (the caller's `resync`) instead of as a
 * queued job, and full rebuilds do not prune documents whose rows vanished (the
 * original only warns about them either).
 */
import { ApiError } from "../http/errors.ts";
import type { Db } from "../db/pool.ts";
import type { EntityQuery, SearchApp, SearchDocument } from "./app.ts";
import {
  type GlobalQuery,
  type GlobalResults,
  publicDocument,
  type ResyncFn,
  type SearchBackend,
  type SearchResults,
} from "./backend.ts";
import {
  DOCUMENT_TYPE,
  type Dsl,
  entitySearchBody,
  globalSearchBody,
  indexBody,
  indexNames,
  mappingHash,
} from "./opensearch_dsl.ts";

/** Bulk request bodies stay under this (OpenSearch's default limit is 100 MB; AWS 10 MB). */
export const MAX_BULK_BYTES = 10 * 1024 * 1024 - 64 * 1024;
const SEARCH_TIMEOUT_MS = 20_000;

export class OpenSearchError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = "OpenSearchError";
  }
}

/** Splits NDJSON action/source pairs into bodies under `maxBytes`. */
export function bulkBodies(lines: string[][], maxBytes = MAX_BULK_BYTES): string[] {
  const bodies: string[] = [];
  let current = "";
  let size = 0;
  const encoder = new TextEncoder();
  for (const entry of lines) {
    const chunk = entry.map((l) => `${l}\n`).join("");
    const bytes = encoder.encode(chunk).length;
    if (size && size + bytes > maxBytes) {
      bodies.push(current);
      current = "";
      size = 0;
    }
    current += chunk;
    size += bytes;
  }
  if (current) bodies.push(current);
  return bodies;
}

export interface OpenSearchOptions {
  url: string;
  indexPrefix: string;
  fetch: typeof fetch;
}

export class OpenSearchBackend implements SearchBackend {
  readonly kind = "opensearch" as const;
  constructor(private readonly options: OpenSearchOptions) {}

  private async request(
    method: string,
    path: string,
    body?: unknown,
    options: { ndjson?: boolean; allow404?: boolean; timeoutMs?: number } = {},
  ): Promise<Dsl | null> {
    const url = new URL(
      path,
      this.options.url.endsWith("/") ? this.options.url : `${this.options.url}/`,
    );
    let res: Response;
    try {
      res = await this.options.fetch(url, {
        method,
        headers: body === undefined
          ? {}
          : { "content-type": options.ndjson ? "application/x-ndjson" : "application/json" },
        body: body === undefined ? undefined : options.ndjson ? String(body) : JSON.stringify(body),
        signal: options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined,
      });
    } catch (error) {
      // As the original: an unreachable cluster is a bad gateway, not a server error.
      throw new ApiError(502, { detail: `Search is unavailable: ${(error as Error).message}` });
    }
    const text = await res.text();
    if (res.status === 404 && options.allow404) return null;
    if (!res.ok) throw new OpenSearchError(res.status, `${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : {};
  }

  /** Indices behind an alias (empty when the alias does not exist). */
  private async aliasIndices(alias: string): Promise<string[]> {
    const found = await this.request("GET", `_alias/${alias}`, undefined, { allow404: true });
    return found ? Object.keys(found) : [];
  }

  async migrate(_db: Db, apps: SearchApp[], options: { resync?: ResyncFn } = {}) {
    const report: string[] = [];
    for (const app of apps) {
      const names = indexNames(this.options.indexPrefix, app);
      const target = `${names.prefix}${await mappingHash(app)}`;
      const [write] = await this.aliasIndices(names.write);
      if (!write) {
        await this.request("PUT", target, indexBody(app, [names.read, names.write]));
        const count = await options.resync?.(app);
        report.push(
          `${app.name}: created ${target}${count === undefined ? "" : `, ${count} indexed`}`,
        );
        continue;
      }
      const read = await this.aliasIndices(names.read);
      if (!read.length) await this.updateAliases([{ add: { index: write, alias: names.read } }]);
      if (write !== target) {
        if (read.length && !read.includes(write)) {
          throw new Error(`${app.name}: write index ${write} is not in the read alias`);
        }
        await this.request("PUT", target, indexBody(app));
        await this.updateAliases([
          { add: { index: target, alias: names.read } },
          { add: { index: target, alias: names.write } },
          { remove: { index: write, alias: names.write } },
        ]);
        report.push(`${app.name}: migrating ${write} → ${target}`);
      }
      const readNow = await this.aliasIndices(names.read);
      if (readNow.length > 1) {
        const count = await options.resync?.(app);
        const old = readNow.filter((i) => i !== target);
        await this.updateAliases(old.map((index) => ({ remove: { index, alias: names.read } })));
        for (const index of old) await this.request("DELETE", index, undefined, { allow404: true });
        report.push(
          `${app.name}: migrated to ${target} (${count ?? 0} indexed, ${old.length} old removed)`,
        );
      } else if (write === target) {
        report.push(`${app.name}: ${target} up to date`);
      }
    }
    return report;
  }

  private async updateAliases(actions: Dsl[]) {
    await this.request("POST", "_aliases", { actions });
  }

  async write(_db: Db, app: SearchApp, upserts: SearchDocument[], deletes: string[]) {
    const { write } = indexNames(this.options.indexPrefix, app);
    const lines = [
      ...upserts.map((doc) => [
        JSON.stringify({ index: { _index: write, _id: doc.id } }),
        JSON.stringify({ ...doc, [DOCUMENT_TYPE]: app.name }),
      ]),
      ...deletes.map((id) => [JSON.stringify({ delete: { _index: write, _id: id } })]),
    ];
    for (const body of bulkBodies(lines)) {
      const result = await this.request("POST", "_bulk", body, { ndjson: true });
      if (!result?.errors) continue;
      const failed = (result.items as Dsl[])
        .map((item) => Object.values(item)[0] as Dsl)
        .filter((r) => r.error && !(r.status === 404));
      if (failed.length) {
        throw new OpenSearchError(
          500,
          `bulk write to ${write}: ${failed.length} failed, first ${JSON.stringify(failed[0])}`,
        );
      }
    }
  }

  prune(): Promise<void> {
    return Promise.resolve();
  }

  private async runSearch(aliases: string[], body: Dsl): Promise<Dsl> {
    return (await this.request("POST", `${aliases.join(",")}/_search`, body, {
      timeoutMs: SEARCH_TIMEOUT_MS,
    }))!;
  }

  async search(_db: Db, query: EntityQuery): Promise<SearchResults> {
    const { read } = indexNames(this.options.indexPrefix, query.app);
    const result = await this.runSearch([read], entitySearchBody(query));
    return {
      count: result.hits.total.value,
      results: (result.hits.hits as Dsl[]).map((h) => publicDocument(query.app, h._source)),
    };
  }

  async sum(_db: Db, query: EntityQuery, field: string): Promise<number> {
    const { read } = indexNames(this.options.indexPrefix, query.app);
    const body = {
      ...entitySearchBody({ ...query, offset: 0, limit: 0 }),
      aggs: { total: { sum: { field } } },
    };
    const result = await this.runSearch([read], body);
    return Number(result.aggregations.total.value ?? 0);
  }

  async exportIds(_db: Db, query: EntityQuery, max: number): Promise<string[]> {
    const { read } = indexNames(this.options.indexPrefix, query.app);
    const body = { ...entitySearchBody({ ...query, offset: 0, limit: max }), _source: false };
    const result = await this.runSearch([read], body);
    return (result.hits.hits as Dsl[]).map((h) => String(h._id));
  }

  async globalSearch(_db: Db, query: GlobalQuery): Promise<GlobalResults> {
    const aliases = query.apps.map((a) => indexNames(this.options.indexPrefix, a).read);
    const result = await this.runSearch(aliases, globalSearchBody(query));
    return {
      count: result.hits.total.value,
      results: (result.hits.hits as Dsl[]).map((h) => h._source),
      aggregations: (result.aggregations.count_by_type.buckets as Dsl[]).map((b) => ({
        count: b.doc_count,
        entity: b.key,
      })),
    };
  }

  async refresh(apps: SearchApp[]) {
    const aliases = apps.map((a) => indexNames(this.options.indexPrefix, a).read);
    await this.request("POST", `${aliases.join(",")}/_refresh`);
  }
}

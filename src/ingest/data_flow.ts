/**
 * The Data Flow bucket (`data-flow-bucket-<ENVIRONMENT>`, default AWS credentials), where
 * other DBT services leave the files Data Hub ingests (Stova events, Expand Your Business
 * leads), and the record of the objects already ingested (the original's datahub/ingest
 * and its IngestedObject), so each domain's ingestion job only parses its own records.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { z } from "zod";
import type { Config } from "../config.ts";
import type { Db, TransactionSql } from "../db/pool.ts";
import type { AppDeps } from "../deps.ts";
import { awsSdk, s3Client } from "../documents/storage.ts";
import { defineJob } from "../jobs/definition.ts";

export interface DataFlowObject {
  key: string;
  lastModified: Date;
}

export interface DataFlowBucket {
  readonly name: string;
  /**
   * The most recently modified object under `prefix`, if any; of two modified in the same
   * second (S3's resolution), the later key (Data Flow's keys carry their date).
   */
  newest(prefix: string): Promise<DataFlowObject | null>;
  /** The object under `prefix` whose key sorts last, if any. */
  lastKey(prefix: string): Promise<string | null>;
  /** The object's non-blank lines (gunzipped when its key ends in `.gz`). */
  lines(key: string): Promise<{ lines: string[]; lastModified: Date }>;
  close(): void;
}

/** The bucket, or null when none is configured (no ENVIRONMENT and no local S3). */
export async function openDataFlowBucket(
  config: Pick<
    Config,
    | "ENVIRONMENT"
    | "S3_LOCAL_ENDPOINT_URL"
    | "AWS_DEFAULT_REGION"
    | "AWS_ACCESS_KEY_ID"
    | "AWS_SECRET_ACCESS_KEY"
  >,
): Promise<DataFlowBucket | null> {
  if (!config.ENVIRONMENT && !config.S3_LOCAL_ENDPOINT_URL) return null;
  const client = await s3Client(config, {
    region: config.AWS_DEFAULT_REGION,
    accessKeyId: config.AWS_ACCESS_KEY_ID,
    secretAccessKey: config.AWS_SECRET_ACCESS_KEY,
  });
  return bucketOf(client, `data-flow-bucket-${config.ENVIRONMENT ?? ""}`);
}

function bucketOf(client: S3Client, name: string): DataFlowBucket {
  const list = async (prefix: string) => {
    const [{ ListObjectsV2Command }] = await awsSdk();
    const objects: DataFlowObject[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: name, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key) {
          objects.push({ key: object.Key, lastModified: object.LastModified ?? new Date(0) });
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return objects;
  };
  return {
    name,
    async newest(prefix) {
      let newest: DataFlowObject | null = null;
      for (const object of await list(prefix)) {
        if (!newest || newer(object, newest)) newest = object;
      }
      return newest;
    },
    async lastKey(prefix) {
      let last: string | null = null;
      for (const { key } of await list(prefix)) if (last === null || key > last) last = key;
      return last;
    },
    async lines(key) {
      const [{ GetObjectCommand }] = await awsSdk();
      const object = await client.send(new GetObjectCommand({ Bucket: name, Key: key }));
      let stream = (object.Body?.transformToWebStream() ??
        new Blob([]).stream()) as ReadableStream<Uint8Array>;
      if (key.endsWith(".gz")) {
        stream = stream.pipeThrough(new DecompressionStream("gzip") as never);
      }
      const text = await new Response(stream).text();
      return {
        lines: text.split("\n").filter((line) => line.trim()),
        lastModified: object.LastModified ?? new Date(),
      };
    },
    close: () => client.destroy(),
  };
}

const newer = (a: DataFlowObject, b: DataFlowObject) =>
  a.lastModified.getTime() > b.lastModified.getTime() ||
  (a.lastModified.getTime() === b.lastModified.getTime() && a.key > b.key);

/** Whether the object was ingested already. */
export async function objectIngested(db: Db, key: string): Promise<boolean> {
  return (await db`select 1 from ingest_ingestedobject where object_key = ${key} limit 1`)
    .length > 0;
}

/** When the newest object ingested under `prefix` was created (null: none yet). */
export async function lastIngestion(db: Db, prefix: string): Promise<Date | null> {
  const [row] = await db<{ at: Date | null }[]>`select max(object_created) as at
    from ingest_ingestedobject where object_key ilike ${"%" + prefix + "%"}`;
  return row?.at ?? null;
}

/** Records the object as ingested (in the ingestion's transaction). */
export async function recordIngestion(db: Db, key: string, objectCreated: Date, at: Date) {
  await db`insert into ingest_ingestedobject (object_key, object_created, created)
    values (${key}, ${objectCreated}, ${at})`;
}

/**
 * One Data Flow source ingested as the original's BaseObjectIdentificationTask and
 * BaseObjectIngestionTask: identification queues the ingestion of the prefix's newest
 * object unless it was ingested; the ingestion parses its JSON lines and hands them to
 * `ingest` in one transaction (one ingestion of an object at a time), which records the
 * object as ingested once `ingest` returns. Without a bucket configured both only log.
 */
export interface DataFlowSource {
  /** The jobs' names: `<name>_identification_task` and `<name>_ingestion_task`. */
  name: string;
  /** What the log lines call it, e.g. "stova attendee". */
  label: string;
  prefix: string;
  /** The newest object is the one whose key sorts last (default: last modified). */
  newestByKey?: boolean;
  timeoutMs?: number;
  ingest(
    deps: AppDeps,
    tx: TransactionSql,
    records: Record<string, unknown>[],
    key: string,
  ): Promise<Record<string, unknown>>;
}

export function dataFlowJobs(source: DataFlowSource) {
  const { label, prefix } = source;
  const ingestion = defineJob({
    name: `${source.name}_ingestion_task`,
    payload: z.object({ object_key: z.string() }),
    queue: "long-running",
    timeoutMs: source.timeoutMs ?? 1_800_000,
    run: async ({ object_key: key }, { deps }) => {
      const bucket = await openDataFlowBucket(deps.config);
      if (!bucket) return deps.log.info(`${label} ingestion skipped: no Data Flow bucket`);
      try {
        deps.log.info(`${label} ingestion task started`, { object_key: key });
        const { lines, lastModified } = await bucket.lines(key);
        const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
        await deps.sql.begin(async (tx) => {
          await tx`select pg_advisory_xact_lock(hashtext(${"data-flow:" + key}))`;
          if (await objectIngested(tx, key)) return;
          const result = await source.ingest(deps, tx, records, key);
          await recordIngestion(tx, key, lastModified, deps.now());
          deps.log.info(`${label} ingestion task finished`, { object_key: key, ...result });
        });
      } finally {
        bucket.close();
      }
    },
  });
  const identification = defineJob({
    name: `${source.name}_identification_task`,
    payload: z.object({}),
    run: async (_payload, { deps }) => {
      const bucket = await openDataFlowBucket(deps.config);
      if (!bucket) return deps.log.info(`${label} identification skipped: no Data Flow bucket`);
      try {
        const key = source.newestByKey
          ? await bucket.lastKey(prefix)
          : (await bucket.newest(prefix))?.key;
        if (!key) return deps.log.info(`no ${label} files found`);
        if (await objectIngested(deps.sql, key)) {
          return deps.log.info(`${label} file already ingested`, { object_key: key });
        }
        await deps.jobs.enqueue(ingestion, { object_key: key });
        deps.log.info(`${label} file queued for ingestion`, { object_key: key });
      } finally {
        bucket.close();
      }
    },
  });
  return { identification, ingestion };
}

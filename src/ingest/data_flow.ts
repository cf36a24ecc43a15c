/**
 * The Data Flow bucket (`data-flow-bucket-<ENVIRONMENT>`, default AWS credentials), where
 * other DBT services leave the files Data Hub ingests (Stova events, Expand Your Business
 * leads), and the record of the objects already ingested (the original's datahub/ingest
 * and its IngestedObject), so each domain's ingestion job only parses its own records.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { Config } from "../config.ts";
import type { Db } from "../db/pool.ts";
import { awsSdk, s3Client } from "../documents/storage.ts";

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
  return {
    name,
    async newest(prefix) {
      const [{ ListObjectsV2Command }] = await awsSdk();
      let newest: DataFlowObject | null = null;
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: name, Prefix: prefix, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? []) {
          const at = object.LastModified ?? new Date(0);
          if (object.Key && (!newest || newer({ key: object.Key, lastModified: at }, newest))) {
            newest = { key: object.Key, lastModified: at };
          }
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return newest;
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
